"""Prepared statements (storage.prepared) behave as Connection.execute would, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.assessment import Event
from storage.db import session_factory, write_connection
from storage.models import Person
from storage.prepared import Prepared
from storage.queries import ENTRIES, claim_update, record_entry, table_of
from tests.statements import statements_sent
from tests.storage.factories import NOW, make_contract
from tests.storage.factories import event as make_event

PEOPLE = table_of(Person)
_ENTRY_BY_ID = Prepared(
    select(ENTRIES.c.occurred_at, ENTRIES.c.quantity, ENTRIES.c.staff).where(
        ENTRIES.c.id == bindparam("entry_id")
    )
)


async def test_values_go_in_and_come_back_through_their_column_types(
    engine: AsyncEngine,
) -> None:
    async with write_connection(engine) as conn:
        async with session_factory(engine)(bind=conn) as session:
            await make_contract(session)
            await session.flush()
        written = make_event("dress_code", "2026-07-31 23:59:30.250000", "0.000001", staff="张三")
        entry_id = await record_entry(conn, contract_id="c1", event=written, now=NOW)
        row = await _ENTRY_BY_ID.first(conn, entry_id=entry_id)
    assert row is not None
    occurred_at, quantity, staff = row
    assert occurred_at == written.occurred_at and occurred_at.tzinfo == dt.UTC
    assert quantity == Decimal("0.000001")
    assert staff == written.staff


async def test_a_refused_row_is_sqlalchemys_error_and_the_transaction_writes_nothing(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(IntegrityError):
        async with write_connection(engine) as conn:
            assert await claim_update(conn, 41, now=NOW)
            await record_entry(conn, contract_id="no-such-contract", event=_dress(), now=NOW)
    async with write_connection(engine) as conn:
        assert await claim_update(conn, 41, now=NOW)  # the first claim was rolled back
        assert not await claim_update(conn, 41, now=NOW)  # and this one holds


async def test_a_value_its_type_refuses_is_a_statement_error(engine: AsyncEngine) -> None:
    naive = Prepared(select(PEOPLE.c.id).where(PEOPLE.c.created_at < bindparam("at")))
    async with engine.connect() as conn:
        with pytest.raises(StatementError, match="offset"):
            await naive.all(conn, at=dt.datetime(2026, 7, 1))


async def test_statements_are_seen_by_sqlalchemys_statement_event(engine: AsyncEngine) -> None:
    with statements_sent(engine) as sent:
        async with write_connection(engine) as conn:
            await claim_update(conn, 7, now=NOW)
    assert any(s.startswith("INSERT INTO processed_updates") for s in sent)


async def test_a_sessions_pending_rows_are_written_before_the_statement(
    session: AsyncSession,
) -> None:
    session.add(Person(telegram_user_id=99, display_name="Pending", created_at=NOW))
    by_telegram_id = Prepared(
        select(PEOPLE.c.display_name).where(PEOPLE.c.telegram_user_id == bindparam("tid"))
    )
    assert await by_telegram_id.first(session, tid=99) == ("Pending",)


async def test_a_sessions_changed_and_deleted_rows_are_written_before_the_statement(
    session: AsyncSession,
) -> None:
    renamed = Person(telegram_user_id=98, display_name="Before", created_at=NOW)
    gone = Person(telegram_user_id=97, display_name="Gone", created_at=NOW)
    session.add_all([renamed, gone])
    await session.flush()
    renamed.display_name = "After"
    await session.delete(gone)
    names = Prepared(select(PEOPLE.c.display_name).where(PEOPLE.c.telegram_user_id < 99))
    assert await names.all(session) == [("After",)]


async def test_the_writers_connection_is_closed_with_the_engine(engine: AsyncEngine) -> None:
    async with write_connection(engine) as conn:
        await claim_update(conn, 8, now=NOW)
    await engine.dispose()
    assert conn.closed
    async with write_connection(engine) as again:  # a new one after the disposal
        assert not await claim_update(again, 8, now=NOW)


def _dress() -> Event:
    return make_event("dress_code", "2026-07-03 09:00")
