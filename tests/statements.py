"""Watching the SQL an engine sends (SQLAlchemy's ``before_cursor_execute`` event)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class Sent(str):
    """A statement as sent, and which of the engine's connections sent it."""

    connection: int

    def __new__(cls, statement: str, connection: int) -> Sent:
        sent = super().__new__(cls, statement)
        sent.connection = connection
        return sent


@contextmanager
def statements_sent(engine: AsyncEngine) -> Iterator[list[Sent]]:
    """Every SQL statement the engine sends while the block runs."""
    sent: list[Sent] = []

    def note(conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(Sent(statement, id(conn)))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


def transaction_of(sent: Sequence[Sent], marker: str) -> list[Sent]:
    """The statements of the transaction that sent the first statement containing ``marker``.

    From that transaction's BEGIN to the next BEGIN on the same connection; what other
    connections (a job, another user) sent meanwhile is left out.
    """
    at = next(i for i, s in enumerate(sent) if marker in s)
    connection = sent[at].connection
    mine = [(i, s) for i, s in enumerate(sent) if s.connection == connection]
    begins = [i for i, s in mine if s.startswith("BEGIN")]
    start = max((i for i in begins if i <= at), default=0)
    end = min((i for i in begins if i > at), default=len(sent))
    return [s for i, s in mine if start <= i < end]


def table_written(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes; None for any other statement."""
    words = statement.split()
    if words[:2] in (["INSERT", "INTO"], ["DELETE", "FROM"]):
        return words[2]
    if words[:1] == ["UPDATE"]:
        return words[1]
    return None
