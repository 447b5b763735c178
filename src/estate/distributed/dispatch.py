"""Sending work to workers, and the reconciler: shards whose worker died go back to pending
and are sent again, shards nobody sent a message for are sent, runs whose last worker died
are closed. Every function does I/O (store, broker)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from estate.distributed.app import QUEUE, TASK_GROUP, TASK_SHARD
from estate.engine.plan import schedule
from estate.engine.shardwork import account_of, weight
from estate.store.database import Database
from estate.store.figures import finalize_run
from estate.store.workers import (
    forget_sent,
    mark_sent,
    orphaned_shards,
    release_orphan,
    sent_before,
    unsent_shards,
)

log = logging.getLogger(__name__)

STALE_BEATS = 5  # a worker silent for this many heartbeats is taken for dead


class Dispatcher(Protocol):
    def send_shard(self, run_id: int, shard_id: int) -> None: ...

    def send_group(self, job_id: int, grp: str) -> None: ...

    def waiting(self) -> int | None:
        """Messages in the queue that no worker took yet; None when the broker cannot say."""
        ...


class CeleryDispatcher:
    """Messages through a Celery app's broker: one per shard, one per job group."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def send_shard(self, run_id: int, shard_id: int) -> None:
        self.app.send_task(TASK_SHARD, args=[run_id, shard_id], queue=QUEUE)

    def send_group(self, job_id: int, grp: str) -> None:
        self.app.send_task(TASK_GROUP, args=[job_id, grp], queue=QUEUE)

    def waiting(self) -> int | None:
        try:
            with self.app.connection_for_write() as conn:
                declared = conn.default_channel.queue_declare(
                    queue=QUEUE, durable=True, auto_delete=False
                )
                return int(declared.message_count)
        except Exception as exc:  # a broker that cannot count: resend nothing on a guess
            log.debug("cannot count the queue's messages: %s", exc)
            return None


def send_unsent(
    db: Database, dispatcher: Dispatcher, run_id: int, account: str | None = None
) -> int:
    """Send a message for each pending shard of the run that has none yet, heaviest first and
    accounts interleaved; then mark them sent. A crash in between sends some twice, which a
    shard's claim makes harmless; marking first could lose them."""
    shards = schedule(unsent_shards(db, run_id, account), account_of, weight)
    for shard in shards:
        dispatcher.send_shard(run_id, shard.id)
    mark_sent(db, [s.id for s in shards])
    return len(shards)


@dataclass(frozen=True)
class Reconciled:
    released: int = 0  # running shards of dead workers, back to pending
    lost: int = 0  # pending shards whose message left the queue but reached no claim
    sent: int = 0  # messages sent for pending shards that had none
    closed: tuple[int, ...] = ()  # runs this call finished


def reconcile(
    db: Database, dispatcher: Dispatcher, run_ids: Sequence[int], stale_after: float
) -> Reconciled:
    """Repair what dead workers left behind in these runs. Safe to run from many processes
    at once: each orphan is released by one of them."""
    released = 0
    for orphan in orphaned_shards(db, run_ids, stale_after):
        if release_orphan(db, orphan):
            silent = f"{orphan.silent_for:.1f} s" if orphan.silent_for is not None else "ever"
            log.warning(
                "run %d: shard %s was running under %s, silent for %s; sending it again",
                orphan.run_id,
                orphan.key,
                orphan.owner,
                silent,
            )
            released += 1
    lost = 0
    # A worker that died between taking a message and claiming its shard leaves the shard
    # pending with no message: once the queue is empty, a shard pending since long before
    # was not waiting in it.
    if sent_before(db, run_ids, stale_after) and dispatcher.waiting() == 0:
        lost = forget_sent(db, run_ids, stale_after)
        log.warning("%d pending shards lost their messages; sending them again", lost)
    sent = sum(send_unsent(db, dispatcher, run_id) for run_id in run_ids)
    closed = tuple(run_id for run_id in run_ids if finalize_run(db, run_id) is not None)
    return Reconciled(released, lost, sent, closed)
