"""Accounts in aws-cn and aws-us-gov: their calls reach their own partition's endpoints.

moto does not emulate other partitions' hostnames (mock_aws answers whatever host it is sent
to), so these tests use real botocore clients (real endpoint resolution, signing and
serialization) with a `before-send` hook that records each request's URL and answers it with a
literal AWS answer, the wire format included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse

from estate.aws.organizations import get_active_accounts
from estate.aws.regions import discover_regions
from estate.aws.sessions import AccountSession, AwsSettings, SessionFactory
from estate.config import Config
from estate.engine.run import Collection, CollectRequest
from estate.engine.shardwork import targets_of
from estate.engine.targets import resolve_targets
from estate.inventory.normalize import normalize_page
from estate.resources.collect import get_pages
from estate.resources.iam import ROLE
from estate.resources.s3 import BUCKET
from estate.resources.spec import GLOBAL_REGION, ResourceSpec
from estate.s3copy.regions import source_region
from estate.store import queries
from estate.store.database import Database
from estate.store.runs import load_run

CN = "111111111111"
CN_ROLE = f"arn:aws-cn:iam::{CN}:role/EstateReader"


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


class Wire:
    """A before-send hook: records (operation, host) and answers from `answers`."""

    def __init__(
        self, answers: dict[str, tuple[int, str]], headers: dict[str, str] | None = None
    ) -> None:
        self.answers = answers
        self.headers = headers or {}
        self.sent: list[tuple[str, str]] = []

    def __call__(self, request: Any, event_name: str, **_: Any) -> AWSResponse:
        operation = event_name.rsplit(".", 1)[1]
        self.sent.append((operation, str(urlsplit(request.url).hostname)))
        status, body = self.answers[operation]
        return AWSResponse(request.url, status, dict(self.headers), _Body(body.encode()))

    def hosts(self, operation: str) -> set[str]:
        return {host for op, host in self.sent if op == operation}


def _xml(operation: str, result: str, ns: str) -> str:
    return (
        f'<{operation}Response xmlns="{ns}"><{operation}Result>{result}</{operation}Result>'
        f"</{operation}Response>"
    )


STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ASSUME_ROLE = _xml(
    "AssumeRole",
    "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
    "<SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
    "</Credentials><AssumedRoleUser>"
    f"<Arn>arn:aws-cn:sts::{CN}:assumed-role/EstateReader/estate</Arn>"
    "<AssumedRoleId>AROAEXAMPLE:estate</AssumedRoleId></AssumedRoleUser>",
    STS_NS,
)


_IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
_ROLES = (
    "<IsTruncated>false</IsTruncated><Roles><member><Path>/</Path><RoleName>app</RoleName>"
    f"<RoleId>AROAAPP</RoleId><Arn>arn:aws-cn:iam::{CN}:role/app</Arn>"
    "<CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Roles>"
)
_ROLE_TAGS = (
    "<IsTruncated>false</IsTruncated><Tags><member><Key>team</Key><Value>x</Value></member></Tags>"
)
IAM_ANSWERS = {
    "ListRoles": (200, _xml("ListRoles", _ROLES, _IAM_NS)),
    "ListRoleTags": (200, _xml("ListRoleTags", _ROLE_TAGS, _IAM_NS)),
}

_S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
S3_ANSWERS = {
    # An older answer shape: no BucketArn, so the ARN comes from the template.
    "ListBuckets": (
        200,
        f'<ListAllMyBucketsResult xmlns="{_S3_NS}"><Buckets><Bucket><Name>logs</Name>'
        "<CreationDate>2020-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets>"
        "<Owner><ID>owner</ID></Owner></ListAllMyBucketsResult>",
    ),
    "GetBucketLocation": (
        200,
        f'<LocationConstraint xmlns="{_S3_NS}">cn-northwest-1</LocationConstraint>',
    ),
    "GetBucketTagging": (
        200,
        f'<Tagging xmlns="{_S3_NS}"><TagSet><Tag><Key>env</Key><Value>prod</Value></Tag>'
        "</TagSet></Tagging>",
    ),
}

_REGION_ITEMS = "".join(
    f"<item><regionName>{r}</regionName><regionEndpoint>ec2.{r}</regionEndpoint>"
    "<optInStatus>opt-in-not-required</optInStatus></item>"
    for r in ("cn-north-1", "cn-northwest-1", "us-east-1")
)
REGIONS = (
    '<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    f"<requestId>r</requestId><regionInfo>{_REGION_ITEMS}</regionInfo></DescribeRegionsResponse>"
)


def _caller_identity(arn: str, account: str) -> str:
    return _xml(
        "GetCallerIdentity",
        f"<Arn>{arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>{account}</Account>",
        STS_NS,
    )


def assumed_cn_session(wire: Wire) -> tuple[SessionFactory, AccountSession]:
    """A factory over base credentials, and the session of an aws-cn account through its
    role; every request of either goes through `wire`."""
    base = botocore.session.Session()  # AWS_DEFAULT_REGION is us-east-1 in every test
    base.register("before-send", wire)
    factory = SessionFactory(AwsSettings(), base=base)
    session = factory.for_account(CN, CN_ROLE)
    session.boto3_session.events.register("before-send", wire)
    return factory, session


def collect(spec: ResourceSpec, session: AccountSession) -> list[Any]:
    pages = get_pages(spec, session, GLOBAL_REGION, detail_workers=1)
    return [
        record
        for page in pages
        for record in normalize_page(
            spec,
            session.account_id,
            ((i.region, i.data, [r.as_record() for r in i.refused]) for i in page.items),
            session.partition,
        ).records
    ]


def test_an_aws_cn_role_is_assumed_in_aws_cn_and_its_iam_shard_goes_to_cn_north_1() -> None:
    wire = Wire({"AssumeRole": (200, ASSUME_ROLE), **IAM_ANSWERS})
    _, session = assumed_cn_session(wire)

    records = collect(ROLE, session)

    assert session.partition == "aws-cn"
    assert wire.hosts("AssumeRole") == {"sts.cn-north-1.amazonaws.com.cn"}
    assert wire.hosts("ListRoles") == {"iam.cn-north-1.amazonaws.com.cn"}
    assert wire.hosts("ListRoleTags") == {"iam.cn-north-1.amazonaws.com.cn"}
    [role] = records
    assert (role.arn, role.account, role.tags) == (
        f"arn:aws-cn:iam::{CN}:role/app",
        CN,
        {"team": "x"},
    )


def test_an_aws_cn_accounts_buckets_are_listed_in_aws_cn_with_aws_cn_arns() -> None:
    wire = Wire({"AssumeRole": (200, ASSUME_ROLE), **S3_ANSWERS})
    _, session = assumed_cn_session(wire)

    records = collect(BUCKET, session)

    assert wire.hosts("ListBuckets") == {"s3.cn-north-1.amazonaws.com.cn"}
    assert wire.hosts("GetBucketLocation") == {"s3.cn-north-1.amazonaws.com.cn"}
    # in the bucket's own region (virtual-hosted)
    assert wire.hosts("GetBucketTagging") == {"logs.s3.cn-northwest-1.amazonaws.com.cn"}
    [bucket] = records
    assert (bucket.arn, bucket.region, bucket.tags) == (
        "arn:aws-cn:s3:::logs",
        "cn-northwest-1",
        {"env": "prod"},
    )


def test_an_aws_cn_accounts_regions_are_asked_and_kept_in_aws_cn() -> None:
    wire = Wire({"AssumeRole": (200, ASSUME_ROLE), "DescribeRegions": (200, REGIONS)})
    _, session = assumed_cn_session(wire)

    assert discover_regions(session) == ["cn-north-1", "cn-northwest-1"]
    assert wire.hosts("DescribeRegions") == {"ec2.cn-north-1.amazonaws.com.cn"}


def _org_wire(identity_arn: str, caller: str, members: list[str]) -> Wire:
    accounts = [{"Id": m, "Name": f"m{m[-1]}", "State": "ACTIVE"} for m in members]
    return Wire(
        {
            "GetCallerIdentity": (200, _caller_identity(identity_arn, caller)),
            "ListAccounts": (200, json.dumps({"Accounts": accounts})),
        }
    )


def base_factory(wire: Wire, region: str | None) -> SessionFactory:
    base = botocore.session.Session()
    if region:
        base.set_config_variable("region", region)
    base.register("before-send", wire)
    return SessionFactory(AwsSettings(), base=base)


def test_base_credentials_in_aws_us_gov_list_the_organization_there_and_roles_are_gov() -> None:
    caller, member = "222222222222", "333333333333"
    wire = _org_wire(f"arn:aws-us-gov:iam::{caller}:user/ops", caller, [caller, member])
    factory = base_factory(wire, "us-gov-west-1")

    targets = resolve_targets(Config.model_validate({"organization": True}), factory)

    assert wire.hosts("GetCallerIdentity") == {"sts.us-gov-west-1.amazonaws.com"}
    assert wire.hosts("ListAccounts") == {"organizations.us-gov-west-1.amazonaws.com"}
    assert [(t.account_id, t.role_arn, t.partition) for t in targets] == [
        (caller, None, "aws-us-gov"),
        (member, f"arn:aws-us-gov:iam::{member}:role/EstateReader", "aws-us-gov"),
    ]
    assert factory.base_session().partition == "aws-us-gov"


def test_the_configured_partition_sends_the_first_call_to_its_sts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # no region to tell the partition
    caller = "444444444444"
    wire = _org_wire(f"arn:aws-cn:iam::{caller}:user/ops", caller, [caller])
    base = botocore.session.Session()
    base.register("before-send", wire)
    factory = SessionFactory(AwsSettings(partition="aws-cn"), base=base)

    organization = get_active_accounts(factory.base_session())

    assert wire.hosts("GetCallerIdentity") == {"sts.cn-north-1.amazonaws.com.cn"}
    assert wire.hosts("ListAccounts") == {"organizations.cn-northwest-1.amazonaws.com.cn"}
    assert [a["Id"] for a in organization] == [caller]


def test_a_whole_collection_of_an_aws_cn_account_stays_in_aws_cn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")  # the base credentials are aws-cn's
    caller = "999999999999"
    wire = Wire(
        {
            "GetCallerIdentity": (
                200,
                _caller_identity(f"arn:aws-cn:iam::{caller}:user/o", caller),
            ),
            "AssumeRole": (200, ASSUME_ROLE),
            "DescribeRegions": (200, REGIONS),
            **IAM_ANSWERS,
            **S3_ANSWERS,
        }
    )
    factory, _ = assumed_cn_session(wire)
    config = Config.model_validate(
        {
            "store": f"sqlite:///{tmp_path}/estate.db",
            "accounts": [{"id": CN, "role_arn": CN_ROLE}],
            "regions": "all",
            "types": ["iam:role", "s3:bucket"],
            "concurrency": 2,
        }
    )
    db = Database(config.store)

    summary = Collection(config, db, factory).run(CollectRequest())

    assert summary.status == "ok", summary.failures
    assert targets_of(load_run(db, summary.run_id)["scope"])[CN].partition == "aws-cn"
    found = {r["type"]: r for r in queries.load_resources(db, queries.Selection())}
    assert found["iam:role"]["arn"] == f"arn:aws-cn:iam::{CN}:role/app"
    assert (found["s3:bucket"]["arn"], found["s3:bucket"]["region"]) == (
        "arn:aws-cn:s3:::logs",
        "cn-northwest-1",
    )
    hosts = {host for _, host in wire.sent}
    assert all(host.endswith(".amazonaws.com.cn") for host in hosts), hosts
    assert wire.hosts("ListRoles") == {"iam.cn-north-1.amazonaws.com.cn"}
    assert wire.hosts("DescribeRegions") == {"ec2.cn-north-1.amazonaws.com.cn"}


def test_a_copy_finds_an_aws_cn_buckets_region_in_aws_cn() -> None:
    wire = Wire(
        {"AssumeRole": (200, ASSUME_ROLE), "HeadBucket": (200, "")},
        headers={"x-amz-bucket-region": "cn-northwest-1"},
    )
    _, session = assumed_cn_session(wire)

    assert source_region(session, "logs") == "cn-northwest-1"
    assert wire.hosts("HeadBucket") == {"logs.s3.cn-north-1.amazonaws.com.cn"}
