"""SNS topics: ListTopics gives only ARNs; attributes and tags take a call each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, ResourceSpec


def topic_name(item: Mapping[str, Any]) -> dict[str, str]:
    """A topic's name: the last segment of its ARN (no attribute carries it)."""
    arn = item.get("TopicArn")
    return {"TopicName": str(arn).rsplit(":", 1)[-1]} if arn else {}


TOPIC = ResourceSpec(
    type="sns:topic",
    service="sns",
    operation="ListTopics",
    items="Topics",
    id="TopicName",
    name="TopicName",
    arn="TopicArn",
    arn_template="arn:{partition}:sns:{region}:{account}:{id}",
    derive=topic_name,
    details=(
        Detail(
            "GetTopicAttributes", {"TopicArn": "TopicArn"}, into="Attributes", result="Attributes"
        ),
        Detail("ListTagsForResource", {"ResourceArn": "TopicArn"}, into="Tags", result="Tags"),
    ),
    # Subscribers come and go (and confirm) without the topic changing.
    volatile=(
        "Attributes.SubscriptionsConfirmed",
        "Attributes.SubscriptionsPending",
        "Attributes.SubscriptionsDeleted",
    ),
)

SPECS = (TOPIC,)
