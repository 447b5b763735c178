from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_page, normalize_resource
from estate.resources.collect import get_pages
from estate.resources.ec2 import INSTANCE, SECURITY_GROUP, SUBNET, VOLUME, VPC
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

REGION = "eu-west-1"
AMI = "ami-12c6146b"  # one of moto's built-in images


@pytest.fixture
def ec2(member: boto3.Session) -> EC2Client:
    return member.client("ec2", region_name=REGION)


def _tags(**tags: str) -> Any:
    return [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def test_instance(ec2: EC2Client, reader: AccountSession) -> None:
    instance_id = ec2.run_instances(
        ImageId=AMI,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=_tags(Name="web-1", team="core"),
    )["Instances"][0]["InstanceId"]

    instance = collect_resources(INSTANCE, reader, REGION)[instance_id]

    assert instance.name == "web-1"
    assert instance.region == REGION
    assert instance.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}"
    assert instance.tags == {"Name": "web-1", "team": "core"}
    assert instance.config["InstanceType"] == "t3.micro"
    assert instance.config["ImageId"] == AMI


def test_instances_on_every_page_are_collected(ec2: EC2Client, reader: AccountSession) -> None:
    # moto pages DescribeInstances by reservation: seven run_instances calls, pages of five.
    launched = {
        i["InstanceId"]
        for _ in range(7)
        for i in ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"]
    }
    spec = dataclasses.replace(INSTANCE, params={"MaxResults": 5})

    pages = collect_pages(spec, reader, REGION)

    assert len(pages) == 2
    assert pages[0].next_token is not None and pages[-1].next_token is None
    assert {item.data["InstanceId"] for page in pages for item in page.items} == launched


def test_resume_from_a_saved_token(ec2: EC2Client, reader: AccountSession) -> None:
    for _ in range(7):
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    spec = dataclasses.replace(INSTANCE, params={"MaxResults": 5})
    first = next(get_pages(spec, reader, REGION))

    rest = list(get_pages(spec, reader, REGION, start_token=first.next_token))

    assert [len(page.items) for page in [first, *rest]] == [5, 2]


def test_vpc_subnet_and_volume(ec2: EC2Client, reader: AccountSession) -> None:
    vpc_id = ec2.create_vpc(
        CidrBlock="10.8.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "main"}]}],
    )["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    volume_id = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]

    vpc = collect_resources(VPC, reader, REGION)[vpc_id]
    subnet = collect_resources(SUBNET, reader, REGION)[subnet_id]
    volume = collect_resources(VOLUME, reader, REGION)[volume_id]

    assert vpc.name == "main"
    assert vpc.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc_id}"
    assert vpc.config["CidrBlock"] == "10.8.0.0/16"
    assert subnet.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}"
    assert subnet.config["VpcId"] == vpc_id
    assert "AvailableIpAddressCount" not in subnet.config
    assert volume.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{volume_id}"
    assert volume.tags == {}
    assert volume.config["Size"] == 8


@pytest.fixture
def group_id(ec2: EC2Client) -> str:
    group_id: str = ec2.create_security_group(
        GroupName="web",
        Description="web tier",
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": "team", "Value": "core"}]}
        ],
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [
                    {"CidrIp": "10.0.0.0/8"},
                    {"CidrIp": "172.16.0.0/12"},
                    {"CidrIp": "192.168.0.0/16"},
                ],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}, {"CidrIp": "10.2.0.0/16"}],
            },
        ],
    )
    ec2.authorize_security_group_egress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "udp",
                "FromPort": 53,
                "ToPort": 53,
                "IpRanges": [{"CidrIp": "10.0.0.2/32"}, {"CidrIp": "10.0.0.3/32"}],
            }
        ],
    )
    return group_id


def test_security_group(group_id: str, reader: AccountSession) -> None:
    group = collect_resources(SECURITY_GROUP, reader, REGION)[group_id]

    assert group.name == "web"
    assert group.region == REGION
    assert group.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}"
    assert group.tags == {"team": "core"}
    ports = {rule["FromPort"] for rule in group.config["IpPermissions"]}
    assert ports == {22, 443}


def test_security_group_hash_ignores_rule_order(group_id: str, reader: AccountSession) -> None:
    pages = collect_pages(SECURITY_GROUP, reader, REGION)
    raw = next(i for p in pages for i in p.items if i.data["GroupId"] == group_id)
    shuffled = copy.deepcopy(raw.data)
    for rules in ("IpPermissions", "IpPermissionsEgress"):
        shuffled[rules].reverse()
        for rule in shuffled[rules]:
            rule["IpRanges"].reverse()
    assert shuffled != raw.data  # the test means something only if the order really changed

    original = normalize_resource(SECURITY_GROUP, ACCOUNT, raw.region, raw.data)
    reordered = normalize_resource(SECURITY_GROUP, ACCOUNT, raw.region, shuffled)

    assert reordered.hash == original.hash
    assert len(original.config["IpPermissions"]) == 2


def test_security_group_hash_sees_a_new_cidr(group_id: str, reader: AccountSession) -> None:
    pages = collect_pages(SECURITY_GROUP, reader, REGION)
    raw = next(i for p in pages for i in p.items if i.data["GroupId"] == group_id)
    widened = copy.deepcopy(raw.data)
    widened["IpPermissions"][0]["IpRanges"].append({"CidrIp": "0.0.0.0/0"})

    original = normalize_resource(SECURITY_GROUP, ACCOUNT, raw.region, raw.data)
    changed = normalize_resource(SECURITY_GROUP, ACCOUNT, raw.region, widened)

    assert changed.hash != original.hash


# --- real answer shapes, through botocore's Stubber ------------------------------------------

OWNER = "222222222222"  # shares its VPC's subnets with ACCOUNT through RAM
STAMP = dt.datetime(2024, 5, 2, 9, 0, tzinfo=dt.UTC)


def test_an_instance_keeps_its_reservation() -> None:
    reservation = {
        "ReservationId": "r-0a1b2c3d4e5f60718",
        "OwnerId": ACCOUNT,
        "RequesterId": "940372691376",  # Auto Scaling launched it for the owner
        "Groups": [],
        "Instances": [
            {"InstanceId": "i-0123456789abcdef0", "InstanceType": "m5.large", "LaunchTime": STAMP},
            {"InstanceId": "i-0fedcba9876543210", "InstanceType": "m5.large", "LaunchTime": STAMP},
        ],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_instances", {"Reservations": [reservation]}, {"MaxResults": 500}
        )
        found = collect_resources(INSTANCE, session, REGION)

    assert set(found) == {"i-0123456789abcdef0", "i-0fedcba9876543210"}
    for instance in found.values():
        assert instance.config["ReservationId"] == "r-0a1b2c3d4e5f60718"
        assert instance.config["OwnerId"] == ACCOUNT
        assert instance.config["RequesterId"] == "940372691376"
        assert instance.config["InstanceType"] == "m5.large"
        assert "Instances" not in instance.config


def _subnet(subnet_id: str, owner: str) -> dict[str, Any]:
    return {
        "SubnetId": subnet_id,
        "SubnetArn": f"arn:aws:ec2:{REGION}:{owner}:subnet/{subnet_id}",
        "OwnerId": owner,
        "VpcId": "vpc-0aa11bb22cc33dd44",
        "CidrBlock": "10.8.1.0/24",
        "AvailabilityZone": f"{REGION}a",
        "AvailableIpAddressCount": 250,
        "State": "available",
    }


def test_a_subnet_shared_by_another_account_is_left_to_its_owner() -> None:
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_subnets",
            {"Subnets": [_subnet("subnet-0own", ACCOUNT), _subnet("subnet-0shared", OWNER)]},
            {"MaxResults": 1000},
        )
        (page,) = collect_pages(SUBNET, session, REGION)

    found = normalize_page(SUBNET, ACCOUNT, [(i.region, i.data, ()) for i in page.items])

    (own,) = found.records
    assert (own.id, own.account) == ("subnet-0own", ACCOUNT)
    (shared,) = found.foreign
    assert shared.account == OWNER
    assert shared.arn == f"arn:aws:ec2:{REGION}:{OWNER}:subnet/subnet-0shared"
    assert found.unusable == []


def test_a_shared_vpc_without_an_arn_in_the_answer_is_its_owners() -> None:
    vpc = {"VpcId": "vpc-0aa11bb22cc33dd44", "OwnerId": OWNER, "CidrBlock": "10.8.0.0/16"}

    shared = normalize_resource(VPC, ACCOUNT, REGION, vpc)

    assert shared.account == OWNER
    assert shared.arn == f"arn:aws:ec2:{REGION}:{OWNER}:vpc/vpc-0aa11bb22cc33dd44"
