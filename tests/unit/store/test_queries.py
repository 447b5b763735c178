from __future__ import annotations

import datetime as dt

import pytest

from estate.store.database import Database
from estate.store.queries import (
    Selection,
    load_changes,
    load_history,
    load_resource,
    load_resources,
)
from tests.unit.store.records import OTHER_ACCOUNT, T0, Clock, collect, resource, shard

STACK = "aws:cloudformation:stack-name"

PROD = resource(
    "vpc-prod", tags={"env": "prod", STACK: "network", "cost center": "42", "Name": "prod"}
)
DEV = resource("vpc-dev", tags={"env": "dev", "kubernetes.io/cluster/x": "owned"})
BARE = resource("vpc-bare", tags={"env": ""})
SUBNET = resource("subnet-1", type="ec2:subnet", tags={"cost center": "7"})
US = resource("vpc-us", region="us-east-1")
OTHER = resource("vpc-other", account=OTHER_ACCOUNT, tags={"env": "prod"})
GONE = resource("vpc-gone", tags={"env": "prod"})


@pytest.fixture
def seeded(db: Database, clock: Clock) -> Database:
    collect(
        db,
        clock,
        {
            shard("ec2:vpc"): [[PROD, DEV, BARE, GONE]],
            shard("ec2:subnet"): [[SUBNET]],
            shard("ec2:vpc", region="us-east-1"): [[US]],
            shard("ec2:vpc", account=OTHER_ACCOUNT): [[OTHER]],
        },
    )
    collect(db, clock, {shard("ec2:vpc"): [[PROD, DEV, BARE]]})
    return db


def _ids(db: Database, sel: Selection) -> list[str]:
    return sorted(r["id"] for r in load_resources(db, sel))


@pytest.mark.parametrize(
    ("sel", "ids"),
    [
        (Selection(), ["subnet-1", "vpc-bare", "vpc-dev", "vpc-other", "vpc-prod", "vpc-us"]),
        (Selection(tags={"env": "prod"}), ["vpc-other", "vpc-prod"]),
        (Selection(tags={"env": None}), ["vpc-bare", "vpc-dev", "vpc-other", "vpc-prod"]),
        (Selection(tags={"env": ""}), ["vpc-bare"]),
        (Selection(missing_tags=["env"]), ["subnet-1", "vpc-us"]),
        (Selection(tags={STACK: "network"}), ["vpc-prod"]),
        (Selection(tags={STACK: None}), ["vpc-prod"]),
        (
            Selection(missing_tags=[STACK]),
            ["subnet-1", "vpc-bare", "vpc-dev", "vpc-other", "vpc-us"],
        ),
        (Selection(tags={"cost center": "42"}), ["vpc-prod"]),
        (Selection(tags={"cost center": None}), ["subnet-1", "vpc-prod"]),
        (Selection(tags={"kubernetes.io/cluster/x": "owned"}), ["vpc-dev"]),
        (Selection(tags={"env": "prod", "cost center": None}), ["vpc-prod"]),
        (Selection(types=["ec2:subnet"]), ["subnet-1"]),
        (Selection(accounts=[OTHER_ACCOUNT]), ["vpc-other"]),
        (Selection(regions=["us-east-1"]), ["vpc-us"]),
        (
            Selection(types=["ec2:vpc"], regions=["eu-west-1"], tags={"env": None}),
            ["vpc-bare", "vpc-dev", "vpc-other", "vpc-prod"],
        ),
        (Selection(deleted=True), ["vpc-gone"]),
        (Selection(deleted=True, tags={"env": "prod"}), ["vpc-gone"]),
    ],
)
def test_selection(seeded: Database, sel: Selection, ids: list[str]) -> None:
    assert _ids(seeded, sel) == ids


def test_resources_are_ordered_and_limited(seeded: Database) -> None:
    everything = list(load_resources(seeded, Selection()))
    keys = [(r["type"], r["account"], r["region"], r["arn"]) for r in everything]

    assert keys == sorted(keys)
    assert list(load_resources(seeded, Selection(), limit=2)) == everything[:2]


def test_load_resource(seeded: Database) -> None:
    record = load_resource(seeded, PROD.arn)

    assert record is not None
    assert record["tags"][STACK] == "network"
    assert (record["id"], record["name"], record["deleted"]) == ("vpc-prod", "vpc-prod", False)
    assert load_resource(seeded, "arn:aws:ec2:eu-west-1:1:vpc/none") is None


def test_load_changes_by_run_kind_type_and_since(db: Database, clock: Clock) -> None:
    vpcs, subnets = shard("ec2:vpc"), shard("ec2:subnet")
    run1, _ = collect(db, clock, {vpcs: [[DEV]], subnets: [[SUBNET]]})  # at 13:00
    run2, _ = collect(db, clock, {vpcs: [[PROD]], subnets: [[SUBNET]]})  # at 14:00
    run3, _ = collect(db, clock, {vpcs: [[PROD]], subnets: [[]]})  # at 15:00

    assert [(c["change"], c["arn"]) for c in load_changes(db, run_id=run2)] == [
        ("created", PROD.arn),
        ("deleted", DEV.arn),
    ]
    assert [c["run"] for c in load_changes(db)] == [run1, run1, run2, run2, run3]
    assert [c["arn"] for c in load_changes(db, kinds=["deleted"])] == [DEV.arn, SUBNET.arn]
    assert [c["run"] for c in load_changes(db, types=["ec2:subnet"])] == [run1, run3]
    assert [c["run"] for c in load_changes(db, since=T0 + dt.timedelta(hours=2))] == [
        run2,
        run2,
        run3,
    ]
    assert load_changes(db, since=T0 + dt.timedelta(hours=3, seconds=1)) == []
    assert load_changes(db, run_id=run2, kinds=["modified"]) == []


def test_since_in_another_time_zone_is_the_same_instant(db: Database, clock: Clock) -> None:
    run1, _ = collect(db, clock, {shard("ec2:vpc"): [[DEV]]})  # at 13:00 UTC
    run2, _ = collect(db, clock, {shard("ec2:vpc"): [[PROD]]})  # at 14:00 UTC
    paris = dt.timezone(dt.timedelta(hours=2))

    at_1330_utc = dt.datetime(2024, 1, 1, 15, 30, tzinfo=paris)

    assert [c["run"] for c in load_changes(db, since=at_1330_utc)] == [run2, run2]
    assert [c["run"] for c in load_changes(db, since=at_1330_utc - dt.timedelta(hours=1))] == [
        run1,
        run2,
        run2,
    ]


def test_history_is_in_order(db: Database, clock: Clock) -> None:
    vpcs = shard("ec2:vpc")
    runs = [
        collect(db, clock, {vpcs: [[resource("vpc-1", tags={"env": "dev"})]]})[0],
        collect(db, clock, {vpcs: [[resource("vpc-1", tags={"env": "prod"})]]})[0],
        collect(db, clock, {vpcs: [[]]})[0],
        collect(db, clock, {vpcs: [[resource("vpc-1")]]})[0],
    ]

    history = load_history(db, resource("vpc-1").arn)

    assert [(h["run"], h["change"]) for h in history] == list(
        zip(runs, ["created", "modified", "deleted", "created"], strict=True)
    )
    assert [h["at"] for h in history] == [
        "2024-01-01T13:00:00Z",
        "2024-01-01T14:00:00Z",
        "2024-01-01T15:00:00Z",
        "2024-01-01T16:00:00Z",
    ]
    assert history[1]["diff"] == {"tags.env": {"old": "dev", "new": "prod"}}
    assert history[1]["fields"] == ["tags"]
    assert load_history(db, "arn:aws:ec2:eu-west-1:1:vpc/none") == []
