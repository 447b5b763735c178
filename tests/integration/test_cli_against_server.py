"""The `estate` program, as a separate process, against a moto server on loopback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from estate.demo.emulator import EMULATOR_CREDENTIALS, Emulator
from estate.demo.sample import SampleOrg, apply_sample_changes
from estate.demo.sample_plan import SAMPLE_TYPES
from estate.resources.s3 import region_from_location
from tests.integration.running import run_estate

pytestmark = pytest.mark.integration


def estate(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_estate(tmp_path, tmp_path / "estate.yaml", *args)


def write_config(tmp_path: Path, emulator: Emulator, org: SampleOrg, **extra: Any) -> None:
    config = {
        "store": f"sqlite:///{tmp_path}/estate.db",
        "endpoint_url": emulator.endpoint_url,
        "role_name": "OrganizationAccountAccessRole",
        "regions": list(org.regions),
        "types": list(SAMPLE_TYPES),
        "concurrency": 8,
        **extra,
    }
    (tmp_path / "estate.yaml").write_text(yaml.safe_dump(config))


def member(endpoint_url: str, account: str) -> boto3.Session:
    creds = boto3.client(
        "sts", endpoint_url=endpoint_url, region_name="us-east-1", **EMULATOR_CREDENTIALS
    ).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="readback",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def listed(tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    done = estate(tmp_path, "ls", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_organization_inventory_matches_what_aws_says(
    emulator: Emulator, sample_org: SampleOrg, tmp_path: Path
) -> None:
    write_config(tmp_path, emulator, sample_org, organization=True)
    done = estate(tmp_path, "collect")
    assert done.returncode == 0, done.stdout + done.stderr
    assert " ok, 0 failed)" in done.stdout

    buckets = {b["id"]: b for b in listed(tmp_path, "s3:bucket")}
    instances = {i["id"]: i for i in listed(tmp_path, "ec2:instance")}
    for account in sample_org.member_accounts:
        session = member(emulator.endpoint_url, account)
        s3 = session.client("s3", endpoint_url=emulator.endpoint_url, region_name="us-east-1")
        for bucket in s3.list_buckets()["Buckets"]:
            name = bucket["Name"]
            location = s3.get_bucket_location(Bucket=name)["LocationConstraint"]
            assert buckets[name]["account"] == account
            assert buckets[name]["region"] == region_from_location(location)
            try:
                tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
            except s3.exceptions.ClientError:
                tags = []
            assert buckets[name]["tags"] == {t["Key"]: t["Value"] for t in tags}
        for region in sample_org.regions:
            ec2 = session.client("ec2", endpoint_url=emulator.endpoint_url, region_name=region)
            for reservation in ec2.describe_instances()["Reservations"]:
                for inst in reservation["Instances"]:
                    got = instances[inst["InstanceId"]]
                    assert (got["account"], got["region"]) == (account, region)
                    assert got["tags"] == {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
    # the us-east-1 buckets were created without a LocationConstraint
    assert any(b["region"] == "us-east-1" for b in buckets.values())
    assert any(not b["tags"] for b in buckets.values())

    done = estate(tmp_path, "collect")
    assert done.returncode == 0
    changes = estate(tmp_path, "changes", "--format", "json")
    assert json.loads(changes.stdout) == []  # a second run finds no false changes


def test_second_collect_reports_exactly_the_changes_made(
    emulator: Emulator, fresh_sample_org: SampleOrg, tmp_path: Path
) -> None:
    org = fresh_sample_org
    accounts = [{"id": a, "name": n} for n, a in org.members.items()]
    write_config(tmp_path, emulator, org, accounts=accounts)
    first = estate(tmp_path, "collect")
    assert first.returncode == 0, first.stdout + first.stderr
    expected = apply_sample_changes(org, emulator.endpoint_url)
    second = estate(tmp_path, "collect")
    assert second.returncode == 0, second.stdout + second.stderr
    done = estate(tmp_path, "changes", "--format", "json")
    reported = json.loads(done.stdout)
    assert sorted((c["change"], c["arn"]) for c in reported) == sorted(
        (e.kind, e.arn) for e in expected
    )
    for change in expected:
        record = next(r for r in reported if r["arn"] == change.arn)
        assert set(change.fields) <= set(record["fields"])
        assert (record["type"], record["account"], record["region"]) == (
            change.type,
            change.account,
            change.region,
        )
    deleted = [c for c in expected if c.kind == "deleted"]
    gone = listed(tmp_path, "--deleted")
    assert {c.arn for c in deleted} <= {r["arn"] for r in gone}
