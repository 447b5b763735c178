from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.elb import LOAD_BALANCER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
_EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"


@pytest.fixture
def elb(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc)["GroupId"]
    instances = ec2.run_instances(ImageId="ami-12345678", MinCount=2, MaxCount=2, SubnetId=subnet)[
        "Instances"
    ]
    client = member.client("elb", region_name=REGION)
    client.create_load_balancer(
        LoadBalancerName="legacy-web",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        Subnets=[subnet],
        SecurityGroups=[group],
        Tags=[{"Key": "team", "Value": "web"}],
    )
    ids = [i["InstanceId"] for i in instances]
    client.register_instances_with_load_balancer(
        LoadBalancerName="legacy-web", Instances=[{"InstanceId": i} for i in ids]
    )
    return {"vpc": vpc, "subnet": subnet, "group": group, "instances": ids}


def test_load_balancer(elb: dict[str, Any], reader: AccountSession) -> None:
    (web,) = collect_resources(LOAD_BALANCER, reader, REGION).values()

    assert web.id == web.name == "legacy-web"
    assert web.region == REGION
    assert web.account == ACCOUNT
    assert web.arn == (f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy-web")
    assert web.tags == {"team": "web"}
    assert "Instances" not in web.config
    assert web.relations == sorted(
        [
            *(
                {"kind": "instance", "type": "ec2:instance", "arn": f"{_EC2}instance/{i}"}
                for i in elb["instances"]
            ),
            {
                "kind": "security-group",
                "type": "ec2:security-group",
                "arn": f"{_EC2}security-group/{elb['group']}",
            },
            {"kind": "subnet", "type": "ec2:subnet", "arn": f"{_EC2}subnet/{elb['subnet']}"},
            {"kind": "vpc", "type": "ec2:vpc", "arn": f"{_EC2}vpc/{elb['vpc']}"},
        ],
        key=lambda e: (e["kind"], e["type"], e["arn"]),
    )


def test_hash_ignores_members_and_list_order(elb: dict[str, Any], reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(LOAD_BALANCER, reader, REGION) for item in page.items]
    scaled = copy.deepcopy(raw.data)
    scaled["Instances"] = [{"InstanceId": "i-0fffffffffffffff0"}]
    scaled["Subnets"] = [*scaled["Subnets"], "subnet-0b"][::-1]
    raw.data["Subnets"].append("subnet-0b")

    original = normalize_resource(LOAD_BALANCER, ACCOUNT, REGION, raw.data)

    assert normalize_resource(LOAD_BALANCER, ACCOUNT, REGION, scaled).hash == original.hash
