"""Opening the database: engine, SQLite pragmas, migrations to the current schema. Does I/O."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from estate.errors import StoreError, StoreUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# SQLSTATE classes the world causes: connection (08), resources such as a full disk (53),
# the server going away (57), lock not available (55P03), and rights (42501).
_WORLD_SQLSTATES = ("08", "53", "57", "55P03", "42501", "25006")


def store_error(exc: BaseException, url: str) -> StoreUnavailable | None:
    """A StoreUnavailable naming the store when `exc` is the world refusing it (read-only or
    immutable file, full disk, missing rights, a lock past its timeout, no server), else None:
    anything else is a bug and keeps its traceback."""
    if isinstance(exc, PoolTimeout):
        return StoreUnavailable(f"store {redact(url)}: no free connection ({exc})")
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    sqlstate = str(getattr(orig, "sqlstate", "") or getattr(orig, "pgcode", "") or "")
    world = isinstance(exc, OperationalError) or sqlstate.startswith(_WORLD_SQLSTATES)
    if not world and not exc.connection_invalidated:
        return None
    reason = (str(orig or exc).strip().splitlines() or [type(exc).__name__])[0]
    return StoreUnavailable(f"store {redact(url)}: {_verb(reason)} ({reason})")


def _verb(reason: str) -> str:
    text = reason.lower()
    if "lock" in text:
        return "locked by another process past the timeout"
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return "cannot be written"
    if "full" in text or "no space" in text:
        return "cannot be written, the disk is full"
    return "cannot be used"


def create_store_engine(url: str, lock_timeout: float = 60.0) -> Engine:
    """An engine for `url`; SQLite waits `lock_timeout` seconds for another writer's lock."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"store: not a database URL: {url!r}") from None
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database).expanduser().resolve()
            if not path.parent.is_dir():
                raise StoreError(f"store {redact(url)}: directory {path.parent} does not exist")
            if path.is_dir():  # SQLite says only "unable to open database file"
                raise StoreError(
                    f"store {redact(url)}: {path} is a directory; name a file in it, "
                    f"e.g. sqlite:///{path / 'estate.db'}"
                )
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": lock_timeout}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError, ArgumentError) as exc:
        raise StoreError(f"store {redact(url)}: unsupported database ({exc})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (estate ls) run while a collection writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _alembic_config(connection: Connection) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


# Every estate process takes this key: it names estate's migrations among the server's
# advisory locks.
MIGRATION_LOCK_KEY = 0x65737461746501


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is already there). Does I/O.

    Processes starting together (a deployment's workers) would race to create the same tables:
    the upgrade runs under a lock held by its transaction, so one migrates and the others wait
    for its commit, then find the head revision and do nothing. A store already at its head
    is only read, without the lock (readers need no write access).
    """
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(_alembic_config(conn)).get_current_head()
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.begin() as conn:
        _lock_for_migration(conn)
        if MigrationContext.configure(conn).get_current_revision() != head:
            command.upgrade(_alembic_config(conn), "head")


def _lock_for_migration(conn: Connection) -> None:
    """Take the store's migration lock until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # The database's write lock, taken before the first read (sqlite3 would begin lazily,
        # at the first write, after every process had read "no schema yet").
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus a write lock: SQLite takes one writer at a time, so threads queue here
    instead of failing with 'database is locked'."""

    def __init__(self, url: str, lock_timeout: float = 60.0) -> None:
        self.url = url
        self.engine = create_store_engine(url, lock_timeout)
        self._write_lock: threading.RLock | None = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else None
        )
        try:
            migrate(self.engine)
        except SQLAlchemyError as exc:
            unavailable = store_error(exc, url)
            if unavailable is not None:
                raise unavailable from None
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StoreError(f"store {redact(url)}: cannot open ({reason})") from None

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        lock = self._write_lock or contextlib.nullcontext()
        with self._classified(), lock, self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self._classified(), self.engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def _classified(self) -> Iterator[None]:
        """Every statement runs here: the world's refusals become one StoreUnavailable."""
        try:
            yield
        except SQLAlchemyError as exc:
            unavailable = store_error(exc, self.url)
            if unavailable is None:
                raise
            raise unavailable from None

    def close(self) -> None:
        self.engine.dispose()
