"""/score: the period so far — score, points, money, distance to the lines, how final it is.

Figures worked out by hand from the contracts: haidian-dispatch-2026 (001) 附件二 第二章 六
(100 − deductions), 第三章 二 (100 CNY per 0.1 point below 100), 六、6 (two months below 80);
haikou-hall-2023 (002) 五、(二) (the pool's payout bands).
"""

from __future__ import annotations

import datetime as dt

from storage.db import write_session
from storage.directory import add_contract
from storage.dispute_queries import add_dispute
from storage.models import ClosedPeriod, Entry, Role
from tests.bot.world import BOTH, INSPECTOR, MANAGER, TZ, VENDOR, A, B, add_member
from tests.fakebot import FakeUser, buttons
from tests.vendor.conftest import Running
from tests.vendor.world import VENDOR_EN, finding

SCORE_9940 = [
    "考核期 2026-07：进行中，数字为暂定",
    # 三、1: late 1 hour or more 0.5; dress 0.1 → 100 − 0.6.
    "得分：99.4 / 100",
    "扣分 0.6，加分 0",
    # 第三章 二: 0.6 points below 100 = 6 × 0.1 → 6 × 100 CNY.
    "💰 扣减服务费：600 元",
    "📏 与分数线的距离：",
    "  · 高于80分线19.4分（连续两个月绩效考评低于80分，甲方可解除合同）",
    "  · 距100分线还差0.6分（低于100分开始扣款）",
]


async def _two_findings(bot: Running) -> None:
    await bot.say(INSPECTOR, "/late 张三 75")
    await bot.say(INSPECTOR, "/dress 李四")


async def test_the_vendor_lead_sees_the_score_money_and_distances(vbot: Running) -> None:
    await _two_findings(vbot)
    reply = await vbot.say(VENDOR, "/score")
    lines = reply["text"].split("\n")
    assert lines[0] == "📊 haidian-2026 — 海淀区城管执法局综合调度工作服务外包项目（2026—2027）"
    assert lines[1:] == SCORE_9940


async def test_in_english(vbot: Running) -> None:
    await _two_findings(vbot)
    reply = await vbot.say(VENDOR_EN, "/score")
    assert reply["text"].split("\n")[1:] == [
        "Period 2026-07: in progress — figures are provisional",
        "Score: 99.4 / 100",
        "Points deducted 0.6, added 0",
        "💰 Fee deduction: 600 CNY",
        "📏 Distance to the lines:",
        "  · 19.4 points above the 80 line (Two months in a row below 80 — the client may "
        "terminate the contract)",
        "  · 0.6 points to the 100 line (fee deductions start below 100)",
    ]


async def test_managers_and_inspectors_see_the_same_figures(vbot: Running) -> None:
    await _two_findings(vbot)
    for user in (MANAGER, INSPECTOR):
        reply = await vbot.say(user, "/score")
        assert reply["text"].split("\n")[1:] == SCORE_9940


async def test_a_payout_band_and_the_points_to_the_next_band(vbot: Running) -> None:
    vbot.clock.set(dt.datetime(2024, 3, 15, 10, 0, tzinfo=TZ))
    hall = FakeUser(3001, "Hall Vendor", "zh")
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
        )
        await add_member(session, hall, "haikou", Role.VENDOR_LEAD, vbot.clock.now())
    # 五、(一) 表1: rude to the public, 3 points a time; four times → 100 − 12 = 88.
    await finding(vbot, "haikou", "rude_to_public", quantity="4", reporter=hall)
    reply = await vbot.say(hall, "/score")
    text = reply["text"]
    assert "得分：88 / 105" in text
    # 五、(二) 分档表: 80 ≤ X < 90 pays 85 % of the pool; 2 points more reach the 100 % band.
    assert "💰 绩效金支付档次：85%" in text
    assert "距90分线还差2分（90≤X，支付100%）" in text
    assert "高于80分线8分（80≤X<90，支付85%）" in text


async def test_a_closed_period_is_final_until_a_dispute_is_open(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code", ago=dt.timedelta(days=20))
    async with write_session(vbot.services.sessions) as session:
        session.add(
            ClosedPeriod(
                contract_id=A,
                period="2026-06",
                rulebook_version=1,
                closed_at=dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.UTC),
            )
        )
    final = await vbot.say(VENDOR, "/score 2026-06")
    assert "考核期 2026-06：已于 2026-07-01 09:00 结算，数字为最终结果" in final["text"]
    assert "得分：99.9 / 100" in final["text"]
    async with write_session(vbot.services.sessions) as session:
        entry = await session.get(Entry, entry_id)
        assert entry is not None
        await add_dispute(
            session=session, entry=entry, reason="x", opened_by_id=5, now=vbot.clock.now()
        )
    disputed = await vbot.say(VENDOR, "/score 2026-06")
    assert (
        "考核期 2026-06：已于 2026-07-01 09:00 结算，但有 1 条异议待处理，处理前得分为暂定"
        in disputed["text"]
    )
    assert "⚖️ 待处理的异议：1 条（#1）" in disputed["text"]


async def test_a_finished_period_not_yet_closed_is_provisional(vbot: Running) -> None:
    await finding(vbot, A, "dress_code", ago=dt.timedelta(days=20))
    reply = await vbot.say(VENDOR, "/score 2026-06")
    assert "考核期 2026-06：已结束，尚未结算，数字为暂定" in reply["text"]


async def test_several_contracts_offer_a_choice(vbot: Running) -> None:
    await finding(vbot, B, "dress_code", staff="赵六")
    choice = await vbot.say(BOTH, "/score")
    assert choice["text"] == "查看哪个合同？"
    assert buttons(choice) == [A, B]
    reply = await vbot.tap(BOTH, choice, B)
    assert reply["text"].startswith(f"📊 {B} — ")
    assert "得分：99.9 / 100" in reply["text"]


async def test_a_bad_period_says_what_to_write(vbot: Running) -> None:
    reply = await vbot.say(VENDOR, "/score 2026-13")
    assert reply["text"] == "看不懂考核期“2026-13”。请写成 YYYY-MM，例如 2026-07。"


async def test_a_misspelt_period_is_not_taken_for_a_contract(vbot: Running) -> None:
    reply = await vbot.say(VENDOR, "/deductions 2026-7")
    assert reply["text"] == "看不懂考核期“2026-7”。请写成 YYYY-MM，例如 2026-07。"
