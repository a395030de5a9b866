"""SQLite for the async engine, run inline on the event loop instead of on a worker thread.

aiosqlite runs every statement on a thread of its own: each one is two thread hand-overs and
two event-loop wake-ups, 0.3–1 ms, while the statement itself takes a few microseconds. A
report is about a dozen statements, so the hand-overs were most of a report's time. Here the
same SQLAlchemy async dialect drives the sqlite3 module directly: a statement runs to its end
when it is awaited, without yielding to the loop.

What keeps the loop from stalling:

- Writers inside this process never wait on SQLite's lock: storage.db serialises write
  transactions of one engine with an ``asyncio.Lock`` (one bot process serves a SQLite
  database: bot.app.instance), so BEGIN IMMEDIATE finds the database free.
- Another process (``floorbot import`` while the bot runs) may hold the write lock. The busy
  timeout on these connections is zero and a statement answered "database is locked" is
  retried after an ``asyncio.sleep`` (growing to :data:`BUSY_MAX_SLEEP`), up to the same
  total wait as a busy timeout, so the loop keeps serving other users meanwhile.
- In WAL mode, readers are never blocked by the writer.

Use it with a ``sqlite+aiosqlite://`` URL: :func:`storage.db.create_engine` chooses this driver
for SQLite.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import exc
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.util.concurrency import await_

if TYPE_CHECKING:
    from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection

DRIVER = "floorbot_inline"
BUSY_FIRST_SLEEP = 0.001
BUSY_MAX_SLEEP = 0.05
BUSY_TIMEOUT_SECONDS = 30.0
_LOCKED = ("database is locked", "database table is locked")

T = TypeVar("T")


def as_sqlalchemy_error(
    sql: str, parameters: Any, error: sqlite3.Error, dialect: Dialect
) -> exc.StatementError:
    """A sqlite3 error from a call made on the driver directly, as SQLAlchemy would raise it."""
    return exc.DBAPIError.instance(sql, parameters, error, sqlite3.Error, dialect=dialect)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return str(error).startswith(_LOCKED)


async def _patiently(call: Callable[[], T]) -> T:
    """Run ``call``; while SQLite answers that another process holds its lock, wait and retry."""
    try:
        return call()
    except sqlite3.OperationalError as error:
        if not _is_busy(error):
            raise
    pause, deadline = BUSY_FIRST_SLEEP, time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        await asyncio.sleep(pause)
        pause = min(pause * 2, BUSY_MAX_SLEEP)
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() + pause > deadline:
                raise


class Cursor:
    """aiosqlite's cursor interface over a sqlite3 cursor."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        await _patiently(lambda: self._cursor.execute(sql, parameters or ()))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        rows = list(parameters)
        await _patiently(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class Connection:
    """aiosqlite's connection interface over a sqlite3 connection, without the thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    @property
    def in_transaction(self) -> bool:
        return self._connection is not None and self._connection.in_transaction

    async def begin(self, mode: str) -> None:
        """``BEGIN <mode>`` (storage.db's write transactions; SQLAlchemy's begin then skips it)."""
        await _patiently(lambda: self._conn.execute(f"BEGIN {mode}"))

    async def commit(self) -> None:
        await _patiently(self._conn.commit)

    async def rollback(self) -> None:
        self.rollback_now()

    def rollback_now(self) -> None:
        """Roll back at once: SQLite's ROLLBACK never waits."""
        if self._connection is not None:
            self._connection.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def run(self, sql: str, parameters: Sequence[Any]) -> tuple[list[Any], int]:
        """One statement and all its rows, and the rows it changed (storage.prepared)."""
        cursor = self._conn.cursor()
        try:
            await _patiently(lambda: cursor.execute(sql, parameters))
            return (cursor.fetchall() if cursor.description else []), cursor.rowcount
        finally:
            cursor.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = cast(Any, value)


async def connect(database: str, **kwargs: Any) -> Connection:
    """Open the database file; the busy wait is done by :func:`_patiently`, off the loop."""
    kwargs.pop("check_same_thread", None)
    kwargs["timeout"] = 0
    return Connection(sqlite3.connect(database, check_same_thread=False, **kwargs))


def _module() -> ModuleType:
    """The module-shaped object SQLAlchemy's aiosqlite adapter expects in place of aiosqlite."""
    module = ModuleType(__name__ + ".dbapi")
    for name in (
        "DatabaseError",
        "Error",
        "IntegrityError",
        "NotSupportedError",
        "OperationalError",
        "ProgrammingError",
        "sqlite_version",
        "sqlite_version_info",
    ):
        setattr(module, name, getattr(sqlite3, name))
    module.Connection = Connection  # type: ignore[attr-defined]
    module.connect = connect  # type: ignore[attr-defined]
    module.__version__ = sqlite3.sqlite_version  # type: ignore[attr-defined]
    return module


class _AdaptedConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite adapter, calling the driver directly where nothing can wait.

    A transaction that storage.db began and committed on the driver itself (its write
    transactions) leaves SQLAlchemy's commit nothing to do; a rollback never waits. Neither
    needs the greenlet that reaching an async driver from SQLAlchemy's sync core takes.
    """

    __slots__ = ()

    def commit(self) -> None:
        if cast(Connection, self._connection).in_transaction:
            super().commit()

    def rollback(self) -> None:
        try:
            cast(Connection, self._connection).rollback_now()
        except Exception as error:
            self._handle_exception(error)

    @property
    def isolation_level(self) -> str | None:
        return cast(Connection, self._connection).isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        cast(Connection, self._connection).isolation_level = value


class _DBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *args: Any, **kwargs: Any) -> _AdaptedConnection:
        connection = cast("AsyncIODBAPIConnection", await_(connect(*args, **kwargs)))
        return _AdaptedConnection(self, connection)


class InlineDialect(SQLiteDialect_aiosqlite):
    """The aiosqlite dialect, on :class:`Connection`."""

    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> _DBAPI:
        return _DBAPI(_module(), sqlite3)


registry.register(f"sqlite.{DRIVER}", __name__, "InlineDialect")
