"""The async engine and sessions, migrations, and the check that the schema is current.

One URL chooses the database (``Settings.database_url``): SQLite by default, PostgreSQL
through asyncpg. SQLite (``sqlite+aiosqlite://`` URLs) runs on storage.sqlite_inline — the
aiosqlite dialect with statements run inline on the event loop rather than on a thread — in
WAL mode with foreign keys on, and SQLAlchemy (not the sqlite3 module) emits BEGIN, so
transactions and DDL behave as on PostgreSQL. Write transactions on SQLite start with BEGIN
IMMEDIATE (:func:`write_connection`), one at a time per engine (an ``asyncio.Lock``), so a writer
never waits on SQLite's lock held by another task of the same loop; another process's lock is
waited for without blocking the loop (storage.sqlite_inline).
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import sqlite_inline
from storage.errors import SchemaError
from storage.prepared import pending

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BEGIN_MODE = "floorbot_sqlite_begin"
_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE"})
UPGRADE_COMMAND = "floorbot db upgrade"

SessionFactory = async_sessionmaker[AsyncSession]
SQLITE_DRIVERS = frozenset({"sqlite", "sqlite+aiosqlite"})

# One write transaction at a time per inline SQLite engine (see the module docstring).
_writers: weakref.WeakKeyDictionary[Engine, _Writers] = weakref.WeakKeyDictionary()


class _Writers:
    """One SQLite engine's write transactions: they take turns, on one connection kept open.

    Checking a connection out of the pool and back in for every request costs more than the
    statements of a one-line report; the writers' turn-taking makes one connection enough.
    It is closed when the engine is disposed.
    """

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.connection: AsyncConnection | None = None
        # One session per factory on that connection, reused by one writer after the other
        # (a closed session is as new; making one costs more than a report's statements).
        self.sessions: weakref.WeakKeyDictionary[SessionFactory, AsyncSession] = (
            weakref.WeakKeyDictionary()
        )

    def session(self, factory: SessionFactory, conn: AsyncConnection) -> AsyncSession:
        """The factory's session on the writers' connection (the caller holds the lock)."""
        session = self.sessions.get(factory)
        if session is None or session.bind is not conn:
            session = self.sessions[factory] = factory(bind=conn)
        return session

    async def take(self, engine: AsyncEngine) -> AsyncConnection:
        """The writers' connection (the caller holds the lock)."""
        conn = self.connection
        if conn is None or conn.closed or conn.invalidated:
            # The turns begin on the driver (_immediate); should SQLAlchemy ever begin on this
            # connection itself, it too takes the write lock at once.
            immediate = engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            conn = self.connection = await immediate.connect()
        return conn

    def drop(self, _engine: Engine) -> None:
        """Close the connection for good (the engine is being disposed)."""
        held, self.connection = self.connection, None
        conn = held.sync_connection if held is not None else None
        if conn is not None and not conn.closed:
            conn.invalidate()  # closes the file now; nothing goes back to the pool
            conn.close()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL and foreign keys; leave BEGIN to SQLAlchemy (busy waits: storage.sqlite_inline)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE when the connection asked for it (write transactions)."""
    driver = conn.connection.driver_connection
    if isinstance(driver, sqlite_inline.Connection) and driver.in_transaction:
        return  # begun on the driver (_immediate)
    mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
    if mode not in _BEGIN_MODES:
        raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
    # On the DB-API cursor, with the error as SQLAlchemy would raise it: exec_driver_sql would
    # add an execution context to every transaction.
    sql = f"BEGIN {mode}"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    except sqlite3.Error as error:
        raise sqlite_inline.as_sqlalchemy_error(sql, (), error, conn.dialect) from error
    finally:
        cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (sqlite+aiosqlite:// or postgresql+asyncpg://)."""
    parsed = make_url(url)
    if parsed.drivername in SQLITE_DRIVERS:
        parsed = parsed.set(drivername=f"sqlite+{sqlite_inline.DRIVER}")
    engine = create_async_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        writers = _writers[engine.sync_engine] = _Writers()
        event.listen(engine.sync_engine, "engine_disposed", writers.drop)
    return engine


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def write_session(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session in one write transaction: committed on success, rolled back on error.

    The session runs on :func:`write_connection`'s connection and transaction.
    """
    engine = factory.kw.get("bind")
    if not isinstance(engine, AsyncEngine):
        raise TypeError("write_session needs a session factory bound to an engine")
    writers = _writers.get(engine.sync_engine)
    async with write_connection(engine) as conn:
        session = factory(bind=conn) if writers is None else writers.session(factory, conn)
        try:
            yield session
            if pending(session):
                await session.flush()
        finally:
            await close(session)


async def close(session: AsyncSession) -> None:
    """Close a session in this task, if it was used (``async with`` closes in a new task)."""
    if session.in_transaction() or session.identity_map:
        await session.close()


@asynccontextmanager
async def write_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in one write transaction, as :func:`write_session` but without a session.

    For the hot paths (storage.prepared); a session for the rest of the work can join the
    transaction: ``factory(bind=connection)`` (its commit leaves the transaction to this).
    On SQLite the writers take turns on one connection kept open (:class:`_Writers`). The
    connection is closed in the caller's task: ``async with engine.connect()`` closes it in a
    task of its own, one more trip round the event loop, behind whatever else is ready.
    """
    writers = _writers.get(engine.sync_engine)
    if writers is not None:  # SQLite: the writers' own connection (_Writers)
        async with writers.lock:
            conn = await writers.take(engine)
            async with _immediate(conn):
                yield conn
        return
    conn = await engine.connect()
    try:
        async with conn.begin():
            yield conn
    finally:
        await conn.close()


@asynccontextmanager
async def _immediate(conn: AsyncConnection) -> AsyncIterator[None]:
    """SQLite: BEGIN IMMEDIATE … COMMIT on the inline driver, inside SQLAlchemy's transaction.

    ``async with conn.begin()`` runs SQLAlchemy's begin and its commit in a greenlet each and
    reaches the driver through the async adapter: a third of a millisecond per request on a VM
    idle between two messages. Here the driver begins and commits (waiting, if another
    process holds the lock, without stalling the loop).

    SQLAlchemy's transaction on the writers' connection is left open from one turn to the
    next (beginning and ending it took another tenth of a millisecond per turn): sessions on
    the connection find it open and join it, so they never commit anything themselves, and
    SQLAlchemy's begin finds the driver's transaction begun (``_sqlite_begin``). A turn that
    fails rolls both back; the next one begins SQLAlchemy's anew.
    """
    sync = conn.sync_connection
    assert sync is not None
    inline = sync.connection.driver_connection
    assert isinstance(inline, sqlite_inline.Connection)
    await _driver_call(sync, "BEGIN IMMEDIATE", inline.begin("IMMEDIATE"))
    try:
        if not sync.in_transaction():
            sync.begin()
        yield
        await _driver_call(sync, "COMMIT", inline.commit())
    except BaseException:
        sync.rollback()  # SQLAlchemy's transaction, when there is one (it rolls the driver back)
        inline.rollback_now()
        raise


async def _driver_call(conn: Connection, sql: str, call: Awaitable[None]) -> None:
    """Await a driver call; its error raised as SQLAlchemy would (a ``DBAPIError``)."""
    try:
        await call
    except sqlite3.Error as error:
        raise sqlite_inline.as_sqlalchemy_error(sql, (), error, conn.dialect) from error


def display_url(url: str) -> str:
    """The URL as the operator wrote it (driver name included), without its password."""
    parsed = make_url(url)
    if parsed.drivername == f"sqlite+{sqlite_inline.DRIVER}":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=True)


# -- migrations ---------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code; migrations run on ``connection`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this code expects the database to be at."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the latest) in one transaction."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's schema revision; None when it has never been migrated."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


async def check_schema(engine: AsyncEngine) -> None:
    """Raise SchemaError, naming the command to run, unless the schema is the latest."""
    current = await current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = display_url(str(engine.url))
    if current is None:
        raise SchemaError(f"the database {where} is not set up yet: run `{UPGRADE_COMMAND}`")
    if not _known_revision(current):
        raise SchemaError(
            f"the database {where} is at schema revision {current}, which this floorbot does "
            "not know (it was migrated by a newer version): install that version"
        )
    raise SchemaError(
        f"the database {where} is at schema revision {current}, this floorbot needs {head}: "
        f"run `{UPGRADE_COMMAND}`"
    )
