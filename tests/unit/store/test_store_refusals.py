"""A store the world refuses (immutable file, full disk, held lock, read-only role) is one
StoreUnavailable naming the store, exit 1, whatever statement met the refusal.

Tests run as root, so chmod stops nothing: the file is made immutable (chattr +i), the disk
is a tiny tmpfs, and the role is a PostgreSQL role with SELECT only.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from estate.errors import StoreUnavailable
from estate.store.database import Database
from estate.store.runs import create_run, load_runs
from tests import services


@contextlib.contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """chattr +i: not even root may write the file until the flag is taken off again."""
    subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_an_immutable_sqlite_file_is_read_but_not_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/e.db"
    first = Database(url)
    create_run(first, "collect", {})
    first.close()

    with immutable(tmp_path / "e.db"):
        db = Database(url)
        try:
            assert len(load_runs(db)) == 1
            with pytest.raises(StoreUnavailable) as info:
                create_run(db, "collect", {})
        finally:
            db.close()

    assert str(info.value) == (
        f"store {url}: cannot be written (attempt to write a readonly database)"
    )
    assert info.value.exit_code == 1


def test_a_lock_held_past_the_timeout_names_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/e.db"
    Database(url).close()
    holder = sqlite3.connect(tmp_path / "e.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    db = Database(url, lock_timeout=0.05)
    try:
        with pytest.raises(StoreUnavailable) as info:
            create_run(db, "collect", {})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        db.close()

    assert str(info.value) == (
        f"store {url}: locked by another process past the timeout (database is locked)"
    )


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_names_the_store(tiny_disk: Path) -> None:
    url = f"sqlite:///{tiny_disk}/e.db"
    db = Database(url)
    try:
        with contextlib.suppress(OSError), (tiny_disk / "filler").open("wb", buffering=0) as out:
            while True:  # fill every last block the tmpfs has
                out.write(b"\0" * 4096)
        with pytest.raises(StoreUnavailable) as info:
            for _ in range(200):  # the WAL may hold a few pages before the disk says no
                create_run(db, "collect", {"padding": "x" * 20_000})
    finally:
        db.close()

    assert str(info.value).startswith(f"store {url}: cannot be written, the disk is full")


def test_a_postgresql_role_without_write_rights_names_the_store(pg_url: str) -> None:
    Database(pg_url).close()  # the schema, made by the owner
    with services.read_only_role(pg_url) as reader_url:
        reader = Database(reader_url)
        try:
            assert load_runs(reader) == []
            with pytest.raises(StoreUnavailable) as info:
                create_run(reader, "collect", {})
        finally:
            reader.close()

    message = str(info.value)
    assert "s3cret-ro" not in message
    assert message.startswith(f"store postgresql+psycopg://ro_{make_url(pg_url).database}:***@")
    assert "cannot be written (permission denied for table runs)" in message
    assert info.value.exit_code == 1
