from __future__ import annotations

import copy

import boto3

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.cognito import IDENTITY_POOL, USER_POOL
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

REGION = "eu-west-1"
TRIGGER = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:pre-sign-up"
MIGRATION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:migrate"


def test_user_pool(member: boto3.Session, reader: AccountSession) -> None:
    pool = member.client("cognito-idp", region_name=REGION).create_user_pool(
        PoolName="customers",
        UserPoolTags={"team": "identity"},
        LambdaConfig={"PreSignUp": TRIGGER, "UserMigration": MIGRATION},
    )["UserPool"]

    found = collect_resources(USER_POOL, reader, REGION)[pool["Id"]]

    assert found.arn == f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool['Id']}"
    assert found.name == "customers"
    assert found.region == REGION
    assert found.account == ACCOUNT
    assert found.tags == {"team": "identity"}
    assert found.relations == [
        {"kind": "trigger", "type": "lambda:function", "arn": MIGRATION},
        {"kind": "trigger", "type": "lambda:function", "arn": TRIGGER},
    ]


def test_a_sign_up_does_not_change_the_hash(member: boto3.Session, reader: AccountSession) -> None:
    member.client("cognito-idp", region_name=REGION).create_user_pool(PoolName="p")
    (raw,) = [item for page in collect_pages(USER_POOL, reader, REGION) for item in page.items]
    busier = copy.deepcopy(raw.data)
    busier["UserPool"]["EstimatedNumberOfUsers"] = 1234

    assert (
        normalize_resource(USER_POOL, ACCOUNT, REGION, busier).hash
        == normalize_resource(USER_POOL, ACCOUNT, REGION, raw.data).hash
    )


def test_identity_pool(member: boto3.Session, reader: AccountSession) -> None:
    oidc = member.client("iam").create_open_id_connect_provider(
        Url="https://login.example.com", ClientIDList=["app"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    pool = member.client("cognito-identity", region_name=REGION).create_identity_pool(
        IdentityPoolName="app_users",
        AllowUnauthenticatedIdentities=False,
        OpenIdConnectProviderARNs=[oidc],
        IdentityPoolTags={"team": "identity"},
    )
    pool_id = pool["IdentityPoolId"]

    found = collect_resources(IDENTITY_POOL, reader, REGION)[pool_id]

    assert found.arn == f"arn:aws:cognito-identity:{REGION}:{ACCOUNT}:identitypool/{pool_id}"
    assert found.name == "app_users"
    assert found.region == REGION
    assert found.account == ACCOUNT
    assert found.tags == {"team": "identity"}
    assert found.relations == [{"kind": "oidc-provider", "type": "iam:oidc-provider", "arn": oidc}]
