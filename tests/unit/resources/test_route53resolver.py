from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_page, normalize_resource
from estate.resources.route53resolver import RESOLVER_ENDPOINT, RESOLVER_RULE
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
_EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}:"


@pytest.fixture
def network(member: boto3.Session) -> dict[str, Any]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for cidr, az in (("10.0.1.0/24", "a"), ("10.0.2.0/24", "b"))
    ]
    group = ec2.create_security_group(GroupName="dns", Description="dns", VpcId=vpc)["GroupId"]
    resolver = member.client("route53resolver", region_name=REGION)
    endpoint = resolver.create_resolver_endpoint(
        CreatorRequestId="ep-1",
        Name="outbound",
        SecurityGroupIds=[group],
        Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": s} for s in subnets],
        Tags=[{"Key": "team", "Value": "net"}],
    )["ResolverEndpoint"]["Id"]
    return {"vpc": vpc, "subnets": subnets, "group": group, "endpoint": endpoint, "api": resolver}


def test_resolver_endpoint(network: dict[str, Any], reader: AccountSession) -> None:
    found = collect_resources(RESOLVER_ENDPOINT, reader, REGION)

    endpoint = found[network["endpoint"]]
    assert endpoint.name == "outbound"
    assert endpoint.arn == (
        f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-endpoint/{network['endpoint']}"
    )
    assert (endpoint.region, endpoint.account) == (REGION, ACCOUNT)
    assert endpoint.tags == {"team": "net"}
    arns = {(r["kind"], r["arn"]) for r in endpoint.relations}
    assert arns == {
        ("vpc", _EC2 + f"vpc/{network['vpc']}"),
        ("security-group", _EC2 + f"security-group/{network['group']}"),
        *(("subnet", _EC2 + f"subnet/{s}") for s in network["subnets"]),
    }


def test_endpoint_addresses_in_another_order_hash_the_same(
    network: dict[str, Any], reader: AccountSession
) -> None:
    (raw,) = [i.data for p in collect_pages(RESOLVER_ENDPOINT, reader, REGION) for i in p.items]
    shuffled = copy.deepcopy(raw)
    shuffled["IpAddresses"].reverse()
    shuffled["StatusMessage"] = "2 addresses healthy"

    original = normalize_resource(RESOLVER_ENDPOINT, ACCOUNT, REGION, raw)

    assert normalize_resource(RESOLVER_ENDPOINT, ACCOUNT, REGION, shuffled).hash == original.hash


def test_resolver_rule(network: dict[str, Any], reader: AccountSession) -> None:
    rule = network["api"].create_resolver_rule(
        CreatorRequestId="rule-1",
        Name="corp",
        RuleType="FORWARD",
        DomainName="corp.example.com",
        TargetIps=[{"Ip": "10.1.0.2", "Port": 53}],
        ResolverEndpointId=network["endpoint"],
        Tags=[{"Key": "team", "Value": "net"}],
    )["ResolverRule"]["Id"]

    found = collect_resources(RESOLVER_RULE, reader, REGION)

    corp = found[rule]
    assert corp.name == "corp"
    assert corp.arn == f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-rule/{rule}"
    assert (corp.region, corp.account) == (REGION, ACCOUNT)
    assert corp.tags == {"team": "net"}
    assert corp.relations == [
        {
            "kind": "resolver-endpoint",
            "type": "route53resolver:resolver-endpoint",
            "arn": (
                f"arn:aws:route53resolver:{REGION}:{ACCOUNT}"
                f":resolver-endpoint/{network['endpoint']}"
            ),
        }
    ]


def test_the_built_in_and_shared_rules_are_not_the_accounts_own() -> None:
    own = {
        "Id": "rslvr-rr-0123",
        "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-rule/rslvr-rr-0123",
        "OwnerId": ACCOUNT,
        "RuleType": "FORWARD",
    }
    internet = {
        "Id": "rslvr-autodefined-rr-internet-resolver",
        "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:autodefined-rule/internet-resolver",
        "OwnerId": "Route 53 Resolver",
        "RuleType": "RECURSIVE",
        "ShareStatus": "NOT_SHARED",
    }
    shared = {**own, "Id": "rslvr-rr-1", "OwnerId": "222222222222", "ShareStatus": "SHARED_WITH_ME"}

    page = normalize_page(
        RESOLVER_RULE, ACCOUNT, [(REGION, item, ()) for item in (own, internet, shared)]
    )

    assert [r.id for r in page.records] == [own["Id"]]
    assert {r.id for r in page.foreign} == {internet["Id"], shared["Id"]}
