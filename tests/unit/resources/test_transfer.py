from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.collect import get_pages
from estate.resources.transfer import SERVER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.test_registry import ShapeCaller, unresolved

REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/transfer-logs"
VPC = "vpc-0a1b2c3d4e5f60718"
SUBNET = "subnet-0a1b2c3d4e5f60718"
SG = "sg-0a1b2c3d4e5f60718"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}"


class LongIdCaller(ShapeCaller):
    """The meta-test's model answers, with a server id as long as the API's minimum."""

    def call(self, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        response = super().call(service, region, operation, **params)
        for server in response.get("Servers", []):
            server["ServerId"] = "s-01234567890abcdef"
        return response


def test_paths_resolve_in_the_api_shapes() -> None:
    items = [i for page in get_pages(SERVER, LongIdCaller(), REGION) for i in page.items]
    assert items
    for item in items:
        assert unresolved(SERVER, item.data) == []
        assert normalize_resource(SERVER, ACCOUNT, REGION, item.data).tags


@pytest.fixture
def server_id(member: boto3.Session) -> str:
    # moto's Transfer checks no network ids, and an EC2 backend costs seconds to start.
    return str(
        member.client("transfer", region_name=REGION).create_server(
            Protocols=["SFTP"],
            LoggingRole=ROLE,
            EndpointType="VPC",
            EndpointDetails={"VpcId": VPC, "SubnetIds": [SUBNET], "SecurityGroupIds": [SG]},
            Tags=[{"Key": "Name", "Value": "partners-sftp"}, {"Key": "team", "Value": "b2b"}],
        )["ServerId"]
    )


def test_server(server_id: str, reader: AccountSession) -> None:
    server = collect_resources(SERVER, reader, REGION)[server_id]

    assert server.name == "partners-sftp"  # the Name tag: a server has no name of its own
    assert server.region == REGION and server.account == ACCOUNT
    assert server.arn == f"arn:aws:transfer:{REGION}:{ACCOUNT}:server/{server_id}"
    assert server.tags == {"Name": "partners-sftp", "team": "b2b"}
    assert server.relations == [
        {"kind": "logging-role", "type": "iam:role", "arn": ROLE},
        {
            "kind": "security-group",
            "type": "ec2:security-group",
            "arn": f"{EC2}:security-group/{SG}",
        },
        {"kind": "subnet", "type": "ec2:subnet", "arn": f"{EC2}:subnet/{SUBNET}"},
        {"kind": "vpc", "type": "ec2:vpc", "arn": f"{EC2}:vpc/{VPC}"},
    ]


def test_user_count_does_not_change_the_hash(server_id: str, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(SERVER, reader, REGION) for item in page.items]
    busier = copy.deepcopy(raw.data)
    busier["UserCount"] = 7
    busier["Server"]["UserCount"] = 7

    assert (
        normalize_resource(SERVER, ACCOUNT, REGION, busier).hash
        == normalize_resource(SERVER, ACCOUNT, REGION, raw.data).hash
    )
