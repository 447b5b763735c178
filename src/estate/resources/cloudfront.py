"""CloudFront distributions, functions and origin access controls: global, listed once per
account from the partition's CloudFront endpoint. Distributions take a ListTagsForResource
call each; functions and origin access controls take no tags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from estate.resources.spec import Detail, Relation, ResourceSpec

_ARN = "arn:{partition}:cloudfront::{account}:"

# An S3 origin's domain: BUCKET.s3.amazonaws.com, BUCKET.s3.REGION.amazonaws.com, the older
# BUCKET.s3-REGION.amazonaws.com, or a website endpoint BUCKET.s3-website[.-]REGION.amazonaws.com
# (.com.cn in China). A bucket name can hold dots, so the match is on the suffix.
_S3_DOMAIN = re.compile(
    r"^(?P<bucket>.+?)\.s3(?:-website)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$"
)


def origin_buckets(item: Mapping[str, Any]) -> dict[str, list[str]]:
    """The S3 buckets a distribution's origins read from (none for custom origins)."""
    origins = (item.get("Origins") or {}).get("Items") or []
    buckets = []
    for origin in origins:
        found = _S3_DOMAIN.match(str(origin.get("DomainName", "")))
        if found and found["bucket"] not in buckets:
            buckets.append(found["bucket"])
    return {"OriginBuckets": buckets}


_BEHAVIORS = ("DefaultCacheBehavior", "CacheBehaviors.Items[]")

DISTRIBUTION = ResourceSpec(
    type="cloudfront:distribution",
    service="cloudfront",
    operation="ListDistributions",
    items="DistributionList.Items",
    id="Id",
    arn="ARN",
    arn_template=_ARN + "distribution/{id}",
    scope="global",
    params={"MaxItems": "100"},
    derive=origin_buckets,
    details=(Detail("ListTagsForResource", {"Resource": "ARN"}, into="Tags", result="Tags.Items"),),
    unordered=("Aliases.Items", "OriginBuckets"),
    # InProgress while a change is deployed to the edge, then Deployed: users read it, the
    # distribution is the same.
    unstable=("Status",),
    relations=(
        Relation("bucket", "s3:bucket", "OriginBuckets"),
        Relation(
            "origin-access-control",
            "cloudfront:origin-access-control",
            "Origins.Items[].OriginAccessControlId",
        ),
        Relation("certificate", "acm:certificate", "ViewerCertificate.ACMCertificateArn"),
        # WebACLId is a WAFv2 web ACL's ARN (a classic WAF ACL's bare id is left out).
        Relation("web-acl", "wafv2:web-acl", "WebACLId"),
        *(
            Relation(
                "function",
                "cloudfront:function",
                f"{behavior}.FunctionAssociations.Items[].FunctionARN",
            )
            for behavior in _BEHAVIORS
        ),
        *(
            Relation(
                "function",
                "lambda:function",
                f"{behavior}.LambdaFunctionAssociations.Items[].LambdaFunctionARN",
            )
            for behavior in _BEHAVIORS
        ),
    ),
)

_FUNCTION_PAGE = 100

FUNCTION = ResourceSpec(
    type="cloudfront:function",
    service="cloudfront",
    operation="ListFunctions",
    items="FunctionList.Items",
    id="Name",
    name="Name",
    arn="FunctionMetadata.FunctionARN",
    arn_template=_ARN + "function/{id}",
    scope="global",
    # Every function has a DEVELOPMENT stage, a published one a LIVE one too (same ARN): one
    # record per function, of the stage every function has.
    params={"Stage": "DEVELOPMENT", "MaxItems": str(_FUNCTION_PAGE)},
    # botocore has no paginator for ListFunctions, yet it pages by NextMarker; a page short of
    # the limit is the last one.
    paginator={
        "input_token": "Marker",
        "output_token": "FunctionList.NextMarker",
        "limit_key": "MaxItems",
        "more_results": f"length(FunctionList.Items) >= `{_FUNCTION_PAGE}`",
    },
    tags=None,
    taggable=False,
)

ORIGIN_ACCESS_CONTROL = ResourceSpec(
    type="cloudfront:origin-access-control",
    service="cloudfront",
    operation="ListOriginAccessControls",
    items="OriginAccessControlList.Items",
    id="Id",
    name="Name",
    arn_template=_ARN + "origin-access-control/{id}",
    scope="global",
    params={"MaxItems": "100"},
    tags=None,
    taggable=False,
)

SPECS = (DISTRIBUTION, FUNCTION, ORIGIN_ACCESS_CONTROL)
