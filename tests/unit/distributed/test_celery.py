"""Through a real broker: the messages `estate collect` sends to Redis, and an embedded Celery
worker (thread pool) that runs them against in-process moto and a PostgreSQL store."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from estate.aws.sessions import AwsSettings, SessionFactory
from estate.config import Config
from estate.distributed.app import QUEUE, TASK_SHARD, make_app, register_tasks
from estate.distributed.dispatch import CeleryDispatcher, send_unsent
from estate.distributed.follow import RemoteCollection
from estate.distributed.jobs import send_unsent_groups
from estate.distributed.worker import WorkerRuntime
from estate.engine.run import Collection, CollectRequest
from estate.store import jobgroups
from estate.store import jobs as store_jobs
from estate.store.database import Database
from estate.store.jobs import NewItem
from estate.store.runs import load_run, load_shards
from tests.services import sleep_until
from tests.support import session_in
from tests.unit.distributed.test_worker import REGIONS, TYPES, regions_of
from tests.unit.distributed.test_worker_jobs import Stamp


@pytest.fixture
def config(pg_url: str, redis_url: str, aws: None) -> Config:
    account = "111111111111"
    session = session_in(account)
    for region in REGIONS:
        session.client("sqs", region_name=region).create_queue(QueueName=f"q-{region}")
    return Config.model_validate(
        {
            "store": pg_url,
            "executor": "celery",
            "broker_url": redis_url,
            "accounts": [{"id": account}],
            "regions": "all",
            "types": TYPES,
            "concurrency": 3,
            "heartbeat": 60,
        }
    )


@pytest.fixture
def db(config: Config) -> Iterator[Database]:
    database = Database(config.store)
    yield database
    database.close()


def test_the_app_acknowledges_late_takes_one_message_per_thread_and_keeps_no_results() -> None:
    config = Config(
        store="postgresql+psycopg://db/estate", executor="celery", broker_url="redis://cache"
    )
    conf = make_app(config).conf

    assert (conf.task_acks_late, conf.task_reject_on_worker_lost, conf.task_ignore_result) == (
        True,
        True,
        True,
    )
    assert (conf.worker_prefetch_multiplier, conf.task_serializer) == (1, "json")
    assert conf.accept_content == ["json"]


def test_one_json_message_per_shard_then_an_embedded_worker_runs_the_run_and_a_job(
    config: Config, db: Database
) -> None:
    app = make_app(config)
    dispatcher = CeleryDispatcher(app)
    run_id, _ = Collection(config, db, SessionFactory(AwsSettings())).plan(CollectRequest())

    assert dispatcher.waiting() == 0
    assert send_unsent(db, dispatcher, run_id) == 1  # the account's discovery shard
    assert dispatcher.waiting() == 1
    (queued,) = redis.Redis.from_url(config.broker_url or "").lrange(QUEUE, 0, -1)
    message = json.loads(queued)
    (shard,) = load_shards(db, run_id)
    assert message["content-type"] == "application/json"
    assert message["headers"]["task"] == TASK_SHARD
    assert json.loads(base64.b64decode(message["body"]))[:2] == [[run_id, shard.id], {}]

    kind = Stamp()
    runtime = WorkerRuntime(
        config,
        db,
        dispatcher,
        lambda: SessionFactory(AwsSettings()),
        concurrency=3,
        region_discovery=regions_of,
        kinds=lambda ctx, job: kind,
    )
    items = [NewItem(f"{g}{i}", f"{g}/eu-west-1/sqs", {}) for g in ("ok", "bad") for i in range(2)]
    job_id = store_jobs.create_job(db, "stamp", "stamp things", {}, items)
    store_jobs.start_job(db, job_id)
    store_jobs.set_state(db, job_id, {"executor": "celery"})
    jobgroups.plan_groups(db, job_id)
    register_tasks(app, runtime)
    runtime.start()
    events: list[tuple[str, Any]] = []
    remote = RemoteCollection(
        config,
        db,
        SessionFactory(AwsSettings()),
        dispatcher,
        listener=lambda e, d: events.append((e, d)),
        poll=0.1,
        sleep=sleep_until(120),
    )
    try:
        with start_worker(app, pool="threads", concurrency=3, perform_ping_check=False):
            remote.follow(run_id, set())
            assert send_unsent_groups(db, dispatcher, job_id) == 2  # a group is a message too
            deadline = time.monotonic() + 60
            while store_jobs.load_job(db, job_id).status == "running":  # a worker closes it
                assert time.monotonic() < deadline, store_jobs.item_counts(db, job_id)
                time.sleep(0.1)
    finally:
        runtime.stop()

    assert dispatcher.waiting() == 0
    job = store_jobs.load_job(db, job_id)
    assert (job.status, job.counts) == ("partial", {"done": 3, "failed": 1})
    run = load_run(db, run_id)
    # discovery + s3 + 2 regional types x 2 regions, run by the worker's threads
    assert (run["status"], run["shards_ok"], run["resources"]) == ("ok", 6, 2)
    assert {s.owner for s in load_shards(db, run_id)} == {runtime.id}
    assert sum(1 for e, _ in events if e == "shard") == 6
