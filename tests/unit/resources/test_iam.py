from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import boto3
import pytest

from estate.aws.sessions import AccountSession
from estate.resources.iam import ROLE, USER
from estate.resources.spec import GLOBAL_REGION
from tests.unit.resources.collecting import ACCOUNT, collect_pages, collect_resources

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
