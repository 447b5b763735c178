from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from estate.aws.errors import ErrorKind, classify
from estate.aws.sessions import AccountSession
from estate.resources.organizations import ACCOUNT as ORG_ACCOUNT
from estate.resources.organizations import POLICY, ROOT
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_resources

SCP = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}],
}


@pytest.fixture
def org(member: boto3.Session) -> Any:
    client = member.client("organizations", region_name="us-east-1")
    client.create_organization(FeatureSet="ALL")
    return client


def test_account(org: Any, reader: AccountSession) -> None:
    created = org.create_account(
        AccountName="billing", Email="billing@example.com", Tags=[{"Key": "team", "Value": "fin"}]
    )["CreateAccountStatus"]
    account_id = created["AccountId"]

    found = collect_resources(ORG_ACCOUNT, reader, GLOBAL_REGION)

    assert set(found) == {ACCOUNT, account_id}  # the management account is one of them
    billing = found[account_id]
    org_id = org.describe_organization()["Organization"]["Id"]
    assert billing.arn == f"arn:aws:organizations::{ACCOUNT}:account/{org_id}/{account_id}"
    assert billing.name == "billing"
    assert billing.region == GLOBAL_REGION
    assert billing.account == ACCOUNT
    assert billing.tags == {"team": "fin"}


def test_root(org: Any, reader: AccountSession) -> None:
    (root,) = collect_resources(ROOT, reader, GLOBAL_REGION).values()

    org_id = org.describe_organization()["Organization"]["Id"]
    assert root.arn == f"arn:aws:organizations::{ACCOUNT}:root/{org_id}/{root.id}"
    assert root.name == "Root"
    assert root.region == GLOBAL_REGION
    assert root.account == ACCOUNT


def test_policy(org: Any, reader: AccountSession) -> None:
    policy = org.create_policy(
        Content=json.dumps(SCP),
        Description="no EC2",
        Name="deny-ec2",
        Type="SERVICE_CONTROL_POLICY",
        Tags=[{"Key": "team", "Value": "sec"}],
    )["Policy"]["PolicySummary"]
    root = org.list_roots()["Roots"][0]
    org.attach_policy(PolicyId=policy["Id"], TargetId=root["Id"])

    found = collect_resources(POLICY, reader, GLOBAL_REGION)

    assert set(found) == {policy["Id"]}  # not AWS's FullAWSAccess
    scp = found[policy["Id"]]
    assert scp.arn == policy["Arn"]
    assert scp.name == "deny-ec2"
    assert scp.region == GLOBAL_REGION
    assert scp.account == ACCOUNT
    assert scp.tags == {"team": "sec"}
    assert json.loads(scp.config["Content"]) == SCP
    assert scp.relations == [
        {"kind": "target-root", "type": "organizations:root", "arn": root["Arn"]}
    ]


def test_an_account_outside_any_organization_fails_its_shard(
    member: boto3.Session, reader: AccountSession
) -> None:
    # A member account is answered AccessDeniedException (denied); one in no organization,
    # as here, AWSOrganizationsNotInUseException, which estate classifies as fatal. (moto
    # 5.2 answers ListAccounts with no accounts there; ListRoots answers as AWS does.)
    with pytest.raises(ClientError) as raised:
        collect_resources(ROOT, reader, GLOBAL_REGION)

    assert raised.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"
    assert classify(raised.value) == ErrorKind.FATAL
