"""Recording tag outcomes: items and inventory in one transaction, changes under the job's run,
names that come from the Name tag kept true, hashes as a collection would compute them."""

from __future__ import annotations

from estate.store.database import Database
from estate.store.jobs import NewItem, create_job, item_counts, load_items
from estate.store.queries import load_changes, load_resource
from estate.store.runs import create_run
from estate.store.tagging import Tagged, count_changes, save_outcomes
from tests.unit.store.records import Clock, collect, resource, shard


def test_done_items_update_resources_and_record_changes_failed_ones_do_not(
    db: Database, clock: Clock
) -> None:
    vpc = resource("vpc-1", tags={"env": "dev"})
    named = resource("i-1", type="ec2:instance", tags={"Name": "old"}, name="old")
    failing = resource("vpc-2")
    collect(db, clock, {shard(): [[vpc, failing]], shard("ec2:instance"): [[named]]})
    job = create_job(db, "tag", "t", {}, [NewItem(r.arn, "g", {}) for r in (vpc, named, failing)])
    ids = {i.key: i.id for i in load_items(db, job)}
    run_id = create_run(db, "tag", {"job": job})

    recorded = save_outcomes(
        db,
        run_id,
        [
            Tagged(ids[vpc.arn], vpc.arn, {"CostCenter": "1"}, ("env",)),
            Tagged(ids[named.arn], named.arn, {"Name": "web"}, (), name_from_tag=True),
        ],
        [(ids[failing.arn], "CreateTags: InvalidVpcID.NotFound")],
    )

    assert recorded == 2 == count_changes(db, run_id)
    assert item_counts(db, job) == {"done": 2, "failed": 1}
    (bad,) = load_items(db, job, status="failed")
    assert (bad.error, bad.attempts) == ("CreateTags: InvalidVpcID.NotFound", 1)
    after = load_resource(db, vpc.arn)
    assert after is not None and after["tags"] == {"CostCenter": "1"}
    renamed = load_resource(db, named.arn)
    assert renamed is not None and (renamed["name"], renamed["tags"]) == ("web", {"Name": "web"})
    # the hashes a collection computes for the same states: the next one sees no change
    now = {
        shard(): [[resource("vpc-1", tags={"CostCenter": "1"}), failing]],
        shard("ec2:instance"): [
            [resource("i-1", type="ec2:instance", tags={"Name": "web"}, name="web")]
        ],
    }
    _, outcomes = collect(db, clock, now)
    assert [o.modified for o in outcomes.values()] == [0, 0]
    by_arn = {c["arn"]: c for c in load_changes(db, run_id=run_id)}
    assert by_arn[named.arn]["fields"] == ["name", "tags"]
    assert by_arn[vpc.arn]["diff"]["tags.env"]["removed"] is True


def test_an_exact_tag_set_wins_and_a_no_op_records_nothing(db: Database, clock: Clock) -> None:
    bucket = resource("b", type="s3:bucket", tags={"a": "1"})
    collect(db, clock, {shard("s3:bucket"): [[bucket]]})
    job = create_job(db, "tag", "t", {}, [NewItem(bucket.arn, "g", {})])
    (item,) = load_items(db, job)
    run_id = create_run(db, "tag", {"job": job})
    # S3 read the bucket first: it had a tag the inventory did not know
    tags = {"a": "1", "late": "x", "k": "v"}
    assert save_outcomes(db, run_id, [Tagged(item.id, bucket.arn, {"k": "v"}, (), tags)]) == 1
    row = load_resource(db, bucket.arn)
    assert row is not None and row["tags"] == {"a": "1", "k": "v", "late": "x"}
    assert save_outcomes(db, run_id, [Tagged(item.id, bucket.arn, {"k": "v"})]) == 0
