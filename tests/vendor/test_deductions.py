"""/deductions: every finding with id, time, item, staff, quantity, points and state; paged;
one in detail with its evidence photos; the inspector's note hidden when it is internal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from storage.bot_queries import person_by_telegram_id
from storage.db import write_session
from storage.dispute_queries import add_dispute, settle
from storage.models import DisputeStatus, Entry, EntryState
from storage.queries import change_state, correct_entry, void_entry
from tests.bot.world import INSPECTOR, MANAGER, VENDOR, A, evidence
from tests.fakebot import buttons
from tests.vendor.conftest import Running
from tests.vendor.world import finding, photo_ids

HOUR = dt.timedelta(hours=1)


async def test_pages_of_findings_newest_first(vbot: Running) -> None:
    ids = [await finding(vbot, A, "dress_code", ago=(12 - n) * HOUR) for n in range(10)]
    first = await vbot.say(VENDOR, "/deductions")
    lines = first["text"].split("\n")
    assert lines[0] == "🧾 haidian-2026 · 2026-07 · 共 10 条（第 1/2 页）"
    assert [line.split()[0] for line in lines[2:]] == [f"#{i}" for i in reversed(ids[2:])]
    assert buttons(first)[-1] == "下一页 »"
    second = await vbot.tap(VENDOR, first, "下一页")
    assert second["message_id"] == first["message_id"]  # the same list, turned over
    assert second["text"].split("\n")[0] == "🧾 haidian-2026 · 2026-07 · 共 10 条（第 2/2 页）"
    assert [line.split()[0] for line in second["text"].split("\n")[2:]] == [
        f"#{ids[1]}",
        f"#{ids[0]}",
    ]
    assert buttons(second) == [f"#{ids[1]}", f"#{ids[0]}", "« 上一页"]


async def test_each_line_shows_time_item_staff_quantity_points_and_state(vbot: Running) -> None:
    late = await finding(vbot, A, "late_arrival", value="75", ago=5 * HOUR)
    handover = await finding(vbot, A, "missed_handover", quantity="3", staff=None, ago=4 * HOUR)
    dress = await finding(vbot, A, "dress_code", staff="李四", ago=3 * HOUR, photos=[b"p" * 90])
    absent = await finding(vbot, A, "absence", staff="王五", ago=2 * HOUR)
    early = await finding(vbot, A, "early_leave", ago=HOUR)
    await _act_on(vbot, late=late, dress=dress, absent=absent, early=early)
    reply = await vbot.say(VENDOR, "/deductions 2026-07")
    assert reply["text"].split("\n")[2:] == [
        f"#{early} 07-15 09:00 早退 — 张三 ×1 不计分 [已撤销]",
        f"#{absent} 07-15 08:00 旷工或人员缺位未及时补足 — 王五 ×1 不计分 [已撤回]",
        f"#{dress} 07-15 07:00 未按规定着装 — 李四 ×1 扣 0.1 分 📷 [异议驳回]",
        # 一、3: 0.1 per ticket left → 3 tickets 0.3.
        f"#{handover} 07-15 06:00 交接班时未审核“一般案件”单据留存未交接 ×3 扣 0.3 分 [已记录]",
        # 三、1: corrected from 75 to 25 minutes late → under 1 hour, 0.1.
        f"#{late} 07-15 05:00 迟到 — 张三 ×1 扣 0.1 分 [已调整]",
    ]


async def _act_on(vbot: Running, *, late: int, dress: int, absent: int, early: int) -> None:
    """Give findings each state a dispute or an undo leaves them in."""
    now = vbot.clock.now()
    async with write_session(vbot.services.sessions) as session:
        manager = await person_by_telegram_id(session=session, telegram_user_id=MANAGER.id)
        assert manager is not None and manager.id is not None
        who = {"actor_id": manager.id, "reason": "r", "now": now}
        await change_state(session=session, entry_id=late, state=EntryState.ADJUSTED, **who)
        await correct_entry(session=session, entry_id=late, quantity=Decimal(1), value="25", **who)
        await change_state(session=session, entry_id=dress, state=EntryState.UPHELD, **who)
        await change_state(session=session, entry_id=absent, state=EntryState.WITHDRAWN, **who)
        await void_entry(session=session, entry_id=absent, **who)
        await void_entry(session=session, entry_id=early, **who)


async def test_the_detail_and_its_evidence_photos(vbot: Running) -> None:
    entry_id = await finding(
        vbot, A, "late_arrival", value="75", photos=[b"clock" * 80, b"desk" * 80]
    )
    stored = await _evidence_ids(vbot, entry_id)
    listing = await vbot.say(VENDOR, "/deductions")
    detail = await vbot.tap(VENDOR, listing, f"#{entry_id}")
    assert detail["text"].split("\n") == [
        f"报告 #{entry_id} · 合同 haidian-2026",
        "迟到 — 迟到1小时以上",
        "👤 张三",
        "📏 迟到分钟数: 75",
        "🕒 2026-07-15 09:30",
        "💰 扣 0.5 分（未计封顶）",
        "🕵️ 检查员：Ins A",
        "📷 照片 2 张",
        "状态：已记录",
        "⏳ 可在 2026-07-20 24:00 前提出异议",
    ]
    assert buttons(detail) == ["⚖️ 提出异议"]
    first = await vbot.next(VENDOR)
    second = await vbot.next(VENDOR)
    assert [first["caption"], second["caption"]] == [
        f"报告 #{entry_id} 的证据照片 1/2",
        f"报告 #{entry_id} 的证据照片 2/2",
    ]
    assert photo_ids(vbot, VENDOR.chat_id) == stored  # resent by their Telegram file ids


async def _evidence_ids(vbot: Running, entry_id: int) -> list[str]:
    return [e.telegram_file_id for e in await evidence(vbot.services, entry_id)]


async def test_notes_are_shown_unless_the_rulebook_keeps_them_internal(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code", note="领班说他昨天也没穿")
    listing = await vbot.say(VENDOR, "/deductions")
    detail = await vbot.tap(VENDOR, listing, f"#{entry_id}")
    assert "📝 领班说他昨天也没穿" in detail["text"]


async def test_internal_notes_stay_with_the_client(internal_notes_bot: Running) -> None:
    bot = internal_notes_bot
    entry_id = await finding(bot, A, "dress_code", note="领班说他昨天也没穿")
    for user, shown in ((VENDOR, False), (MANAGER, True), (INSPECTOR, True)):
        listing = await bot.say(user, "/deductions")
        detail = await bot.tap(user, listing, f"#{entry_id}")
        assert ("领班说他昨天也没穿" in detail["text"]) is shown, user.first_name
    await bot.say(VENDOR, f"/dispute {entry_id} 着装符合规定")
    card = await bot.fake.wait_for_message(MANAGER.chat_id, lambda m: "新异议" in m.get("text", ""))
    assert "📝 领班说他昨天也没穿" in card["text"]  # the manager's copy keeps it


async def test_an_empty_period(vbot: Running) -> None:
    reply = await vbot.say(VENDOR, "/deductions 2026-06")
    assert reply["text"] == "🧾 haidian-2026 · 2026-06：本期没有扣分记录。"


async def test_a_decided_dispute_shows_in_the_detail(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    now = vbot.clock.now()
    async with write_session(vbot.services.sessions) as session:
        vendor = await person_by_telegram_id(session=session, telegram_user_id=VENDOR.id)
        manager = await person_by_telegram_id(session=session, telegram_user_id=MANAGER.id)
        entry = await session.get(Entry, entry_id)
        assert vendor and vendor.id and manager and manager.id and entry
        dispute = await add_dispute(
            session=session, entry=entry, reason="着装符合规定", opened_by_id=vendor.id, now=now
        )
        assert dispute.id is not None
        await settle(
            session=session,
            dispute_id=dispute.id,
            status=DisputeStatus.UPHELD,
            resolved_by_id=manager.id,
            resolution="照片清楚",
            now=now + HOUR,
        )
    listing = await vbot.say(VENDOR, "/deductions")
    detail = await vbot.tap(VENDOR, listing, f"#{entry_id}")
    assert detail["text"].split("\n")[-2:] == [
        "⚖️ 异议 #1（Vendor A，2026-07-15 10:00）：着装符合规定",
        "   处理：维持扣分 — 照片清楚（Mgr A，2026-07-15 11:00）",
    ]
    assert "reply_markup" not in detail  # decided: no Dispute button, no decision buttons
