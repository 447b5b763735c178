"""Relationships in the inventory: collected from the specs' fields, stored per edge, shown by
`estate show` and selected by `estate ls --related-to`, replaced when a resource changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import session_in
from tests.unit.cli.test_cli import MEMBER, one_line_error, run, write_config

REGION = "eu-west-1"
TYPES = ["ec2:instance", "ec2:vpc", "ec2:subnet", "ec2:security-group", "ec2:volume"]


def arn(kind: str, id_: str) -> str:
    return f"arn:aws:ec2:{REGION}:{MEMBER}:{kind}/{id_}"


@pytest.fixture
def network(aws: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    ec2 = session_in(MEMBER).client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    (instance,) = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[group]
    )["Instances"]
    return {
        "ec2": ec2,
        "vpc": vpc,
        "subnet": subnet,
        "other": other,
        "group": group,
        "instance": instance["InstanceId"],
    }


def ls_related(capsys: pytest.CaptureFixture[str], cfg: str, target: str) -> set[str]:
    code, out, err = run(capsys, "ls", "--related-to", target, "-f", "json", "-c", cfg)
    assert code == 0, err
    return {r["arn"] for r in json.loads(out)}


def test_show_and_ls_related_to_follow_the_edges_both_ways(
    network: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path, regions=[REGION], types=TYPES))
    assert run(capsys, "collect", "-c", cfg)[0] == 0
    instance = arn("instance", network["instance"])
    subnet, vpc = arn("subnet", network["subnet"]), arn("vpc", network["vpc"])

    code, out, _ = run(capsys, "show", instance, "-f", "json", "-c", cfg)
    assert code == 0
    uses = {(e["kind"], e["arn"]) for e in json.loads(out)[0]["relations"]["uses"]}
    assert {
        ("subnet", subnet),
        ("vpc", vpc),
        ("security-group", arn("security-group", network["group"])),
    } <= uses
    volumes = [e for e in json.loads(out)[0]["relations"]["uses"] if e["kind"] == "volume"]
    assert volumes and all(e["in_inventory"] for e in volumes)  # its root volume

    code, out, _ = run(capsys, "show", subnet, "-c", cfg)
    assert code == 0
    lines = out.splitlines()
    assert any(line.split()[:3] == ["uses", "vpc", vpc] for line in lines[:20]), out
    assert any(line.split()[:4] == ["used", "by", "subnet", instance] for line in lines), out

    # what the subnet uses (its VPC) and what uses it (the instance), not its sibling
    assert ls_related(capsys, cfg, subnet) == {vpc, instance}
    assert arn("subnet", network["other"]) in ls_related(capsys, cfg, vpc)


def test_a_changed_resource_has_its_new_edges_only(
    network: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path, regions=[REGION], types=TYPES))
    assert run(capsys, "collect", "-c", cfg)[0] == 0
    ec2 = network["ec2"]
    spare = ec2.create_security_group(GroupName="spare", Description="spare", VpcId=network["vpc"])[
        "GroupId"
    ]
    ec2.modify_instance_attribute(InstanceId=network["instance"], Groups=[spare])

    assert run(capsys, "collect", "-c", cfg)[0] == 0

    instance = arn("instance", network["instance"])
    assert instance in ls_related(capsys, cfg, arn("security-group", spare))
    assert instance not in ls_related(capsys, cfg, arn("security-group", network["group"]))


def test_related_to_something_that_is_not_an_arn_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(write_config(tmp_path))
    line = one_line_error(capsys, "ls", "--related-to", "subnet-123", "-c", cfg)
    assert line.startswith("estate: error: --related-to: not an ARN: 'subnet-123'")
