"""The digests say in words what the figures do not: measurements still missing (001 附件二
一、2, the monthly phone-registration sample) and records left out of the term (七、1)."""

from __future__ import annotations

import datetime as dt

from bot.app.clock import OffsetClock
from bot.app.context import Services
from scoring.assessment import Event
from storage.db import write_session
from storage.queries import record_entry
from tests.digests.conftest import Launch
from tests.digests.world import MANAGER, A, local, report, sent_before

DUE = local(2026, 8, 1, 9, 0)


async def test_the_period_assessment_names_the_missing_sample(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 8, 1, 8, 0))
    await report(world, A, "dress_code", local(2026, 7, 3, 10, 0), staff="王五")
    clock.set(DUE - dt.timedelta(seconds=1.5))
    bot = await launch()
    text = await bot.fake.wait_for_message(MANAGER.chat_id, timeout=5)
    lines = text["text"].splitlines()
    assert "得分：99.9 / 100（终定）" in lines  # 二、3: 0.1
    assert "⚠️ 数据不全：以下测量值尚未录入，录入前考核结果不完整（没有的请录入0）：" in lines
    assert any(line.startswith("  · 2026-07：未记录“热线受理员登记量未达100%") for line in lines)


async def test_the_daily_digest_names_records_left_out_of_the_term(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 6, 25, 17, 0))
    early = Event("dress_code", local(2026, 6, 16, 9, 0))  # imported: before 17 June 0时
    async with write_session(world.sessions) as session:
        await record_entry(
            session=session, contract_id=A, event=early, now=local(2026, 6, 25, 10, 0)
        )
    await report(world, A, "dress_code", local(2026, 6, 25, 10, 0), staff="王五")
    clock.set(local(2026, 6, 25, 18, 0) - dt.timedelta(seconds=1.5))
    bot = await launch()
    text = await bot.fake.wait_for_message(MANAGER.chat_id, timeout=5)
    assert "2026-06 累计得分：99.9" in text["text"]  # only the 25 June report counts
    assert "🚫 1 条记录早于合同期限开始（2026-06-17 0时，七、1），未计分" in text["text"]
