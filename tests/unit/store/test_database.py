from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text

from estate.errors import StoreError
from estate.store import database as database_module
from estate.store.database import Database, redact
from estate.store.figures import run_figures
from estate.store.runs import create_run, load_runs
from estate.store.schema import metadata, run_calls, runs
from estate.store.timeutil import utcnow


def test_the_migration_creates_exactly_the_schema(db: Database) -> None:
    inspector = inspect(db.engine)

    tables = set(inspector.get_table_names()) - {"alembic_version"}
    assert tables == set(metadata.tables)
    for name, table in metadata.tables.items():
        assert [c["name"] for c in inspector.get_columns(name)] == [c.name for c in table.columns]
        indexes = inspector.get_indexes(name)  # PostgreSQL lists a unique constraint's index too
        assert {i["name"] for i in indexes if not i.get("duplicates_constraint")} == {
            i.name for i in table.indexes
        }
        assert [c["name"] for c in inspector.get_unique_constraints(name)] == [
            c.name for c in table.constraints if c.__class__.__name__ == "UniqueConstraint"
        ]
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_opening_twice_is_a_no_op(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = create_run(db, "collect", {"accounts": ["111111111111"]})

    def no_upgrade(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("migrated an up-to-date database")

    monkeypatch.setattr(database_module.command, "upgrade", no_upgrade)
    again = Database(db.url)
    try:
        assert [r["run"] for r in load_runs(again)] == [run_id]
        with again.read() as conn:
            versions = conn.execute(
                select(text("version_num")).select_from(text("alembic_version"))
            )
            assert len(versions.all()) == 1
    finally:
        again.close()


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"

    with pytest.raises(StoreError, match="does not exist") as info:
        Database(f"sqlite:///{missing}/e.db")

    assert str(missing) in str(info.value)
    assert not missing.exists()


@pytest.mark.parametrize("url", ["nosuchdb://host/inventory", "not a url"])
def test_an_unsupported_url_is_a_store_error(url: str) -> None:
    with pytest.raises(StoreError):
        Database(url)


def test_passwords_never_appear_in_messages() -> None:
    with pytest.raises(StoreError) as info:
        Database("nosuchdb://estate:s3cret@host/inventory")

    assert "s3cret" not in str(info.value)
    assert "s3cret" not in redact("postgresql://estate:s3cret@host/inventory")


def test_upgrading_keeps_the_call_figures_of_earlier_runs(db: Database) -> None:
    with db.engine.begin() as conn:
        database_module.command.downgrade(database_module._alembic_config(conn), "0002")
        conn.execute(
            insert(runs).values(
                kind="collect",
                status="partial",
                started_at=utcnow(),
                scope={},
                figures={"api_calls": 40, "throttles": 2, "shards_ok": 3},
                resumes=0,
            )
        )
        conn.execute(
            insert(runs).values(
                kind="collect", status="running", started_at=utcnow(), scope={}, figures={}
            )
        )

    database_module.migrate(db.engine)

    with db.read() as conn:
        rows = conn.execute(select(run_calls.c.run_id, run_calls.c.calls)).all()
        assert [(r, c["api_calls"], c["throttles"], c["retries"]) for r, c in rows] == [
            (1, 40, 2, 0)
        ]
        assert run_figures(conn, 1)["api_calls"] == 40
