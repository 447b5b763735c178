from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from estate.store.database import Database
from estate.store.schema import metadata
from tests import services
from tests.unit.store.records import Clock


@pytest.fixture(scope="session")
def pg_store_url() -> Iterator[str]:
    """One migrated database for the session's store tests; each test empties it."""
    with services.fresh_pg_database(services.pg_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Every store test runs on both databases estate supports."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path}/e.db")
    else:
        database = Database(request.getfixturevalue("pg_store_url"))
        empty(database)
    yield database
    database.close()


def empty(database: Database) -> None:
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with database.write() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def clock() -> Clock:
    return Clock()
