"""Upgrading a store from 0004: resources and shards stored before are complete."""

from __future__ import annotations

from sqlalchemy import text

from estate.store import database as database_module
from estate.store.database import Database
from estate.store.figures import run_figures
from estate.store.queries import load_resource
from estate.store.timeutil import utcnow

ARN = "arn:aws:s3:::old-bucket"


def test_upgrading_from_0004_keeps_resources_and_shards_as_complete(db: Database) -> None:
    at = utcnow()
    with db.engine.begin() as conn:
        # Back to 0004 (0005's downgrade runs here), then rows as 0004 wrote them.
        database_module.command.downgrade(database_module._alembic_config(conn), "0004")
        conn.execute(
            text(
                "INSERT INTO runs (kind, status, started_at, scope, figures, resumes)"
                " VALUES ('collect', 'ok', :at, '{}', '{}', 0)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO shards (run_id, account, region, type, status, attempts, pages,"
                " items) VALUES (1, '111111111111', 'global', 's3:bucket', 'ok', 1, 1, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO resources (arn, type, account, region, shard_region, res_id, name,"
                " tags, config, hash, first_seen, last_seen, last_run, deleted) VALUES (:arn,"
                " 's3:bucket', '111111111111', 'us-east-1', 'global', 'old-bucket',"
                " 'old-bucket', :tags, '{}', 'h', :at, :at, 1, false)"
            ),
            {"arn": ARN, "tags": '{"team": "core"}', "at": at},
        )

    database_module.migrate(db.engine)

    stored = load_resource(db, ARN)
    assert stored is not None
    assert stored["tags"] == {"team": "core"}
    assert stored["incomplete"] == []
    with db.read() as conn:
        figures = run_figures(conn, 1)
    assert (figures["resources"], figures["incomplete"], figures["incomplete_calls"]) == (1, 0, {})
