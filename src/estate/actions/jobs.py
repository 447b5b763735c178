"""What every kind of job shares: the context it runs in, and how `estate resume` finds the
code that continues a job of a given kind.

A job kind is a function `resume(ctx, job) -> exit code` that runs (or continues) a planned
job from its items in the store. Kinds are named by import path so that listing jobs does not
import every kind's dependencies.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from estate.aws.sessions import SessionFactory
from estate.config import Config
from estate.errors import InputError
from estate.store.database import Database
from estate.store.jobs import JobRow

RUNNERS: dict[str, str] = {
    "tag": "estate.actions.tag:resume_job",
    "s3copy": "estate.s3copy.copier:resume_job",
    "s3grant": "estate.s3copy.grant:resume_job",
}


@dataclass
class JobContext:
    """What a running job may use: all I/O goes through these."""

    config: Config
    db: Database
    factory: SessionFactory
    out: Console  # results and the summary
    err: Console  # progress
    options: dict[str, Any] | None = None  # per-invocation knobs (e.g. concurrency)


Runner = Callable[[JobContext, JobRow], int]


def runner(kind: str) -> Runner:
    target = RUNNERS.get(kind)
    if target is None:
        raise InputError(f"job kind {kind!r} cannot be resumed by this version of estate")
    module, _, name = target.partition(":")
    fn: Runner = getattr(importlib.import_module(module), name)
    return fn
