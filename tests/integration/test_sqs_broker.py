"""Amazon SQS as the broker (kombu's SQS transport), against the emulator's SQS: `estate
collect` sends a shard per message to a queue there and an embedded worker runs them."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import boto3
import pytest
from celery.contrib.testing.worker import start_worker

from estate.aws.sessions import AwsSettings, SessionFactory
from estate.config import Config
from estate.demo.emulator import EMULATOR_CREDENTIALS, MANAGEMENT_ACCOUNT, Emulator
from estate.demo.sample import SampleOrg
from estate.distributed.app import make_app, register_tasks
from estate.distributed.dispatch import CeleryDispatcher
from estate.distributed.follow import RemoteCollection
from estate.distributed.worker import WorkerRuntime
from estate.engine.run import CollectRequest
from estate.store.database import Database
from estate.store.runs import load_shards
from tests.services import sleep_until

pytestmark = pytest.mark.integration

# The broker's queue lives in a region the sample organization does not use, so no other
# test's inventory sees it.
BROKER_REGION = "ap-northeast-3"


@pytest.fixture
def config(emulator: Emulator, sample_org: SampleOrg, pg_url: str, redis_url: str) -> Config:
    where = urlsplit(emulator.endpoint_url)
    key, secret = EMULATOR_CREDENTIALS.values()
    return Config.model_validate(
        {
            "store": pg_url,
            "endpoint_url": emulator.endpoint_url,
            "regions": list(sample_org.regions[:2]),
            "types": ["s3:bucket", "iam:role", "sqs:queue"],
            "executor": "celery",
            "broker_url": f"sqs://{key}:{secret}@{where.hostname}:{where.port}",
            "broker_options": {
                "region": BROKER_REGION,
                "is_secure": False,
                "queue_name_prefix": "estate-test-",
                "wait_time_seconds": 1,
                "polling_interval": 0.2,
            },
            "rate_limit_url": redis_url,
            "heartbeat": 1,
        }
    )


@pytest.fixture
def db(config: Config) -> Iterator[Database]:
    database = Database(config.store)
    yield database
    database.close()


def test_shards_travel_through_an_sqs_queue(
    config: Config, db: Database, emulator: Emulator
) -> None:
    app = make_app(config)
    dispatcher = CeleryDispatcher(app)
    runtime = WorkerRuntime(
        config, db, dispatcher, lambda: SessionFactory(AwsSettings(config.endpoint_url))
    )
    register_tasks(app, runtime)
    remote = RemoteCollection(
        config,
        db,
        SessionFactory(AwsSettings(config.endpoint_url)),
        dispatcher,
        poll=0.2,
        sleep=sleep_until(120),
    )
    runtime.start()
    try:
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
        ):
            summary = remote.run(CollectRequest())
    finally:
        runtime.stop()

    assert (summary.status, summary.failures) == ("ok", [])
    shards = load_shards(db, summary.run_id)
    assert len(shards) == 1 + 1 + 2  # buckets, roles, queues in two regions
    assert {s.owner for s in shards} == {runtime.id}  # the worker heard of them through SQS only
    sqs = boto3.client(
        "sqs",
        endpoint_url=emulator.endpoint_url,
        region_name=BROKER_REGION,
        **EMULATOR_CREDENTIALS,
    )
    (queue,) = sqs.list_queues(QueueNamePrefix="estate-test-")["QueueUrls"]
    assert queue.endswith(f"/{MANAGEMENT_ACCOUNT}/estate-test-estate")
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    left = (
        attributes["ApproximateNumberOfMessages"],
        attributes["ApproximateNumberOfMessagesNotVisible"],
    )
    assert left == ("0", "0")  # every message taken and acknowledged (deleted)
    assert dispatcher.waiting() == 0  # the reconciler can count an SQS queue too
