"""Upgrading a store from 0005: states of unknown botocore version, shards that skipped none."""

from __future__ import annotations

from sqlalchemy import select, text

from estate.inventory.normalize import content_hash
from estate.store import database as database_module
from estate.store.database import Database
from estate.store.figures import run_figures
from estate.store.merge import MergeOutcome
from estate.store.queries import load_changes, load_resource
from estate.store.schema import resources
from tests.unit.store.records import ACCOUNT, REGION, Clock, collect, resource, shard

CONFIG = '{"Id": "vpc-1"}'


def test_upgrading_from_0005_keeps_rows_and_an_sdk_upgrade_reads_as_refreshed(
    db: Database, clock: Clock
) -> None:
    old = resource("vpc-1")
    state = {"name": "vpc-1", "region": REGION, "tags": {}, "Id": "vpc-1"}
    with db.engine.begin() as conn:
        # Back to 0005 (0006's downgrade runs here), then rows as 0005 wrote them.
        database_module.command.downgrade(database_module._alembic_config(conn), "0005")
        conn.execute(
            text(
                "INSERT INTO runs (kind, status, started_at, scope, figures, resumes)"
                " VALUES ('collect', 'ok', :at, '{}', '{}', 0)"
            ),
            {"at": clock()},
        )
        conn.execute(
            text(
                "INSERT INTO shards (run_id, account, region, type, status, attempts, pages,"
                " items) VALUES (1, :account, :region, 'ec2:vpc', 'ok', 1, 1, 1)"
            ),
            {"account": ACCOUNT, "region": REGION},
        )
        conn.execute(
            text(
                "INSERT INTO resources (arn, type, account, region, shard_region, res_id, name,"
                " tags, config, hash, first_seen, last_seen, last_run, deleted) VALUES (:arn,"
                " 'ec2:vpc', :account, :region, :region, 'vpc-1', 'vpc-1', '{}', :config,"
                " :hash, :at, :at, 1, false)"
            ),
            {
                "arn": old.arn,
                "account": ACCOUNT,
                "region": REGION,
                "config": CONFIG,
                "hash": content_hash(state),
                "at": clock(),
            },
        )

    database_module.migrate(db.engine)

    assert load_resource(db, old.arn) is not None
    with db.read() as conn:
        figures = run_figures(conn, 1)
        version = conn.execute(
            select(resources.c.botocore_version).where(resources.c.arn == old.arn)
        ).scalar_one()
    assert (figures["resources"], figures["unusable"], figures["foreign"]) == (1, 0, 0)
    assert version is None
    # A row of unknown version that only gains a field: an SDK upgrade, not a change.
    newer = resource("vpc-1", config={"Id": "vpc-1", "Ipv6CidrBlockAssociationSet": []})
    run2, outcomes = collect(db, clock, {shard(): [[newer]]}, botocore_version="1.43.9")
    assert outcomes[shard()] == MergeOutcome(resources=1, refreshed=1)
    assert load_changes(db, run_id=run2) == []
