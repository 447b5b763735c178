from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.mq import BROKER
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def broker_id(member: boto3.Session) -> str:
    # moto's MQ checks no network ids, and an EC2 backend costs seconds to start.
    subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    sg = "sg-0a1b2c3d4e5f60718"
    client = member.client("mq", region_name=REGION)
    return str(
        client.create_broker(
            BrokerName="orders",
            EngineType="ACTIVEMQ",
            EngineVersion="5.17.6",
            HostInstanceType="mq.t3.micro",
            DeploymentMode="ACTIVE_STANDBY_MULTI_AZ",
            PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True,
            Users=[{"Username": "admin", "Password": "not-a-secret-1"}],
            SubnetIds=subnets,
            SecurityGroups=[sg],
            Tags={"team": "orders", "Name": "Orders"},
        )["BrokerId"]
    )


def test_broker(broker_id: str, reader: AccountSession) -> None:
    broker = collect_resources(BROKER, reader, REGION)[broker_id]

    assert broker.name == "orders"
    assert broker.region == REGION and broker.account == ACCOUNT
    assert broker.arn == f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:{broker_id}"  # moto's short form
    assert broker.tags == {"Name": "Orders", "team": "orders"}
    assert broker.config["Broker"]["EngineType"] == "ACTIVEMQ"
    sg = broker.config["Broker"]["SecurityGroups"][0]
    assert {
        "kind": "security-group",
        "type": "ec2:security-group",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{sg}",
    } in broker.relations
    assert sum(r["kind"] == "subnet" for r in broker.relations) == 2


def test_subnet_order_does_not_change_the_hash(broker_id: str, reader: AccountSession) -> None:
    (raw,) = [item for page in collect_pages(BROKER, reader, REGION) for item in page.items]
    swapped = {**raw.data, "Broker": {**raw.data["Broker"]}}
    swapped["Broker"]["SubnetIds"] = list(reversed(raw.data["Broker"]["SubnetIds"]))

    assert (
        normalize_resource(BROKER, ACCOUNT, REGION, swapped).hash
        == normalize_resource(BROKER, ACCOUNT, REGION, raw.data).hash
    )
