"""S3 buckets: ListBuckets is global, so a bucket's true region comes from GetBucketLocation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, ResourceSpec, TagWrite

# GetBucketLocation's legacy answers: null (or "") is us-east-1, "EU" is eu-west-1.
LEGACY_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}


def region_from_location(constraint: str | None) -> str:
    """The region a GetBucketLocation LocationConstraint stands for."""
    return LEGACY_LOCATIONS.get(constraint, constraint) or "us-east-1"


def bucket_region(item: Mapping[str, Any]) -> str:
    """GetBucketLocation's answer; when that call was refused (a bucket policy may deny it to
    all but its owner), the region ListBuckets itself reports, never us-east-1 by default."""
    if "LocationConstraint" not in item and item.get("BucketRegion"):
        return str(item["BucketRegion"])
    return region_from_location(item.get("LocationConstraint"))


# PutBucketTagging replaces the whole set: read it, merge the change, write it back (a bucket
# holding aws: tags, which no PUT may write, goes through the tagging API). IAM knows
# DeleteBucketTagging as s3:PutBucketTagging.
TAGS = TagWrite(
    style="merged",
    set_op="PutBucketTagging",
    unset_op="PutBucketTagging",
    batch=1,
    param="Bucket",
    source="id",
    tags_as="list",
    read_op="GetBucketTagging",
    clear_op="DeleteBucketTagging",
    service_actions=("s3:GetBucketTagging", "s3:PutBucketTagging"),
)

BUCKET = ResourceSpec(
    type="s3:bucket",
    service="s3",
    operation="ListBuckets",
    items="Buckets",
    id="Name",
    name="Name",
    arn="BucketArn",
    arn_template="arn:{partition}:s3:::{id}",
    scope="global",
    tag_write=TAGS,
    # Unpaginated ListBuckets is refused for accounts whose bucket quota is above 10,000.
    params={"MaxBuckets": 1000},
    list_iam_action="s3:ListAllMyBuckets",
    details=(
        Detail(
            "GetBucketLocation",
            {"Bucket": "Name"},
            into="LocationConstraint",
            result="LocationConstraint",
        ),
        Detail(
            "GetBucketTagging",
            {"Bucket": "Name"},
            into="Tags",
            result="TagSet",
            missing=("NoSuchTagSet",),
            default=[],
            regional=True,
        ),
    ),
    region_of=bucket_region,
    # ListBuckets now echoes the region; we keep our own, normalized one.
    volatile=("BucketRegion",),
    # Documented to change with some bucket edits, and seen moving back and forth between
    # snapshots of one bucket: kept for readers, never a change.
    unstable=("CreationDate",),
)

SPECS = (BUCKET,)
