"""Four `estate worker` processes started in the same second on an empty PostgreSQL store, as a
deployment starts them: all come up (one migrates under the lock, the others wait for it)
and all stop cleanly. The forced race of the migration lock is in tests/unit/store."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from estate.store.database import MIGRATIONS, Database
from tests.integration.test_workers import Workers

pytestmark = pytest.mark.integration


def test_four_workers_started_together_on_a_fresh_store_all_come_up(
    tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    config = tmp_path / "estate.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "store": pg_url,
                "executor": "celery",
                "broker_url": redis_url,
                "endpoint_url": "http://127.0.0.1:9",  # no work is sent: AWS is never called
                "heartbeat": 1,
            }
        )
    )
    workers = Workers(tmp_path, config)
    try:
        started = workers.start(4, pg_url, concurrency=1)  # fails if one of them died
        assert all(p.poll() is None for p in started), workers.logs()
    finally:
        codes = workers.stop()
    assert codes == [0, 0, 0, 0], workers.logs()
    assert "duplicate key" not in workers.logs()

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    db = Database(pg_url)
    try:
        with db.read() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        db.close()
    assert current == ScriptDirectory.from_config(cfg).get_current_head()
