"""Processes opening one fresh store at the same moment (workers of a deployment starting
together): one migrates, the others wait for it and find the schema at its head."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from estate.store.database import MIGRATIONS, Database

PROCESSES = 4

# Each process imports everything first, then waits for one line on stdin, which the parent
# writes to all of them at once. A process that finds the schema behind its head then waits
# (at most WINDOW s) until every process has looked too: without a lock all of them look
# before any migrates, so the race happens every time instead of now and then; under the lock
# the others cannot look meanwhile, and the one migrating goes on after WINDOW.
OPEN_STORE = """
import sys, time
from pathlib import Path
from alembic.runtime.migration import MigrationContext
from estate.store.database import Database

url, looked, processes, window = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), 0.5
read_revision = MigrationContext.get_current_revision

def get_current_revision(self):
    revision = read_revision(self)
    (looked / str(time.monotonic_ns())).touch()
    deadline = time.monotonic() + window
    while revision is None and len(list(looked.iterdir())) < processes:
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    return revision

MigrationContext.get_current_revision = get_current_revision
sys.stdin.readline()
Database(url).close()
"""


def open_together(
    url: str, looked: Path, processes: int = PROCESSES
) -> list[subprocess.CompletedProcess[str]]:
    looked.mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_STORE, url, str(looked), str(processes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def head_revision() -> str | None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def assert_all_open_at_head(url: str, looked: Path) -> None:
    results = open_together(url, looked)

    assert [r.stderr for r in results if r.returncode != 0] == []
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    finally:
        db.close()


def test_four_processes_open_a_fresh_postgresql_store_at_once(pg_url: str, tmp_path: Path) -> None:
    assert_all_open_at_head(pg_url, tmp_path / "looked")


def test_four_processes_open_a_fresh_sqlite_store_at_once(tmp_path: Path) -> None:
    assert_all_open_at_head(f"sqlite:///{tmp_path}/e.db", tmp_path / "looked")
