"""The guided /report: one card edited in place, from contract to confirmation, and its edges."""

from __future__ import annotations

import hashlib

from tests.bot.conftest import Running
from tests.bot.world import BOTH, INSPECTOR, INSPECTOR_EN, A, B, entries, evidence
from tests.fakebot import JsonDict, buttons


async def test_guided_report_end_to_end(bot: Running) -> None:
    card = await bot.say(INSPECTOR_EN, "/report")
    assert card["text"].startswith("haidian-2026 — ")  # one contract: no contract step
    assert "Attendance" in buttons(card)
    card_id = card["message_id"]
    items = await bot.tap(INSPECTOR_EN, card, "Attendance")
    assert items["message_id"] == card_id
    assert buttons(items)[:2] == ["Late arrival", "Early leave"]
    staff = await bot.tap(INSPECTOR_EN, items, "Late arrival")
    assert buttons(staff)[:3] == ["张三", "李四", "王五"]
    value = await bot.tap(INSPECTOR_EN, staff, "李四")
    assert value["text"] == "Late arrival\nType the Minutes late (≥ 0)"
    photo = await bot.say(INSPECTOR_EN, "60")
    content = b"clock shows 09:00" * 40
    more = await bot.photo(INSPECTOR_EN, content)
    assert more["text"].startswith("1 photo(s) attached")
    summary = await bot.tap(INSPECTOR_EN, more, "Done")
    assert summary["text"] == (
        "Please check:\nLate arrival — Late 1 hour or more\n👤 李四\n📏 Minutes late: 60\n"
        "🕒 2026-07-15 10:00\n📷 1 photo(s)\n💰 −0.5 points (before caps)"
    )
    assert photo["message_id"] != card_id
    done = await bot.tap(INSPECTOR_EN, summary, "Confirm")
    [row] = await entries(bot.services)
    assert (row.contract, row.item, row.staff, row.value, row.occurred_local) == (
        A,
        "late_arrival",
        "李四",
        "60",
        "2026-07-15 10:00",
    )
    [kept] = await evidence(bot.services, row.id)
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert done["text"].startswith(f"✅ Recorded #{row.id}: Late arrival")
    assert buttons(done) == ["↩️ Undo"]


async def test_double_tapped_confirm_records_once(bot: Running) -> None:
    summary = await _dress_summary(bot)
    await bot.fake.press_button(INSPECTOR, summary, "确认")
    second_tap = await bot.fake.press_button(INSPECTOR, summary, "确认")
    done = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    assert done["text"].startswith(f"✅ 已记录 #{row.id}")
    assert buttons(done) == ["↩️ 撤销"]
    # The confirmation is a message of its own; the card keeps its summary, without buttons.
    card = await bot.fake.wait_for_message(
        INSPECTOR.chat_id, lambda m: m["message_id"] == summary["message_id"]
    )
    assert card["text"].startswith("请确认") and buttons(card) == []
    await bot.fake.expect_silence(INSPECTOR.chat_id, within=0.3)
    answer = bot.fake.callback_answers[second_tap]
    assert answer["text"] == f"这条报告已记录过（#{row.id}），没有重复记录。"


async def test_a_failure_after_confirm_says_the_report_was_recorded(bot: Running) -> None:
    summary = await _dress_summary(bot)
    bot.fake.fail_next("sendMessage", 400, "Bad Request: boom")  # the confirmation is refused
    reply = await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    assert reply["text"] == (
        f"报告 #{row.id} 已记录，但之后出错了，确认消息可能不完整。发送 /myreports 可查看。"
    )


async def _dress_summary(bot: Running) -> JsonDict:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "工作纪律")
    staff = await bot.tap(INSPECTOR, items, "未按规定着装")
    photo = await bot.tap(INSPECTOR, staff, "王五")
    return await bot.tap(INSPECTOR, photo, "跳过")


async def test_staff_not_on_the_roster_is_taken_and_flagged(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "工作纪律")
    staff = await bot.tap(INSPECTOR, items, "未按规定着装")
    assert staff["text"].startswith("未按规定着装\n选择人员")
    photo = await bot.say(INSPECTOR, "临时工小刘")
    summary = await bot.tap(INSPECTOR, photo, "跳过")
    assert "👤 临时工小刘（不在人员名单中）" in summary["text"]
    done = await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    assert row.staff == "临时工小刘"
    assert "👤 临时工小刘（不在人员名单中）" in done["text"]  # the confirmation says it too


async def test_edit_changes_a_field_and_returns_to_the_summary(bot: Running) -> None:
    summary = await _dress_summary(bot)
    menu = await bot.tap(INSPECTOR, summary, "修改")
    assert buttons(menu) == ["项目", "人员", "时间", "照片", "« 返回"]
    staff = await bot.tap(INSPECTOR, menu, "人员")
    again = await bot.tap(INSPECTOR, staff, "张三")
    assert "👤 张三" in again["text"] and again["text"].startswith("请确认")
    await bot.tap(INSPECTOR, again, "确认")
    [row] = await entries(bot.services)
    assert row.staff == "张三"


async def test_quantity_step_for_tickets(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "单据审核")
    staff = await bot.tap(INSPECTOR, items, "交接班时未审核")
    quantity = await bot.tap(INSPECTOR, staff, "不涉及具体人员")
    assert buttons(quantity)[:5] == ["1", "2", "3", "4", "5"]
    photo = await bot.say(INSPECTOR, "7")
    summary = await bot.tap(INSPECTOR, photo, "跳过")
    assert "扣 0.7 分" in summary["text"]
    await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    assert (row.item, row.staff, row.quantity) == ("missed_handover", None, "7")


async def test_cancel_records_nothing(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    await bot.tap(INSPECTOR, card, "工作纪律")
    cancelled = await bot.say(INSPECTOR, "/cancel")
    assert cancelled["text"] == "已取消，没有记录任何内容。"
    stale = await bot.fake.press_button(INSPECTOR, card, "考勤情况")
    await bot.fake.expect_silence(INSPECTOR.chat_id, within=0.3)
    assert bot.fake.callback_answers[stale]["text"] == "此表单已失效，请发送 /report 重新开始。"
    assert await entries(bot.services) == []


async def test_report_replying_to_a_photo_keeps_it(bot: Running) -> None:
    content = b"uniform" * 30
    photo = await bot.fake.send_photo(INSPECTOR, content)
    await bot.next(INSPECTOR)
    await bot.fake.send_text(INSPECTOR, "/report", reply_to=photo)
    card = await bot.next(INSPECTOR)
    items = await bot.tap(INSPECTOR, card, "工作纪律")
    staff = await bot.tap(INSPECTOR, items, "未按规定着装")
    photos = await bot.tap(INSPECTOR, staff, "李四")
    summary = await bot.tap(INSPECTOR, photos, "完成")
    assert "📷 照片 1 张" in summary["text"]
    await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    [kept] = await evidence(bot.services, row.id)
    assert kept.sha256 == hashlib.sha256(content).hexdigest()


async def test_an_album_fills_one_card(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "工作纪律")
    staff = await bot.tap(INSPECTOR, items, "未按规定着装")
    await bot.tap(INSPECTOR, staff, "李四")
    for n in range(3):
        await bot.fake.send_photo(INSPECTOR, b"shot %d" % n * 20, media_group_id="album7")
    last = await bot.fake.wait_for_message(
        INSPECTOR.chat_id, lambda m: m.get("text", "").startswith("已附 3 张照片")
    )
    summary = await bot.tap(INSPECTOR, last, "完成")
    await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    assert len(await evidence(bot.services, row.id)) == 3
    sent = [e.message for e in bot.fake.events if e.method == "sendMessage"]
    cards = {m["message_id"] for m in sent if not m["text"].startswith("✅ 已记录")}
    assert len(cards) == 2  # the first card, and one card for the whole album
    assert [m["text"][:6] for m in sent if m["text"].startswith("✅")] == ["✅ 已记录 #"[:6]]


async def test_several_contracts_ask_which_one_first(bot: Running) -> None:
    card = await bot.say(BOTH, "/report")
    assert card["text"] == "报告违规：选择合同"
    assert buttons(card) == [A, B, "✖️ 取消"]
    sections = await bot.tap(BOTH, card, B)
    assert sections["text"].startswith(f"{B} — ")


async def test_commonest_items_and_recent_staff_come_first(bot: Running) -> None:
    await bot.say(INSPECTOR, "/early 王五")
    await bot.say(INSPECTOR, "/early 王五")
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "考勤情况")
    assert buttons(items)[:2] == ["早退", "迟到"]
    staff = await bot.tap(INSPECTOR, items, "迟到")
    assert buttons(staff)[:3] == ["王五", "张三", "李四"]
