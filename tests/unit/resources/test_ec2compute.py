from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import Resource, normalize_page, normalize_resource
from estate.resources import ec2compute
from estate.resources.spec import ResourceSpec
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed
from tests.unit.resources.test_ec2net import listed_and_moved, same_hash

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

REGION = "eu-west-1"
ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"
AMI = "ami-12c6146b"  # one of moto's built-in images
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STAMP = dt.datetime(2024, 5, 2, 9, 0, tzinfo=dt.UTC)


def _tagged(kind: str, **tags: str) -> Any:
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def _edges(resource: Resource) -> set[tuple[str, str]]:
    return {(edge["kind"], edge["arn"]) for edge in resource.relations}


@pytest.fixture
def ec2(member: boto3.Session) -> EC2Client:
    return member.client("ec2", region_name=REGION)


def test_snapshot_and_image(ec2: EC2Client, reader: AccountSession) -> None:
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(
        VolumeId=volume, TagSpecifications=_tagged("snapshot", Name="nightly", team="db")
    )["SnapshotId"]
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    image = ec2.create_image(
        InstanceId=instance, Name="golden", TagSpecifications=_tagged("image", team="core")
    )["ImageId"]

    snapshots = collect_resources(ec2compute.SNAPSHOT, reader, REGION)
    found = collect_resources(ec2compute.IMAGE, reader, REGION)[image]

    nightly = snapshots[snapshot]
    assert (nightly.name, nightly.region, nightly.account) == ("nightly", REGION, ACCOUNT)
    assert nightly.arn == f"arn:aws:ec2:{REGION}::snapshot/{snapshot}"
    assert nightly.tags == {"Name": "nightly", "team": "db"}
    assert _edges(nightly) == {("volume", f"{ARN}volume/{volume}")}
    assert "Progress" not in nightly.config
    assert (found.name, found.region, found.account) == ("golden", REGION, ACCOUNT)
    assert found.arn == f"arn:aws:ec2:{REGION}::image/{image}"
    assert found.tags == {"team": "core"}
    (root,) = found.config["BlockDeviceMappings"]
    root_snapshot = root["Ebs"]["SnapshotId"]
    assert root_snapshot in snapshots  # CreateImage snapshotted the root volume
    assert _edges(found) == {
        ("snapshot", f"arn:aws:ec2:{REGION}::snapshot/{root_snapshot}"),
        ("source-instance", f"{ARN}instance/{instance}"),
    }


def test_an_encrypted_snapshot_names_its_key_and_hides_its_progress() -> None:
    snapshot = {
        "SnapshotId": "snap-0123456789abcdef0",
        "OwnerId": ACCOUNT,
        "VolumeId": "vol-0aa",
        "Encrypted": True,
        "KmsKeyId": KEY,
        "State": "pending",
        "Progress": "12%",
        "StartTime": STAMP,
    }
    later = {**snapshot, "Progress": "80%"}

    found = normalize_resource(ec2compute.SNAPSHOT, ACCOUNT, REGION, snapshot)

    assert ("kms-key", KEY) in _edges(found)
    assert normalize_resource(ec2compute.SNAPSHOT, ACCOUNT, REGION, later).hash == found.hash


def test_key_pair(ec2: EC2Client, reader: AccountSession) -> None:
    ec2.create_key_pair(KeyName="deploy", TagSpecifications=_tagged("key-pair", team="ops"))
    ec2.create_key_pair(KeyName="spare")

    found = collect_resources(ec2compute.KEY_PAIR, reader, REGION)

    deploy = found["deploy"]
    assert (deploy.name, deploy.region, deploy.account) == ("deploy", REGION, ACCOUNT)
    assert deploy.arn == f"{ARN}key-pair/deploy"
    assert deploy.tags == {"team": "ops"}
    assert deploy.relations == []  # a key pair points at nothing
    assert found["spare"].tags == {}


def test_launch_template(ec2: EC2Client, reader: AccountSession) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="web",
        LaunchTemplateData={
            "ImageId": AMI,
            "InstanceType": "t3.micro",
            "KeyName": "deploy",
            "SecurityGroupIds": [group],
            "UserData": "ZXhwb3J0IFRPS0VOPXMzY3IzdA==",
        },
        TagSpecifications=_tagged("launch-template", team="web"),
    )["LaunchTemplate"]["LaunchTemplateId"]

    found = collect_resources(ec2compute.LAUNCH_TEMPLATE, reader, REGION)[template]

    assert (found.name, found.region, found.account) == ("web", REGION, ACCOUNT)
    assert found.arn == f"{ARN}launch-template/{template}"
    assert found.tags == {"team": "web"}
    assert found.config["DefaultVersion"]["InstanceType"] == "t3.micro"
    assert "UserData" not in found.config["DefaultVersion"]
    assert _edges(found) == {
        ("image", f"arn:aws:ec2:{REGION}::image/{AMI}"),
        ("key-pair", f"{ARN}key-pair/deploy"),
        ("security-group", f"{ARN}security-group/{group}"),
    }


def test_spot_instance_request(ec2: EC2Client, reader: AccountSession) -> None:
    (request,) = ec2.request_spot_instances(
        InstanceCount=1,
        LaunchSpecification={"ImageId": AMI, "InstanceType": "t3.micro", "KeyName": "deploy"},
        TagSpecifications=_tagged("spot-instances-request", Name="batch"),
    )["SpotInstanceRequests"]
    request_id = request["SpotInstanceRequestId"]

    found = collect_resources(ec2compute.SPOT_INSTANCE_REQUEST, reader, REGION)[request_id]

    assert (found.name, found.region, found.account) == ("batch", REGION, ACCOUNT)
    assert found.arn == f"{ARN}spot-instances-request/{request_id}"
    assert found.tags == {"Name": "batch"}
    instance = found.config["InstanceId"]  # moto fulfils the request at once
    assert {
        ("instance", f"{ARN}instance/{instance}"),
        ("key-pair", f"{ARN}key-pair/deploy"),
    } <= _edges(found)
    assert "UpdateTime" not in found.config["Status"]


def test_fleet(ec2: EC2Client, reader: AccountSession) -> None:
    template = ec2.create_launch_template(
        LaunchTemplateName="workers", LaunchTemplateData={"ImageId": AMI}
    )["LaunchTemplate"]["LaunchTemplateId"]
    fleet = ec2.create_fleet(
        LaunchTemplateConfigs=[
            {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "1"},
                "Overrides": [{"InstanceType": "t3.micro"}],
            }
        ],
        TargetCapacitySpecification={
            "TotalTargetCapacity": 1,
            "DefaultTargetCapacityType": "on-demand",
        },
        Type="maintain",
        TagSpecifications=_tagged("fleet", Name="workers", team="batch"),
    )["FleetId"]

    found = collect_resources(ec2compute.FLEET, reader, REGION)[fleet]

    assert (found.name, found.region, found.account) == ("workers", REGION, ACCOUNT)
    assert found.arn == f"{ARN}fleet/{fleet}"
    assert found.tags == {"Name": "workers", "team": "batch"}
    assert ("launch-template", f"{ARN}launch-template/{template}") in _edges(found)


def test_fleet_hash_ignores_what_it_runs_right_now() -> None:
    fleet = {
        "FleetId": "fleet-0123456789abcdef0-1111-2222-3333-444455556666",
        "FleetState": "active",
        "Type": "maintain",
        "ActivityStatus": "fulfilled",
        "FulfilledCapacity": 2.0,
        "Instances": [{"InstanceIds": ["i-0aa", "i-0bb"], "InstanceType": "t3.micro"}],
        "TargetCapacitySpecification": {"TotalTargetCapacity": 2},
    }
    replaced = copy.deepcopy(fleet)
    replaced.update(ActivityStatus="pending_fulfillment", FulfilledCapacity=1.0)
    replaced["Instances"][0]["InstanceIds"] = ["i-0cc"]

    original = normalize_resource(ec2compute.FLEET, ACCOUNT, REGION, fleet)

    assert normalize_resource(ec2compute.FLEET, ACCOUNT, REGION, replaced).hash == original.hash
    assert ("instance", f"{ARN}instance/i-0aa") in _edges(original)


# --- real answer shapes, through botocore's Stubber ------------------------------------------


def test_placement_group() -> None:
    # moto 5.2 lacks DescribePlacementGroups
    group = {
        "GroupName": "low-latency",
        "GroupId": "pg-0123456789abcdef0",
        "GroupArn": f"{ARN}placement-group/low-latency",
        "State": "available",
        "Strategy": "cluster",
        "Tags": [{"Key": "team", "Value": "hpc"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response("describe_placement_groups", {"PlacementGroups": [group]}, {})
        found = collect_resources(ec2compute.PLACEMENT_GROUP, session, REGION)["low-latency"]

    assert (found.name, found.region, found.account) == ("low-latency", REGION, ACCOUNT)
    assert found.arn == f"{ARN}placement-group/low-latency"
    assert found.tags == {"team": "hpc"}
    assert found.config["Strategy"] == "cluster"
    assert found.relations == []  # a placement group points at nothing


def _reservation(reservation_id: str, owner: str) -> dict[str, Any]:
    return {
        "CapacityReservationId": reservation_id,
        "CapacityReservationArn": (
            f"arn:aws:ec2:{REGION}:{owner}:capacity-reservation/{reservation_id}"
        ),
        "OwnerId": owner,
        "InstanceType": "m5.large",
        "InstancePlatform": "Linux/UNIX",
        "AvailabilityZone": f"{REGION}a",
        "Tenancy": "default",
        "TotalInstanceCount": 4,
        "AvailableInstanceCount": 1,
        "State": "active",
        "StartDate": STAMP,
        "EndDateType": "unlimited",
        "InstanceMatchCriteria": "open",
        "CreateDate": STAMP,
        "PlacementGroupArn": f"arn:aws:ec2:{REGION}:{owner}:placement-group/low-latency",
        "Tags": [{"Key": "Name", "Value": "reserved-m5"}],
    }


def test_capacity_reservation() -> None:
    # moto 5.2 lacks DescribeCapacityReservations
    shared_by = "222222222222"
    answer = {
        "CapacityReservations": [
            _reservation("cr-0own0000000000000", ACCOUNT),
            _reservation("cr-0shared000000000", shared_by),
        ]
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response("describe_capacity_reservations", answer, {"MaxResults": 1000})
        (page,) = collect_pages(ec2compute.CAPACITY_RESERVATION, session, REGION)

    items = [(i.region, i.data, ()) for i in page.items]
    found = normalize_page(ec2compute.CAPACITY_RESERVATION, ACCOUNT, items)

    (own,) = found.records
    assert (own.id, own.name, own.region) == ("cr-0own0000000000000", "reserved-m5", REGION)
    assert own.arn == f"{ARN}capacity-reservation/cr-0own0000000000000"
    assert own.tags == {"Name": "reserved-m5"}
    assert _edges(own) == {("placement-group", f"{ARN}placement-group/low-latency")}
    assert "AvailableInstanceCount" not in own.config
    (shared,) = found.foreign
    assert shared.account == shared_by


def test_reserved_instance() -> None:
    # moto 5.2 lacks DescribeReservedInstances
    reserved = {
        "ReservedInstancesId": "9a8b7c6d-1234-5678-9abc-def012345678",
        "InstanceType": "m5.large",
        "InstanceCount": 2,
        "Scope": "Region",
        "Start": STAMP,
        "End": STAMP + dt.timedelta(days=365),
        "Duration": 31536000,
        "FixedPrice": 0.0,
        "UsagePrice": 0.0,
        "CurrencyCode": "USD",
        "OfferingClass": "standard",
        "OfferingType": "No Upfront",
        "ProductDescription": "Linux/UNIX",
        "InstanceTenancy": "default",
        "RecurringCharges": [{"Amount": 0.06, "Frequency": "Hourly"}],
        "State": "active",
        "Tags": [{"Key": "cost-center", "Value": "42"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_reserved_instances",
            {"ReservedInstances": [reserved]},
            dict(ec2compute.RESERVED_INSTANCE.params),
        )
        (found,) = collect_resources(ec2compute.RESERVED_INSTANCE, session, REGION).values()

    assert (found.id, found.region, found.account) == (
        reserved["ReservedInstancesId"],
        REGION,
        ACCOUNT,
    )
    assert found.name == reserved["ReservedInstancesId"]
    assert found.arn == f"{ARN}reserved-instances/{reserved['ReservedInstancesId']}"
    assert found.tags == {"cost-center": "42"}
    assert found.relations == []  # a reservation is billing, bound to no resource


def test_spot_fleet_request(ec2: EC2Client, reader: AccountSession) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/spot-fleet"
    request = ec2.request_spot_fleet(
        SpotFleetRequestConfig={
            "IamFleetRole": role,
            "AllocationStrategy": "lowestPrice",
            "TargetCapacity": 1,
            "LaunchSpecifications": [
                {
                    "ImageId": AMI,
                    "InstanceType": "t3.micro",
                    "KeyName": "deploy",
                    "UserData": "ZXhwb3J0IFRPS0VOPXMzY3IzdA==",
                }
            ],
            "TagSpecifications": _tagged("spot-fleet-request", Name="crunch"),
        }
    )["SpotFleetRequestId"]

    found = collect_resources(ec2compute.SPOT_FLEET_REQUEST, reader, REGION)[request]

    assert (found.name, found.region, found.account) == ("crunch", REGION, ACCOUNT)
    assert found.arn == f"{ARN}spot-fleet-request/{request}"
    assert found.tags == {"Name": "crunch"}
    assert {
        ("fleet-role", role),
        ("key-pair", f"{ARN}key-pair/deploy"),
        ("image", f"arn:aws:ec2:{REGION}::image/{AMI}"),
    } <= _edges(found)
    (launch,) = found.config["SpotFleetRequestConfig"]["LaunchSpecifications"]
    assert "UserData" not in launch


def test_dedicated_host(ec2: EC2Client, reader: AccountSession) -> None:
    (host,) = ec2.allocate_hosts(
        AvailabilityZone=f"{REGION}a",
        InstanceType="m5.large",
        Quantity=1,
        TagSpecifications=_tagged("dedicated-host", Name="licensed"),
    )["HostIds"]

    found = collect_resources(ec2compute.DEDICATED_HOST, reader, REGION)[host]

    assert (found.name, found.region, found.account) == ("licensed", REGION, ACCOUNT)
    assert found.arn == f"{ARN}dedicated-host/{host}"
    assert found.tags == {"Name": "licensed"}
    assert found.config["HostProperties"]["InstanceType"] == "m5.large"


def test_a_dedicated_hosts_instances_are_edges_and_free_slots_do_not_hash() -> None:
    host = {
        "HostId": "h-0123456789abcdef0",
        "OwnerId": ACCOUNT,
        "State": "available",
        "AvailableCapacity": {"AvailableInstanceCapacity": [{"AvailableCapacity": 3}]},
        "Instances": [{"InstanceId": "i-0bb"}, {"InstanceId": "i-0aa"}],
    }
    busier = copy.deepcopy(host)
    busier["AvailableCapacity"]["AvailableInstanceCapacity"][0]["AvailableCapacity"] = 2
    busier["Instances"].reverse()

    original = normalize_resource(ec2compute.DEDICATED_HOST, ACCOUNT, REGION, host)

    assert normalize_resource(ec2compute.DEDICATED_HOST, ACCOUNT, REGION, busier).hash == (
        original.hash
    )
    assert _edges(original) == {
        ("instance", f"{ARN}instance/i-0aa"),
        ("instance", f"{ARN}instance/i-0bb"),
    }


def test_capacity_reservation_fleet() -> None:
    # moto 5.2 lacks DescribeCapacityReservationFleets
    fleet_id = "crf-0123456789abcdef0"
    fleet = {
        "CapacityReservationFleetId": fleet_id,
        "CapacityReservationFleetArn": f"{ARN}capacity-reservation-fleet/{fleet_id}",
        "State": "active",
        "TotalTargetCapacity": 8,
        "TotalFulfilledCapacity": 6.0,
        "Tenancy": "default",
        "CreateTime": STAMP,
        "InstanceMatchCriteria": "open",
        "AllocationStrategy": "prioritized",
        "InstanceTypeSpecifications": [
            {
                "CapacityReservationId": "cr-0aa",
                "InstanceType": "m5.large",
                "InstancePlatform": "Linux/UNIX",
                "AvailabilityZone": f"{REGION}a",
                "TotalInstanceCount": 6,
                "FulfilledCapacity": 6.0,
                "Weight": 1.0,
                "Priority": 1,
            }
        ],
        "Tags": [{"Key": "Name", "Value": "peak"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_capacity_reservation_fleets",
            {"CapacityReservationFleets": [fleet]},
            {"MaxResults": 100},
        )
        found = collect_resources(ec2compute.CAPACITY_RESERVATION_FLEET, session, REGION)[fleet_id]

    assert (found.name, found.region, found.account) == ("peak", REGION, ACCOUNT)
    assert found.arn == f"{ARN}capacity-reservation-fleet/{fleet_id}"
    assert found.tags == {"Name": "peak"}
    assert _edges(found) == {("capacity-reservation", f"{ARN}capacity-reservation/cr-0aa")}
    assert "TotalFulfilledCapacity" not in found.config


def test_host_reservation() -> None:
    # moto 5.2 lacks DescribeHostReservations
    reservation_id = "hr-0123456789abcdef0"
    reservation = {
        "HostReservationId": reservation_id,
        "HostIdSet": ["h-0bb", "h-0aa"],
        "InstanceFamily": "m5",
        "OfferingId": "hro-0123456789abcdef0",
        "PaymentOption": "NoUpfront",
        "Count": 2,
        "CurrencyCode": "USD",
        "Duration": 31536000,
        "HourlyPrice": "3.00",
        "UpfrontPrice": "0.00",
        "Start": STAMP,
        "End": STAMP + dt.timedelta(days=365),
        "State": "active",
        "Tags": [{"Key": "cost-center", "Value": "42"}],
    }
    with stubbed("ec2", REGION) as (session, stubber):
        stubber.add_response(
            "describe_host_reservations",
            {"HostReservationSet": [reservation]},
            dict(ec2compute.HOST_RESERVATION.params),
        )
        found = collect_resources(ec2compute.HOST_RESERVATION, session, REGION)[reservation_id]

    assert (found.name, found.region, found.account) == (reservation_id, REGION, ACCOUNT)
    assert found.arn == f"{ARN}host-reservation/{reservation_id}"
    assert found.tags == {"cost-center": "42"}
    assert _edges(found) == {
        ("host", f"{ARN}dedicated-host/h-0aa"),
        ("host", f"{ARN}dedicated-host/h-0bb"),
    }


@pytest.mark.parametrize(
    "spec", [s for s in ec2compute.SPECS if s.unordered or s.volatile], ids=lambda s: s.type
)
def test_hash_ignores_order_and_volatile_fields(spec: ResourceSpec) -> None:
    data, moved = listed_and_moved(spec)

    assert same_hash(spec, data, moved)
    for name in ("unordered", "volatile"):  # each declaration counts
        paths = getattr(spec, name)
        for path in paths:
            without = dataclasses.replace(spec, **{name: tuple(p for p in paths if p != path)})
            assert not same_hash(without, data, moved), f"{name} {path} changes nothing"
