"""Disputes in chat: a lead disputes, managers decide once, the score follows the decision.

Points from haidian-dispatch-2026 (001) 附件二 第四章 三、1: late under 1 hour 0.1, late 1 hour
or more (以上: from 60 minutes) 0.5; 一、3: a missed handover 0.1 per ticket; 第三章 二: 100
CNY per 0.1 point below 100.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from storage.models import AuditRecord, EntryAction
from tests.bot.world import INSPECTOR, MANAGER, TZ, VENDOR, A, actions, evidence
from tests.fakebot import buttons
from tests.vendor.conftest import Running
from tests.vendor.world import (
    MANAGER_2,
    audit_actions,
    card,
    disputes,
    finding,
    fresh,
    next_text,
    photo_ids,
)


async def _reported_late(bot: Running) -> int:
    """The inspector reports 张三 75 minutes late, with a photo; returns the report's id."""
    await bot.fake.send_photo(INSPECTOR, b"clock-in screen" * 40, caption="/late 张三 75")
    reply = await bot.next(INSPECTOR)
    return int(reply["text"].split("#")[1].split("：")[0])


async def _score_line(bot: Running) -> str:
    reply = await fresh(bot, VENDOR, "/score")
    return next(line for line in reply["text"].split("\n") if line.startswith("得分"))


async def test_a_lead_disputes_a_manager_withdraws_the_score_moves_back(vbot: Running) -> None:
    entry_id = await _reported_late(vbot)
    assert await _score_line(vbot) == "得分：99.5 / 100"
    opened = await vbot.say(VENDOR, f"/dispute {entry_id} 打卡记录显示8:25到岗")
    assert opened["text"].startswith(
        f"⚖️ 已提交异议 #1：报告 #{entry_id}（迟到）。已通知 2 位甲方管理人员。"
    )
    shown = await next_text(vbot, MANAGER, "新异议")
    assert shown["text"].startswith(
        "⚖️ 新异议 #1 · 合同 haidian-2026\n乙方负责人 Vendor A 对报告 #1 提出异议：\n"
        "“打卡记录显示8:25到岗”\n\n迟到 — 迟到1小时以上\n👤 张三\n📏 迟到分钟数: 75"
    )
    assert buttons(shown) == ["✅ 维持扣分", "↩️ 撤回", "✂️ 减扣"]
    english = await next_text(vbot, MANAGER_2, "New dispute")
    assert buttons(english) == ["✅ Uphold", "↩️ Withdraw", "✂️ Reduce"]
    await next_text(vbot, MANAGER, "证据照片 1/1")
    [kept] = await evidence(vbot.services, entry_id)
    assert photo_ids(vbot, MANAGER.chat_id) == [kept.telegram_file_id]  # the original evidence

    prompt = await vbot.tap(MANAGER, shown, "撤回")
    assert prompt["text"].startswith("异议 #1：撤回。请输入理由")
    decided = await vbot.say(MANAGER, "考勤机记录属实，撤回")
    assert decided["text"] == (
        "✅ 异议 #1 已处理：撤回。该项不再计分（原为 扣 0.5 分）。\n理由：考勤机记录属实，撤回\n"
        "已通知乙方负责人和检查员。"
    )
    vendor_notice = await next_text(vbot, VENDOR, "已处理")
    assert vendor_notice["text"] == (
        f"⚖️ 您对报告 #{entry_id}（迟到）的异议 #1 已处理：撤回。该项不再计分（原为 扣 0.5 分）。\n"
        "理由：考勤机记录属实，撤回\n处理人：Mgr A"
    )
    inspector_notice = await next_text(vbot, INSPECTOR, "被提出异议")
    assert "理由：考勤机记录属实，撤回" in inspector_notice["text"]

    assert await _score_line(vbot) == "得分：100 / 100"
    [dispute] = await disputes(vbot)
    assert (dispute.status, dispute.resolution) == ("withdrawn", "考勤机记录属实，撤回")
    steps = [(a.kind, a.state) for a in await actions(vbot.services, entry_id)]
    assert steps == [("state", "disputed"), ("state", "withdrawn"), ("void", None)]
    assert await audit_actions(vbot, "dispute:1") == ["dispute.open", "dispute.decide"]
    assert await audit_actions(vbot, f"entry:{entry_id}") == [
        "entry.report",
        "entry.state",
        "entry.state",
        "entry.void",
    ]


async def test_a_reduce_changes_the_points_exactly_as_the_rulebook_says(vbot: Running) -> None:
    entry_id = await _reported_late(vbot)
    await vbot.say(VENDOR, f"/dispute {entry_id} 只迟到了25分钟")
    prompt = await vbot.tap(MANAGER, await card(vbot, MANAGER), "减扣")
    assert prompt["text"].startswith("异议 #1：减扣。当前：迟到分钟数 75 → 扣 0.5 分。")
    assert "请先输入新的迟到分钟数，再写理由，例如：30 核实后的情况。" in prompt["text"]
    # Refusals keep the manager in the conversation, and change nothing.
    same_band = await vbot.say(MANAGER, "90 还是超过一小时")
    assert same_band["text"] == "这不是减扣：现为 0.5，改后为 0.5。要维持原扣分请点“维持扣分”。"
    no_number = await vbot.say(MANAGER, "打卡记录核实")
    assert no_number["text"].startswith("请先写新的迟到分钟数或数量（如 x2），再写理由")
    no_reason = await vbot.say(MANAGER, "25")
    assert no_reason["text"] == "请写明理由，它会告知乙方负责人和检查员。"
    assert [d.status for d in await disputes(vbot)] == ["open"]

    decided = await vbot.say(MANAGER, "25 打卡记录核实为8:25")
    # 三、1: 25 minutes is under 1 hour → 0.1 instead of 0.5.
    assert decided["text"].startswith("✅ 异议 #1 已处理：减扣。扣 0.5 分 → 扣 0.1 分。")
    assert await _score_line(vbot) == "得分：99.9 / 100"
    corrections = [a for a in await actions(vbot.services, entry_id) if a.kind == "correct"]
    assert [(str(a.quantity), a.value) for a in corrections] == [("1", "25")]
    assert [d.status for d in await disputes(vbot)] == ["adjusted"]


async def test_a_reduce_of_the_quantity(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "missed_handover", quantity="3", staff=None)
    await vbot.say(VENDOR, f"/dispute {entry_id} 只有一张工单未交接")
    prompt = await vbot.tap(MANAGER, await card(vbot, MANAGER), "减扣")
    assert "请先输入新的数量" in prompt["text"]
    decided = await vbot.say(MANAGER, "1 核实后只有一张")
    # 一、3: 0.1 per ticket → 3 tickets 0.3, 1 ticket 0.1.
    assert decided["text"].startswith("✅ 异议 #1 已处理：减扣。扣 0.3 分 → 扣 0.1 分。")
    assert await _score_line(vbot) == "得分：99.9 / 100"


async def test_an_upheld_deduction_stays(vbot: Running) -> None:
    entry_id = await _reported_late(vbot)
    await vbot.say(VENDOR, f"/dispute {entry_id} 系统故障")
    await vbot.tap(MANAGER, await card(vbot, MANAGER), "维持")
    decided = await vbot.say(MANAGER, "当日系统运行正常")
    assert decided["text"].startswith("✅ 异议 #1 已处理：维持扣分。扣分不变：扣 0.5 分。")
    assert await _score_line(vbot) == "得分：99.5 / 100"
    listing = await fresh(vbot, VENDOR, "/deductions")
    assert f"#{entry_id} 07-15 10:00 迟到 — 张三 ×1 扣 0.5 分 📷 [异议驳回]" in listing["text"]


async def test_late_disputes_are_refused(vbot: Running) -> None:
    # Recorded on Wednesday 15 July at 09:30: Thursday, Friday and Monday are the three
    # working days (the day of the notice does not count; the weekend is skipped).
    early = await finding(vbot, A, "dress_code")
    late = await finding(vbot, A, "dress_code", staff="李四")
    vbot.clock.set(dt.datetime(2026, 7, 20, 23, 59, tzinfo=TZ))
    accepted = await vbot.say(VENDOR, f"/dispute {early} 着装符合规定")
    assert accepted["text"].startswith("⚖️ 已提交异议 #1")
    vbot.clock.set(dt.datetime(2026, 7, 21, 0, 0, 1, tzinfo=TZ))
    refused = await vbot.say(VENDOR, f"/dispute {late} 着装符合规定")
    assert refused["text"] == (
        f"报告 #{late} 的异议期已于 2026-07-20 24:00 结束（自 2026-07-15 09:30 记录起算的工作日），"
        "不能再提出异议。"
    )
    assert [d.entry_id for d in await disputes(vbot)] == [early]


async def test_the_default_window_is_a_setting(one_day_bot: Running) -> None:
    # haidian-dispatch-2026 has no objection clause: one working day here, by the setting.
    entry_id = await finding(one_day_bot, A, "dress_code")
    one_day_bot.clock.set(dt.datetime(2026, 7, 17, 9, 0, tzinfo=TZ))
    refused = await one_day_bot.say(VENDOR, f"/dispute {entry_id} 着装符合规定")
    assert refused["text"].startswith(f"报告 #{entry_id} 的异议期已于 2026-07-16 24:00 结束")


async def test_two_managers_deciding_at_once_settle_it_once(vbot: Running) -> None:
    entry_id = await _reported_late(vbot)
    await vbot.say(VENDOR, f"/dispute {entry_id} 打卡记录显示8:25到岗")
    first_card = await card(vbot, MANAGER)
    second_card = await card(vbot, MANAGER_2)
    await vbot.tap(MANAGER, first_card, "撤回")
    await vbot.tap(MANAGER_2, second_card, "Uphold")
    await vbot.fake.send_text(MANAGER, "记录有误")
    await vbot.fake.send_text(MANAGER_2, "the record is right")
    first = await next_text(vbot, MANAGER, "异议 #1")
    second = await next_text(vbot, MANAGER_2, "Dispute #1")
    assert first["text"].startswith("✅ 异议 #1 已处理：撤回。")
    assert (
        second["text"] == "Dispute #1 was already decided by Mgr A at 2026-07-15 10:00: withdrawn."
    )
    [dispute] = await disputes(vbot)
    assert dispute.status == "withdrawn"
    steps = [(a.kind, a.state) for a in await actions(vbot.services, entry_id)]
    assert steps == [("state", "disputed"), ("state", "withdrawn"), ("void", None)]
    late_tap = await vbot.tap(MANAGER_2, second_card, "Reduce")
    assert late_tap["text"].startswith("Dispute #1 was already decided by Mgr A")


async def test_photos_come_with_the_dispute_and_after_it(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code", photos=[b"inspector" * 50])
    await vbot.fake.send_photo(VENDOR, b"uniform ok" * 50, caption=f"/dispute {entry_id} 着装合规")
    opened = await next_text(vbot, VENDOR, "已提交异议")
    await next_text(vbot, MANAGER, "新异议")
    await next_text(vbot, MANAGER, "证据照片 1/1")
    await next_text(vbot, MANAGER, "异议 #1：乙方照片 1/1")
    more = await vbot.photo(VENDOR, b"name badge" * 50)
    assert more["text"] == "📷 已为异议 #1 添加 1 张照片，并转给管理人员。"
    await next_text(vbot, MANAGER, "异议 #1：乙方照片 1/1")
    assert len(photo_ids(vbot, MANAGER.chat_id)) == 3
    assert await audit_actions(vbot, "dispute:1") == [
        "dispute.open",
        "dispute.photo",
        "dispute.photo",
    ]
    done = await vbot.tap(VENDOR, opened, "完成")
    assert done["text"] == "好的。处理结果会在这里通知您。"
    hint = await vbot.photo(VENDOR, b"later" * 50)  # no longer taken for the dispute
    assert "照片" in hint["text"] and "异议" not in hint["text"]


async def test_the_dispute_button_asks_for_the_reason(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    listing = await vbot.say(VENDOR, "/deductions")
    detail = await vbot.tap(VENDOR, listing, f"#{entry_id}")
    prompt = await vbot.tap(VENDOR, detail, "提出异议")
    assert prompt["text"].startswith(f"对报告 #{entry_id}（未按规定着装）提出异议：请输入理由")
    opened = await vbot.say(VENDOR, "当天穿的是新工装")
    assert opened["text"].startswith("⚖️ 已提交异议 #1")
    [dispute] = await disputes(vbot)
    assert dispute.reason == "当天穿的是新工装"


async def test_a_manager_decides_from_the_deduction_detail(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    await vbot.say(VENDOR, f"/dispute {entry_id} 着装合规")
    listing = await fresh(vbot, MANAGER, "/deductions")
    detail = await vbot.tap(MANAGER, listing, f"#{entry_id}")
    assert buttons(detail) == ["✅ 维持扣分", "↩️ 撤回", "✂️ 减扣"]
    assert "状态：异议中" in detail["text"]


async def test_refusals_and_cancels(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    usage = await vbot.say(VENDOR, "/dispute")
    assert usage["text"].startswith("用法：/dispute 报告编号 理由")
    prompt = await vbot.say(VENDOR, f"/dispute {entry_id}")
    assert "请输入理由" in prompt["text"]
    cancelled = await vbot.say(VENDOR, "/cancel")
    assert cancelled["text"] == "已取消，没有记录任何内容。"
    assert await disputes(vbot) == []
    await vbot.say(VENDOR, f"/dispute {entry_id} 着装合规")
    again = await vbot.say(VENDOR, f"/dispute {entry_id} 再说一次")
    assert again["text"] == f"报告 #{entry_id} 已提出过异议（#1），每条扣分只能提出一次。"
    await vbot.tap(MANAGER, await card(vbot, MANAGER), "撤回")
    kept_open = await vbot.say(MANAGER, "/cancel")
    assert kept_open["text"] == "已取消，异议仍待处理。"
    assert [d.status for d in await disputes(vbot)] == ["open"]


async def test_a_void_report_cannot_be_disputed(vbot: Running) -> None:
    confirmation = await vbot.say(INSPECTOR, "/late 张三 75")
    undone = int(confirmation["text"].split("#")[1].split("：")[0])
    await vbot.tap(INSPECTOR, confirmation, "撤销")
    refused = await vbot.say(VENDOR, f"/dispute {undone} 理由")
    assert refused["text"] == f"报告 #{undone} 已作废，不再计分。"


async def test_nothing_is_written_for_a_refused_decision(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    await vbot.say(VENDOR, f"/dispute {entry_id} 着装合规")
    await vbot.tap(MANAGER, await card(vbot, MANAGER), "减扣")
    refused = await vbot.say(MANAGER, "2 两个人")
    assert refused["text"].startswith(
        "这不是减扣：现为 0.1，改后为 0.2。"
    )  # dress code is per person: a reduce to 2 costs more
    async with vbot.services.sessions() as session:
        rows = await session.exec(select(EntryAction).where(col(EntryAction.kind) != "state"))
        assert rows.all() == []
        decided = await session.exec(
            select(AuditRecord).where(col(AuditRecord.action) == "dispute.decide")
        )
        assert decided.all() == []
