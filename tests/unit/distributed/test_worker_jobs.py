"""Jobs on workers without a broker: group messages kept in a list and handed to worker
runtimes by the test (or by the follower's sleep), against a PostgreSQL store. The fan-in,
duplicates, a dead worker's group, the figures, Ctrl-C while following, and a job taken back
by a local run."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import update

from estate.actions.jobs import JobContext, KindBase, run_job
from estate.aws.sessions import AwsSettings, SessionFactory
from estate.config import Config
from estate.distributed.jobs import RemoteJob, reconcile_jobs, send_unsent_groups
from estate.distributed.worker import WorkerRuntime
from estate.errors import Interrupted
from estate.store import jobgroups
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import JobRow, NewItem
from estate.store.schema import job_groups, workers
from estate.store.timeutil import utcnow
from tests.support import estate_program
from tests.unit.distributed.test_worker import Messages

GROUPS = ("a/eu-west-1/ec2", "b/eu-west-1/ec2", "c/us-east-1/sqs")


class Stamp(KindBase):
    """A job kind defined here: marks its group's items done, or fails group 'bad/...';
    counts what it sent as figures, and records when its job finished."""

    name = "stamp"

    def __init__(self) -> None:
        self.groups: list[str] = []
        self.sent = 0
        self.finished_jobs: list[str] = []
        self._lock = threading.Lock()

    def run_group(self, ctx: JobContext, job: JobRow, grp: str, report: Any) -> None:
        with self._lock:
            self.groups.append(grp)
        items = store_jobs.load_items(ctx.db, job.id, grp=grp, status="pending")
        store_jobs.mark_items(ctx.db, [items[0].id], "done")
        with self._lock:
            self.sent += 1
        if grp.startswith("bad/"):
            raise RuntimeError("AccessDenied")
        store_jobs.mark_items(ctx.db, [i.id for i in items[1:]], "done")
        with self._lock:
            self.sent += len(items) - 1

    def figures(self, ctx: JobContext, job: JobRow) -> dict[str, Any]:
        with self._lock:
            return {"sent": int(job.figures.get("sent", 0)) + self.sent, "calls": {"Stamp": 1}}

    def finished(self, ctx: JobContext, job: JobRow) -> None:
        self.finished_jobs.append(job.status)


@pytest.fixture
def config(pg_url: str) -> Config:
    return Config.model_validate(
        {
            "store": pg_url,
            "executor": "celery",
            "broker_url": "redis://127.0.0.1:1/0",  # never used: messages stay in a list
            "rate_limit_url": None,
            "accounts": [{"id": "111111111111"}],
            "heartbeat": 60,
        }
    )


@pytest.fixture
def db(config: Config) -> Iterator[Database]:
    database = Database(config.store)
    yield database
    database.close()


def factory() -> SessionFactory:
    return SessionFactory(AwsSettings())


def runtimes_for(
    config: Config, db: Database, messages: Messages, kinds: Sequence[Stamp]
) -> list[WorkerRuntime]:
    """One runtime per kind instance: each worker makes its own kind for a job."""
    made = []
    for n, kind in enumerate(kinds):
        opener: Callable[[JobContext, JobRow], Any] = lambda ctx, job, k=kind: k  # noqa: E731
        made.append(WorkerRuntime(config, db, messages, factory, worker_id=f"w{n}", kinds=opener))
    return made


def ctx_for(config: Config, db: Database, messages: Messages) -> JobContext:
    quiet = Console(quiet=True)
    return JobContext(config, db, factory(), quiet, quiet, dispatcher=messages)


def new_job(db: Database, grps: Sequence[str] = GROUPS, per_group: int = 3) -> JobRow:
    items = [NewItem(f"{g}#{i}", g, {}) for g in grps for i in range(per_group)]
    job_id = store_jobs.create_job(db, "stamp", "stamp things", {}, items)
    return store_jobs.load_job(db, job_id)


class Eager(Messages):
    """A dispatcher that hands each group to the next worker as it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.runtimes: list[WorkerRuntime] = []
        self.sent = 0

    def send_group(self, job_id: int, grp: str) -> None:
        self.runtimes[self.sent % len(self.runtimes)].run_job_group(job_id, grp)
        self.sent += 1


def test_a_job_runs_on_two_workers_and_the_last_group_closes_it(
    config: Config, db: Database
) -> None:
    messages = Eager()
    kinds = [Stamp(), Stamp()]
    messages.runtimes = runtimes_for(config, db, messages, kinds)
    job = new_job(db, (*GROUPS, "bad/eu-west-1/ec2"))
    events: list[tuple[str, Any]] = []
    ctx = ctx_for(config, db, messages)
    here = Stamp()  # this process's kind: it runs no group

    finished = run_job(ctx, job, here, report=lambda e, d: events.append((e, d)))

    assert finished.status == "partial"  # the bad group's last two items failed
    assert finished.counts == {"done": 10, "failed": 2}
    assert here.groups == []
    assert sorted(kinds[0].groups + kinds[1].groups) == sorted((*GROUPS, "bad/eu-west-1/ec2"))
    assert kinds[0].groups and kinds[1].groups  # both workers took part
    assert kinds[0].finished_jobs + kinds[1].finished_jobs == ["partial"]  # closed once
    assert finished.figures["sent"] == 10  # both workers' figures added up
    assert finished.figures["calls"] == {"Stamp": 2}
    assert finished.state["executor"] == "celery"
    remote_events = [d for e, d in events if e == "remote"]
    assert remote_events[-1]["done"] == 10 and remote_events[-1]["failed"] == 2
    assert ("groups", {"groups": 4, "counts": {"pending": 12}}) in events
    assert jobgroups.groups_left(db, job.id) == 0


def test_a_message_delivered_twice_runs_its_group_once(config: Config, db: Database) -> None:
    messages = Messages()
    kind = Stamp()
    (runtime,) = runtimes_for(config, db, messages, [kind])
    job = new_job(db)
    store_jobs.start_job(db, job.id)
    store_jobs.set_state(db, job.id, {"executor": "celery"})
    jobgroups.plan_groups(db, job.id)

    assert runtime.run_job_group(job.id, GROUPS[0])
    assert not runtime.run_job_group(job.id, GROUPS[0])  # done: nothing to claim

    assert kind.groups == [GROUPS[0]]
    assert store_jobs.load_job(db, job.id).status == "running"  # two groups are left


def test_a_group_of_a_job_not_sent_to_workers_is_not_run(config: Config, db: Database) -> None:
    (runtime,) = runtimes_for(config, db, Messages(), [Stamp()])
    job = new_job(db)
    assert not runtime.run_job_group(job.id, GROUPS[0])  # planned, not started
    store_jobs.start_job(db, job.id)
    assert not runtime.run_job_group(job.id, GROUPS[0])  # running locally: no group rows


def test_a_dead_workers_group_is_sent_again_and_finishes(config: Config, db: Database) -> None:
    messages = Messages()
    kind = Stamp()
    (survivor,) = runtimes_for(config, db, messages, [kind])
    survivor.start()
    try:
        job = new_job(db)
        store_jobs.start_job(db, job.id)
        store_jobs.set_state(db, job.id, {"executor": "celery"})
        jobgroups.plan_groups(db, job.id)
        # a worker claimed the first group, sent one item, and died: its heartbeat is old
        claim = jobgroups.claim_group(db, job.id, GROUPS[0], "dead:1:x")
        assert claim is not None
        first, *rest = store_jobs.load_items(db, job.id, grp=GROUPS[0])
        store_jobs.mark_items(db, [first.id], "done")
        store_jobs.mark_items(db, [i.id for i in rest], "running")
        with db.write() as conn:
            conn.execute(
                workers.insert().values(
                    id="dead:1:x",
                    host="dead",
                    pid=1,
                    concurrency=1,
                    started_at=utcnow(),
                    beat_at=utcnow() - dt.timedelta(hours=1),
                )
            )
        closed: list[int] = []

        released = reconcile_jobs(db, messages, [job.id], 300, closed.append)

        assert released == 1
        assert sorted(g for _, _, g in messages.queue) == sorted(GROUPS)  # sent again, once
        assert messages.deliver(survivor) == 3
        assert not jobgroups.finish_group(db, claim)  # the dead claim cannot finish it now
    finally:
        survivor.stop()
    job = store_jobs.load_job(db, job.id)
    assert (job.status, job.counts) == ("ok", {"done": 9})
    assert sorted(kind.groups) == sorted(GROUPS)
    assert kind.sent == 8  # the item done before the death was not sent again


def test_ctrl_c_stops_following_not_the_job(config: Config, db: Database) -> None:
    messages = Messages()
    ctx = ctx_for(config, db, messages)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    job = new_job(db)
    with pytest.raises(Interrupted, match=f"job {job.id} saved 0 of .* queued") as stopped:
        RemoteJob(ctx, sleep=interrupted).run(store_jobs.start_job(db, job.id), Stamp(), print)

    assert stopped.value.exit_code == 130 and stopped.value.resume == ("resume", str(job.id))

    assert store_jobs.load_job(db, job.id).status == "running"
    assert len(messages.queue) == len(GROUPS)  # the workers will find them


def test_a_job_taken_back_by_a_local_run_leaves_nothing_for_workers(
    config: Config, db: Database
) -> None:
    messages = Messages()
    job = new_job(db)
    store_jobs.start_job(db, job.id)
    store_jobs.set_state(db, job.id, {"executor": "celery", "dispatched": 0})
    jobgroups.plan_groups(db, job.id)
    local = config.model_copy(update={"executor": "local"})
    kind = Stamp()
    ctx = ctx_for(local, db, messages)

    finished = run_job(ctx, store_jobs.load_job(db, job.id), kind)

    assert (finished.status, finished.state["executor"]) == ("ok", "local")
    assert kind.finished_jobs == ["ok"]
    with db.read() as conn:
        assert conn.execute(job_groups.select()).all() == []
    assert jobgroups.running_jobs(db) == []


def test_figures_add_up_calls_and_counts_but_time_is_the_jobs() -> None:
    earlier = {"sent": 2, "calls": {"A": 1}, "seconds": 5.0, "note": "x"}
    parts: list[Mapping[str, Any]] = [{"sent": 3, "calls": {"A": 2, "B": 1}, "seconds": 100.0}]
    job = JobRow(1, "stamp", "running", "t", {}, {"dispatched": None}, earlier, 0, None)
    total = KindBase().combine(None, job, parts)  # type: ignore[arg-type]
    assert total == {"sent": 5, "calls": {"A": 3, "B": 1}, "seconds": 105.0, "note": "x"}

    sent_at = dt.datetime.now(dt.UTC).timestamp() - 7
    job = JobRow(1, "stamp", "running", "t", {}, {"dispatched": sent_at}, earlier, 0, None)
    seconds = KindBase().combine(None, job, parts)["seconds"]  # type: ignore[arg-type]
    assert 12.0 <= seconds < 14.0  # the earlier 5 s and the 7 s since it was sent


def test_finalize_closes_a_job_once_among_racing_finalizers(config: Config, db: Database) -> None:
    job = new_job(db, GROUPS[:1], per_group=1)
    store_jobs.start_job(db, job.id)
    jobgroups.plan_groups(db, job.id)
    claim = jobgroups.claim_group(db, job.id, GROUPS[0], "w")
    assert claim is not None
    assert jobgroups.finalize_job(db, job.id, lambda j: {}) is None  # a group is running
    store_jobs.mark_items(db, [store_jobs.load_items(db, job.id)[0].id], "done")
    assert jobgroups.finish_group(db, claim)
    closed: list[str] = []

    def finalize() -> None:
        done = jobgroups.finalize_job(db, job.id, lambda j: {"n": 1})
        if done is not None:
            closed.append(done.status)

    threads = [threading.Thread(target=finalize) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert closed == ["ok"]
    assert store_jobs.load_job(db, job.id).figures == {"n": 1}
    with db.write() as conn:  # and a finished group cannot be claimed again
        conn.execute(update(job_groups).values(status="done"))
    assert jobgroups.claim_group(db, job.id, GROUPS[0], "w2") is None


def test_a_group_whose_message_was_lost_is_sent_again_once_the_queue_is_empty(
    config: Config, db: Database
) -> None:
    messages = Messages()
    job = new_job(db, GROUPS[:2])
    store_jobs.start_job(db, job.id)
    store_jobs.set_state(db, job.id, {"executor": "celery"})
    jobgroups.plan_groups(db, job.id)
    assert send_unsent_groups(db, messages, job.id) == 2
    taken = messages.queue.popleft()  # a worker took it and died before its claim
    with db.write() as conn:
        conn.execute(update(job_groups).values(enqueued_at=utcnow() - dt.timedelta(hours=1)))

    reconcile_jobs(db, messages, [job.id], 300, lambda job_id: None)
    assert len(messages.queue) == 1  # the other message still waits: nothing is sent again

    messages.queue.clear()  # both taken, neither claimed
    reconcile_jobs(db, messages, [job.id], 300, lambda job_id: None)
    assert sorted(g for _, _, g in messages.queue) == sorted(GROUPS[:2])
    assert taken[2] in GROUPS[:2]


def test_following_a_job_no_worker_takes_says_so_then_again_and_ctrl_c_leaves_it_queued(
    config: Config, db: Database
) -> None:
    messages = Messages()
    ctx = ctx_for(config, db, messages)
    now = [0.0]
    notes: list[str] = []

    def sleep(seconds: float) -> None:  # a fake clock; Ctrl-C after 20 quiet minutes
        now[0] += 30
        if now[0] > 1200:
            raise KeyboardInterrupt

    def emit(event: str, data: Any) -> None:
        if event == "note":
            notes.append(data)

    job = new_job(db)
    follower = RemoteJob(ctx, clock=lambda: now[0], sleep=sleep, poll=30)
    with pytest.raises(Interrupted, match="the rest stays queued for the workers"):
        follower.run(store_jobs.start_job(db, job.id), Stamp(), emit)

    said = [n for n in notes if n.startswith("no estate worker is running")]
    stale = follower.stale_after
    assert len(said) == 1 + int((1200 - stale) // 300)  # once, then every 5 minutes
    assert said[0] == (
        f"no estate worker is running: job {job.id} waits for one; "
        f"start one with: {estate_program()} worker"
    )
    assert store_jobs.load_job(db, job.id).status == "running"  # resumable, still queued
