"""Kinesis Data Streams: ListStreams pages StreamSummaries (names, ARNs, status);
DescribeStreamSummary (retention, encryption, shard count) and ListTagsForStream take a call
each. Stream names are unique per account and region; ARNs are
kinesis:{region}:{account}:stream/<name>."""

from __future__ import annotations

from estate.resources.spec import Detail, Relation, ResourceSpec

_SUMMARY = "StreamDescriptionSummary"

STREAM = ResourceSpec(
    type="kinesis:stream",
    service="kinesis",
    operation="ListStreams",
    items="StreamSummaries",
    id="StreamName",
    name="StreamName",
    arn="StreamARN",
    arn_template="arn:{partition}:kinesis:{region}:{account}:stream/{id}",
    tags="Tags",
    params={"Limit": 1000},
    details=(
        Detail(
            "DescribeStreamSummary", {"StreamName": "StreamName"}, into=_SUMMARY, result=_SUMMARY
        ),
        # 50 is both the API's largest Limit and the most tags a stream can have.
        Detail(
            "ListTagsForStream",
            {"StreamName": "StreamName"},
            into="Tags",
            result="Tags",
            constants={"Limit": 50},
        ),
    ),
    unordered=(
        f"{_SUMMARY}.EnhancedMonitoring",
        f"{_SUMMARY}.EnhancedMonitoring[].ShardLevelMetrics",
    ),
    # Consumers are records of their own; an on-demand stream reshards itself with the load.
    volatile=(f"{_SUMMARY}.ConsumerCount", f"{_SUMMARY}.OpenShardCount"),
    relations=(
        # KeyId may name an alias ("alias/aws/kinesis"): only a key's own ARN is an edge.
        Relation(
            "kms-key",
            "kms:key",
            f"[{_SUMMARY}.KeyId][?@ && starts_with(@, 'arn:') && contains(@, ':key/')]",
        ),
    ),
)

SPECS = (STREAM,)
