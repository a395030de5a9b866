"""Several processes on one database: each digest made once and each delivery sent once
(a delivery cut off mid-send is sent again: tests/digests/test_stale_delivery.py)."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlmodel import col, select

from bot.app.builder import build_services
from bot.app.clock import OffsetClock
from bot.services.digests.runner import DigestRunner
from bot.services.registry import Services
from storage.models import DigestRun
from tests.digests.conftest import Launch
from tests.digests.world import BOSS, MANAGER, MANAGER_B, A, B, local, sent_before

DUE = local(2026, 7, 15, 18, 0)


async def test_two_processes_ticking_at_once_send_each_digest_once(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=5))
    bot = await launch()
    # A second process: its own engine and connections, its own limiter, the same database.
    other = build_services(world.settings, clock, dict(world.rulebooks))
    try:
        first = DigestRunner(bot.services.core, bot.app.bot)
        second = DigestRunner(other.core, bot.app.bot)
        clock.set(DUE + dt.timedelta(seconds=1))
        tallies = await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
    finally:
        await other.engine.dispose()
    assert sum(t.made for t in tallies) == 2  # one daily run per contract
    assert sum(t.sent for t in tallies) == 4  # MANAGER, BOSS ×2 (one message), MANAGER_B
    for user in (MANAGER, BOSS, MANAGER_B):
        assert len([e for e in bot.fake.events if e.chat_id == user.chat_id]) == 1
    async with world.sessions() as session:
        runs = (await session.exec(select(DigestRun).where(col(DigestRun.kind) == "daily"))).all()
    assert sorted(r.contract_id for r in runs if r.period == "2026-07-15") == [A, B]
