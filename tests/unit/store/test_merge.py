from __future__ import annotations

from sqlalchemy import func, select

from estate.store.database import Database
from estate.store.merge import MergeOutcome
from estate.store.queries import load_changes, load_history, load_resource
from estate.store.runs import load_shards
from estate.store.schema import resources, staged
from tests.unit.store.records import (
    OTHER_ACCOUNT,
    Clock,
    collect,
    resource,
    shard,
)

VPCS = shard("ec2:vpc")


def _changes(db: Database, run_id: int) -> dict[str, dict]:
    return {c["arn"]: c for c in load_changes(db, run_id=run_id)}


def test_a_complete_shard_creates_modifies_and_deletes(db: Database, clock: Clock) -> None:
    kept = resource("vpc-kept", tags={"env": "dev"}, config={"Cidr": "10.0.0.0/16"})
    gone = resource("vpc-gone")
    run1, outcomes1 = collect(db, clock, {VPCS: [[kept, gone]]})

    assert outcomes1[VPCS] == MergeOutcome(resources=2, created=2)
    assert {c["change"] for c in load_changes(db, run_id=run1)} == {"created"}

    retagged = resource("vpc-kept", tags={"env": "prod"}, config={"Cidr": "10.1.0.0/16"})
    new = resource("vpc-new")
    run2, outcomes2 = collect(db, clock, {VPCS: [[retagged], [new]]})

    assert outcomes2[VPCS] == MergeOutcome(resources=2, created=1, modified=1, deleted=1)
    changes = _changes(db, run2)
    assert {arn: c["change"] for arn, c in changes.items()} == {
        kept.arn: "modified",
        new.arn: "created",
        gone.arn: "deleted",
    }
    assert changes[kept.arn]["fields"] == ["Cidr", "tags"]
    assert changes[kept.arn]["diff"] == {
        "tags.env": {"old": "dev", "new": "prod"},
        "Cidr": {"old": "10.0.0.0/16", "new": "10.1.0.0/16"},
    }
    stored = load_resource(db, kept.arn)
    assert stored is not None
    assert stored["tags"] == {"env": "prod"}
    assert stored["config"] == {"Cidr": "10.1.0.0/16"}
    assert stored["first_seen"] == "2024-01-01T13:00:00Z"
    assert stored["last_seen"] == "2024-01-01T14:00:00Z"
    deleted = load_resource(db, gone.arn)
    assert deleted is not None
    assert deleted["deleted"] is True
    assert deleted["last_seen"] == "2024-01-01T13:00:00Z"


def test_an_unchanged_resource_is_no_change(db: Database, clock: Clock) -> None:
    vpc = resource("vpc-1", tags={"env": "dev"})
    collect(db, clock, {VPCS: [[vpc]]})

    run2, outcomes = collect(db, clock, {VPCS: [[resource("vpc-1", tags={"env": "dev"})]]})

    assert outcomes[VPCS] == MergeOutcome(resources=1)
    assert load_changes(db, run_id=run2) == []
    stored = load_resource(db, vpc.arn)
    assert stored is not None
    assert stored["last_seen"] == "2024-01-01T14:00:00Z"


def test_a_failed_shard_changes_nothing_it_owns(db: Database, clock: Clock) -> None:
    one, two = resource("vpc-1", tags={"env": "dev"}), resource("vpc-2")
    collect(db, clock, {VPCS: [[one, two]]})
    before = {r.arn: load_resource(db, r.arn) for r in (one, two)}

    # Its one page saw vpc-1 modified and vpc-2 gone; then the shard failed.
    run2, outcomes = collect(
        db, clock, {VPCS: [[resource("vpc-1", tags={"env": "prod"})]]}, failed=[VPCS]
    )

    assert outcomes == {}
    assert load_changes(db, run_id=run2) == []
    assert {r.arn: load_resource(db, r.arn) for r in (one, two)} == before
    (failed,) = load_shards(db, run2)
    assert failed.status == "failed"
    assert failed.items == 1
    with db.read() as conn:  # kept for a resume
        assert conn.execute(select(func.count()).select_from(staged)).scalar() == 1


def test_deletion_is_scoped_to_the_shards_account_region_and_type(
    db: Database, clock: Clock
) -> None:
    mine = resource("vpc-mine")
    elsewhere = {
        "other region": resource("vpc-us", region="us-east-1"),
        "other account": resource("vpc-b", account=OTHER_ACCOUNT),
        "other type": resource("subnet-1", type="ec2:subnet"),
    }
    collect(
        db,
        clock,
        {
            VPCS: [[mine]],
            shard("ec2:vpc", region="us-east-1"): [[elsewhere["other region"]]],
            shard("ec2:vpc", account=OTHER_ACCOUNT): [[elsewhere["other account"]]],
            shard("ec2:subnet"): [[elsewhere["other type"]]],
        },
    )

    run2, outcomes = collect(db, clock, {VPCS: [[]]})

    assert outcomes[VPCS] == MergeOutcome(deleted=1)
    assert [(c["arn"], c["change"]) for c in load_changes(db, run_id=run2)] == [
        (mine.arn, "deleted")
    ]
    for what, res in elsewhere.items():
        stored = load_resource(db, res.arn)
        assert stored is not None
        assert stored["deleted"] is False, what


def test_a_global_shard_with_regions_deletes_only_in_those_regions(
    db: Database, clock: Clock
) -> None:
    in_eu = resource("eu-bucket", type="s3:bucket", region="eu-west-1")
    in_us = resource("us-bucket", type="s3:bucket", region="us-east-1")
    collect(
        db,
        clock,
        {shard("s3:bucket", region="global", regions=("eu-west-1", "us-east-1")): [[in_eu, in_us]]},
    )
    with db.read() as conn:
        owners = conn.execute(select(resources.c.shard_region).distinct()).scalars().all()
    assert owners == ["global"]

    # This run scans eu-west-1 only and sees no bucket at all.
    s3_eu = shard("s3:bucket", region="global", regions=("eu-west-1",))
    run2, outcomes = collect(db, clock, {s3_eu: [[]]})

    assert outcomes[s3_eu] == MergeOutcome(deleted=1)
    assert [c["arn"] for c in load_changes(db, run_id=run2)] == [in_eu.arn]
    us = load_resource(db, in_us.arn)
    assert us is not None
    assert us["deleted"] is False
    assert us["last_seen"] == "2024-01-01T13:00:00Z"


def test_a_global_shard_without_regions_owns_every_region(db: Database, clock: Clock) -> None:
    role = resource("admin", type="iam:role", region="global")
    iam = shard("iam:role", region="global")
    collect(db, clock, {iam: [[role]]})

    _, outcomes = collect(db, clock, {iam: [[]]})

    assert outcomes[iam] == MergeOutcome(deleted=1)


def test_a_deleted_resource_that_reappears_is_created_again(db: Database, clock: Clock) -> None:
    vpc = resource("vpc-1")
    run1, _ = collect(db, clock, {VPCS: [[vpc]]})
    run2, _ = collect(db, clock, {VPCS: [[]]})
    run3, outcomes = collect(db, clock, {VPCS: [[vpc]]})

    assert outcomes[VPCS] == MergeOutcome(resources=1, created=1)
    stored = load_resource(db, vpc.arn)
    assert stored is not None
    assert stored["deleted"] is False
    assert stored["first_seen"] == "2024-01-01T13:00:00Z"
    assert [(h["run"], h["change"]) for h in load_history(db, vpc.arn)] == [
        (run1, "created"),
        (run2, "deleted"),
        (run3, "created"),
    ]


def test_a_deleted_resource_is_not_deleted_twice(db: Database, clock: Clock) -> None:
    collect(db, clock, {VPCS: [[resource("vpc-1")]]})
    collect(db, clock, {VPCS: [[]]})

    run3, outcomes = collect(db, clock, {VPCS: [[]]})

    assert outcomes[VPCS] == MergeOutcome()
    assert load_changes(db, run_id=run3) == []


def test_overlapping_pages_store_one_resource(db: Database, clock: Clock) -> None:
    first = resource("vpc-1", config={"State": "pending"})
    again = resource("vpc-1", config={"State": "available"})

    run_id, outcomes = collect(db, clock, {VPCS: [[first], [again, resource("vpc-2")]]})

    assert outcomes[VPCS] == MergeOutcome(resources=2, created=2)
    assert len(load_changes(db, run_id=run_id)) == 2
    stored = load_resource(db, first.arn)
    assert stored is not None
    assert stored["config"] == {"State": "available"}  # the later page wins
    (done,) = load_shards(db, run_id)
    assert (done.status, done.items, done.pages, done.page_token) == ("ok", 2, 2, None)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(staged)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(resources)).scalar() == 2


def test_a_repeated_arn_within_a_page_is_stored_once(db: Database, clock: Clock) -> None:
    vpc = resource("vpc-1")

    _, outcomes = collect(db, clock, {VPCS: [[vpc, vpc]]})

    assert outcomes[VPCS] == MergeOutcome(resources=1, created=1)


def test_many_resources_merge_across_batches(db: Database, clock: Clock) -> None:
    vpcs = [resource(f"vpc-{i:04d}") for i in range(1001)]  # three batches of BATCH=500
    collect(db, clock, {VPCS: [vpcs[:600], vpcs[600:]]})

    _, outcomes = collect(db, clock, {VPCS: [vpcs[:900]]})

    assert outcomes[VPCS] == MergeOutcome(resources=900, deleted=101)
