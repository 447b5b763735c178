"""The Celery app of a config. Messages are JSON and name plain data only (ids), results are
never stored: progress and fan-in live in the store. Imports Celery; does no I/O by itself."""

from __future__ import annotations

from typing import Any, Protocol

from estate.config import Config
from estate.errors import ConfigError

TASK_SHARD = "estate.collect_shard"  # args: run id, shard id
TASK_GROUP = "estate.run_job_group"  # args: job id, group
QUEUE = "estate"


def make_app(config: Config) -> Any:
    """A Celery app for the config's broker, with the settings at-least-once delivery needs:
    a message is acknowledged only once its task returned (acks_late), and is redelivered
    when its worker dies (reject_on_worker_lost); a worker takes one message per thread."""
    try:
        from celery import Celery
    except ImportError as exc:
        raise ConfigError(
            "executor: celery needs estate's distributed extra "
            f"(pip install 'estate[distributed]'): {exc.name or exc} is not installed"
        ) from None
    if not config.broker_url:
        raise ConfigError("broker_url: required with executor: celery")
    app = Celery("estate", set_as_current=False)
    app.conf.update(
        broker_url=config.broker_url,
        broker_transport_options=dict(config.broker_options),
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_default_queue=QUEUE,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        enable_utc=True,
    )
    return app


class Runtime(Protocol):
    def collect_shard(self, run_id: int, shard_id: int) -> Any: ...

    def run_job_group(self, job_id: int, grp: str) -> Any: ...


def register_tasks(app: Any, runtime: Runtime) -> None:
    """The worker's tasks: thin, all they do is in the runtime (worker.py)."""

    @app.task(name=TASK_SHARD, shared=False)  # bound to this runtime, not every app
    def collect_shard(run_id: int, shard_id: int) -> None:
        runtime.collect_shard(int(run_id), int(shard_id))

    @app.task(name=TASK_GROUP, shared=False)
    def run_job_group(job_id: int, grp: str) -> None:
        runtime.run_job_group(int(job_id), str(grp))
