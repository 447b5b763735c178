from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import threading
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.inventory.normalize import normalize_resource
from estate.resources.iam import (
    ACCESS_KEY,
    GROUP,
    INSTANCE_PROFILE,
    OIDC_PROVIDER,
    POLICY,
    ROLE,
    SAML_PROVIDER,
    SERVER_CERTIFICATE,
    USER,
)
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources
from tests.unit.resources.stubbed import stubbed

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture
def iam(member: boto3.Session) -> Any:
    return member.client("iam")


def test_role(iam: Any, reader: AccountSession) -> None:
    iam.create_role(
        RoleName="deployer",
        Path="/ci/",
        AssumeRolePolicyDocument=TRUST,
        Tags=[{"Key": "team", "Value": "core"}, {"Key": "Name", "Value": "Deployer"}],
    )

    role = collect_resources(ROLE, reader, GLOBAL_REGION)["deployer"]

    assert role.name == "deployer"  # the role name, not the Name tag
    assert role.arn == f"arn:aws:iam::{ACCOUNT}:role/ci/deployer"
    assert role.region == GLOBAL_REGION
    assert role.tags == {"Name": "Deployer", "team": "core"}
    assert role.config["Path"] == "/ci/"
    assert role.config["AssumeRolePolicyDocument"] == json.loads(TRUST)


def test_user(iam: Any, reader: AccountSession) -> None:
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "data"}])
    iam.create_user(UserName="bob")

    users = collect_resources(USER, reader, GLOBAL_REGION)

    assert set(users) == {"alice", "bob"}
    assert users["alice"].arn == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert users["alice"].region == GLOBAL_REGION
    assert users["alice"].tags == {"team": "data"}
    assert users["alice"].config["Path"] == "/"
    assert users["bob"].tags == {}


def test_roles_on_every_page_are_collected(iam: Any, reader: AccountSession) -> None:
    names = {f"role-{n}" for n in range(7)}
    for name in names:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    spec = dataclasses.replace(ROLE, params={"MaxItems": 2})

    pages = collect_pages(spec, reader, GLOBAL_REGION)

    assert len(pages) == 4
    assert {item.data["RoleName"] for page in pages for item in page.items} == names


def test_tags_on_every_page_of_a_detail_are_collected(iam: Any, reader: AccountSession) -> None:
    tags = {f"key-{n}": f"value-{n}" for n in range(5)}
    iam.create_role(
        RoleName="tagged",
        AssumeRolePolicyDocument=TRUST,
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    (tags_detail,) = ROLE.details
    spec = dataclasses.replace(
        ROLE, details=(dataclasses.replace(tags_detail, constants={"MaxItems": 2}),)
    )

    role = collect_resources(spec, reader, GLOBAL_REGION)["tagged"]

    assert role.tags == tags


def test_a_user_deleted_before_its_tags_are_read_is_skipped(
    iam: Any, reader: AccountSession
) -> None:
    iam.create_user(UserName="leaving")
    iam.create_user(UserName="staying")

    # Delete the user between ListUsers and its ListUserTags, through a real client hook.
    # Details are fetched concurrently, so the hook may run in two threads at once.
    lock = threading.Lock()

    def delete_once(**_: object) -> None:  # a before-call handler must return None
        with lock:
            if "leaving" in {u["UserName"] for u in iam.list_users()["Users"]}:
                iam.delete_user(UserName="leaving")

    reader.client("iam", "us-east-1").meta.events.register_first(
        "before-call.iam.ListUserTags", delete_once
    )

    assert set(collect_resources(USER, reader, GLOBAL_REGION)) == {"staying"}


# --- the types added after roles and users --------------------------------------------------

POLICY_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def test_policy(iam: Any, reader: AccountSession) -> None:
    arn = iam.create_policy(
        PolicyName="read-reports",
        Path="/data/",
        PolicyDocument=json.dumps(POLICY_DOCUMENT),
        Tags=[{"Key": "team", "Value": "data"}],
    )["Policy"]["Arn"]

    found = collect_resources(POLICY, reader, GLOBAL_REGION)

    assert set(found) == {"read-reports"}  # Scope=Local: none of AWS's own policies
    policy = found["read-reports"]
    assert policy.arn == arn == f"arn:aws:iam::{ACCOUNT}:policy/data/read-reports"
    assert policy.name == "read-reports"
    assert policy.region == GLOBAL_REGION
    assert policy.account == ACCOUNT
    assert policy.tags == {"team": "data"}
    assert policy.config["DefaultVersion"]["Document"] == POLICY_DOCUMENT


def test_attaching_a_policy_does_not_change_its_hash(iam: Any, reader: AccountSession) -> None:
    arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(POLICY_DOCUMENT))["Policy"][
        "Arn"
    ]
    before = collect_resources(POLICY, reader, GLOBAL_REGION)["p"]
    iam.create_group(GroupName="g")
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)

    after = collect_resources(POLICY, reader, GLOBAL_REGION)["p"]

    assert "AttachmentCount" not in after.config
    assert after.hash == before.hash


def test_group(iam: Any, reader: AccountSession) -> None:
    policy_arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(POLICY_DOCUMENT))[
        "Policy"
    ]["Arn"]
    iam.create_group(GroupName="admins", Path="/ops/")
    iam.attach_group_policy(GroupName="admins", PolicyArn=policy_arn)
    iam.put_group_policy(
        GroupName="admins", PolicyName="inline", PolicyDocument=json.dumps(POLICY_DOCUMENT)
    )
    for user in ("carol", "alice"):
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName="admins", UserName=user)

    group = collect_resources(GROUP, reader, GLOBAL_REGION)["admins"]

    assert group.arn == f"arn:aws:iam::{ACCOUNT}:group/ops/admins"
    assert group.name == "admins"
    assert group.region == GLOBAL_REGION
    assert group.account == ACCOUNT
    assert group.tags == {}
    assert group.config["InlinePolicyNames"] == ["inline"]
    assert group.relations == [
        {"kind": "member", "type": "iam:user", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice"},
        {"kind": "member", "type": "iam:user", "arn": f"arn:aws:iam::{ACCOUNT}:user/carol"},
        {"kind": "policy", "type": "iam:policy", "arn": policy_arn},
    ]


def test_group_members_in_any_order_hash_the_same(iam: Any, reader: AccountSession) -> None:
    iam.create_group(GroupName="g")
    for user in ("a", "b"):
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName="g", UserName=user)
    (raw,) = [item for page in collect_pages(GROUP, reader, GLOBAL_REGION) for item in page.items]
    reordered = copy.deepcopy(raw.data)
    reordered["UserArns"].reverse()

    assert (
        normalize_resource(GROUP, ACCOUNT, GLOBAL_REGION, reordered).hash
        == normalize_resource(GROUP, ACCOUNT, GLOBAL_REGION, raw.data).hash
    )


def test_instance_profile() -> None:
    # moto 5.2 lacks ListInstanceProfileTags.
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/web"
    profile = {
        "Path": "/",
        "InstanceProfileName": "web",
        "InstanceProfileId": "AIPAJQABLZS4A3QDU576Q",
        "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/web",
        "CreateDate": dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        "Roles": [
            {
                "Path": "/",
                "RoleName": "web",
                "RoleId": "AROADBQP57FF2AEXAMPLE",
                "Arn": role_arn,
                "CreateDate": dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
                "AssumeRolePolicyDocument": TRUST,
            }
        ],
    }
    with stubbed("iam", "us-east-1") as (session, stubber):
        stubber.add_response(
            "list_instance_profiles", {"InstanceProfiles": [profile], "IsTruncated": False}, {}
        )
        stubber.add_response(
            "list_instance_profile_tags",
            {"Tags": [{"Key": "team", "Value": "web"}], "IsTruncated": False},
            {"InstanceProfileName": "web"},
        )
        found = collect_resources(INSTANCE_PROFILE, session, GLOBAL_REGION)

    web = found["web"]
    assert web.arn == f"arn:aws:iam::{ACCOUNT}:instance-profile/web"
    assert web.name == "web"
    assert web.region == GLOBAL_REGION
    assert web.account == ACCOUNT
    assert web.tags == {"team": "web"}
    assert web.relations == [{"kind": "role", "type": "iam:role", "arn": role_arn}]


def test_access_key(iam: Any, reader: AccountSession) -> None:
    iam.create_user(UserName="ci")
    created = iam.create_access_key(UserName="ci")["AccessKey"]
    iam.update_access_key(UserName="ci", AccessKeyId=created["AccessKeyId"], Status="Inactive")
    iam.create_user(UserName="nobody")

    found = collect_resources(ACCESS_KEY, reader, GLOBAL_REGION)

    key_id = created["AccessKeyId"]
    assert set(found) == {key_id}
    key = found[key_id]
    assert key.arn == f"arn:aws:iam::{ACCOUNT}:access-key/{key_id}"
    assert key.name == key_id
    assert key.region == GLOBAL_REGION
    assert key.account == ACCOUNT
    assert key.tags == {}
    assert key.config["Status"] == "Inactive"
    assert created["SecretAccessKey"] not in json.dumps(key.config)
    assert "SecretAccessKey" not in key.config
    assert key.relations == [
        {"kind": "user", "type": "iam:user", "arn": f"arn:aws:iam::{ACCOUNT}:user/ci"}
    ]


def test_server_certificate() -> None:
    # moto 5.2 lacks ListServerCertificateTags.
    arn = f"arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/legacy-web"
    metadata = {
        "Path": "/cloudfront/",
        "ServerCertificateName": "legacy-web",
        "ServerCertificateId": "ASCACKCEVSQ6C2EXAMPLE",
        "Arn": arn,
        "UploadDate": dt.datetime(2024, 5, 8, tzinfo=dt.UTC),
        "Expiration": dt.datetime(2025, 5, 8, tzinfo=dt.UTC),
    }
    with stubbed("iam", "us-east-1") as (session, stubber):
        stubber.add_response(
            "list_server_certificates",
            {"ServerCertificateMetadataList": [metadata], "IsTruncated": False},
            {},
        )
        stubber.add_response(
            "list_server_certificate_tags",
            {"Tags": [{"Key": "team", "Value": "web"}], "IsTruncated": False},
            {"ServerCertificateName": "legacy-web"},
        )
        cert = collect_resources(SERVER_CERTIFICATE, session, GLOBAL_REGION)["legacy-web"]

    assert cert.arn == arn
    assert cert.name == "legacy-web"
    assert cert.region == GLOBAL_REGION
    assert cert.account == ACCOUNT
    assert cert.tags == {"team": "web"}
    assert cert.config["Path"] == "/cloudfront/"


def test_saml_provider() -> None:
    # moto 5.2 lacks ListSAMLProviderTags.
    arn = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-okta"
    entry = {
        "Arn": arn,
        "ValidUntil": dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        "CreateDate": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    }
    with stubbed("iam", "us-east-1") as (session, stubber):
        stubber.add_response("list_saml_providers", {"SAMLProviderList": [entry]}, {})
        stubber.add_response(
            "list_saml_provider_tags",
            {"Tags": [{"Key": "team", "Value": "it"}], "IsTruncated": False},
            {"SAMLProviderArn": arn},
        )
        provider = collect_resources(SAML_PROVIDER, session, GLOBAL_REGION)["corp-okta"]

    assert provider.arn == arn
    assert provider.name == "corp-okta"
    assert provider.region == GLOBAL_REGION
    assert provider.account == ACCOUNT
    assert provider.tags == {"team": "it"}


def test_oidc_provider(iam: Any, reader: AccountSession) -> None:
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["a" * 40, "b" * 40],
        Tags=[{"Key": "team", "Value": "ci"}],
    )

    found = collect_resources(OIDC_PROVIDER, reader, GLOBAL_REGION)

    provider = found["token.actions.githubusercontent.com"]
    assert provider.arn == (
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    )
    assert provider.name == "token.actions.githubusercontent.com"
    assert provider.region == GLOBAL_REGION
    assert provider.account == ACCOUNT
    assert provider.tags == {"team": "ci"}
    assert provider.config["Provider"]["ClientIDList"] == ["sts.amazonaws.com"]
