"""PostgreSQL and Redis for tests: the servers `.ci/services` starts, found through the
environment (ESTATE_TEST_PG_URL, ESTATE_TEST_REDIS_URL).

Policy: without those variables a test that needs a server is skipped, so `pytest` works on a
laptop with nothing running; with ESTATE_REQUIRE_SERVICES=1 (what `make test` and so CI set
through `.ci/services run`) it fails instead, so a server that could not be installed or
started is never a silent skip.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

# Read once at import: the autouse aws_env fixture clears ESTATE_* from each test's environment.
PG_URL = os.environ.get("ESTATE_TEST_PG_URL", "")
REDIS_URL = os.environ.get("ESTATE_TEST_REDIS_URL", "")
REQUIRED = os.environ.get("ESTATE_REQUIRE_SERVICES", "") == "1"


def service_url(name: str, url: str) -> str:
    """The server's URL, or skip (fail under ESTATE_REQUIRE_SERVICES=1) when there is none."""
    if url:
        return url
    why = f"{name} not configured: run `.ci/services start` and export what it prints"
    if REQUIRED:
        pytest.fail(f"{why} (ESTATE_REQUIRE_SERVICES=1: servers are required here)")
    pytest.skip(why)


def pg_url() -> str:
    return service_url("ESTATE_TEST_PG_URL", PG_URL)


def redis_url() -> str:
    return service_url("ESTATE_TEST_REDIS_URL", REDIS_URL)


def _admin_dsn(url: str) -> str:
    """A plain libpq URL of the server's maintenance database, for CREATE/DROP DATABASE."""
    parsed = make_url(url).set(drivername="postgresql", database="postgres")
    return parsed.render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_pg_database(url: str) -> Iterator[str]:
    """A new empty database on the server of `url`, dropped afterwards: its SQLAlchemy URL."""
    import psycopg

    name = f"estate_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_dsn(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_dsn(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_redis_db(url: str) -> Iterator[str]:
    """One of the server's numbered databases, flushed before and after: its URL."""
    import redis

    parts = urlsplit(url)
    number = 1 + uuid.uuid4().int % 15  # databases 1..15; 0 is left to hand-run tries
    fresh = f"redis://{parts.hostname}:{parts.port or 6379}/{number}"
    client = redis.Redis.from_url(fresh)
    client.flushdb()
    try:
        yield fresh
    finally:
        client.flushdb()
        client.close()


def sleep_until(seconds: float) -> Callable[[float], None]:
    """A sleep for loops that wait on workers: fails the test after `seconds` instead of
    waiting forever."""
    deadline = time.monotonic() + seconds

    def sleep(interval: float) -> None:
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds} s")
        time.sleep(interval)

    return sleep


@contextlib.contextmanager
def read_only_role(url: str) -> Iterator[str]:
    """A login role that may read every table of `url`'s (migrated) database and write none:
    the URL that connects as it (password 's3cret-ro'). Dropped afterwards."""
    import psycopg

    parsed = make_url(url)
    role = f"ro_{parsed.database}"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 's3cret-ro'")
        conn.execute(f'GRANT CONNECT ON DATABASE "{parsed.database}" TO {role}')
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        yield parsed.set(username=role, password="s3cret-ro").render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")
