"""The sample organization, built on a moto server and read back with plain boto3 clients."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from estate.demo.emulator import MANAGEMENT_ACCOUNT, Emulator
from estate.demo.sample import (
    ExpectedChange,
    SampleOrg,
    apply_sample_changes,
    build_sample_organization,
)
from estate.demo.sample_plan import DEFAULT_REGIONS, MEMBER_NAMES, WEB_GROUP, plan_region
from estate.errors import EstateError
from tests.unit.demo.readback import ClientsIn

pytestmark = pytest.mark.integration

State = dict[tuple[str, str], str]


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def count_region(clients: ClientsIn, account: str, region: str) -> Counter[str]:
    """What exists in one (account, region), leaving out moto's default VPC and its parts."""
    ec2 = clients(account, "ec2", region)
    default_vpcs = {
        v["VpcId"]
        for v in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    }
    groups = ec2.describe_security_groups()["SecurityGroups"]
    subnets = ec2.describe_subnets()["Subnets"]
    return Counter(
        {
            "ec2:vpc": len(ec2.describe_vpcs()["Vpcs"]) - len(default_vpcs),
            "ec2:subnet": sum(s["VpcId"] not in default_vpcs for s in subnets),
            "ec2:security-group": sum(g["VpcId"] not in default_vpcs for g in groups),
            "ec2:instance": sum(
                len(r["Instances"]) for r in ec2.describe_instances()["Reservations"]
            ),
            "ec2:volume": len(ec2.describe_volumes()["Volumes"]),
            "ec2:launch-template": len(ec2.describe_launch_templates()["LaunchTemplates"]),
            "sqs:queue": len(clients(account, "sqs", region).list_queues().get("QueueUrls", [])),
            "sns:topic": len(clients(account, "sns", region).list_topics()["Topics"]),
            "dynamodb:table": len(clients(account, "dynamodb", region).list_tables()["TableNames"]),
            "lambda:function": len(
                clients(account, "lambda", region).list_functions()["Functions"]
            ),
            "rds:db-instance": len(
                clients(account, "rds", region).describe_db_instances()["DBInstances"]
            ),
            "autoscaling:group": len(
                clients(account, "autoscaling", region).describe_auto_scaling_groups()[
                    "AutoScalingGroups"
                ]
            ),
            "cloudformation:stack": len(
                clients(account, "cloudformation", region).describe_stacks()["Stacks"]
            ),
        }
    )


def count_account(clients: ClientsIn, account: str) -> Counter[str]:
    iam = clients(account, "iam")
    return Counter(
        {
            "s3:bucket": len(clients(account, "s3").list_buckets()["Buckets"]),
            "iam:role": len(iam.list_roles()["Roles"]),
            "iam:user": len(iam.list_users()["Users"]),
        }
    )


def test_three_active_member_accounts(sample_org: SampleOrg, clients: ClientsIn) -> None:
    accounts = clients(MANAGEMENT_ACCOUNT, "organizations").list_accounts()["Accounts"]
    members = {a["Id"]: a for a in accounts if a["Id"] != MANAGEMENT_ACCOUNT}
    assert sample_org.management_account == MANAGEMENT_ACCOUNT
    assert set(members) == set(sample_org.member_accounts)
    assert {a["Status"] for a in members.values()} == {"ACTIVE"}
    assert sorted(a["Name"] for a in members.values()) == sorted(MEMBER_NAMES)
    assert sample_org.members == {members[i]["Name"]: i for i in sample_org.member_accounts}
    assert sample_org.regions == DEFAULT_REGIONS


def test_buckets_have_the_location_of_their_region_and_null_in_us_east_1(
    sample_org: SampleOrg, clients: ClientsIn
) -> None:
    seen = set()
    for account in sample_org.member_accounts:
        s3 = clients(account, "s3")
        for bucket in s3.list_buckets()["Buckets"]:
            region = bucket["Name"].removeprefix(f"estate-demo-{account}-").rsplit("-", 1)[0]
            location = s3.get_bucket_location(Bucket=bucket["Name"]).get("LocationConstraint")
            assert location == (None if region == "us-east-1" else region), bucket["Name"]
            seen.add(region)
    assert seen == set(DEFAULT_REGIONS)


def test_tagged_and_untagged_buckets_both_exist(sample_org: SampleOrg, clients: ClientsIn) -> None:
    tagged = untagged = 0
    for account in sample_org.member_accounts:
        s3 = clients(account, "s3")
        for bucket in s3.list_buckets()["Buckets"]:
            try:
                s3.get_bucket_tagging(Bucket=bucket["Name"])
                tagged += 1
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "NoSuchTagSet"
                untagged += 1
    assert tagged > 0
    assert untagged > 0


def test_every_member_account_and_region_holds_what_the_summary_counts(
    sample_org: SampleOrg, clients: ClientsIn
) -> None:
    total: Counter[str] = Counter()
    for account in sample_org.member_accounts:
        total += count_account(clients, account)
        for region in sample_org.regions:
            here = count_region(clients, account, region)
            assert here["ec2:instance"] > 0, (account, region)
            assert here["sqs:queue"] > 0, (account, region)
            assert here["lambda:function"] > 0, (account, region)
            total += here
    assert dict(total) == dict(sample_org.summary)
    assert 200 <= sample_org.total <= 600


def test_instances_with_env_tags_a_name_or_no_tags_at_all(
    sample_org: SampleOrg, clients: ClientsIn
) -> None:
    for account in sample_org.member_accounts:
        for region in sample_org.regions:
            reservations = clients(account, "ec2", region).describe_instances()["Reservations"]
            tags = [
                {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                for r in reservations
                for i in r["Instances"]
            ]
            assert {"prod", "dev"} <= {t.get("env") for t in tags}
            assert any("Name" in t for t in tags)
            assert {} in tags


def test_security_groups_have_several_rules_each_way(
    sample_org: SampleOrg, clients: ClientsIn
) -> None:
    ec2 = clients(sample_org.member_accounts[0], "ec2", sample_org.regions[-1])
    web = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [WEB_GROUP]}])[
        "SecurityGroups"
    ][0]
    ingress = [
        source
        for p in web["IpPermissions"]
        for key in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs")
        for source in p.get(key, [])
    ]
    assert len(ingress) >= 3
    assert len(web["IpPermissionsEgress"]) >= 3  # the default allow-all and two of ours


def test_building_twice_in_one_management_account_names_the_way_out(
    sample_org: SampleOrg, emulator: Emulator
) -> None:
    with pytest.raises(EstateError, match=f"{MANAGEMENT_ACCOUNT} is already in an organization"):
        build_sample_organization(emulator.endpoint_url)


# apply_sample_changes: on an organization of its own, so the one above stays as built.


def snapshot(clients: ClientsIn, account: str, region: str) -> State:
    """(type, id) -> what a change to it would be about, for the types the changes touch."""
    ec2 = clients(account, "ec2", region)
    state: State = {
        ("s3:bucket", b["Name"]): "" for b in clients(account, "s3").list_buckets()["Buckets"]
    }
    for r in ec2.describe_instances()["Reservations"]:
        for i in r["Instances"]:
            tags = sorted((t["Key"], t["Value"]) for t in i.get("Tags", []))
            state[("ec2:instance", i["InstanceId"])] = canonical([i["State"]["Name"], tags])
    for g in ec2.describe_security_groups()["SecurityGroups"]:
        rules = sorted(canonical(p) for p in g["IpPermissions"] + g["IpPermissionsEgress"])
        state[("ec2:security-group", g["GroupId"])] = canonical(rules)
    for v in ec2.describe_volumes()["Volumes"]:
        state[("ec2:volume", v["VolumeId"])] = ""
    for url in clients(account, "sqs", region).list_queues().get("QueueUrls", []):
        state[("sqs:queue", url.rsplit("/", 1)[-1])] = ""
    return state


def diff(before: State, after: State) -> set[tuple[str, str, str]]:
    return (
        {("created", *key) for key in after.keys() - before.keys()}
        | {("deleted", *key) for key in before.keys() - after.keys()}
        | {("modified", *key) for key in before.keys() & after.keys() if before[key] != after[key]}
    )


@pytest.fixture(scope="module")
def changed(
    emulator: Emulator, sample_org: SampleOrg, clients: ClientsIn
) -> tuple[SampleOrg, list[ExpectedChange], State, State]:
    """An organization under another management account, before and after the changes.
    Depends on `sample_org` so that its reset comes first."""
    org = build_sample_organization(
        emulator.endpoint_url, regions=("us-east-1", "eu-west-1"), management_account="210987654321"
    )
    account, region = org.member_accounts[0], org.regions[0]
    before = snapshot(clients, account, region)
    changes = apply_sample_changes(org, emulator.endpoint_url)
    return org, changes, before, snapshot(clients, account, region)


def test_changes_are_exactly_what_boto3_reads_back(
    changed: tuple[SampleOrg, list[ExpectedChange], State, State],
) -> None:
    org, changes, before, after = changed
    assert {(c.kind, c.type, c.id) for c in changes} == diff(before, after)
    assert Counter(c.kind for c in changes) == {"created": 1, "modified": 3, "deleted": 2}
    for c in changes:
        assert c.account == org.member_accounts[0]
        assert c.id in c.arn
        assert c.arn.startswith(f"arn:aws:{c.type.split(':')[0]}:")


def test_new_bucket_is_in_its_region(
    changed: tuple[SampleOrg, list[ExpectedChange], State, State], clients: ClientsIn
) -> None:
    _, changes, _, _ = changed
    (bucket,) = [c for c in changes if c.type == "s3:bucket"]
    assert bucket.kind == "created"
    location = clients(bucket.account, "s3", bucket.region).get_bucket_location(Bucket=bucket.id)
    assert location["LocationConstraint"] == bucket.region == "eu-west-1"


def test_deleted_queue_is_gone_and_its_siblings_stay(
    changed: tuple[SampleOrg, list[ExpectedChange], State, State], clients: ClientsIn
) -> None:
    org, changes, _, _ = changed
    (queue,) = [c for c in changes if c.type == "sqs:queue"]
    assert queue.kind == "deleted"
    sqs = clients(queue.account, "sqs", queue.region)
    with pytest.raises(ClientError) as caught:
        sqs.get_queue_url(QueueName=queue.id)
    assert "NonExistentQueue" in caught.value.response["Error"]["Code"]
    plan = plan_region(queue.account, org.member_names[0], queue.region, org.seed)
    for other in plan.queues[1:]:
        sqs.get_queue_url(QueueName=other.name)


def test_terminated_instance_is_modified_not_deleted(
    changed: tuple[SampleOrg, list[ExpectedChange], State, State], clients: ClientsIn
) -> None:
    _, changes, _, _ = changed
    states = {}
    for c in changes:
        if c.type == "ec2:instance":
            ec2 = clients(c.account, "ec2", c.region)
            instance = ec2.describe_instances(InstanceIds=[c.id])["Reservations"][0]["Instances"][0]
            states[c.fields] = (instance["State"]["Name"], instance.get("Tags", []))
    assert states[("State",)][0] == "terminated"
    retagged_state, retagged_tags = states[("tags",)]
    assert retagged_state == "running"
    assert {"Key": "env", "Value": "staging"} in retagged_tags


def test_the_shared_organization_is_untouched(
    changed: tuple[SampleOrg, list[ExpectedChange], State, State],
    sample_org: SampleOrg,
    clients: ClientsIn,
) -> None:
    account, region = sample_org.member_accounts[0], sample_org.regions[0]
    plan = plan_region(account, sample_org.member_names[0], region, sample_org.seed)
    urls = clients(account, "sqs", region).list_queues()["QueueUrls"]
    assert len(urls) == len(plan.queues)
    accounts = clients(MANAGEMENT_ACCOUNT, "organizations").list_accounts()["Accounts"]
    assert len(accounts) == 1 + len(sample_org.member_accounts)
