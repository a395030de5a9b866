"""Statements of the hot paths, compiled once per dialect and run on the DB-API cursor.

A one-line report is about eight statements; through the ORM session each costs several
times the statement itself (building and caching the statement, the execution context, the
result and the entity objects), and on a VM that has been idle between two messages that
Python overhead is what the inspector waits for. A :class:`Prepared` statement is the same
SQLAlchemy Core statement, compiled by SQLAlchemy for the connection's dialect the first
time it runs (``?`` for SQLite, ``$1`` for asyncpg), with each parameter and result column
converted by its column type exactly as SQLAlchemy would — then sent straight to the
DB-API cursor of the connection, inside the caller's transaction.

What stays as with ``Connection.execute``: the dialect's types (dates, decimals, JSON), the
``before_cursor_execute`` event (statement logging and the tests that watch statements),
errors raised as :class:`sqlalchemy.exc.DBAPIError`, and a connection that died invalidated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import sqlite_inline

Row = tuple[Any, ...]
Processor = Callable[[Any], Any] | None
Source = AsyncSession | AsyncConnection


@dataclass(slots=True)
class _Compiled:
    """One statement as one dialect sends it (result conversions known at the first rows)."""

    dialect: Dialect
    sql: str
    # Each parameter: its name, its value when not given, its type's conversion.
    parameters: tuple[tuple[str, Any, Processor], ...]
    columns: tuple[TypeEngine[Any], ...]
    results: tuple[Processor, ...] | None = None

    def arguments(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for name, default, convert in self.parameters:
            value = params.get(name, default)
            values.append(value if convert is None or value is None else convert(value))
        return tuple(values)

    def rows(self, raw: Sequence[Sequence[Any]], description: Any) -> list[Row]:
        """The rows as the column types read them (given the driver's column type codes)."""
        if self.results is None:
            codes = [d[1] for d in description] if description else [None] * len(self.columns)
            self.results = tuple(
                kind.result_processor(self.dialect, code)
                for kind, code in zip(self.columns, codes, strict=True)
            )
        converters = self.results
        if not any(converters):
            return [tuple(row) for row in raw]
        return [
            tuple(v if c is None else c(v) for v, c in zip(row, converters, strict=True))
            for row in raw
        ]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a statement returned: its rows (a SELECT, a RETURNING) and the rows it changed."""

    rows: list[Row]
    rowcount: int


class Prepared:
    """A Core statement with named ``bindparam`` parameters, run on the DB-API cursor.

    ``statement`` may be a mapping from dialect name to statement, for what is written
    differently per database (an upsert).
    """

    def __init__(self, statement: Executable | Mapping[str, Executable]) -> None:
        self._statements = statement if isinstance(statement, Mapping) else None
        self._statement = None if isinstance(statement, Mapping) else statement
        self._by_dialect: dict[str, _Compiled] = {}

    async def run(self, source: Source, **params: Any) -> Outcome:
        """Execute in ``source``'s transaction (a session's pending objects are flushed first)."""
        if isinstance(source, AsyncSession):
            if pending(source):
                await source.flush()
            # A session bound to a connection (storage.db.write_connection) runs in the
            # connection's transaction: use it straight, without starting the session's own.
            bind = source.bind
            source = bind if isinstance(bind, AsyncConnection) else await source.connection()
        conn = source.sync_connection
        inline = _inline(conn)
        if conn is None or inline is None:
            return await source.run_sync(self._execute, params)
        # SQLite in this process (storage.sqlite_inline): no greenlet, no adapter in between.
        compiled = self._compiled(conn.dialect)
        arguments = _arguments(conn, compiled, params)
        if listening := conn.dispatch.before_cursor_execute:
            listening(conn, None, compiled.sql, arguments, None, False)
        try:
            rows, rowcount = await inline.run(compiled.sql, arguments)
        except sqlite3.Error as error:
            raise sqlite_inline.as_sqlalchemy_error(
                compiled.sql, arguments, error, conn.dialect
            ) from error
        return Outcome(compiled.rows(rows, None), rowcount)

    async def all(self, source: Source, **params: Any) -> list[Row]:
        return (await self.run(source, **params)).rows

    async def first(self, source: Source, **params: Any) -> Row | None:
        rows = (await self.run(source, **params)).rows
        return rows[0] if rows else None

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = f"{dialect.name}+{dialect.driver}"
        found = self._by_dialect.get(key)
        if found is None:
            statement = self._statement
            if self._statements is not None:
                statement = self._statements.get(dialect.name)
            if statement is None:
                raise TypeError(f"no statement for {dialect.name}")
            found = self._by_dialect[key] = _compile(statement, dialect)
        return found

    def _execute(self, conn: Connection, params: Mapping[str, Any]) -> Outcome:
        compiled = self._compiled(conn.dialect)
        arguments = _arguments(conn, compiled, params)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if listening := conn.dispatch.before_cursor_execute:
                listening(conn, cursor, compiled.sql, arguments, None, False)
            cursor.execute(compiled.sql, arguments)
            raw = cursor.fetchall() if cursor.description else []
            return Outcome(compiled.rows(raw, cursor.description), cursor.rowcount)
        except conn.dialect.loaded_dbapi.Error as error:
            # As Connection.execute does: wrapped, and a connection that died is invalidated
            # together with the pool's older ones (a restarted server left them all dead).
            conn._handle_dbapi_exception(error, compiled.sql, arguments, cursor, None)
            raise  # pragma: no cover - the call above raises
        finally:
            cursor.close()


def pending(session: AsyncSession) -> bool:
    """Whether the session holds changes not yet sent to the database."""
    sync = session.sync_session
    # The session's own records: its ``new``, ``dirty`` and ``deleted`` build a set on every
    # call, and a report's statements each ask.
    return bool(sync._new or sync._deleted or sync.identity_map.check_modified())


def _arguments(conn: Connection, compiled: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...]:
    """The parameters converted by their types; a value a type refuses as SQLAlchemy says it."""
    try:
        return compiled.arguments(params)
    except Exception as error:
        dbapi_error = conn.dialect.loaded_dbapi.Error
        raise exc.DBAPIError.instance(
            compiled.sql, params, error, dbapi_error, dialect=conn.dialect
        ) from error


def _inline(conn: Connection | None) -> sqlite_inline.Connection | None:
    """The in-process SQLite connection under ``conn``, if that is what it is (and usable)."""
    if conn is None or conn.closed or conn.invalidated:
        return None
    driver = conn.connection.driver_connection
    return driver if isinstance(driver, sqlite_inline.Connection) else None


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    if not compiled.positional:
        raise TypeError(f"{dialect.name}+{dialect.driver} does not take positional parameters")
    names = tuple(compiled.positiontup or ())
    binds = [compiled.binds[name] for name in names]
    if any(b.expanding or b.literal_execute for b in binds):
        raise TypeError("a prepared statement takes no IN lists or literal parameters")
    columns = getattr(statement, "exported_columns", ())
    return _Compiled(
        dialect=dialect,
        sql=str(compiled),
        parameters=tuple(
            (name, bind.value, bind.type.dialect_impl(dialect).bind_processor(dialect))
            for name, bind in zip(names, binds, strict=True)
        ),
        columns=tuple(c.type.dialect_impl(dialect) for c in columns),
    )
