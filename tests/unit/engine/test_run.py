"""A whole collection through real boto3 clients against in-process moto (several accounts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

from estate.aws.sessions import AwsSettings, SessionFactory
from estate.config import Config
from estate.engine.run import Collection, CollectRequest
from estate.errors import InputError
from estate.store import queries
from estate.store.database import Database
from estate.store.runs import load_run
from tests.support import session_in
from tests.unit.aws.faults import error_answer

TYPES = ["s3:bucket", "ec2:instance", "ec2:security-group", "sqs:queue"]
REGIONS = ["us-east-1", "eu-west-1"]


@pytest.fixture
def org(aws: None) -> dict[str, str]:
    client = boto3.client("organizations")
    client.create_organization(FeatureSet="ALL")
    ids = {}
    for name in ("prod", "dev"):
        status = client.create_account(Email=f"{name}@example.com", AccountName=name)
        ids[name] = status["CreateAccountStatus"]["AccountId"]
    for name, account in ids.items():
        session = session_in(account)
        session.client("s3", region_name="us-east-1").create_bucket(Bucket=f"{name}-use1")
        session.client("s3", region_name="eu-west-1").create_bucket(
            Bucket=f"{name}-euw1", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        session.client("ec2", region_name="eu-west-1").run_instances(
            ImageId="ami-12c6146b",
            MinCount=2,
            MaxCount=2,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "env", "Value": name}]}
            ],
        )
        session.client("sqs", region_name="us-east-1").create_queue(QueueName=f"{name}-jobs")
    return ids


def make_config(tmp_path: Path, **overrides: Any) -> Config:
    values: dict[str, Any] = {
        "store": f"sqlite:///{tmp_path}/estate.db",
        "organization": True,
        "regions": REGIONS,
        "types": TYPES,
        "concurrency": 4,
    }
    return Config.model_validate({**values, **overrides})


def collect(
    config: Config, base: botocore.session.Session | None = None, **request: Any
) -> tuple[Any, Database]:
    db = Database(config.store)
    factory = SessionFactory(AwsSettings(), base=base)
    summary = Collection(config, db, factory).run(CollectRequest(**request))
    return summary, db


def resources(db: Database, **selection: Any) -> list[dict[str, Any]]:
    return list(queries.load_resources(db, queries.Selection(**selection)))


def test_collects_every_member_account_with_true_regions(
    org: dict[str, str], tmp_path: Path
) -> None:
    summary, db = collect(make_config(tmp_path))
    assert summary.status == "ok" and summary.exit_code == 0
    # management + 2 members, 3 regional types x 2 regions + s3 once per account
    assert summary.figures["shards_total"] == 3 * (3 * 2 + 1)
    buckets = {r["id"]: r for r in resources(db, types=["s3:bucket"])}
    assert buckets["prod-use1"]["region"] == "us-east-1"
    assert buckets["prod-euw1"]["region"] == "eu-west-1"
    assert buckets["dev-use1"]["account"] == org["dev"]
    instances = resources(db, types=["ec2:instance"], tags={"env": "prod"})
    assert len(instances) == 2
    assert {i["account"] for i in instances} == {org["prod"]}
    assert all(
        i["arn"].startswith(f"arn:aws:ec2:eu-west-1:{org['prod']}:instance/") for i in instances
    )
    queues = resources(db, types=["sqs:queue"], accounts=[org["dev"]])
    assert [q["name"] for q in queues] == ["dev-jobs"]


def test_sessions_are_released_when_an_account_is_done(org: dict[str, str], tmp_path: Path) -> None:
    config = make_config(tmp_path)
    factory = SessionFactory(AwsSettings())
    summary = Collection(config, Database(config.store), factory).run()
    assert summary.status == "ok"
    assert factory.open_accounts() == []


def test_second_run_reports_exactly_what_changed(org: dict[str, str], tmp_path: Path) -> None:
    config = make_config(tmp_path)
    collect(config)
    again, db = collect(config)
    assert (again.figures["created"], again.figures["modified"], again.figures["deleted"]) == (
        0,
        0,
        0,
    )

    prod = session_in(org["prod"])
    prod.client("s3", region_name="us-east-1").put_bucket_tagging(
        Bucket="prod-use1", Tagging={"TagSet": [{"Key": "team", "Value": "core"}]}
    )
    prod.client("s3", region_name="eu-west-1").delete_bucket(Bucket="prod-euw1")
    prod.client("sqs", region_name="eu-west-1").create_queue(QueueName="prod-new")
    third, db = collect(config)
    changes = queries.load_changes(db, run_id=third.run_id)
    got = sorted((c["change"], c["arn"].rsplit(":", 1)[-1]) for c in changes)
    assert got == [
        ("created", "prod-new"),
        ("deleted", "prod-euw1"),
        ("modified", "prod-use1"),
    ]
    modified = next(c for c in changes if c["change"] == "modified")
    assert modified["fields"] == ["tags"]
    assert modified["diff"] == {"tags.team": {"old": None, "new": "core", "added": True}}
    gone = queries.load_resource(db, "arn:aws:s3:::prod-euw1")
    assert gone is not None and gone["deleted"] is True


def deny_role_of(base: botocore.session.Session, account: str) -> None:
    def handler(params: dict[str, Any], **_: Any) -> Any:
        body = params.get("body") or {}
        if f"::{account}:role/" in str(body.get("RoleArn", "")):
            return error_answer("AccessDenied", 403, "not authorized to perform sts:AssumeRole")
        return None

    base.register("before-call.sts.AssumeRole", handler)


def test_an_account_whose_role_is_denied_fails_and_keeps_its_inventory(
    org: dict[str, str], tmp_path: Path
) -> None:
    config = make_config(tmp_path)
    _, db = collect(config)
    before = {r["arn"]: r for r in resources(db, accounts=[org["dev"]])}
    assert before

    # Meanwhile dev deletes a bucket and prod another: only prod's deletion may be recorded.
    session_in(org["dev"]).client("s3", region_name="us-east-1").delete_bucket(Bucket="dev-use1")
    session_in(org["prod"]).client("s3", region_name="us-east-1").delete_bucket(Bucket="prod-use1")
    base = botocore.session.Session()
    deny_role_of(base, org["dev"])
    second, db = collect(config, base=base)

    assert second.status == "partial" and second.exit_code == 1
    failed = {key for key, _ in second.failures}
    assert failed == {
        f"{org['dev']}/{region}/{t}" for region in REGIONS for t in TYPES if t != "s3:bucket"
    } | {f"{org['dev']}/global/s3:bucket"}
    assert all("AccessDenied" in error for _, error in second.failures)
    after = {r["arn"]: r for r in resources(db, accounts=[org["dev"]])}
    assert after == before  # nothing of dev was touched, not even last_seen
    changes = queries.load_changes(db, run_id=second.run_id)
    assert [(c["change"], c["arn"]) for c in changes] == [("deleted", "arn:aws:s3:::prod-use1")]


def test_resume_finishes_only_the_failed_shards(org: dict[str, str], tmp_path: Path) -> None:
    config = make_config(tmp_path)
    base = botocore.session.Session()
    deny_role_of(base, org["dev"])
    failed, db = collect(config, base=base)
    assert failed.status == "partial"
    ok_before = failed.figures["shards_ok"]

    resumed, db = collect(config, resume="last")
    assert resumed.run_id == failed.run_id
    assert resumed.status == "ok"
    assert resumed.figures["shards_ok"] == failed.figures["shards_total"]
    assert resumed.figures["shards_ok"] > ok_before
    assert load_run(db, "last")["resumes"] == 1
    assert len(resources(db, accounts=[org["dev"]])) > 0
    with pytest.raises(InputError, match="already finished ok"):
        collect(config, resume=str(failed.run_id))


def test_all_regions_are_discovered_per_account(org: dict[str, str], tmp_path: Path) -> None:
    config = make_config(tmp_path, regions="all", types=["sqs:queue"])
    db = Database(config.store)
    asked: list[str] = []

    def discover(session: Any) -> list[str]:
        asked.append(session.account_id)
        if session.account_id == org["dev"]:
            raise RuntimeError("cannot list regions")
        return ["us-east-1"]

    summary = Collection(config, db, SessionFactory(AwsSettings()), region_discovery=discover).run()
    assert sorted(asked) == sorted([*org.values(), "123456789012"])
    assert summary.status == "partial"
    assert [key for key, _ in summary.failures] == [f"{org['dev']}/*/regions"]
    names = {r["name"] for r in resources(db, types=["sqs:queue"])}
    assert names == {"prod-jobs"}  # dev's regions are unknown, so nothing of dev was collected


def test_account_filter_outside_the_config_is_an_input_error(
    org: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="999999999999"):
        collect(make_config(tmp_path), accounts=["999999999999"])


def test_region_filter_outside_the_config_is_an_input_error(
    org: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="ap-south-1"):
        collect(make_config(tmp_path), regions=["ap-south-1"])
