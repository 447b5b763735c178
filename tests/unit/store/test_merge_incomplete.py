"""Merging resources staged incomplete: the refused call's fields stay as last known."""

from __future__ import annotations

import dataclasses

from estate.store.database import Database
from estate.store.figures import run_figures
from estate.store.merge import MergeOutcome
from estate.store.queries import load_changes, load_resource
from estate.store.runs import load_shards
from tests.unit.store.records import Clock, collect, resource, shard

BUCKETS = shard("s3:bucket", region="global")
DENIED_TAGS = {"call": "s3:GetBucketTagging", "code": "AccessDenied", "fields": ["tags"]}
DENIED_ATTRIBUTES = {"call": "sqs:GetQueueAttributes", "code": "AccessDenied", "fields": ["Policy"]}


def test_an_incomplete_resource_keeps_its_known_tags_and_fields_without_a_change(
    db: Database, clock: Clock
) -> None:
    config = {"Id": "b1", "Policy": "v1", "Versioning": "Enabled"}
    complete = resource("b1", type="s3:bucket", tags={"team": "core"}, config=config)
    other = resource("b2", type="s3:bucket")
    collect(db, clock, {BUCKETS: [[complete, other]]})

    # Refused this time: no tags, no Policy; what the listing gave moved on (Versioning).
    listed = resource("b1", type="s3:bucket", config={"Id": "b1", "Versioning": "Suspended"})
    refused = dataclasses.replace(listed, incomplete=[DENIED_TAGS, DENIED_ATTRIBUTES])
    run2, outcomes = collect(db, clock, {BUCKETS: [[refused, other]]})

    assert outcomes[BUCKETS] == MergeOutcome(resources=2, modified=1, incomplete=1)
    stored = load_resource(db, complete.arn)
    assert stored is not None
    assert stored["tags"] == {"team": "core"}
    assert stored["config"] == {"Id": "b1", "Policy": "v1", "Versioning": "Suspended"}
    assert stored["incomplete"] == [DENIED_TAGS, DENIED_ATTRIBUTES]
    (change,) = load_changes(db, run_id=run2)
    assert change["fields"] == ["Versioning"]  # not tags, not Policy
    (row,) = load_shards(db, run2)
    assert row.status == "ok"
    with db.read() as conn:
        figures = run_figures(conn, run2)
    assert figures["incomplete"] == 1
    assert figures["incomplete_calls"] == {
        "AccessDenied on s3:GetBucketTagging": 1,
        "AccessDenied on sqs:GetQueueAttributes": 1,
    }


def test_an_unchanged_incomplete_resource_has_no_change_row(db: Database, clock: Clock) -> None:
    complete = resource("b1", type="s3:bucket", tags={"team": "core"})
    collect(db, clock, {BUCKETS: [[complete]]})

    refused = dataclasses.replace(resource("b1", type="s3:bucket"), incomplete=[DENIED_TAGS])
    run2, outcomes = collect(db, clock, {BUCKETS: [[refused]]})

    assert outcomes[BUCKETS] == MergeOutcome(resources=1, incomplete=1)
    assert load_changes(db, run_id=run2) == []


def test_a_later_complete_collection_clears_the_mark(db: Database, clock: Clock) -> None:
    collect(db, clock, {BUCKETS: [[resource("b1", type="s3:bucket", tags={"team": "core"})]]})
    refused = dataclasses.replace(resource("b1", type="s3:bucket"), incomplete=[DENIED_TAGS])
    collect(db, clock, {BUCKETS: [[refused]]})

    retagged = resource("b1", type="s3:bucket", tags={"team": "data"})
    run3, outcomes = collect(db, clock, {BUCKETS: [[retagged]]})

    assert outcomes[BUCKETS] == MergeOutcome(resources=1, modified=1)
    stored = load_resource(db, retagged.arn)
    assert stored is not None
    assert stored["incomplete"] == []
    assert stored["tags"] == {"team": "data"}
    (change,) = load_changes(db, run_id=run3)
    assert change["diff"] == {"tags.team": {"old": "core", "new": "data"}}
    with db.read() as conn:
        assert run_figures(conn, run3)["incomplete"] == 0


def test_a_new_incomplete_resource_is_created_with_what_the_listing_gave(
    db: Database, clock: Clock
) -> None:
    refused = dataclasses.replace(resource("b1", type="s3:bucket"), incomplete=[DENIED_TAGS])
    _, outcomes = collect(db, clock, {BUCKETS: [[refused]]})

    assert outcomes[BUCKETS] == MergeOutcome(resources=1, created=1, incomplete=1)
    stored = load_resource(db, refused.arn)
    assert stored is not None
    assert stored["tags"] == {}
    assert stored["incomplete"] == [DENIED_TAGS]
