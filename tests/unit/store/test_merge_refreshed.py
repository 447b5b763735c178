"""Merging under a newer botocore: fields it adds are `refreshed`, kept apart from changes."""

from __future__ import annotations

from sqlalchemy import select

from estate.store.database import Database
from estate.store.figures import run_figures
from estate.store.merge import MergeOutcome
from estate.store.queries import load_changes, load_history
from estate.store.schema import resources
from tests.unit.store.records import Clock, collect, resource, shard

VPCS = shard()
OLD_SDK, NEW_SDK = "1.42.0", "1.43.9"
VPC = {"Id": "vpc-1", "CidrBlock": "10.0.0.0/16", "State": {"Name": "available"}}
# What a newer botocore parses beside: a new top-level member, a new nested one.
VPC_NEWER = {**VPC, "BlockPublicAccessStates": {}, "State": {"Name": "available", "Code": 1}}


def stored_version(db: Database, arn: str) -> str | None:
    with db.read() as conn:
        return conn.execute(
            select(resources.c.botocore_version).where(resources.c.arn == arn)
        ).scalar_one()


def test_fields_added_under_a_newer_botocore_are_refreshed_and_hidden_unless_asked(
    db: Database, clock: Clock
) -> None:
    old = resource("vpc-1", config=VPC)
    collect(db, clock, {VPCS: [[old]]}, botocore_version=OLD_SDK)
    assert stored_version(db, old.arn) == OLD_SDK

    newer = resource("vpc-1", config=VPC_NEWER)
    run2, outcomes = collect(db, clock, {VPCS: [[newer]]}, botocore_version=NEW_SDK)

    assert outcomes[VPCS] == MergeOutcome(resources=1, refreshed=1)
    assert stored_version(db, old.arn) == NEW_SDK
    assert load_changes(db, run_id=run2) == []
    assert load_history(db, old.arn) == [load_changes(db)[0]]  # the creation only
    (refreshed,) = load_changes(db, run_id=run2, kinds=["refreshed"])
    assert refreshed["fields"] == ["BlockPublicAccessStates", "State"]
    assert refreshed["diff"]["State.Code"] == {"old": None, "new": 1, "added": True}
    assert [c["change"] for c in load_history(db, old.arn, kinds=["created", "refreshed"])] == [
        "created",
        "refreshed",
    ]
    with db.read() as conn:
        figures = run_figures(conn, run2)
    assert (figures["modified"], figures["refreshed"]) == (0, 1)


def test_an_added_field_under_the_same_botocore_is_modified(db: Database, clock: Clock) -> None:
    collect(db, clock, {VPCS: [[resource("vpc-1", config=VPC)]]}, botocore_version=NEW_SDK)

    run2, outcomes = collect(
        db, clock, {VPCS: [[resource("vpc-1", config=VPC_NEWER)]]}, botocore_version=NEW_SDK
    )

    assert outcomes[VPCS] == MergeOutcome(resources=1, modified=1)
    assert [c["change"] for c in load_changes(db, run_id=run2)] == ["modified"]


def test_a_changed_value_is_modified_across_botocore_versions(db: Database, clock: Clock) -> None:
    collect(db, clock, {VPCS: [[resource("vpc-1", config=VPC)]]}, botocore_version=OLD_SDK)
    moved = {**VPC_NEWER, "CidrBlock": "10.1.0.0/16"}

    run2, outcomes = collect(
        db, clock, {VPCS: [[resource("vpc-1", config=moved)]]}, botocore_version=NEW_SDK
    )

    assert outcomes[VPCS] == MergeOutcome(resources=1, modified=1)
    (change,) = load_changes(db, run_id=run2)
    assert change["change"] == "modified"
    assert change["fields"] == ["BlockPublicAccessStates", "CidrBlock", "State"]
