from __future__ import annotations

import copy

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.fsx import FILE_SYSTEM
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def fsx(member: boto3.Session) -> dict[str, str]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    fs = member.client("fsx", region_name=REGION).create_file_system(
        FileSystemType="LUSTRE",
        StorageCapacity=1200,
        SubnetIds=[subnet],
        Tags=[{"Key": "Name", "Value": "scratch"}, {"Key": "team", "Value": "hpc"}],
    )["FileSystem"]["FileSystemId"]
    return {"vpc": vpc, "subnet": subnet, "fs": fs}


def test_file_system(fsx: dict[str, str], reader: AccountSession) -> None:
    scratch = collect_resources(FILE_SYSTEM, reader, REGION)[fsx["fs"]]

    assert scratch.name == "scratch"  # the Name tag
    assert scratch.region == REGION and scratch.account == ACCOUNT
    assert scratch.arn == f"arn:aws:fsx:{REGION}:{ACCOUNT}:file-system/{fsx['fs']}"
    assert scratch.tags == {"Name": "scratch", "team": "hpc"}
    assert {
        "kind": "subnet",
        "type": "ec2:subnet",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{fsx['subnet']}",
    } in scratch.relations


def test_administrative_actions_do_not_change_the_hash(
    fsx: dict[str, str], reader: AccountSession
) -> None:
    (raw,) = [i.data for p in collect_pages(FILE_SYSTEM, reader, REGION) for i in p.items]
    busy = copy.deepcopy(raw)
    busy["AdministrativeActions"] = [
        {"AdministrativeActionType": "FILE_SYSTEM_UPDATE", "ProgressPercent": 40}
    ]

    assert (
        normalize_resource(FILE_SYSTEM, ACCOUNT, REGION, busy).hash
        == normalize_resource(FILE_SYSTEM, ACCOUNT, REGION, raw).hash
    )
