"""`estate types` and `estate iam-policy --tag`: what the specs say, as users read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from estate.resources.registry import REGISTRY
from tests.unit.cli.test_cli import one_line_error, run, write_config


def test_types_lists_every_registered_type_with_how_it_is_listed_and_tagged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "types", "--format", "json")

    assert code == 0
    records = json.loads(out)
    assert [r["type"] for r in records] == list(REGISTRY)
    by_type = {r["type"]: r for r in records}
    bucket = by_type["s3:bucket"]
    assert (bucket["scope"], bucket["list_call"]) == ("global", "s3:ListBuckets")
    assert bucket["tags_read"] == "per-item: s3:GetBucketTagging"
    assert bucket["tags_write"].startswith("GetBucketTagging+PutBucketTagging")
    assert by_type["ec2:instance"]["tags_write"] == "CreateTags/DeleteTags, 1000 per call"
    assert by_type["cloudformation:stack"]["taggable"] is False
    listener = by_type["elbv2:listener"]
    assert listener["parent"] == "elbv2:load-balancer"
    assert {"kind": "load-balancer", "type": "elbv2:load-balancer"} in listener["relations"]
    assert "elasticloadbalancing:AddTags" in by_type["elbv2:target-group"]["tag_iam_actions"]


def test_types_table_for_some_services_says_how_many(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "types", "elbv2", "sqs")

    assert code == 0
    rows = [line for line in out.splitlines() if ":" in line and "│" in line]
    assert len(rows) == sum(1 for s in REGISTRY.values() if s.service in ("elbv2", "sqs"))
    assert any("sqs:queue" in row and "TagQueue/UntagQueue" in row for row in rows)
    assert err.strip() == f"{len(rows)} types in 2 services"


def test_types_of_an_unknown_service_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, "types", "ec3")
    assert line.startswith("estate: error: unknown service 'ec3' (known: ")


def test_iam_policy_with_tag_adds_what_tagging_needs_and_only_for_taggable_types(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    types = "s3:bucket,ec2:instance,sns:topic,sqs:queue,cloudformation:stack,elbv2:listener"
    code, out, _ = run(capsys, "iam-policy", "-c", cfg, "--types", types, "--tag")

    assert code == 0
    read, tag = json.loads(out)["Statement"]
    assert (read["Sid"], tag["Sid"]) == ("EstateReadOnly", "EstateTag")
    assert set(tag["Action"]) == {
        "s3:GetBucketTagging",
        "s3:PutBucketTagging",
        "tag:TagResources",  # buckets holding aws: tags, and the tagging API's types
        "tag:UntagResources",
        "ec2:CreateTags",
        "ec2:DeleteTags",
        "sns:TagResource",  # the tagging API needs the service's own action too
        "sns:UntagResource",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
    }
    assert not any(a.startswith("cloudformation:") for a in tag["Action"])

    code, out, _ = run(capsys, "iam-policy", "-c", cfg, "--types", types)
    assert len(json.loads(out)["Statement"]) == 1  # without --tag: read-only
