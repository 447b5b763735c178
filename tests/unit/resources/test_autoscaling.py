from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.autoscaling import GROUP
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def autoscaling(member: boto3.Session) -> Any:
    ec2 = member.client("ec2", region_name=REGION)
    subnets = sorted(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])[:3]
    ec2.create_launch_template(
        LaunchTemplateName="web-template",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"},
    )
    client = member.client("autoscaling", region_name=REGION)
    client.create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchTemplate={"LaunchTemplateName": "web-template"},
        MinSize=1,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(subnets),
        Tags=[
            {"Key": "team", "Value": "core", "PropagateAtLaunch": True},
            {"Key": "Name", "Value": "Web tier", "PropagateAtLaunch": False},
        ],
    )
    client.suspend_processes(
        AutoScalingGroupName="web", ScalingProcesses=["AZRebalance", "AlarmNotification"]
    )
    return client


def test_group(autoscaling: Any, reader: AccountSession) -> None:
    web = collect_resources(GROUP, reader, REGION)["web"]

    assert web.name == "web"  # the group name, not the Name tag
    assert web.region == REGION
    assert web.arn.startswith(f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:")
    assert web.arn.endswith(":autoScalingGroupName/web")
    assert web.tags == {"Name": "Web tier", "team": "core"}
    assert (web.config["MinSize"], web.config["MaxSize"]) == (1, 4)
    assert web.config["LaunchTemplate"]["LaunchTemplateName"] == "web-template"
    assert "Instances" not in web.config


def test_hash_ignores_list_order_and_instance_churn(
    autoscaling: Any, reader: AccountSession
) -> None:
    raw = next(item for page in collect_pages(GROUP, reader, REGION) for item in page.items)
    assert len(raw.data["Instances"]) == 2
    shuffled = copy.deepcopy(raw.data)
    shuffled["VPCZoneIdentifier"] = ",".join(reversed(shuffled["VPCZoneIdentifier"].split(",")))
    shuffled["SuspendedProcesses"].reverse()
    shuffled["AvailabilityZones"].reverse()
    shuffled["Instances"] = shuffled["Instances"][:1]  # one replaced by a health check
    assert shuffled != raw.data

    original = normalize_resource(GROUP, ACCOUNT, REGION, raw.data)

    assert normalize_resource(GROUP, ACCOUNT, REGION, shuffled).hash == original.hash


def test_a_new_size_changes_the_hash(autoscaling: Any, reader: AccountSession) -> None:
    before = collect_resources(GROUP, reader, REGION)["web"]
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="web", MaxSize=6)

    assert collect_resources(GROUP, reader, REGION)["web"].hash != before.hash


def test_tag_propagation_is_kept(autoscaling: Any, reader: AccountSession) -> None:
    web = collect_resources(GROUP, reader, REGION)["web"]

    assert web.config["TagPropagation"] == {"Name": False, "team": True}


def test_a_tag_that_stops_propagating_is_a_change(autoscaling: Any, reader: AccountSession) -> None:
    before = collect_resources(GROUP, reader, REGION)["web"]
    autoscaling.create_or_update_tags(
        Tags=[
            {
                "ResourceId": "web",
                "ResourceType": "auto-scaling-group",
                "Key": "team",
                "Value": "core",
                "PropagateAtLaunch": False,
            }
        ]
    )

    after = collect_resources(GROUP, reader, REGION)["web"]

    assert after.tags == before.tags
    assert after.hash != before.hash
    assert after.config["TagPropagation"] == {"Name": False, "team": False}
