"""SQS queues: ListQueues gives bare URLs; attributes and tags take a call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, ResourceSpec


def queue_name(item: Mapping[str, Any]) -> dict[str, str]:
    """A queue's name: the last segment of its URL (no attribute carries it)."""
    return {"QueueName": str(item["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]}


QUEUE = ResourceSpec(
    type="sqs:queue",
    service="sqs",
    operation="ListQueues",
    items="QueueUrls",
    item_key="QueueUrl",
    id="QueueName",
    name="QueueName",
    arn="Attributes.QueueArn",
    arn_template="arn:{partition}:sqs:{region}:{account}:{id}",
    # Without MaxResults ListQueues stops at 1,000 queues and returns no NextToken.
    params={"MaxResults": 1000},
    derive=queue_name,
    details=(
        Detail(
            "GetQueueAttributes",
            {"QueueUrl": "QueueUrl"},
            constants={"AttributeNames": ["All"]},
            into="Attributes",
            result="Attributes",
        ),
        Detail(
            "ListQueueTags",
            {"QueueUrl": "QueueUrl"},
            into="Tags",
            result="Tags",
        ),
    ),
    # Message counts move with traffic, not with the queue.
    volatile=(
        "Attributes.ApproximateNumberOfMessages",
        "Attributes.ApproximateNumberOfMessagesNotVisible",
        "Attributes.ApproximateNumberOfMessagesDelayed",
    ),
)

SPECS = (QUEUE,)
