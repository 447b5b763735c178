from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from estate.store.database import Database
from tests.unit.store.records import Clock


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/e.db")
    yield database
    database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()
