from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.cloudfront import DISTRIBUTION, FUNCTION, ORIGIN_ACCESS_CONTROL
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_resources
from tests.unit.resources.stubbed import stubbed


def _config(oac_id: str) -> dict[str, Any]:
    return {
        "CallerReference": "site-1",
        "Comment": "site",
        "Enabled": True,
        "Aliases": {"Quantity": 2, "Items": ["www.example.com", "example.com"]},
        "Origins": {
            "Quantity": 2,
            "Items": [
                {
                    "Id": "assets",
                    "DomainName": "site-assets.s3.eu-west-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "OriginAccessControlId": oac_id,
                },
                {
                    "Id": "api",
                    "DomainName": "api.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                },
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "assets",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        },
    }


@pytest.fixture
def cloudfront(member: boto3.Session) -> Any:
    return member.client("cloudfront", region_name="us-east-1")


def test_distribution(cloudfront: Any, reader: AccountSession) -> None:
    oac = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "assets",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    created = cloudfront.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": _config(oac),
            "Tags": {"Items": [{"Key": "team", "Value": "web"}]},
        }
    )["Distribution"]

    found = collect_resources(DISTRIBUTION, reader, GLOBAL_REGION)

    site = found[created["Id"]]
    assert site.arn == f"arn:aws:cloudfront::{ACCOUNT}:distribution/{created['Id']}"
    assert site.name == created["Id"]  # no Name tag
    assert (site.region, site.account) == (GLOBAL_REGION, ACCOUNT)
    assert site.tags == {"team": "web"}
    assert site.config["OriginBuckets"] == ["site-assets"]  # not the custom origin
    assert {"kind": "bucket", "type": "s3:bucket", "arn": "arn:aws:s3:::site-assets"} in (
        site.relations
    )


def test_origin_access_control(cloudfront: Any, reader: AccountSession) -> None:
    oac = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "assets",
            "Description": "site assets",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]

    found = collect_resources(ORIGIN_ACCESS_CONTROL, reader, GLOBAL_REGION)

    control = found[oac]
    assert control.name == "assets"
    assert control.arn == f"arn:aws:cloudfront::{ACCOUNT}:origin-access-control/{oac}"
    assert (control.region, control.account) == (GLOBAL_REGION, ACCOUNT)
    assert control.tags == {}


def test_function(cloudfront: Any, reader: AccountSession) -> None:
    cloudfront.create_function(
        Name="rewrite-index",
        FunctionConfig={"Comment": "index.html", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=b"function handler(event) { return event.request; }",
    )

    found = collect_resources(FUNCTION, reader, GLOBAL_REGION)

    function = found["rewrite-index"]
    assert function.name == "rewrite-index"
    assert function.arn == f"arn:aws:cloudfront::{ACCOUNT}:function/rewrite-index"
    assert (function.region, function.account) == (GLOBAL_REGION, ACCOUNT)
    assert function.tags == {}
    assert function.relations == []  # a function names nothing else


def test_functions_page_by_marker() -> None:
    # ListFunctions pages although botocore has no paginator for it.
    def function(name: str) -> dict[str, Any]:
        return {
            "Name": name,
            "FunctionConfig": {"Comment": "", "Runtime": "cloudfront-js-2.0"},
            "FunctionMetadata": {
                "FunctionARN": f"arn:aws:cloudfront::{ACCOUNT}:function/{name}",
                "LastModifiedTime": dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
            },
        }

    first = [function(f"fn-{n:03}") for n in range(100)]
    asked = {"Stage": "DEVELOPMENT", "MaxItems": "100"}
    with stubbed("cloudfront", "us-east-1") as (session, stubber):
        stubber.add_response(
            "list_functions",
            {"FunctionList": {"Items": first, "Quantity": 100, "MaxItems": 100, "NextMarker": "m"}},
            asked,
        )
        stubber.add_response(
            "list_functions",
            {"FunctionList": {"Items": [function("last")], "Quantity": 1, "MaxItems": 100}},
            {**asked, "Marker": "m"},
        )
        found = collect_resources(FUNCTION, session, GLOBAL_REGION)

    assert len(found) == 101
    assert found["last"].arn == f"arn:aws:cloudfront::{ACCOUNT}:function/last"
