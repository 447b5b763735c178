"""`estate worker` on a store it cannot write: one line and exit 1, as a real process."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from estate.store.database import Database
from tests import services
from tests.integration.running import run_estate

pytestmark = pytest.mark.integration


def test_a_worker_on_a_read_only_postgresql_role_says_so_in_one_line(
    tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    Database(pg_url).close()
    with services.read_only_role(pg_url) as reader_url:
        config = tmp_path / "estate.yaml"
        config.write_text(
            yaml.safe_dump({"store": reader_url, "executor": "celery", "broker_url": redis_url})
        )
        done = run_estate(tmp_path, config, "worker")

    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("estate: error: store postgresql+psycopg://ro_")
    assert "cannot be written (permission denied for table" in lines[0]
