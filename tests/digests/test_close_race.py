"""Closing a period while a report for it is being recorded, on PostgreSQL with two sessions.

Both take the contract's lock (storage.locks): a report that comes while the period closes
waits, then finds the period closed and is held for a manager; a closing that comes while a
report is being recorded waits, then counts it. On SQLite, whose writers are one at a time
already, the lock sends nothing at all.

Contract 001 (haidian): a late arrival under an hour costs 0.1 (附件二 第四章 三、1), so July
with one is 99.9 and with two 99.8.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import col, select
from telegram import Bot

from bot.services.actors import TelegramUser, load_actor
from bot.services.digests.runner import DigestRunner
from bot.services.digests.schedule import PERIOD, Occurrence, due_now, parse_schedule
from bot.services.late_reports import LateReportHeld
from bot.services.recording import quick_report
from bot.services.registry import Services
from storage.db import write_session
from storage.locks import lock_contract
from storage.models import Contract, Entry
from tests.digests.world import INSPECTOR, TZ, A, closed, late_reports, local, report, sent_before
from tests.fakebot import TOKEN
from tests.statements import statements_sent

NOW = local(2026, 8, 1, 9, 0, 5)  # the July assessment is due at 09:00 on the 1st
LATE = "/late 张三 25 07-31 08:40"  # a second late arrival in July
LOOKS = 100  # looks at pg_locks, POLL_SECONDS apart, for a session waiting on the lock
POLL_SECONDS = 0.05


def _runner(services: Services) -> DigestRunner:
    return DigestRunner(services.core, Bot(TOKEN))  # closes periods here; sends nothing


async def _july_assessment(services: Services) -> tuple[Contract, Occurrence]:
    async with services.sessions() as session:
        contract = await session.get(Contract, A)
    assert contract is not None
    book = services.rulebooks[contract.rulebook_id]
    found = due_now(parse_schedule(contract.schedule), book, TZ, NOW, since=NOW - dt.timedelta(1))
    [july] = [o for o in found if o.kind == PERIOD]
    assert july.period.label == "2026-07"
    return contract, july


async def _report_late_arrival(services: Services, message_id: int) -> LateReportHeld | None:
    """The inspector's ``LATE`` as the bot records it; the refusal when it is held."""
    async with write_session(services.sessions) as session:
        user = TelegramUser(INSPECTOR.id, INSPECTOR.first_name, "zh")
        actor = await load_actor(session, user, "zh")
        try:
            await quick_report(
                session,
                actor=actor,
                rulebooks=services.rulebooks,
                text=LATE,
                photos=(),
                now=NOW,
                source=(INSPECTOR.chat_id, message_id),
                source_is_update=False,
                contract_id=A,
            )
        except LateReportHeld as held:  # kept: the request is committed, as the bot does
            return held
    return None


async def _july_entries(services: Services) -> list[Entry]:
    async with services.sessions() as session:
        statement = select(Entry).where(
            col(Entry.contract_id) == A,
            col(Entry.occurred_at) >= local(2026, 7, 1),
            col(Entry.occurred_at) < local(2026, 8, 1),
        )
        return list((await session.exec(statement)).all())


async def _waiting_for_advisory_locks(services: Services) -> int:
    """Sessions waiting for an advisory lock, once there is one (or after LOOKS looks)."""
    query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    waiting = 0
    for _ in range(LOOKS):
        async with services.sessions() as session:
            conn = await session.connection()
            waiting = int((await conn.execute(query)).scalar_one())
        if waiting:
            break
        await asyncio.sleep(POLL_SECONDS)
    return waiting


@pytest.mark.postgres
async def test_a_report_while_the_period_closes_waits_then_is_held_for_a_manager(
    pg_world: Services,
) -> None:
    world = pg_world
    await sent_before(world, local(2026, 8, 1, 8, 0))
    await report(world, A, "late_arrival", local(2026, 7, 3, 8, 40), staff="张三", value="25")
    contract, july = await _july_assessment(world)
    book = world.rulebooks[contract.rulebook_id]
    async with write_session(world.sessions) as closing:  # session 1: the closing step
        with statements_sent(world.engine) as sent:
            await _runner(world).close(closing, contract, book, july, NOW)
        assert any("pg_advisory_xact_lock" in s for s in sent)
        reporting = asyncio.create_task(_report_late_arrival(world, 9001))  # session 2
        assert await _waiting_for_advisory_locks(world) == 1  # it waits for the lock ...
        assert not reporting.done()
    held = await reporting  # ... and, the period closed, is kept for a manager
    assert held is not None and held.params["period"] == "2026-07"
    assert len(await _july_entries(world)) == 1  # nothing slipped into the closed July
    [request] = await late_reports(world)
    assert (request.period, request.status, request.item) == ("2026-07", "pending", "late_arrival")
    sent_figures = await closed(world, A, "2026-07")
    assert sent_figures is not None and sent_figures.score == Decimal("99.9")


@pytest.mark.postgres
async def test_a_closing_while_a_report_is_recorded_waits_then_counts_it(
    pg_world: Services,
) -> None:
    world = pg_world
    await sent_before(world, local(2026, 8, 1, 8, 0))
    await report(world, A, "late_arrival", local(2026, 7, 3, 8, 40), staff="张三", value="25")
    recorded, release = asyncio.Event(), asyncio.Event()

    async def report_and_hold() -> None:
        async with write_session(world.sessions) as session:
            user = TelegramUser(INSPECTOR.id, INSPECTOR.first_name, "zh")
            actor = await load_actor(session, user, "zh")
            await quick_report(
                session,
                actor=actor,
                rulebooks=world.rulebooks,
                text=LATE,
                photos=(),
                now=NOW - dt.timedelta(seconds=10),
                source=(INSPECTOR.chat_id, 9002),
                source_is_update=False,
                contract_id=A,
            )
            recorded.set()
            await release.wait()  # the report's transaction stays open

    reporting = asyncio.create_task(report_and_hold())
    await recorded.wait()
    closing = asyncio.create_task(_runner(world).make_due(NOW))  # the real tick's first step
    assert await _waiting_for_advisory_locks(world) == 1  # the closing of July waits ...
    assert not closing.done()
    release.set()
    await reporting
    assert await closing >= 1
    sent_figures = await closed(world, A, "2026-07")
    assert sent_figures is not None and sent_figures.score == Decimal("99.8")  # ... and counts it
    assert len(await _july_entries(world)) == 2
    assert await late_reports(world) == []


async def test_on_sqlite_the_contract_lock_sends_no_statement(world: Services) -> None:
    with statements_sent(world.engine) as sent:
        async with world.sessions() as session:
            await lock_contract(session=session, contract_id=A)
    assert sent == []
