from __future__ import annotations

import copy

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.opensearch import DOMAIN
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"


@pytest.fixture
def vpc(member: boto3.Session) -> dict[str, str]:
    ec2 = member.client("ec2", region_name=REGION)
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="os", Description="os", VpcId=vpc_id)["GroupId"]
    member.client("opensearch", region_name=REGION).create_domain(
        DomainName="search",
        EngineVersion="OpenSearch_2.11",
        VPCOptions={"SubnetIds": [subnet], "SecurityGroupIds": [group]},
        TagList=[{"Key": "team", "Value": "search"}],
    )
    return {"vpc": vpc_id, "subnet": subnet, "group": group}


def test_domain(vpc: dict[str, str], reader: AccountSession) -> None:
    search = collect_resources(DOMAIN, reader, REGION)["search"]

    assert search.name == "search"
    assert search.region == REGION and search.account == ACCOUNT
    assert search.arn == f"arn:aws:es:{REGION}:{ACCOUNT}:domain/search"
    assert search.tags == {"team": "search"}
    assert search.config["DomainStatus"]["EngineVersion"] == "OpenSearch_2.11"
    assert {
        "kind": "subnet",
        "type": "ec2:subnet",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{vpc['subnet']}",
    } in search.relations
    assert {
        "kind": "security-group",
        "type": "ec2:security-group",
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{vpc['group']}",
    } in search.relations


def test_a_software_update_notice_does_not_change_the_hash(
    vpc: dict[str, str], reader: AccountSession
) -> None:
    (raw,) = [i.data for p in collect_pages(DOMAIN, reader, REGION) for i in p.items]
    raw["DomainStatus"]["ServiceSoftwareOptions"] = {  # moto 5.2 answers none
        "CurrentVersion": "OpenSearch_2_11_R20240502",
        "NewVersion": "",
        "UpdateAvailable": False,
    }
    noticed = copy.deepcopy(raw)
    noticed["DomainStatus"]["ServiceSoftwareOptions"].update(
        UpdateAvailable=True, NewVersion="OpenSearch_2_11_R20250101"
    )
    noticed["DomainStatus"]["Processing"] = True

    assert (
        normalize_resource(DOMAIN, ACCOUNT, REGION, noticed).hash
        == normalize_resource(DOMAIN, ACCOUNT, REGION, raw).hash
    )
