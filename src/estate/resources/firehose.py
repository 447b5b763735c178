"""Amazon Data Firehose streams: ListDeliveryStreams names them; DescribeDeliveryStream and
ListTagsForDeliveryStream take a call each. Names are unique per account and region; ARNs
are firehose:{region}:{account}:deliverystream/<name>.

ListDeliveryStreams pages by name (ExclusiveStartDeliveryStreamName = the last name of the
page before, until HasMoreDeliveryStreams is false). A spec's `paginator` cannot say "the last
element of a list" as the next token, so one call asks for the API's largest page instead, and
a full page that says there is more fails the listing rather than pass for all of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from estate.errors import AwsError
from estate.resources.spec import Detail, Relation, ResourceSpec

LIMIT = 10000  # the API's largest page: twice the default quota of 5000 streams a region

_DESCRIPTION = "DeliveryStreamDescription"
_DESTINATIONS = f"{_DESCRIPTION}.Destinations[]"
# The kinds of destination: S3 and extended S3 name their bucket, the others the bucket
# they back up to; all but Splunk name a role.
_DESTINATION_KINDS = (
    "S3DestinationDescription",
    "ExtendedS3DestinationDescription",
    "RedshiftDestinationDescription",
    "ElasticsearchDestinationDescription",
    "AmazonopensearchserviceDestinationDescription",
    "SplunkDestinationDescription",
    "HttpEndpointDestinationDescription",
    "SnowflakeDestinationDescription",
    "AmazonOpenSearchServerlessDestinationDescription",
    "IcebergDestinationDescription",
)


def stream_names(response: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Pure: the streams of one ListDeliveryStreams answer; AwsError when the answer is a full
    page and says more follow (those would be missed)."""
    names = list(response.get("DeliveryStreamNames") or [])
    if response.get("HasMoreDeliveryStreams") and len(names) >= LIMIT:
        raise AwsError(
            f"firehose:delivery-stream: more than {LIMIT} streams in the region; the listing"
            " is incomplete: failed, nothing deleted",
            kind="incomplete",
            code="TooManyDeliveryStreams",
        )
    for name in names:
        yield {"DeliveryStreamName": name}


def _in_destinations(field: str) -> tuple[str, ...]:
    return tuple(f"{_DESTINATIONS}.{kind}.{field}" for kind in _DESTINATION_KINDS)


DELIVERY_STREAM = ResourceSpec(
    type="firehose:delivery-stream",
    service="firehose",
    operation="ListDeliveryStreams",
    items="[@]",  # the whole answer: stream_names reads the names and whether more follow
    spread=stream_names,
    id="DeliveryStreamName",
    name="DeliveryStreamName",
    arn=f"{_DESCRIPTION}.DeliveryStreamARN",
    arn_template="arn:{partition}:firehose:{region}:{account}:deliverystream/{id}",
    tags="Tags",
    params={"Limit": LIMIT},
    single_call=(
        f"one page of {LIMIT} names (the API's largest) holds every stream under the quota;"
        " a full page with more to come fails the listing (see stream_names)"
    ),
    details=(
        Detail(
            "DescribeDeliveryStream",
            {"DeliveryStreamName": "DeliveryStreamName"},
            into=_DESCRIPTION,
            result=_DESCRIPTION,
        ),
        # 50 is both the API's largest Limit and the most tags a stream can have.
        Detail(
            "ListTagsForDeliveryStream",
            {"DeliveryStreamName": "DeliveryStreamName"},
            into="Tags",
            result="Tags",
            constants={"Limit": 50},
        ),
    ),
    relations=(
        Relation(
            "source-stream",
            "kinesis:stream",
            f"{_DESCRIPTION}.Source.KinesisStreamSourceDescription.KinesisStreamARN",
        ),
        Relation(
            "source-cluster",
            "kafka:cluster",
            f"{_DESCRIPTION}.Source.MSKSourceDescription.MSKClusterARN",
        ),
        Relation(
            "kms-key", "kms:key", f"{_DESCRIPTION}.DeliveryStreamEncryptionConfiguration.KeyARN"
        ),
        *(Relation("role", "iam:role", path) for path in _in_destinations("RoleARN")),
        *(
            Relation("bucket", "s3:bucket", f"{_DESTINATIONS}.{kind}.BucketARN")
            for kind in _DESTINATION_KINDS[:2]
        ),
        *(
            Relation(
                "bucket", "s3:bucket", f"{_DESTINATIONS}.{kind}.S3DestinationDescription.BucketARN"
            )
            for kind in _DESTINATION_KINDS[2:]  # those backing up to S3
        ),
        Relation(
            "domain",
            "opensearch:domain",
            f"{_DESTINATIONS}.AmazonopensearchserviceDestinationDescription.DomainARN",
        ),
        Relation(
            "domain",
            "opensearch:domain",
            f"{_DESTINATIONS}.ElasticsearchDestinationDescription.DomainARN",
        ),
    ),
)

SPECS = (DELIVERY_STREAM,)
