"""The ledger is append-only; concurrent writers lose nothing; a Telegram update counts once."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.periods import month_period
from storage.db import SessionFactory, write_session
from storage.directory import get_contract
from storage.errors import InvalidInputError
from storage.models import AuditRecord, Entry, EntryState
from storage.queries import (
    change_state,
    claim_update,
    correct_entry,
    entry_status,
    events_for_period,
    void_entry,
)
from tests.storage.factories import (
    NOW,
    count_entries,
    dump,
    event,
    make_contract,
    make_person,
    record,
    storage_book,
)

JULY = month_period(2026, 7, "Asia/Shanghai")
WRITERS = 6
REPORTS_PER_WRITER = 15


async def _dress_events(session: AsyncSession) -> list[tuple[str, int, Decimal]]:
    events = await events_for_period(
        session=session, contract_id="c1", book=storage_book(), period=JULY
    )
    return [(e.item, e.count, e.quantity) for e in events]


async def test_a_void_keeps_the_original_entry(engine: AsyncEngine, session: AsyncSession) -> None:
    await make_contract(session)
    inspector = await make_person(session)
    assert inspector.id is not None
    first, second = await record(
        session,
        "c1",
        event("dress_code", "2026-07-03 09:00"),
        event("dress_code", "2026-07-04 09:00"),
    )
    await session.commit()
    entries_before = (await dump(engine))["entries"]

    await void_entry(
        session=session, entry_id=first, actor_id=inspector.id, reason="wrong person", now=NOW
    )
    await session.commit()

    assert (await dump(engine))["entries"] == entries_before
    status = await entry_status(session=session, entry_id=first)
    assert status.voided and status.state is EntryState.VOIDED
    assert [(a.kind, a.reason, a.actor_id) for a in status.actions] == [
        ("void", "wrong person", inspector.id)
    ]
    assert await _dress_events(session) == [("dress_code", 1, Decimal(1))]
    audit = (
        await session.exec(select(AuditRecord).where(col(AuditRecord.action) == "entry.void"))
    ).all()
    assert [(a.subject, a.actor) for a in audit] == [(f"entry:{first}", f"person:{inspector.id}")]
    assert second != first


async def test_a_correction_changes_the_count_not_the_row(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    await make_contract(session)
    lead = await make_person(session)
    assert lead.id is not None
    [entry_id] = await record(session, "c1", event("dress_code", "2026-07-03 09:00", "3"))
    await session.commit()
    before = (await dump(engine))["entries"]
    await correct_entry(
        session=session,
        entry_id=entry_id,
        quantity=Decimal(2),
        value=None,
        actor_id=lead.id,
        reason="only two were out of uniform",
        now=NOW,
    )
    await session.commit()
    assert (await dump(engine))["entries"] == before
    assert await _dress_events(session) == [("dress_code", 1, Decimal(2))]
    status = await entry_status(session=session, entry_id=entry_id)
    assert (status.quantity, status.entry.quantity, status.voided) == (
        Decimal(2),
        Decimal(3),
        False,
    )


async def test_a_void_entry_takes_no_further_action(session: AsyncSession) -> None:
    await make_contract(session)
    person = await make_person(session)
    assert person.id is not None
    [entry_id] = await record(session, "c1", event("dress_code", "2026-07-03 09:00"))
    await void_entry(session=session, entry_id=entry_id, actor_id=person.id, reason="typo", now=NOW)
    with pytest.raises(InvalidInputError, match="is void"):
        await void_entry(
            session=session, entry_id=entry_id, actor_id=person.id, reason="again", now=NOW
        )
    with pytest.raises(InvalidInputError, match="is void"):
        await correct_entry(
            session=session,
            entry_id=entry_id,
            quantity=Decimal(1),
            value=None,
            actor_id=person.id,
            reason="x",
            now=NOW,
        )


async def test_an_action_needs_a_reason(session: AsyncSession) -> None:
    await make_contract(session)
    person = await make_person(session)
    assert person.id is not None
    [entry_id] = await record(session, "c1", event("dress_code", "2026-07-03 09:00"))
    with pytest.raises(InvalidInputError, match="needs a reason"):
        await void_entry(
            session=session, entry_id=entry_id, actor_id=person.id, reason="  ", now=NOW
        )


async def test_dispute_states_are_recorded_without_changing_the_score(
    session: AsyncSession,
) -> None:
    await make_contract(session)
    lead = await make_person(session)
    assert lead.id is not None
    [entry_id] = await record(session, "c1", event("dress_code", "2026-07-03 09:00"))
    for state in (EntryState.DISPUTED, EntryState.UPHELD):
        await change_state(
            session=session,
            entry_id=entry_id,
            state=state,
            actor_id=lead.id,
            reason="review",
            now=NOW,
        )
    status = await entry_status(session=session, entry_id=entry_id)
    assert status.state is EntryState.UPHELD
    assert [a.state for a in status.actions] == ["disputed", "upheld"]
    assert await _dress_events(session) == [("dress_code", 1, Decimal(1))]
    with pytest.raises(InvalidInputError, match="void the entry"):
        await change_state(
            session=session,
            entry_id=entry_id,
            state=EntryState.VOIDED,
            actor_id=lead.id,
            reason="x",
            now=NOW,
        )


async def _write_reports(factory: SessionFactory, writer: int) -> None:
    for n in range(REPORTS_PER_WRITER):
        async with write_session(factory) as session:
            await get_contract(
                session=session, contract_id="c1"
            )  # a read before the write, as a handler does
            await asyncio.sleep(0)
            note = f"writer {writer} report {n}"
            await record(session, "c1", event("dress_code", "2026-07-03 09:00", note=note))


async def test_concurrent_writers_do_not_lose_a_report(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    async with write_session(factory) as session:
        await make_contract(session)
    await asyncio.gather(*(_write_reports(factory, w) for w in range(WRITERS)))
    assert await count_entries(engine) == WRITERS * REPORTS_PER_WRITER
    async with factory() as session:
        notes = set((await session.exec(select(Entry.note))).all())
    expected = {f"writer {w} report {n}" for w in range(WRITERS) for n in range(REPORTS_PER_WRITER)}
    assert notes == expected


async def test_a_redelivered_update_is_claimed_once(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        assert await claim_update(session=session, update_id=7_000_000_001, now=NOW) is True
        assert await claim_update(session=session, update_id=7_000_000_001, now=NOW) is False
    async with write_session(factory) as session:
        assert await claim_update(session=session, update_id=7_000_000_001) is False
        assert await claim_update(session=session, update_id=7_000_000_002) is True


async def test_a_rolled_back_claim_can_be_claimed_again(factory: SessionFactory) -> None:
    async with factory() as session:
        assert await claim_update(session=session, update_id=42, now=NOW) is True
        await session.rollback()
    async with write_session(factory) as session:
        assert await claim_update(session=session, update_id=42, now=NOW) is True


async def test_concurrent_claims_of_one_update_succeed_once(factory: SessionFactory) -> None:
    async def claim() -> bool:
        async with write_session(factory) as session:
            claimed = await claim_update(session=session, update_id=99, now=NOW)
            await asyncio.sleep(0.01)  # hold the transaction open while the others try
            return claimed

    results = await asyncio.gather(*(claim() for _ in range(WRITERS)))
    assert sorted(results) == [False] * (WRITERS - 1) + [True]
