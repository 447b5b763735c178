"""Workers without a broker: messages kept in a list and handed to worker runtimes by the
test, against in-process moto and a PostgreSQL store. Duplicates, dead workers, discovery
planned by a worker, the reconciler, and a job group of a kind defined here."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from estate.aws.sessions import AccountSession, AwsSettings, SessionFactory
from estate.config import Config
from estate.distributed import worker as worker_module
from estate.distributed.dispatch import reconcile, send_unsent
from estate.distributed.follow import RemoteCollection
from estate.distributed.worker import WorkerRuntime
from estate.engine.run import Collection, CollectRequest
from estate.errors import Interrupted
from estate.store.database import Database
from estate.store.runs import claim_shard, load_run, load_shards, save_page
from estate.store.schema import resources, workers
from estate.store.timeutil import utcnow
from tests.support import estate_program, session_in

TYPES = ["s3:bucket", "sns:topic", "sqs:queue"]  # no EC2: moto takes 0.5 s per EC2 region
REGIONS = ["us-east-1", "eu-west-1"]


def regions_of(session: AccountSession) -> list[str]:
    return REGIONS


class Messages:
    """A Dispatcher whose messages wait in a list until the test delivers them."""

    def __init__(self) -> None:
        self.queue: deque[tuple[str, int, Any]] = deque()

    def send_shard(self, run_id: int, shard_id: int) -> None:
        self.queue.append(("shard", run_id, shard_id))

    def send_group(self, job_id: int, grp: str) -> None:
        self.queue.append(("group", job_id, grp))

    def waiting(self) -> int:
        return len(self.queue)

    def deliver(self, *runtimes: WorkerRuntime, limit: int | None = None) -> int:
        """Hand messages round-robin to the runtimes; how many were handled."""
        handled = 0
        while self.queue and (limit is None or handled < limit):
            what, first, second = self.queue.popleft()
            runtime = runtimes[handled % len(runtimes)]
            if what == "shard":
                runtime.collect_shard(first, second)
            else:
                runtime.run_job_group(first, second)
            handled += 1
        return handled


@pytest.fixture
def estate(aws: None) -> list[str]:
    accounts = ["111111111111", "222222222222"]
    for n, account in enumerate(accounts):
        session = session_in(account)
        for region in REGIONS:
            session.client("sqs", region_name=region).create_queue(QueueName=f"q{n}-{region}")
            for i in range(2):
                session.client("sns", region_name=region).create_topic(Name=f"t{n}-{i}")
        session.client("s3", region_name="us-east-1").create_bucket(Bucket=f"bucket-{n}")
    return accounts


@pytest.fixture
def config(pg_url: str, estate: list[str]) -> Config:
    return Config.model_validate(
        {
            "store": pg_url,
            "executor": "celery",
            "broker_url": "redis://127.0.0.1:1/0",  # never used: messages stay in a list
            "rate_limit_url": None,
            "accounts": [{"id": a} for a in estate],
            "regions": "all",
            "types": TYPES,
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


@pytest.fixture
def runtimes(config: Config, db: Database, messages: Messages) -> Iterator[list[WorkerRuntime]]:
    made = [
        WorkerRuntime(config, db, messages, factory, worker_id=f"w{n}", region_discovery=regions_of)
        for n in range(2)
    ]
    for runtime in made:
        runtime.start()
    yield made
    for runtime in made:
        runtime.stop()


@pytest.fixture
def messages() -> Messages:
    return Messages()


def plan(config: Config, db: Database, messages: Messages) -> int:
    collection = Collection(config, db, factory(), region_discovery=regions_of)
    run_id, _ = collection.plan(CollectRequest())
    send_unsent(db, messages, run_id)
    return run_id


def inventory(db: Database) -> dict[str, str]:
    with db.read() as conn:
        return dict(conn.execute(select(resources.c.arn, resources.c.hash)).all())


def local_inventory(tmp_path: Path, config: Config) -> dict[str, str]:
    local = config.model_copy(update={"store": f"sqlite:///{tmp_path}/local.db"})
    local = local.model_copy(update={"executor": "local"})
    db = Database(local.store)
    summary = Collection(local, db, factory(), region_discovery=regions_of).run()
    assert summary.status == "ok"
    return inventory(db)


def test_two_workers_collect_what_a_local_run_collects(
    config: Config,
    db: Database,
    messages: Messages,
    runtimes: list[WorkerRuntime],
    tmp_path: Path,
) -> None:
    run_id = plan(config, db, messages)
    assert len(messages.queue) == 2  # one discovery shard per account, nothing else yet

    handled = messages.deliver(*runtimes)

    run = load_run(db, run_id)
    assert run["status"] == "ok"
    assert handled == run["shards_total"] == 2 + 2 * (1 + 2 * 2)  # + s3 + 2 types x 2 regions
    assert {s.owner for s in load_shards(db, run_id)} == {"w0", "w1"}
    assert all(s.attempts == 1 for s in load_shards(db, run_id))
    assert run["api_calls"] > 0 and run["resources"] == len(inventory(db))
    assert inventory(db) == local_inventory(tmp_path, config)


def test_a_message_delivered_twice_runs_its_shard_once(
    config: Config, db: Database, messages: Messages, runtimes: list[WorkerRuntime]
) -> None:
    run_id = plan(config, db, messages)
    messages.queue.extend(list(messages.queue))  # every discovery message twice

    messages.deliver(*runtimes)

    run = load_run(db, run_id)
    assert (run["status"], run["shards_total"]) == ("ok", 12)
    assert all(s.attempts == 1 for s in load_shards(db, run_id))


def test_a_dead_workers_shard_is_sent_again_and_resumes_from_its_page(
    config: Config, db: Database, messages: Messages, runtimes: list[WorkerRuntime]
) -> None:
    run_id = plan(config, db, messages)
    messages.deliver(*runtimes, limit=2)  # discovery: the collection shards are now queued
    lost = messages.queue.popleft()  # a worker took this message, and then died
    shard = next(s for s in load_shards(db, run_id) if s.id == lost[2])
    dead = WorkerRuntime(config, db, messages, factory, worker_id="dead")
    dead.start()
    claimed = claim_shard(db, shard.id, "dead")
    assert claimed is not None
    save_page(db, shard.id, [], "page-2", claim=claimed.attempts)
    dead._stop.set()  # it beats no more
    with db.write() as conn:
        conn.execute(
            update(workers)
            .where(workers.c.id == "dead")
            .values(beat_at=utcnow() - dt.timedelta(minutes=5))
        )
    messages.deliver(*runtimes)
    assert load_run(db, run_id)["status"] == "running"  # waits for the dead worker's shard

    repaired = reconcile(db, messages, [run_id], stale_after=30)
    assert (repaired.released, repaired.lost, repaired.sent) == (1, 0, 1)
    resumed: list[str | None] = []
    original = runtimes[0]._collect

    def spy(run: int, row: Any) -> Any:
        resumed.append(row.page_token)
        return original(run, row)

    runtimes[0]._collect = spy  # type: ignore[method-assign]
    messages.deliver(runtimes[0])

    assert resumed == ["page-2"]
    after = next(s for s in load_shards(db, run_id) if s.id == shard.id)
    assert (after.status, after.attempts, after.owner) == ("ok", 2, "w0")
    assert load_run(db, run_id)["status"] == "ok"


def test_the_reconciler_closes_a_run_whose_last_worker_died(
    config: Config,
    db: Database,
    messages: Messages,
    runtimes: list[WorkerRuntime],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_id = plan(config, db, messages)
    monkeypatch.setattr(worker_module, "finalize_run", lambda db, run_id: None)  # dies first
    messages.deliver(*runtimes)
    assert load_run(db, run_id)["status"] == "running"
    assert all(s.status == "ok" for s in load_shards(db, run_id))

    repaired = reconcile(db, messages, [run_id], stale_after=30)

    assert repaired.closed == (run_id,)
    run = load_run(db, run_id)
    assert (run["status"], run["shards_ok"]) == ("ok", 12)
    assert run["api_calls"] > 0  # the workers saved their counts before their shards ended


def test_following_a_run_reports_shards_and_sums_up(
    config: Config, db: Database, messages: Messages, runtimes: list[WorkerRuntime]
) -> None:
    events: list[tuple[str, Any]] = []

    def workers_work(seconds: float) -> None:  # while `estate collect` waits, workers work
        messages.deliver(*runtimes, limit=3)

    remote = RemoteCollection(
        config,
        db,
        factory(),
        messages,
        listener=lambda event, data: events.append((event, data)),
        sleep=workers_work,
    )
    summary = remote.run(CollectRequest())

    assert (summary.status, summary.exit_code, summary.failures) == ("ok", 0, [])
    assert summary.figures["shards_total"] == 12 and summary.figures["resources"] == 14
    phases = [data for event, data in events if event == "phase"]
    assert phases == [{"discovery": True, "shards": 2}, {"discovery": False, "shards": 10}]
    shards = [data.shard.key for event, data in events if event == "shard"]
    assert len(shards) == len(set(shards)) == 12
    assert [k.endswith("/regions") for k in shards[:2]] == [True, True]


def test_a_run_whose_messages_were_lost_is_resumed_on_the_workers(
    config: Config, db: Database, messages: Messages, runtimes: list[WorkerRuntime]
) -> None:
    run_id = plan(config, db, messages)
    messages.deliver(*runtimes, limit=4)
    messages.queue.clear()  # the broker lost what was queued (or the run was stopped)
    assert load_run(db, run_id)["status"] == "running"

    remote = RemoteCollection(
        config, db, factory(), messages, sleep=lambda s: messages.deliver(*runtimes)
    )
    summary = remote.run(CollectRequest(resume=str(run_id)))

    assert (summary.run_id, summary.status) == (run_id, "ok")
    run = load_run(db, run_id)
    assert (run["shards_ok"], run["resumes"], run["scope"]["executor"]) == (12, 1, "celery")


def test_a_shard_whose_message_died_with_a_worker_before_its_claim_is_sent_again(
    config: Config, db: Database, messages: Messages, runtimes: list[WorkerRuntime]
) -> None:
    run_id = plan(config, db, messages)
    messages.deliver(*runtimes, limit=2)  # discovery done: the collection shards are queued
    messages.queue.popleft()  # taken by a worker that died before claiming its shard

    assert reconcile(db, messages, [run_id], stale_after=0).lost == 0  # others still queued
    messages.deliver(*runtimes)
    assert load_run(db, run_id)["status"] == "running"
    repaired = reconcile(db, messages, [run_id], stale_after=0)  # the queue is empty now
    assert (repaired.lost, repaired.sent) == (1, 1)
    messages.deliver(*runtimes)

    assert load_run(db, run_id)["status"] == "ok"


def test_following_a_run_no_worker_takes_says_so_then_again_and_ctrl_c_leaves_it_queued(
    config: Config, db: Database, messages: Messages
) -> None:
    now = [0.0]
    notes: list[str] = []

    def sleep(seconds: float) -> None:  # a fake clock; Ctrl-C after 20 quiet minutes
        now[0] += 30
        if now[0] > 1200:
            raise KeyboardInterrupt

    remote = RemoteCollection(
        config,
        db,
        factory(),
        messages,
        listener=lambda event, data: notes.append(data) if event == "note" else None,
        poll=30,
        clock=lambda: now[0],
        sleep=sleep,
    )
    with pytest.raises(Interrupted, match=r"run 1 saved 0 of 2 shards; the rest stays queued"):
        remote.run(CollectRequest())

    said = [n for n in notes if n.startswith("no estate worker is running")]
    assert said[0] == (
        "no estate worker is running: the shards wait for one; "
        f"start one with: {estate_program()} worker"
    )
    first = config.heartbeat + remote.stale_after  # the first look is a heartbeat in
    assert len(said) == 1 + int((1200 - first) // 300)  # then every 5 minutes
    assert load_run(db, 1)["status"] == "running" and len(messages.queue) == 2


class CtrlCAfterFirst(Messages):
    """A Ctrl-C lands while the run's shards are being sent, after the first one left."""

    def send_shard(self, run_id: int, shard_id: int) -> None:
        if self.queue:
            raise KeyboardInterrupt
        super().send_shard(run_id, shard_id)


def test_ctrl_c_while_the_shards_are_sent_leaves_the_run_queued_and_says_how_to_go_on(
    config: Config, db: Database, runtimes: list[WorkerRuntime]
) -> None:
    sending = CtrlCAfterFirst()
    remote = RemoteCollection(config, db, factory(), sending)
    with pytest.raises(Interrupted, match=r"run 1 saved 0 of 2 shards; the rest stays queued") as e:
        remote.run(CollectRequest())
    assert e.value.resume == ("collect", "--resume", "1")
    assert load_run(db, 1)["status"] == "running" and len(sending.queue) == 1

    # the shard whose message never left is sent by `collect --resume`, and the run ends
    again = Messages()
    resumed = RemoteCollection(
        config, db, factory(), again, sleep=lambda s: again.deliver(*runtimes)
    )
    assert resumed.run(CollectRequest(resume="1")).status == "ok"
