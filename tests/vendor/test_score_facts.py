"""/score says in words what its figures do not: measurements still missing, records left out
(outside the term), a pool-year mean that lacks months, and what a breach lets the client claim.
Figures worked out by hand from 001 (附件二 一、2; 七、1; 六、4) and 002 (一、9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scoring.assessment import Event
from storage.db import write_session
from storage.directory import add_contract
from storage.models import Role
from storage.queries import record_entry
from tests.bot.world import TZ, VENDOR, A, add_member
from tests.fakebot import FakeUser
from tests.vendor.conftest import Running
from tests.vendor.world import VENDOR_EN, finding


async def test_a_month_over_without_its_phone_sample_is_not_complete(vbot: Running) -> None:
    await finding(vbot, A, "dress_code", ago=dt.timedelta(days=20))  # 2026-06-25
    reply = await vbot.say(VENDOR, "/score 2026-06")
    lines = reply["text"].split("\n")
    assert "得分：99.9 / 100" in lines  # 二、3: 0.1
    # 一、2 每月随机抽取…受理录音: June has ended without the month's sample
    assert "⚠️ 数据不全：以下测量值尚未录入，录入前考核结果不完整（没有的请录入0）：" in lines
    assert any(line.startswith("  · 2026-06：未记录“热线受理员登记量未达100%") for line in lines)
    english = await vbot.say(VENDOR_EN, "/score 2026-06")
    assert "⚠️ Not complete: these measurements are not recorded yet" in english["text"]
    sample = Event("phone_registration", dt.datetime(2026, 6, 28, 10, tzinfo=TZ), value="100")
    async with write_session(vbot.services.sessions) as session:
        await record_entry(session=session, contract_id=A, event=sample, now=vbot.clock.now())
    done = await vbot.say(VENDOR, "/score 2026-06")
    assert "数据不全" not in done["text"]


async def test_records_before_the_term_are_named_and_not_scored(vbot: Running) -> None:
    # An imported row of 16 June 2026, the day before 七、1's start (the bot itself refuses one).
    early = Event("dress_code", dt.datetime(2026, 6, 16, 20, tzinfo=TZ))
    async with write_session(vbot.services.sessions) as session:
        await record_entry(session=session, contract_id=A, event=early, now=vbot.clock.now())
    reply = await vbot.say(VENDOR_EN, "/score 2026-06")
    assert "Score: 100 / 100" in reply["text"]
    assert (
        "🚫 1 record(s) before the contract's term begins (2026-06-17 0:00, 七、1) were not "
        "scored" in reply["text"]
    )


async def test_a_breach_says_what_the_client_may_claim(vbot: Running) -> None:
    # 六、4: 6 persons vacant, 11 working days past the 5 → terminate and claim 20,000 CNY
    vacancy = Event("staff_vacancy", vbot.clock.now(), Decimal(6), "11")
    async with write_session(vbot.services.sessions) as session:
        await record_entry(session=session, contract_id=A, event=vacancy, now=vbot.clock.now())
    reply = await vbot.say(VENDOR, "/score")
    assert (
        "⚠️ 人员空缺达到5人及以上且逾期10个工作日及以上未补充：甲方有权解除合同，未支付的费用"
        "不再支付，并可主张违约金（2026-07）；甲方可主张违约金 20000 元（六、4）" in reply["text"]
    )


async def test_a_pool_year_without_its_first_months_is_provisional(vbot: Running) -> None:
    vbot.clock.set(dt.datetime(2024, 3, 15, 10, 0, tzinfo=TZ))
    hall = FakeUser(3002, "Hall Vendor", "en")
    vbot.fake.know(hall)
    async with write_session(vbot.services.sessions) as session:
        await add_contract(
            session=session,
            contract_id="haikou",
            rulebook_id="haikou-hall-2023",
            client="海口市政务服务中心",
            vendor="Vendor H",
            timezone="Asia/Shanghai",
            now=vbot.clock.now(),
            actor="test",
            recording_since=dt.date(2024, 3, 1),
        )
        await add_member(session, hall, "haikou", Role.VENDOR_LEAD, vbot.clock.now())
    # 表1 3.7: rude to the public, 3 points a time; four times → 100 − 12 = 88.
    await finding(vbot, "haikou", "rude_to_public", quantity="4", reporter=hall)
    reply = await vbot.say(hall, "/score")
    # 一、9 year 2 = 2023-12..2024-11: recording began on 1 March 2024, so December–February
    # are on the paper sheets; until their scores are given the mean is March's alone.
    assert (
        "💰 Year's mean score 88 → 85% paid (第二年) (provisional: no score yet for 2023-12, "
        "2024-01, 2024-02; enter them from the paper sheets)" in reply["text"]
    )
