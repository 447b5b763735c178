from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.rds import (
    DB_CLUSTER,
    DB_CLUSTER_PARAMETER_GROUP,
    DB_CLUSTER_SNAPSHOT,
    DB_INSTANCE,
    DB_PARAMETER_GROUP,
    DB_SNAPSHOT,
    DB_SUBNET_GROUP,
    EVENT_SUBSCRIPTION,
    OPTION_GROUP,
)
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

if TYPE_CHECKING:
    from mypy_boto3_rds import RDSClient

REGION = "eu-west-1"


@pytest.fixture
def rds(member: boto3.Session) -> RDSClient:
    client = member.client("rds", region_name=REGION)
    client.create_db_instance(
        DBInstanceIdentifier="billing",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        Tags=[{"Key": "team", "Value": "finance"}, {"Key": "Name", "Value": "Billing DB"}],
    )
    return client


def test_db_instance(rds: RDSClient, reader: AccountSession) -> None:
    billing = collect_resources(DB_INSTANCE, reader, REGION)["billing"]

    assert billing.name == "billing"  # the identifier, not the Name tag
    assert billing.region == REGION
    assert billing.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:billing"
    assert billing.tags == {"Name": "Billing DB", "team": "finance"}
    assert billing.config["Engine"] == "postgres"
    assert billing.config["AllocatedStorage"] == 20
    assert "TagList" not in billing.config
    assert "LatestRestorableTime" not in billing.config


def test_a_resize_changes_the_hash(rds: RDSClient, reader: AccountSession) -> None:
    before = collect_resources(DB_INSTANCE, reader, REGION)["billing"]
    rds.modify_db_instance(
        DBInstanceIdentifier="billing", AllocatedStorage=40, ApplyImmediately=True
    )

    after = collect_resources(DB_INSTANCE, reader, REGION)["billing"]

    assert after.config["AllocatedStorage"] == 40
    assert after.hash != before.hash


def test_an_older_answer_without_its_arn_gets_the_template() -> None:
    older = {  # a long-lived account's DB instance, as DescribeDBInstances answered it
        "DBInstanceIdentifier": "legacy-orders",
        "DBInstanceClass": "db.m1.small",
        "Engine": "mysql",
        "DBInstanceStatus": "available",
        "AllocatedStorage": 100,
    }
    with stubbed("rds", REGION) as (session, stubber):
        stubber.add_response("describe_db_instances", {"DBInstances": [older]}, {"MaxRecords": 100})
        legacy = collect_resources(DB_INSTANCE, session, REGION)["legacy-orders"]

    assert legacy.arn == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:legacy-orders"
    assert legacy.account == ACCOUNT
    assert legacy.tags == {}


# --- clusters, snapshots, groups and subscriptions ------------------------------------------

ARN = f"arn:aws:rds:{REGION}:{ACCOUNT}:"


@pytest.fixture
def vpc(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for cidr, az in (("10.0.1.0/24", "a"), ("10.0.2.0/24", "b"))
    ]
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc_id)["GroupId"]
    return {"vpc": vpc_id, "subnets": subnets, "group": group}


@pytest.fixture
def aurora(member: boto3.Session, vpc: dict[str, Any]) -> RDSClient:
    client = member.client("rds", region_name=REGION)
    client.create_db_subnet_group(
        DBSubnetGroupName="private",
        DBSubnetGroupDescription="private subnets",
        SubnetIds=vpc["subnets"],
        Tags=[{"Key": "team", "Value": "data"}],
    )
    client.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="aurora-tuned",
        DBParameterGroupFamily="aurora-postgresql15",
        Description="tuned",
        Tags=[{"Key": "team", "Value": "data"}],
    )
    client.create_db_cluster(
        DBClusterIdentifier="ledger",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-secret-1",
        DBSubnetGroupName="private",
        DBClusterParameterGroupName="aurora-tuned",
        VpcSecurityGroupIds=[vpc["group"]],
        StorageEncrypted=True,
        KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        Tags=[{"Key": "team", "Value": "data"}, {"Key": "Name", "Value": "Ledger"}],
    )
    client.create_db_instance(
        DBInstanceIdentifier="ledger-1",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        DBClusterIdentifier="ledger",
    )
    return client


def test_db_cluster(aurora: RDSClient, vpc: dict[str, Any], reader: AccountSession) -> None:
    ledger = collect_resources(DB_CLUSTER, reader, REGION)["ledger"]

    assert ledger.name == "ledger"
    assert ledger.region == REGION
    assert ledger.account == ACCOUNT
    assert ledger.arn == ARN + "cluster:ledger"
    assert ledger.tags == {"Name": "Ledger", "team": "data"}
    relations = {(r["kind"], r["arn"]) for r in ledger.relations}
    assert ("instance", ARN + "db:ledger-1") in relations
    assert ("subnet-group", ARN + "subgrp:private") in relations
    assert ("parameter-group", ARN + "cluster-pg:aurora-tuned") in relations
    assert (
        "security-group",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{vpc['group']}",
    ) in relations
    assert (
        "kms-key",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ) in relations


def test_db_cluster_restore_window_does_not_change_the_hash(
    aurora: RDSClient, reader: AccountSession
) -> None:
    (raw,) = [
        i.data
        for p in collect_pages(DB_CLUSTER, reader, REGION)
        for i in p.items
        if i.data["DBClusterIdentifier"] == "ledger"
    ]
    later = copy.deepcopy(raw)
    later["LatestRestorableTime"] = "2031-01-01T00:00:00+00:00"
    later["AvailabilityZones"] = ["eu-west-1z", *raw["AvailabilityZones"]]
    raw["AvailabilityZones"] = [*raw["AvailabilityZones"], "eu-west-1z"]

    assert (
        normalize_resource(DB_CLUSTER, ACCOUNT, REGION, later).hash
        == normalize_resource(DB_CLUSTER, ACCOUNT, REGION, raw).hash
    )


def test_snapshots(aurora: RDSClient, rds: RDSClient, reader: AccountSession) -> None:
    aurora.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="ledger-before-upgrade",
        DBClusterIdentifier="ledger",
        Tags=[{"Key": "reason", "Value": "upgrade"}],
    )
    rds.create_db_snapshot(
        DBSnapshotIdentifier="billing-nightly",
        DBInstanceIdentifier="billing",
        Tags=[{"Key": "reason", "Value": "nightly"}],
    )

    cluster_snapshot = collect_resources(DB_CLUSTER_SNAPSHOT, reader, REGION)[
        "ledger-before-upgrade"
    ]
    snapshot = collect_resources(DB_SNAPSHOT, reader, REGION)["billing-nightly"]

    assert cluster_snapshot.arn == ARN + "cluster-snapshot:ledger-before-upgrade"
    assert cluster_snapshot.region == REGION and cluster_snapshot.account == ACCOUNT
    assert cluster_snapshot.tags == {"reason": "upgrade"}
    assert {"kind": "cluster", "type": "rds:db-cluster", "arn": ARN + "cluster:ledger"} in (
        cluster_snapshot.relations
    )
    assert snapshot.name == "billing-nightly"
    assert snapshot.arn == ARN + "snapshot:billing-nightly"
    assert snapshot.tags == {"reason": "nightly"}
    assert {"kind": "instance", "type": "rds:db-instance", "arn": ARN + "db:billing"} in (
        snapshot.relations
    )


def test_db_subnet_group(aurora: RDSClient, vpc: dict[str, Any], reader: AccountSession) -> None:
    private = collect_resources(DB_SUBNET_GROUP, reader, REGION)["private"]

    assert private.name == "private"
    assert private.region == REGION and private.account == ACCOUNT
    assert private.arn == ARN + "subgrp:private"
    assert private.tags == {"team": "data"}
    subnets = {r["arn"] for r in private.relations if r["kind"] == "subnet"}
    assert subnets == {f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s}" for s in vpc["subnets"]}
    assert {
        "kind": "vpc",
        "type": "ec2:vpc",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc['vpc']}",
    } in private.relations


def test_db_subnet_group_subnet_order_does_not_change_the_hash(
    aurora: RDSClient, reader: AccountSession
) -> None:
    (raw,) = [i.data for p in collect_pages(DB_SUBNET_GROUP, reader, REGION) for i in p.items]
    shuffled = copy.deepcopy(raw)
    shuffled["Subnets"].reverse()

    assert (
        normalize_resource(DB_SUBNET_GROUP, ACCOUNT, REGION, shuffled).hash
        == normalize_resource(DB_SUBNET_GROUP, ACCOUNT, REGION, raw).hash
    )


def test_parameter_and_option_groups(member: boto3.Session, reader: AccountSession) -> None:
    client = member.client("rds", region_name=REGION)
    client.create_db_parameter_group(
        DBParameterGroupName="pg-tuned",
        DBParameterGroupFamily="postgres16",
        Description="tuned",
        Tags=[{"Key": "team", "Value": "data"}],
    )
    client.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="aurora-tuned",
        DBParameterGroupFamily="aurora-postgresql15",
        Description="tuned",
        Tags=[{"Key": "team", "Value": "data"}],
    )
    pg = collect_resources(DB_PARAMETER_GROUP, reader, REGION)["pg-tuned"]
    cpg = collect_resources(DB_CLUSTER_PARAMETER_GROUP, reader, REGION)["aurora-tuned"]

    assert (pg.name, pg.arn, pg.tags) == ("pg-tuned", ARN + "pg:pg-tuned", {"team": "data"})
    assert pg.region == REGION and pg.account == ACCOUNT
    assert (cpg.arn, cpg.tags) == (ARN + "cluster-pg:aurora-tuned", {"team": "data"})


def test_option_group() -> None:
    # moto 5.2 lacks DescribeOptionGroups without an OptionGroupName (KeyError).
    group = {
        "OptionGroupName": "mysql-audit",
        "OptionGroupDescription": "audit",
        "EngineName": "mysql",
        "MajorEngineVersion": "8.0",
        "Options": [
            {
                "OptionName": "MEMCACHED",
                "Port": 11211,
                "Persistent": False,
                "Permanent": False,
                "OptionSettings": [],
                "DBSecurityGroupMemberships": [],
                "VpcSecurityGroupMemberships": [
                    {"VpcSecurityGroupId": "sg-0b1c2d3e4f5a6b7c8", "Status": "active"}
                ],
            }
        ],
        "AllowsVpcAndNonVpcInstanceMemberships": False,
        "VpcId": "vpc-0a1b2c3d4e5f6a7b8",
        "OptionGroupArn": ARN + "og:mysql-audit",
    }
    with stubbed("rds", REGION) as (session, stubber):
        stubber.add_response(
            "describe_option_groups", {"OptionGroupsList": [group]}, {"MaxRecords": 100}
        )
        stubber.add_response(
            "list_tags_for_resource",
            {"TagList": [{"Key": "team", "Value": "sec"}]},
            {"ResourceName": ARN + "og:mysql-audit"},
        )
        og = collect_resources(OPTION_GROUP, session, REGION)["mysql-audit"]

    assert (og.name, og.arn, og.tags) == ("mysql-audit", ARN + "og:mysql-audit", {"team": "sec"})
    assert og.region == REGION and og.account == ACCOUNT
    assert {
        "kind": "security-group",
        "type": "ec2:security-group",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0b1c2d3e4f5a6b7c8",
    } in og.relations


def test_event_subscription(member: boto3.Session, reader: AccountSession) -> None:
    topic = member.client("sns", region_name=REGION).create_topic(Name="db-events")["TopicArn"]
    client = member.client("rds", region_name=REGION)
    client.create_event_subscription(
        SubscriptionName="db-failures",
        SnsTopicArn=topic,
        SourceType="db-instance",
        EventCategories=["failure", "availability"],
        Tags=[{"Key": "team", "Value": "ops"}],
    )

    found = collect_resources(EVENT_SUBSCRIPTION, reader, REGION)["db-failures"]

    assert found.name == "db-failures"
    assert found.arn == ARN + "es:db-failures"
    assert found.region == REGION and found.account == ACCOUNT
    assert found.tags == {"team": "ops"}
    assert found.relations == [{"kind": "topic", "type": "sns:topic", "arn": topic}]
