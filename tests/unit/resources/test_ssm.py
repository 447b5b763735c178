from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.ssm import DOCUMENT, MANAGED_INSTANCE, PARAMETER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

REGION = "eu-west-1"


@pytest.fixture
def ssm(member: boto3.Session) -> Any:
    return member.client("ssm", region_name=REGION)


def test_parameter() -> None:
    # moto 5.2 answers DescribeParameters without the ARN that AWS gives.
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    common = {
        "Type": "SecureString",
        "LastModifiedDate": dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        "LastModifiedUser": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "Version": 3,
        "Tier": "Standard",
        "Policies": [],
        "DataType": "text",
    }
    parameters = [
        {
            "Name": "/orders/db-password",
            "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/orders/db-password",
            "KeyId": key_arn,
            **common,
        },
        {
            "Name": "plain",
            "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/plain",
            "KeyId": "alias/aws/ssm",
            **common,
        },
    ]
    with stubbed("ssm", REGION) as (session, stubber):
        stubber.add_response("describe_parameters", {"Parameters": parameters}, {"MaxResults": 50})
        for name, tags in (
            ("/orders/db-password", [{"Key": "team", "Value": "shop"}]),
            ("plain", []),
        ):
            stubber.add_response(
                "list_tags_for_resource",
                {"TagList": tags},
                {"ResourceType": "Parameter", "ResourceId": name},
            )
        found = collect_resources(PARAMETER, session, REGION)

    param = found["/orders/db-password"]
    assert param.arn == f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/orders/db-password"
    assert param.name == "/orders/db-password"
    assert param.region == REGION
    assert param.account == ACCOUNT
    assert param.tags == {"team": "shop"}
    assert "Value" not in param.config
    assert param.relations == [{"kind": "kms-key", "type": "kms:key", "arn": key_arn}]
    plain = found["plain"]
    assert plain.arn == f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/plain"
    assert plain.tags == {}
    # An alias is an edge to the alias, never a key ARN made of the alias name.
    assert plain.relations == [
        {
            "kind": "kms-alias",
            "type": "kms:alias",
            "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ssm",
        }
    ]


def test_parameters_are_described_never_read(ssm: Any, reader: AccountSession) -> None:
    ssm.put_parameter(Name="/orders/db-password", Value="hunter2-not-collected", Type="String")
    asked: list[str] = []
    reader.client("ssm", REGION).meta.events.register(
        "before-call.ssm", lambda model, **_: asked.append(model.name)
    )

    pages = collect_pages(PARAMETER, reader, REGION)

    (item,) = [item for page in pages for item in page.items]
    assert "hunter2-not-collected" not in json.dumps(item.data, default=str)
    assert set(asked) == {"DescribeParameters", "ListTagsForResource"}


CONTENT = {
    "schemaVersion": "2.2",
    "description": "restart the app",
    "mainSteps": [
        {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["echo hi"]}}
    ],
}


def test_document(ssm: Any, reader: AccountSession) -> None:
    ssm.create_document(
        Content=json.dumps(CONTENT),
        Name="restart-app",
        DocumentType="Command",
        Tags=[{"Key": "team", "Value": "ops"}],
    )
    ssm.create_document(
        Content=json.dumps(CONTENT),
        Name="restart-all",
        DocumentType="Command",
        Requires=[{"Name": "restart-app"}],
    )

    found = collect_resources(DOCUMENT, reader, REGION)

    assert set(found) == {"restart-app", "restart-all"}  # none of Amazon's AWS-* documents
    doc = found["restart-app"]
    assert doc.arn == f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/restart-app"
    assert doc.name == "restart-app"
    assert doc.region == REGION
    assert doc.account == ACCOUNT
    assert doc.tags == {"team": "ops"}
    assert doc.config["DocumentType"] == "Command"
    assert found["restart-all"].relations == [
        {"kind": "requires", "type": "ssm:document", "arn": doc.arn}
    ]


def _instance(instance_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "InstanceId": instance_id,
        "PingStatus": "Online",
        "LastPingDateTime": dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),
        "AgentVersion": "3.3.1142.0",
        "IsLatestVersion": True,
        "PlatformType": "Linux",
        "PlatformName": "Amazon Linux",
        "PlatformVersion": "2023",
        "ResourceType": "EC2Instance",
        "IPAddress": "10.0.1.12",
        "ComputerName": "ip-10-0-1-12.eu-west-1.compute.internal",
        "AssociationStatus": "Success",
        "LastAssociationExecutionDate": dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC),
        **extra,
    }


def test_managed_instance() -> None:
    # moto 5.2 lacks DescribeInstanceInformation.
    ec2_instance = _instance(
        "i-0123456789abcdef0", SourceId="i-0123456789abcdef0", SourceType="AWS::EC2::Instance"
    )
    hybrid = _instance(
        "mi-0a1b2c3d4e5f67890",
        ResourceType="ManagedInstance",
        Name="rack-7",
        ActivationId="7e3c1a2b-1111-2222-3333-444455556666",
        IamRole="SSMServiceRole",
        SourceId="mi-0a1b2c3d4e5f67890",
        SourceType="AWS::SSM::ManagedInstance",
    )
    with stubbed("ssm", REGION) as (session, stubber):
        stubber.add_response(
            "describe_instance_information",
            {"InstanceInformationList": [ec2_instance, hybrid]},
            {"MaxResults": 50},
        )
        for instance_id, answer in (
            ("i-0123456789abcdef0", None),
            ("mi-0a1b2c3d4e5f67890", [{"Key": "site", "Value": "dc1"}]),
        ):
            params = {"ResourceType": "ManagedInstance", "ResourceId": instance_id}
            if answer is None:  # an EC2 instance's tags are the instance's
                stubber.add_client_error(
                    "list_tags_for_resource", "InvalidResourceId", expected_params=params
                )
            else:
                stubber.add_response("list_tags_for_resource", {"TagList": answer}, params)
        found = collect_resources(MANAGED_INSTANCE, session, REGION)

    ec2 = found["i-0123456789abcdef0"]
    assert ec2.arn == f"arn:aws:ssm:{REGION}:{ACCOUNT}:managed-instance/i-0123456789abcdef0"
    assert ec2.name == "i-0123456789abcdef0"
    assert ec2.region == REGION
    assert ec2.account == ACCOUNT
    assert ec2.tags == {}
    assert ec2.relations == [
        {
            "kind": "ec2-instance",
            "type": "ec2:instance",
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0",
        }
    ]
    rack = found["mi-0a1b2c3d4e5f67890"]
    assert rack.name == "rack-7"
    assert rack.tags == {"site": "dc1"}
    assert rack.relations == []


def test_a_heartbeat_does_not_change_the_hash() -> None:
    before = _instance("mi-0a1b2c3d4e5f67890", Tags=[])
    after = copy.deepcopy(before)
    after.update(
        PingStatus="ConnectionLost",
        LastPingDateTime=dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC),
        LastAssociationExecutionDate=dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC),
    )

    assert (
        normalize_resource(MANAGED_INSTANCE, ACCOUNT, REGION, after).hash
        == normalize_resource(MANAGED_INSTANCE, ACCOUNT, REGION, before).hash
    )
