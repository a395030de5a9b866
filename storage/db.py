"""The async engine and sessions, migrations, and the check that the schema is current.

One URL chooses the database (``Settings.database_url``): SQLite through SQLAlchemy's
aiosqlite dialect by default, PostgreSQL through asyncpg. SQLite is set up the way SQLAlchemy's
SQLite dialect documents it ("Transactions with SQLite and the sqlite3 driver"): a "connect"
listener turns the driver's own BEGIN off and sets WAL, foreign keys and ``synchronous=FULL``
(a confirmed report survives a power cut), and a "begin" listener emits SQLAlchemy's BEGIN, so
transactions, savepoints and DDL behave as on PostgreSQL.

Write transactions (:func:`write_session`) on SQLite begin with ``BEGIN IMMEDIATE`` (asked for
by the :data:`BEGIN_MODE` execution option) and take turns per engine (an ``asyncio.Lock``), so
a writer of this process never waits on SQLite's lock held by another task. Another process
holding it (``floorbot import`` while the bot runs) is waited for by SQLite's busy timeout, up to
:data:`SQLITE_BUSY_TIMEOUT_MS`, on aiosqlite's thread: the event loop goes on meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import AsyncAdaptedQueuePool, Connection, Engine, event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
UPGRADE_COMMAND = "floorbot db upgrade"
# The latest migration's revision: what check_schema expects without loading Alembic (0.3 s of
# every command's start-up). tests/storage/test_migrations.py checks it is Alembic's head.
SCHEMA_REVISION = "0005"
# How long a SQLite statement waits for another process's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The execution option that chooses how a SQLite transaction begins: DEFERRED (the default,
# readers) or IMMEDIATE (writers: the write lock is taken at BEGIN, not at the first write).
BEGIN_MODE = "floorbot_sqlite_begin"
_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE"})
_IMMEDIATE = {BEGIN_MODE: "IMMEDIATE"}

SessionFactory = async_sessionmaker[AsyncSession]

# The turn of the write transactions of each SQLite engine (see the module docstring).
_writers: weakref.WeakKeyDictionary[Engine, asyncio.Lock] = weakref.WeakKeyDictionary()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """A new SQLite connection: BEGIN left to SQLAlchemy; WAL, foreign keys, a full sync."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE when the connection asked for it (write transactions)."""
    mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
    if mode not in _BEGIN_MODES:
        raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (sqlite+aiosqlite:// or postgresql+asyncpg://)."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # A pool of open connections, as SQLAlchemy 2.0.38 and later choose for a SQLite file
        # (earlier 2.0 releases opened a new connection for every session).
        kwargs.setdefault("poolclass", AsyncAdaptedQueuePool)
    engine = create_async_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine.sync_engine)
        _writers[engine.sync_engine] = asyncio.Lock()
    return engine


def configure_sqlite(engine: Engine) -> None:
    """Listen for a SQLite engine's new connections and BEGINs (the module docstring)."""
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@contextlib.asynccontextmanager
async def write_session(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session in one write transaction: committed on success, rolled back on error.

    On SQLite the transaction begins IMMEDIATE, in its engine's turn (the module docstring).
    """
    session = factory()
    try:
        bind = session.bind
        turn = _writers.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None
        async with turn or contextlib.nullcontext():
            if turn is not None:
                await session.connection(execution_options=_IMMEDIATE)
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
    finally:
        # Closed here rather than by ``async with``, which closes in a task of its own.
        await session.close()


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


# -- migrations ---------------------------------------------------------------


def alembic_config(*, connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code; migrations run on ``connection`` when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this code expects the database to be at (Alembic's head)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection=connection), revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the latest) in one transaction."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's schema revision; None when it has never been migrated."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def _stored_revision(engine: AsyncEngine) -> str | None:
    """The revision in Alembic's version table, read with one plain query; None when the table
    is not there (or not readable), which check_schema then asks Alembic about."""
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


async def check_schema(engine: AsyncEngine) -> None:
    """Raise SchemaError, naming the command to run, unless the schema is the latest."""
    if await _stored_revision(engine) == SCHEMA_REVISION:
        return  # the common case, answered without loading Alembic
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
