"""SQS queues: ListQueues gives bare URLs; attributes and tags take a call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.aws.partitions import dns_suffix
from estate.resources.spec import Detail, ResourceSpec, TagWrite


def queue_name(item: Mapping[str, Any]) -> dict[str, str]:
    """A queue's name: the last segment of its URL (no attribute carries it)."""
    return {"QueueName": str(item["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]}


def queue_url(arn: str) -> str:
    """Pure: a queue's URL built from its ARN (arn:PARTITION:sqs:REGION:ACCOUNT:NAME), on its
    partition's domain (amazonaws.com.cn in aws-cn), for records that lack the listed one."""
    _, partition, _, region, account, name = arn.split(":", 5)
    return f"https://sqs.{region}.{dns_suffix(partition)}/{account}/{name}"


QUEUE = ResourceSpec(
    type="sqs:queue",
    service="sqs",
    operation="ListQueues",
    items="QueueUrls",
    item_key="QueueUrl",
    id="QueueName",
    name="QueueName",
    arn="Attributes.QueueArn",
    # A queue whose policy denies GetQueueAttributes still has this ARN (its URL's account).
    arn_template="arn:{partition}:sqs:{region}:{account}:{id}",
    # Without MaxResults ListQueues stops at 1,000 queues and returns no NextToken.
    params={"MaxResults": 1000},
    derive=queue_name,
    # TagQueue names a queue by its URL, one queue per call.
    tag_write=TagWrite(
        style="each",
        set_op="TagQueue",
        unset_op="UntagQueue",
        batch=1,
        param="QueueUrl",
        source="config.QueueUrl",
        from_arn=queue_url,
    ),
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
