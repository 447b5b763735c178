from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.ecs import CLUSTER, SERVICE, TASK, TASK_DEFINITION
from estate.resources.registry import REGISTRY
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:"


@pytest.fixture
def ecs(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    role = member.client("iam").create_role(RoleName="task", AssumeRolePolicyDocument="{}")
    role_arn = role["Role"]["Arn"]
    client = member.client("ecs", region_name=REGION)
    client.create_cluster(clusterName="prod", tags=[{"key": "team", "value": "web"}])
    client.create_cluster(clusterName="empty")
    container = {"name": "web", "image": "nginx", "memory": 256}
    client.register_task_definition(family="web", containerDefinitions=[container])
    client.register_task_definition(
        family="web",
        containerDefinitions=[{**container, "memory": 512}],
        taskRoleArn=role_arn,
        tags=[{"key": "Name", "value": "Web app"}],
    )
    client.create_service(
        cluster="prod",
        serviceName="api",
        taskDefinition="web:2",
        desiredCount=2,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}
        },
        tags=[{"key": "tier", "value": "front"}],
    )
    task = client.run_task(
        cluster="prod",
        taskDefinition="web:2",
        launchType="FARGATE",
    )["tasks"][0]
    return {"subnet": subnet, "group": group, "role": role_arn, "task": task["taskArn"]}


def test_cluster(ecs: dict[str, Any], reader: AccountSession) -> None:
    found = collect_resources(CLUSTER, reader, REGION)

    prod = found["prod"]
    assert prod.name == "prod"
    assert prod.region == REGION
    assert prod.account == ACCOUNT
    assert prod.arn == f"{_ARN}cluster/prod"
    assert prod.tags == {"team": "web"}
    assert "runningTasksCount" not in prod.config["cluster"]
    assert found["empty"].tags == {}


def test_task_definition_is_its_familys_latest_revision(
    ecs: dict[str, Any], reader: AccountSession
) -> None:
    (web,) = collect_resources(TASK_DEFINITION, reader, REGION).values()

    assert web.id == web.name == "web"
    assert web.region == REGION
    assert web.account == ACCOUNT
    assert web.arn == f"{_ARN}task-definition/web:2"
    assert web.tags == {"Name": "Web app"}
    assert web.config["definition"]["taskDefinition"]["containerDefinitions"][0]["memory"] == 512
    assert {"kind": "role", "type": "iam:role", "arn": ecs["role"]} in web.relations


def test_service(ecs: dict[str, Any], reader: AccountSession) -> None:
    (api,) = collect_resources(SERVICE, reader, REGION).values()

    assert api.id == "prod/api"
    assert api.name == "api"
    assert api.region == REGION
    assert api.account == ACCOUNT
    assert api.arn == f"{_ARN}service/prod/api"
    assert api.tags == {"tier": "front"}
    assert api.relations == [
        {"kind": "cluster", "type": "ecs:cluster", "arn": f"{_ARN}cluster/prod"},
        {
            "kind": "security-group",
            "type": "ec2:security-group",
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{ecs['group']}",
        },
        {
            "kind": "subnet",
            "type": "ec2:subnet",
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{ecs['subnet']}",
        },
        {
            "kind": "task-definition",
            "type": "ecs:task-definition",
            "arn": f"{_ARN}task-definition/web:2",
        },
    ]


def test_service_hash_ignores_task_counts_and_network_order(
    ecs: dict[str, Any], reader: AccountSession
) -> None:
    (raw,) = [item for page in collect_pages(SERVICE, reader, REGION) for item in page.items]
    busier = copy.deepcopy(raw.data)
    busier["service"]["runningCount"] = 7
    busier["service"]["events"] = [{"id": "1", "message": "steady state"}]
    network = busier["service"]["networkConfiguration"]["awsvpcConfiguration"]
    network["subnets"] = [*network["subnets"], "subnet-0b"][::-1]
    raw.data["service"]["networkConfiguration"]["awsvpcConfiguration"]["subnets"].append(
        "subnet-0b"
    )

    original = normalize_resource(SERVICE, ACCOUNT, REGION, raw.data)

    assert normalize_resource(SERVICE, ACCOUNT, REGION, busier).hash == original.hash


def test_task(ecs: dict[str, Any], reader: AccountSession) -> None:
    (task,) = collect_resources(TASK, reader, REGION).values()
    task_id = ecs["task"].rsplit("/", 1)[-1]

    assert task.id == f"prod/{task_id}"
    assert task.name == task.id
    assert task.region == REGION
    assert task.account == ACCOUNT
    assert task.arn == ecs["task"]
    assert task.tags == {}
    assert {
        "kind": "task-definition",
        "type": "ecs:task-definition",
        "arn": f"{_ARN}task-definition/web:2",
    } in task.relations
    assert {"kind": "cluster", "type": "ecs:cluster", "arn": f"{_ARN}cluster/prod"} in (
        task.relations
    )


def test_an_awsvpc_task_points_at_its_subnet_and_eni(
    ecs: dict[str, Any], reader: AccountSession
) -> None:
    # moto 5.2 fails to run an awsvpc task (its ENI has no private_dns_name): the attachment
    # is added to the collected item as DescribeTasks answers it.
    (raw,) = [item for page in collect_pages(TASK, reader, REGION) for item in page.items]

    def attached(status: str) -> dict[str, Any]:
        data = copy.deepcopy(raw.data)
        data["task"]["attachments"] = [
            {
                "id": "5a8fe1c1-1a6d-4b1b-9f6e-2a0e5b7d9c10",
                "type": "ElasticNetworkInterface",
                "status": status,
                "details": [
                    {"name": "subnetId", "value": ecs["subnet"]},
                    {"name": "networkInterfaceId", "value": "eni-0a1b2c3d4e5f60718"},
                    {"name": "privateIPv4Address", "value": "10.0.1.17"},
                ],
            }
        ]
        data["task"]["lastStatus"] = "RUNNING" if status == "ATTACHED" else "PROVISIONING"
        return data

    running = normalize_resource(TASK, ACCOUNT, REGION, attached("ATTACHED"))

    assert {
        "kind": "subnet",
        "type": "ec2:subnet",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{ecs['subnet']}",
    } in running.relations
    # The ENI's edge needs ec2:network-interface's template: it appears once that type does.
    enis = [e for e in running.relations if e["kind"] == "network-interface"]
    assert len(enis) == (1 if "ec2:network-interface" in REGISTRY else 0)
    assert normalize_resource(TASK, ACCOUNT, REGION, attached("PRECREATED")).hash == running.hash
