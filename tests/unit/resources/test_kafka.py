from __future__ import annotations

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.kafka import CLUSTER
from tests.unit.resources.collecting import ACCOUNT, collect_resources

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def msk(member: boto3.Session) -> dict[str, str]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        for cidr in ("10.5.1.0/24", "10.5.2.0/24")
    ]
    group = ec2.create_security_group(GroupName="msk", Description="msk", VpcId=vpc)["GroupId"]
    # CreateCluster, not CreateClusterV2: moto 5.2's V2 drops the encryption settings.
    arn = member.client("kafka", region_name=REGION).create_cluster(
        ClusterName="events",
        BrokerNodeGroupInfo={
            "InstanceType": "kafka.m5.large",
            "ClientSubnets": subnets,
            "SecurityGroups": [group],
        },
        KafkaVersion="3.6.0",
        NumberOfBrokerNodes=2,
        EncryptionInfo={"EncryptionAtRest": {"DataVolumeKMSKeyId": KEY}},
        Tags={"team": "data"},
    )["ClusterArn"]
    return {"arn": arn, "group": group, "subnets": subnets}


def test_cluster(msk: dict[str, str], reader: AccountSession) -> None:
    events = collect_resources(CLUSTER, reader, REGION)["events"]

    assert events.name == "events"
    assert events.region == REGION and events.account == ACCOUNT
    assert events.arn == msk["arn"]
    # AWS's is cluster/events/<uuid>; moto 5.2's leaves the name out, so only its start is sure.
    assert events.arn.startswith(f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/")
    assert events.tags == {"team": "data"}
    relations = {(r["kind"], r["arn"]) for r in events.relations}
    assert ("kms-key", KEY) in relations
    assert (
        "security-group",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{msk['group']}",
    ) in relations
    assert {a for k, a in relations if k == "subnet"} == {
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s}" for s in msk["subnets"]
    }
