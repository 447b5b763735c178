"""What a copy shows: progress lines without a terminal, a bar with one, and the summary."""

from __future__ import annotations

import io
from pathlib import Path

from estate.cli.render import make_console
from estate.s3copy.progress import CopyProgress, human_bytes, print_copy_summary
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import NewItem


def feed(progress: CopyProgress) -> None:
    progress.listener("listing", {"objects": 10, "bytes": 3 * 1024**2, "skipped": 2})
    progress.listener("totals", {"objects": 8, "bytes": 800})
    for i in range(8):
        progress.listener("bytes", 100)
        failed = i == 3
        progress.listener(
            "object",
            {
                "key": f"k{i}",
                "status": "failed" if failed else "done",
                "error": "boom" if failed else None,
            },
        )


def test_without_a_terminal_progress_is_plain_lines() -> None:
    out = io.StringIO()
    with CopyProgress(make_console(file=out, width=200), every=0) as progress:
        feed(progress)
    text = out.getvalue()
    assert "listing: 10 objects, 3.0 MiB; 2 already at the destination" in text
    assert "copy: 8 objects, 800 B to copy" in text
    assert "failed k3: boom" in text
    assert text.rstrip().splitlines()[-1].startswith("copy: 8/8 objects, 800 B/800 B, 1 failed")


def test_on_a_terminal_progress_is_a_bar_with_objects_bytes_rate_and_eta() -> None:
    out = io.StringIO()
    with CopyProgress(make_console(file=out, width=160, force_terminal=True)) as progress:
        feed(progress)
    text = out.getvalue()
    assert "listed: 10 objects" in text
    assert "8/8 objects, 1 failed" in text and "800/800 bytes" in text and "obj/s" in text


def test_the_summary_lists_failures_and_how_to_continue(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/e.db")
    spec = {"source": {"bucket": "a", "prefix": "", "role_arn": None},
            "destination": {"bucket": "b", "prefix": "", "role_arn": None}}  # fmt: skip
    items = [NewItem("ok", "g", {}), NewItem("denied", "g", {})]
    job_id = store_jobs.create_job(db, "s3copy", "t", spec, items)
    ok, denied = store_jobs.load_items(db, job_id)
    store_jobs.mark_items(db, [ok.id], "done")
    store_jobs.mark_items(
        db,
        [denied.id],
        "failed",
        error="AccessDenied: … with: estate s3 grant s3://a --to-account 2",
    )
    figures = {"objects": 2, "copied": 1, "failed": 1, "bytes_copied": 2048, "seconds": 1.5}
    job = store_jobs.finish_job(db, job_id, figures)
    out = io.StringIO()
    print_copy_summary(make_console(file=out, width=300), db, job)
    text = out.getvalue()
    assert f"job {job_id}: partial in 1.5 s — 2 objects: 1 copied (2.0 KiB" in text
    assert "failed denied: AccessDenied" in text
    assert "see estate s3 grant" in text
    assert f"Continue with: estate resume {job_id}" in text
    assert human_bytes(0) == "0 B" and human_bytes(5 * 1024**4) == "5.0 TiB"
