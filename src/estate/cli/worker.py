"""`estate worker`: a Celery worker that runs shards (and job groups) of any run in the store."""

from __future__ import annotations

import logging
import socket
from typing import Annotated, Any

import typer

from estate.cli.options import (
    ConfigOpt,
    LogConfigOpt,
    ProfileOpt,
    VerboseOpt,
    make_limiter,
    open_store,
    prepare,
    session_factory,
)
from estate.errors import ConfigError, Interrupted

log = logging.getLogger(__name__)


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", "-n", min=1, max=1024, help="Threads (default: the config's)."
        ),
    ] = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    verbose: VerboseOpt = 0,
    log_config: LogConfigOpt = None,
) -> None:
    """Run the shards and job groups sent by `estate collect`, `tag`, `s3 copy` and `resume`
    (executor: celery), until stopped (Ctrl-C, SIGTERM: the work in hand is finished first)."""
    cfg = prepare(config, verbose, log_config)
    if cfg.executor != "celery":
        raise ConfigError(
            f"{config or 'estate.yaml'}: executor: estate worker needs executor: celery "
            "(and broker_url)"
        )
    from estate.distributed.app import make_app, register_tasks
    from estate.distributed.dispatch import CeleryDispatcher
    from estate.distributed.worker import WorkerRuntime

    threads = concurrency or cfg.concurrency
    db = open_store(cfg)
    limiter = make_limiter(cfg)  # one per process: every run's sessions share it
    app = make_app(cfg)
    runtime = WorkerRuntime(
        cfg,
        db,
        CeleryDispatcher(app),
        lambda: session_factory(cfg, profile, limiter),
        concurrency=threads,
    )
    register_tasks(app, runtime)
    celery_worker = _stopping_on_ctrl_c(app.Worker)(
        pool="threads",
        concurrency=threads,
        hostname=f"estate-{runtime.id.split(':')[1]}@{socket.gethostname()}",
        loglevel="INFO" if verbose else "WARNING",
        quiet=not verbose,
        without_heartbeat=True,  # liveness is the store's heartbeat, not Celery's events
        without_gossip=True,
        without_mingle=True,
    )
    runtime.start()
    try:
        celery_worker.start()
    finally:
        runtime.stop()
        db.close()
    if celery_worker.interrupted:
        done = runtime.finished
        raise Interrupted(
            f"worker {runtime.id} finished {done['shards']} shards and {done['job groups']} "
            "job groups and holds no claim; the messages it had not begun go back to the queue",
            ("worker",),
        )
    raise typer.Exit(celery_worker.exitcode or 0)


def _stopping_on_ctrl_c(worker_class: Any) -> Any:
    """Celery's worker class with one quiet Ctrl-C: the first asks for a warm shutdown (the
    tasks in hand end, their work is saved); later ones wait for that, without Celery's lines
    on stdout or a cold shutdown that would leave claimed work to the reconcilers."""
    from celery import platforms
    from celery.worker import state

    class Worker(worker_class):  # type: ignore[misc, valid-type]
        interrupted = False

        def install_platform_tweaks(self, worker: Any) -> None:
            super().install_platform_tweaks(worker)

            def interrupted(signum: int, frame: Any) -> None:
                if not self.interrupted:
                    log.info("worker: Ctrl-C: ending the tasks in hand, then stopping")
                self.interrupted = True
                state.should_stop = 0  # a warm shutdown; exit status 130 comes from us

            platforms.signals["SIGINT"] = interrupted

    return Worker
