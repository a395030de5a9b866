"""Write sessions and the statements every report sends, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.bot_queries import is_period_closed, person_roles, roster_match
from storage.db import SessionFactory, write_session
from storage.models import ClosedPeriod, Person, ProcessedUpdate, RosterMember
from storage.queries import claim_update, entry_status, record_entry
from tests.storage.factories import NOW, make_contract
from tests.storage.factories import event as make_event


async def test_a_write_session_commits_what_it_wrote(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        assert await claim_update(session=session, update_id=40, now=NOW)
    async with factory() as session:
        assert await session.get(ProcessedUpdate, 40) is not None


async def test_a_refused_row_is_sqlalchemys_error_and_the_transaction_writes_nothing(
    factory: SessionFactory,
) -> None:
    dress = make_event("dress_code", "2026-07-03 09:00")
    with pytest.raises(IntegrityError) as refused:
        async with write_session(factory) as session:
            assert await claim_update(session=session, update_id=41, now=NOW)
            await record_entry(
                session=session, contract_id="no-such-contract", event=dress, now=NOW
            )
    assert isinstance(refused.value, DBAPIError)
    async with write_session(factory) as session:
        assert await claim_update(
            session=session, update_id=41, now=NOW
        )  # the first claim was rolled back
        assert not await claim_update(session=session, update_id=41, now=NOW)  # and this one holds


async def test_an_error_in_the_callers_work_rolls_the_transaction_back(
    factory: SessionFactory,
) -> None:
    with pytest.raises(RuntimeError, match="after the claim"):
        async with write_session(factory) as session:
            assert await claim_update(session=session, update_id=42, now=NOW)
            raise RuntimeError("after the claim")
    async with factory() as session:
        assert await session.get(ProcessedUpdate, 42) is None


async def test_a_rolled_back_savepoint_undoes_only_its_own_rows(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        session.add(ProcessedUpdate(update_id=30, processed_at=NOW))
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(ProcessedUpdate(update_id=30, processed_at=NOW))  # taken
        session.add(ProcessedUpdate(update_id=31, processed_at=NOW))
    async with factory() as session:
        assert await session.get(ProcessedUpdate, 30) is not None
        assert await session.get(ProcessedUpdate, 31) is not None


async def test_a_reports_values_go_in_and_come_back_through_their_column_types(
    factory: SessionFactory,
) -> None:
    written = make_event("dress_code", "2026-07-31 23:59:30.250000", "0.000001", staff="张三")
    async with write_session(factory) as session:
        await make_contract(session)  # not flushed: the insert below flushes it first
        entry_id = await record_entry(session=session, contract_id="c1", event=written, now=NOW)
    async with factory() as session:
        entry = (await entry_status(session=session, entry_id=entry_id)).entry
    assert entry.occurred_at == written.occurred_at and entry.occurred_at.tzinfo == dt.UTC
    assert (entry.quantity, entry.staff) == (Decimal("0.000001"), "张三")


async def test_who_is_asking_sees_the_sessions_added_changed_and_deleted_rows(
    session: AsyncSession,
) -> None:
    renamed = Person(telegram_user_id=98, display_name="Before", created_at=NOW)
    gone = Person(telegram_user_id=97, display_name="Gone", created_at=NOW)
    session.add_all([renamed, gone])
    await session.flush()
    renamed.display_name = "After"
    await session.delete(gone)
    session.add(Person(telegram_user_id=99, display_name="Pending", created_at=NOW))
    found = [await person_roles(session=session, telegram_user_id=tid) for tid in (97, 98, 99)]
    assert [None if p is None else p.display_name for p in found] == [None, "After", "Pending"]


async def test_roster_and_closed_period_see_rows_not_yet_flushed(session: AsyncSession) -> None:
    await make_contract(session)
    await session.flush()
    session.add(RosterMember(contract_id="c1", staff_no="A7", name="张三", updated_at=NOW))
    session.add(ClosedPeriod(contract_id="c1", period="2026-06", rulebook_version=1, closed_at=NOW))
    matches = await roster_match(session=session, contract_id="c1", text="张三", on=NOW.date())
    assert [(m.staff_no, m.name) for m in matches] == [("A7", "张三")]
    assert await is_period_closed(session=session, contract_id="c1", period="2026-06")
    assert not await is_period_closed(session=session, contract_id="c1", period="2026-07")
