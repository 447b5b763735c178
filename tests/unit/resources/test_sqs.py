from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.sqs import QUEUE
from tests.unit.resources.collecting import ACCOUNT, collect_resources

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

REGION = "eu-west-1"


@pytest.fixture
def sqs(member: boto3.Session) -> SQSClient:
    client = member.client("sqs", region_name=REGION)
    client.create_queue(
        QueueName="orders",
        Attributes={"VisibilityTimeout": "45"},
        tags={"team": "shop", "Name": "Orders"},
    )
    client.create_queue(QueueName="orders-dlq")
    return client


def test_queue(sqs: SQSClient, reader: AccountSession) -> None:
    found = collect_resources(QUEUE, reader, REGION)

    orders = found["orders"]
    assert orders.name == "orders"  # the queue name, not the Name tag
    assert orders.region == REGION
    assert orders.arn == f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
    assert orders.tags == {"Name": "Orders", "team": "shop"}
    assert orders.config["Attributes"]["VisibilityTimeout"] == "45"
    assert orders.config["QueueUrl"].endswith(f"/{ACCOUNT}/orders")
    assert found["orders-dlq"].tags == {}


def test_messages_do_not_change_the_hash(sqs: SQSClient, reader: AccountSession) -> None:
    before = collect_resources(QUEUE, reader, REGION)["orders"]
    url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"order {n}")
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)

    after = collect_resources(QUEUE, reader, REGION)["orders"]

    assert after.hash == before.hash
    assert "ApproximateNumberOfMessages" not in after.config["Attributes"]


def test_a_setting_changes_the_hash(sqs: SQSClient, reader: AccountSession) -> None:
    before = collect_resources(QUEUE, reader, REGION)["orders"]
    url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})

    assert collect_resources(QUEUE, reader, REGION)["orders"].hash != before.hash


def test_a_queue_deleted_before_its_attributes_are_read_is_skipped(
    sqs: SQSClient, reader: AccountSession
) -> None:
    doomed = sqs.get_queue_url(QueueName="orders-dlq")["QueueUrl"]

    # Delete the queue between ListQueues and GetQueueAttributes, through a real client hook;
    # SQS answers AWS.SimpleQueueService.NonExistentQueue, which classify() calls not-found.
    # Details are fetched concurrently, so the hook may run in two threads at once.
    lock = threading.Lock()

    def delete_once(**_: object) -> None:  # a before-call handler must return None
        with lock:
            if doomed in sqs.list_queues().get("QueueUrls", []):
                sqs.delete_queue(QueueUrl=doomed)

    reader.client("sqs", REGION).meta.events.register_first(
        "before-call.sqs.GetQueueAttributes", delete_once
    )

    assert set(collect_resources(QUEUE, reader, REGION)) == {"orders"}
