"""`estate jobs` and `estate resume`: jobs of every kind and their progress."""

from __future__ import annotations

from typing import Annotated

import typer

from estate.cli.options import (
    ConfigOpt,
    Format,
    FormatOpt,
    LogConfigOpt,
    ProfileOpt,
    VerboseOpt,
    open_store,
    prepare,
    session_factory,
)
from estate.cli.render import render
from estate.cli.render import stderr as render_stderr
from estate.cli.render import stdout as render_stdout
from estate.errors import InputError

JOB_COLUMNS = (
    "job", "kind", "status", "title", "created_at", "duration_s", "resumes",
    "done", "skipped", "failed", "pending", "running", "total", "error",
)  # fmt: skip
JOB_TABLE = {
    "job": "job", "kind": "kind", "status": "status", "title": "what", "created_at": "created",
    "done": "done", "skipped": "skipped", "failed": "failed", "pending": "pending",
    "duration_s": "secs", "resumes": "resumed",
}  # fmt: skip


def jobs(
    limit: Annotated[int, typer.Option(min=1, help="The newest N jobs.")] = 20,
    fmt: FormatOpt = Format.table,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Jobs (tag changes, copies) with their progress: done / skipped / failed / pending."""
    from estate.store.jobs import load_jobs

    cfg = prepare(config, verbose, log_config)
    records = [j.record() for j in load_jobs(open_store(cfg), limit)]
    if not records:
        render_stderr().print(
            "no jobs yet: estate tag --apply and estate s3 copy --apply start one"
        )
    if fmt == Format.table:
        rows = []
        for r in records:
            # items a killed process left running are still to do
            r = {**r, "pending": r["pending"] + r["running"]}
            if r["created_at"]:
                r["created_at"] = r["created_at"][:19].replace("T", " ")
            rows.append({JOB_TABLE[k]: v for k, v in r.items() if k in JOB_TABLE})
        render(render_stdout(), rows, fmt, list(JOB_TABLE.values()))
        return
    render(render_stdout(), records, fmt, JOB_COLUMNS)


def resume(
    job: Annotated[str, typer.Argument(metavar="JOB", help="A job id, or 'last'.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Continue a job after a crash or Ctrl-C: finished items are not sent again."""
    from estate.actions.jobs import JobContext, runner
    from estate.store.jobs import load_job

    cfg = prepare(config, verbose, log_config)
    db = open_store(cfg)
    row = load_job(db, job)
    if row.status == "ok":
        raise InputError(f"job {row.id} is already complete ({row.title})")
    fn = runner(row.kind)
    factory = session_factory(cfg, profile)
    factory.caller_account()  # an unreachable AWS is one line now, not a failure per item
    ctx = JobContext(
        config=cfg,
        db=db,
        factory=factory,
        out=render_stdout(),
        err=render_stderr(),
        options={"yes": yes},
    )
    raise typer.Exit(fn(ctx, row))
