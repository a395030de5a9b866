"""/digest, /subscribe, /unsubscribe and /schedule, as managers use them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from bot.app.clock import OffsetClock
from bot.app.jobs import job_name
from bot.services.registry import Services
from storage.models import Contract
from tests.digests.conftest import Launch, tick
from tests.digests.world import (
    BOSS,
    INSPECTOR,
    MANAGER,
    A,
    B,
    deliveries,
    local,
    report,
    sent_before,
)
from tests.fakebot import buttons

NOW = local(2026, 7, 15, 10, 0)


async def test_digest_sends_the_period_so_far_with_its_table_and_chart(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    await report(world, A, "late_arrival", local(2026, 7, 3, 8, 40), staff="张三", value="75")
    clock.set(NOW)
    bot = await launch()
    text = await bot.say(MANAGER, "/digest")
    table = await bot.next(MANAGER)
    chart = await bot.next(MANAGER)
    assert text["text"].splitlines()[1] == "得分：99.5 / 100（暂定：本期尚未结束）"  # 1 h+: 0.5
    assert "• 迟到：扣 0.5 分" in text["text"]
    sheet = openpyxl.load_workbook(io.BytesIO(bot.fake.document_content(table))).active
    assert sheet is not None and sheet["A5"].value == "结果状态：暂定（考核期未结束）"
    # June 2026 (from the term's first day, 17 June) had nothing recorded: it scores 100 and
    # is one of the periods charted (before, a month before the first report was left out).
    assert chart["caption"] == f"{A} 2026-07 得分走势及近 2 期得分"
    june = await bot.say(MANAGER, "/digest 2026-06")
    assert june["text"].splitlines()[1] == "得分：100 / 100（终定）"


async def test_digest_today_and_the_choice_of_contract(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    await report(world, B, "dress_code", local(2026, 7, 15, 9, 0), staff="赵六")
    clock.set(NOW)
    bot = await launch()
    choose = await bot.say(BOSS, "/digest today")
    assert choose["text"] == "查看哪个合同？" and buttons(choose) == [A, B]
    today = await bot.tap(BOSS, choose, B)
    assert today["text"].splitlines()[2:4] == [
        f"🏢 {B}（海淀区城管执法局综合调度工作服务外包项目（2026—2027））",
        "新报告 1 条：",
    ]
    crafted = await bot.say(MANAGER, "/help")
    await bot.fake.press(MANAGER, crafted, "dg:1:today")  # MANAGER has one contract (A)
    assert (await bot.next(MANAGER))["text"] == "此选择已失效，请重新发送命令。"


async def test_digest_refusals(world: Services, launch: Launch, clock: OffsetClock) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    assert (await bot.say(INSPECTOR, "/digest"))["text"] == "简报和考核结果只对甲方管理人员开放。"
    other = await bot.say(MANAGER, f"/digest {B}")
    assert other["text"] == f"您不是合同 {B} 的管理人员。您的合同：{A}"
    bad = await bot.say(MANAGER, "/digest 2026-13")
    assert bad["text"] == "看不懂期间“2026-13”。请写 2026-07，或 today（今日简报）。"


async def test_subscribe_and_unsubscribe_choose_what_comes(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    panel = await bot.say(BOSS, "/subscribe")
    assert panel["text"].splitlines() == [
        "您的简报订阅（点按切换）：",
        f"{A}：每日简报 开，考核结果 开",
        f"{B}：每日简报 开，考核结果 开",
    ]
    switched = await bot.tap(BOSS, panel, f"{B} 每日简报")
    assert switched["text"].splitlines()[2] == f"{B}：每日简报 关，考核结果 开"
    done = await bot.say(MANAGER, "/unsubscribe daily")
    assert done["text"] == f"已更新。{A}：每日简报 关，考核结果 开"
    clock.set(local(2026, 7, 15, 18, 0, 5))
    await tick(bot)
    daily = [(d.chat_id, d.contract_id) for d in await deliveries(world, "daily")]
    assert (MANAGER.chat_id, A) not in daily and (BOSS.chat_id, B) not in daily
    assert (BOSS.chat_id, A) in daily
    back = await bot.say(MANAGER, "/subscribe daily")
    assert back["text"] == f"已更新。{A}：每日简报 开，考核结果 开"
    assert (await bot.say(INSPECTOR, "/subscribe"))[
        "text"
    ] == "简报和考核结果只对甲方管理人员开放。"


async def test_schedule_shows_and_moves_the_digest_times(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    shown = await bot.say(MANAGER, "/schedule")
    assert shown["text"].splitlines()[:4] == [
        f"合同 {A} 的推送时间（Asia/Shanghai）：",
        "每日简报：18:00",
        "考核结果：每期结束后次月 1 日 09:00",
        "检查员提醒：关闭",
    ]
    moved = await bot.say(MANAGER, "/schedule daily 18:30 assessment 24 09:00 reminder 16:00")
    assert moved["text"].splitlines()[:5] == [
        "已更新。",
        f"合同 {A} 的推送时间（Asia/Shanghai）：",
        "每日简报：18:30",
        "考核结果：每期结束后次月 24 日 09:00",
        "检查员提醒：16:00（每天）",
    ]
    assert "• 考核结果：2026-07-24 09:00" in moved["text"]  # June's, before the 25th
    async with world.sessions() as session:
        contract = await session.get(Contract, A)
        assert contract is not None and contract.schedule == {
            "daily_digest": "18:30",
            "period_assessment": "24 09:00",
            "reminder": "16:00",
            "reminder_days": "daily",
        }
    assert bot.app.job_queue is not None
    [job] = bot.app.job_queue.get_jobs_by_name(job_name(A, "daily"))
    assert job.data.due == local(2026, 7, 15, 18, 30)
    bad = await bot.say(MANAGER, "/schedule daily 25:00")
    assert bad["text"] == "无法设置 daily_digest = 25:00：请写 HH:MM (e.g. 18:00) or off。"
    assert (await bot.say(INSPECTOR, "/schedule daily 08:00"))["text"].startswith("简报和考核结果")


async def test_the_reminder_goes_to_inspectors_who_reported_nothing(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    await bot.say(MANAGER, "/schedule reminder 16:00 days weekdays")
    await report(world, A, "dress_code", local(2026, 7, 15, 9, 0), staff="张三")  # by INSPECTOR
    clock.set(local(2026, 7, 15, 16, 0, 5))  # a Wednesday
    await tick(bot)
    reminded = {d.chat_id for d in await deliveries(world, "reminder")}
    assert INSPECTOR.chat_id not in reminded and 1002 in reminded  # INSPECTOR_EN said nothing
    clock.set(local(2026, 7, 18, 16, 0, 5))  # a Saturday: weekdays only
    await tick(bot)
    assert {d.period for d in await deliveries(world, "reminder")} == {"2026-07-15"}
    assert dt.date(2026, 7, 18).weekday() == 5
