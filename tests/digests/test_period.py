"""The period assessment: at 09:00 on the 1st, with the official table and a chart, and the
period closed with the figures sent; late reports then need a manager and show as
adjustments.

Contract 001 (haidian): July 2026 holds a late arrival under an hour (0.1, 附件二 第四章
三、1) and three missed handovers (0.1 per ticket): 100 − 0.4 = 99.6, and each 0.1 point
below 100 costs 100 CNY (第三章 二): 400 CNY.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from matplotlib import image
from typer.testing import CliRunner

from bot.app.clock import OffsetClock
from bot.cli.main import app as cli
from bot.services.registry import Services
from storage.db import write_session
from storage.models import Dispute, DisputeStatus
from tests.digests.conftest import Launch, tick
from tests.digests.world import (
    BOSS,
    INSPECTOR,
    MANAGER,
    MANAGER_B,
    A,
    all_entries,
    closed,
    deliveries,
    late_reports,
    local,
    person_id,
    report,
    sent_before,
)
from tests.fakebot import buttons

DUE = local(2026, 8, 1, 9, 0)
PNG = b"\x89PNG\r\n\x1a\n"


async def _july(services: Services) -> int:
    """June: one dress-code report (99.9); July: late 25 min and 3 missed handovers (99.6)."""
    await report(services, A, "dress_code", local(2026, 6, 25, 10, 0), staff="王五")
    await report(services, A, "late_arrival", local(2026, 7, 3, 8, 40), staff="张三", value="25")
    return await report(services, A, "missed_handover", local(2026, 7, 15, 9, 30), quantity=3)


def _all_cells(content: bytes) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


async def _cli_table(services: Services, folder: Path) -> bytes:
    """``floorbot report --format xlsx`` on the same database (in a thread: it has its loop)."""
    target = folder / "cli.xlsx"
    result = await asyncio.to_thread(
        CliRunner().invoke,
        cli,
        ["report", "--contract", A, "--period", "2026-07", "--format", "xlsx", "-o", str(target)],
        env={"FLOORBOT_DATABASE_URL": services.settings.database_url},
    )
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def _cells(content: bytes) -> dict[str, object]:
    """The official table's label → value pairs (first two columns)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return {str(row[0]): row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


async def test_the_assessment_goes_out_at_9_on_the_1st_with_table_and_chart(
    world: Services, launch: Launch, clock: OffsetClock, tmp_path: Path
) -> None:
    await sent_before(world, local(2026, 8, 1, 8, 0))
    await _july(world)
    clock.set(DUE - dt.timedelta(seconds=1.5))
    bot = await launch()
    text = await bot.fake.wait_for_message(MANAGER.chat_id, timeout=5)
    table = await bot.fake.wait_for_message(MANAGER.chat_id)
    chart = await bot.fake.wait_for_message(MANAGER.chat_id)
    assert clock.now() >= DUE
    lines = text["text"].splitlines()
    assert lines[:4] == [
        f"📋 {A}（海淀区城管执法局综合调度工作服务外包项目（2026—2027））2026-07 考核结果",
        "得分：99.6 / 100（终定）",
        "合计扣分 0.4，加分 0",
        "扣减服务费：400 元",
    ]
    assert "• 迟到：扣 0.1 分" in lines
    assert "• 交接班时未审核“一般案件”单据留存未交接 ×3：扣 0.3 分" in lines
    assert lines[-2:] == [
        "本期现已结算关闭：补报须经管理人员批准，并作为调整项列出，已发送的数字不变。",
        "附件：官方考核表（.xlsx）和得分图。",
    ]
    assert table["document"]["file_name"] == f"{A}-2026-07.xlsx"
    sent_table = bot.fake.document_content(table)
    cells = _cells(sent_table)
    assert (cells["考核得分"], cells["合计扣分"], cells["扣减服务费（元）"]) == (99.6, 0.4, 400)
    assert _all_cells(sent_table) == _all_cells(await _cli_table(world, tmp_path))
    picture = bot.fake.photo_content(chart)
    assert picture.startswith(PNG)
    assert image.imread(io.BytesIO(picture), format="png").shape[:2] == (400, 900)
    assert chart["caption"] == f"{A} 2026-07 得分走势及近 2 期得分"
    found = await closed(world, A, "2026-07")
    assert found is not None and found.score == Decimal("99.6")
    assert found.summary["money"]["fee_deduction"] == "400"
    await tick(bot)
    rows = await deliveries(world, "period")
    assert sorted((r.chat_id, r.contract_id, r.state) for r in rows) == [
        (MANAGER.chat_id, A, "sent"),
        (BOSS.chat_id, A, "sent"),
        (BOSS.chat_id, "haidian-east-2026", "sent"),
        (MANAGER_B.chat_id, "haidian-east-2026", "sent"),
    ]


async def test_an_open_dispute_is_listed_and_keeps_the_score_provisional(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 8, 1, 8, 0))
    disputed = await _july(world)
    async with write_session(world.sessions) as session:
        session.add(
            Dispute(
                contract_id=A,
                entry_id=disputed,
                status=DisputeStatus.OPEN.value,
                reason="the tickets were handed over by phone",
                opened_by_id=await person_id(world, INSPECTOR),
                opened_at=local(2026, 7, 20, 10, 0),
            )
        )
    clock.set(DUE + dt.timedelta(seconds=5))
    bot = await launch()
    text = (await bot.fake.wait_for_message(MANAGER.chat_id))["text"]
    assert "得分：99.6 / 100（暂定：1 条异议未决）" in text
    assert (
        f"• 异议 #1：报告 #{disputed} 交接班时未审核“一般案件”单据留存未交接，2026-07-15 09:30"
        in text
    )
    found = await closed(world, A, "2026-07")
    assert found is not None and found.summary["provisional"] is True
    assert found.summary["open_disputes"] == [1]


async def test_a_late_report_for_a_closed_period_needs_a_manager_and_shows_as_adjustment(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 8, 1, 8, 0))
    await _july(world)
    clock.set(DUE + dt.timedelta(hours=1))
    bot = await launch()  # the July assessment goes out (late by an hour) and July closes
    bot.fake.skip_to_end(MANAGER.chat_id)
    bot.fake.skip_to_end(BOSS.chat_id)
    held = await bot.say(INSPECTOR, "/late 张三 25 07-31 08:40")
    assert held["text"].startswith(
        "考核期 2026-07 已结算关闭，这条补报已提交管理人员审批（申请 #1）"
    )
    assert len(await all_entries(world)) == 3  # nothing recorded yet
    await tick(bot)
    request = await bot.fake.wait_for_message(MANAGER.chat_id)
    copy = await bot.fake.wait_for_message(BOSS.chat_id)
    assert request["text"].splitlines()[:3] == [
        "🕒 补报审批 #1",
        f"合同 {A} 的考核期 2026-07 已结算关闭（发送时得分 99.6）。",
        "检查员 Ins A 补报：迟到 — 张三 (25)",
    ]
    assert buttons(request) == ["✅ 批准", "✖️ 驳回"]
    decided = await bot.tap(MANAGER, request, "批准")
    entry = (await all_entries(world))[-1]
    assert entry.occurred_at == local(2026, 7, 31, 8, 40)
    assert decided["text"].endswith(
        f"✅ 已由 Mgr A 批准，记录为 #{entry.id}。2026-07 发送时得分 99.6，现为 99.5。"
    )
    told = await bot.fake.wait_for_message(INSPECTOR.chat_id)
    assert told["text"] == (
        f"✅ 您对 2026-07 的补报 #1（迟到 — 张三 (25)）已由 Mgr A 批准，记录为 #{entry.id}。"
    )
    edited = await bot.fake.wait_for_message(BOSS.chat_id)
    assert edited["message_id"] == copy["message_id"] and buttons(edited) == []
    await bot.fake.press(BOSS, copy, "late:ok:1")  # a second manager, too late
    again = await bot.next(BOSS)
    assert again["text"].endswith("补报 #1 已由 Mgr A 处理：已批准。")
    assert len(await all_entries(world)) == 4  # recorded once
    sent = await closed(world, A, "2026-07")
    assert sent is not None and sent.score == Decimal("99.6")  # the sent figure stands
    clock.set(local(2026, 8, 1, 18, 0, 5))
    await tick(bot)
    digest = await bot.fake.wait_for_message(MANAGER.chat_id)
    assert (
        "🔁 调整：补报 #1（迟到 — 张三 (25), 2026-07-31 08:40）已批准计入已结算的 2026-07，"
        "扣 0.1 分；2026-07 发送时得分 99.6，现为 99.5。"
    ) in digest["text"]
    assert "今日无新报告。" in digest["text"].splitlines()  # the entry shows as the adjustment


async def test_a_rejected_late_report_records_nothing(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 8, 1, 8, 0))
    await _july(world)
    clock.set(DUE + dt.timedelta(hours=1))
    bot = await launch()
    bot.fake.skip_to_end(MANAGER.chat_id)
    card = await bot.say(INSPECTOR, "/report")  # the guided form, with a time in July
    items = await bot.tap(INSPECTOR, card, "工作纪律")
    staff = await bot.tap(INSPECTOR, items, "未按规定着装")
    photo = await bot.tap(INSPECTOR, staff, "李四")
    summary = await bot.tap(INSPECTOR, photo, "跳过")
    menu = await bot.tap(INSPECTOR, summary, "修改")
    await bot.tap(INSPECTOR, menu, "时间")
    summary = await bot.say(INSPECTOR, "07-30 09:00")
    assert "🕒 2026-07-30 09:00" in summary["text"]
    held = await bot.tap(INSPECTOR, summary, "确认")
    assert held["text"].startswith(
        "考核期 2026-07 已结算关闭，这条补报已提交管理人员审批（申请 #1）"
    )
    await tick(bot)
    request = await bot.fake.wait_for_message(MANAGER.chat_id)
    decided = await bot.tap(MANAGER, request, "驳回")
    assert decided["text"].endswith("✖️ 已由 Mgr A 驳回，未记录。")
    told = await bot.fake.wait_for_message(INSPECTOR.chat_id)
    assert (
        told["text"] == "✖️ 您对 2026-07 的补报 #1（未按规定着装 — 李四）已被 Mgr A 驳回，未记录。"
    )
    assert len(await all_entries(world)) == 3
    assert [r.status for r in await late_reports(world)] == ["rejected"]
