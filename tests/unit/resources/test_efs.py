from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.efs import ACCESS_POINT, FILE_SYSTEM, MOUNT_TARGET
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
ARN = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def efs(member: boto3.Session) -> dict[str, str]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    client = member.client("efs", region_name=REGION)
    fs = client.create_file_system(
        CreationToken="shared-home",
        Encrypted=True,
        KmsKeyId=KEY,
        Tags=[{"Key": "Name", "Value": "home"}, {"Key": "team", "Value": "hpc"}],
    )["FileSystemId"]
    ap = client.create_access_point(
        FileSystemId=fs,
        PosixUser={"Uid": 1000, "Gid": 1000},
        Tags=[{"Key": "Name", "Value": "alice"}],
    )["AccessPointId"]
    group = ec2.create_security_group(GroupName="nfs", Description="nfs", VpcId=vpc)["GroupId"]
    mt = client.create_mount_target(FileSystemId=fs, SubnetId=subnet, SecurityGroups=[group])[
        "MountTargetId"
    ]
    return {"vpc": vpc, "subnet": subnet, "fs": fs, "ap": ap, "mt": mt, "group": group}


def test_file_system(efs: dict[str, str], reader: AccountSession) -> None:
    home = collect_resources(FILE_SYSTEM, reader, REGION)[efs["fs"]]

    assert home.name == "home"
    assert home.region == REGION and home.account == ACCOUNT
    assert home.arn == f"{ARN}file-system/{efs['fs']}"
    assert home.tags == {"Name": "home", "team": "hpc"}
    assert home.relations == [{"kind": "kms-key", "type": "kms:key", "arn": KEY}]
    assert "SizeInBytes" not in home.config
    assert "NumberOfMountTargets" not in home.config


def test_access_point(efs: dict[str, str], reader: AccountSession) -> None:
    alice = collect_resources(ACCESS_POINT, reader, REGION)[efs["ap"]]

    assert alice.name == "alice"
    assert alice.region == REGION and alice.account == ACCOUNT
    assert alice.arn == f"{ARN}access-point/{efs['ap']}"
    assert alice.tags == {"Name": "alice"}
    assert {
        "kind": "file-system",
        "type": "efs:file-system",
        "arn": f"{ARN}file-system/{efs['fs']}",
    } in alice.relations


def test_mount_target(efs: dict[str, str], reader: AccountSession) -> None:
    (target,) = collect_resources(MOUNT_TARGET, reader, REGION).values()

    assert target.id == efs["mt"] == target.name
    assert target.region == REGION and target.account == ACCOUNT
    assert target.arn == f"{ARN}mount-target/{efs['mt']}"
    assert target.tags == {}
    kinds = {r["kind"]: r["arn"] for r in target.relations}
    assert kinds["file-system"] == f"{ARN}file-system/{efs['fs']}"
    assert kinds["subnet"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{efs['subnet']}"
    group = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{efs['group']}"
    assert kinds["security-group"] == group
