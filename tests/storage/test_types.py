"""Exact decimals and aware UTC times, the same on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import StatementError
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.assessment import Event
from storage.errors import InvalidInputError
from storage.models import Entry
from storage.queries import ENTRIES
from tests.storage.factories import event, make_contract, record


@pytest.mark.parametrize(
    "quantity", ["0.1", "2.5", "3", "0.000001", "123456789012.123456", "99999999.9999"]
)
async def test_a_quantity_reads_back_exactly(session: AsyncSession, quantity: str) -> None:
    await make_contract(session)
    [entry_id] = await record(session, "c1", event("dress_code", "2026-07-03 09:00", quantity))
    await session.commit()
    session.expunge_all()
    stored = await session.get(Entry, entry_id)
    assert stored is not None
    assert stored.quantity == Decimal(quantity)
    assert str(stored.quantity) == quantity


async def test_a_sum_of_tenths_is_exact(session: AsyncSession) -> None:
    await make_contract(session)
    tenth = event("dress_code", "2026-07-03 09:00", "0.1")
    await record(session, "c1", *[tenth] * 10)
    total = (await session.connection()).execute(select(func.sum(ENTRIES.c.quantity)))
    assert (await total).scalar_one() == Decimal("1")  # a float sum gives 0.9999999999999999


async def test_more_decimal_places_than_stored_are_refused(session: AsyncSession) -> None:
    await make_contract(session)
    with pytest.raises(StatementError, match="more than 6 decimal places"):
        await record(session, "c1", event("dress_code", "2026-07-03 09:00", "0.0000001"))


async def test_times_come_back_as_the_same_instant_in_utc(session: AsyncSession) -> None:
    await make_contract(session)
    written = event("dress_code", "2026-07-31 23:59:30.250000")  # +08:00
    [entry_id] = await record(session, "c1", written)
    await session.commit()
    session.expunge_all()
    stored = await session.get(Entry, entry_id)
    assert stored is not None
    assert stored.occurred_at == written.occurred_at
    assert stored.occurred_at.tzinfo == dt.UTC
    assert stored.occurred_at.isoformat() == "2026-07-31T15:59:30.250000+00:00"


async def test_a_naive_time_is_refused(session: AsyncSession) -> None:
    await make_contract(session)
    naive = dt.datetime(2026, 7, 3, 9, 0)
    with pytest.raises(InvalidInputError, match="no time zone offset"):
        await record(session, "c1", Event("dress_code", naive))
    row = {"contract_id": "c1", "item": "dress_code", "occurred_at": naive, "quantity": 1}
    with pytest.raises(StatementError, match="times must carry their offset"):
        await (await session.connection()).execute(insert(ENTRIES), {**row, "created_at": naive})
