"""Editing a report's message: within the undo window it corrects the report; else it is told."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from storage.models import AuditRecord
from tests.bot.conftest import Running
from tests.bot.world import INSPECTOR, INSPECTOR_EN, actions, entries, evidence
from tests.fakebot import FakeUser, JsonDict


async def audit_actions(bot: Running) -> list[AuditRecord]:
    async with bot.services.sessions() as session:
        found = await session.exec(select(AuditRecord).order_by(col(AuditRecord.id)))
        return list(found.all())


async def edit(bot: Running, user: FakeUser, message: JsonDict, text: str) -> JsonDict:
    """The user edits ``message`` to ``text``; the bot's answer."""
    await bot.fake.edit_text(user, message, text)
    return await bot.next(user)


async def test_an_edit_within_the_window_corrects_the_report(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR_EN, "/handover 1")
    await bot.next(INSPECTOR_EN)
    bot.clock.advance(dt.timedelta(minutes=9, seconds=50))
    reply = await edit(bot, INSPECTOR_EN, message, "/handover 7")
    [row] = await entries(bot.services)
    first = reply["text"].splitlines()[0]
    assert first == f"✏️ Report #{row.id} corrected by your edit: quantity 1 → quantity 7"
    assert "−0.7 points" in reply["text"]  # 附件二 第四章 一、3: 0.1 per ticket
    assert row.quantity == "1"  # the entry is never changed: the correction is a new action
    [correction] = await actions(bot.services, row.id)
    assert (correction.kind, correction.quantity, correction.value) == ("correct", 7, None)
    line = (await audit_actions(bot))[-1]
    assert (line.action, line.subject) == ("entry.correct", f"entry:{row.id}")
    assert line.detail["quantity"] == "7"
    listed = await bot.say(INSPECTOR_EN, "/myreports")
    [mine] = [ln for ln in listed["text"].splitlines() if ln.startswith(f"#{row.id} ")]
    assert mine.endswith("✏️ quantity 7 [recorded, corrected]")


async def test_an_edited_value_corrects_it_and_later_edits_correct_again(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR, "/late 张三 25")
    await bot.next(INSPECTOR)
    first = await edit(bot, INSPECTOR, message, "/late 张三 35")
    [row] = await entries(bot.services)
    assert first["text"].splitlines()[0] == (
        f"✏️ 报告 #{row.id} 已按您的修改更正：迟到分钟数: 25 → 迟到分钟数: 35"
    )
    again = await edit(bot, INSPECTOR, message, "/late 张三 75")
    assert again["text"].splitlines()[:2] == [
        f"✏️ 报告 #{row.id} 已按您的修改更正：迟到分钟数: 35 → 迟到分钟数: 75",
        "迟到 — 迟到1小时以上",
    ]
    # 附件二 第四章 三、1: an hour late or more costs 0.5 instead of 0.1.
    assert "💰 扣 0.5 分（未计封顶）" in again["text"]
    assert [(a.kind, a.value) for a in await actions(bot.services, row.id)] == [
        ("correct", "35"),
        ("correct", "75"),
    ]
    assert len(await entries(bot.services)) == 1
    listed = await bot.say(INSPECTOR, "/myreports")
    assert listed["text"].splitlines()[1].endswith("✏️ 迟到分钟数: 75 [已记录，已更正]")


async def test_an_edit_after_the_window_is_answered_and_writes_nothing(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR_EN, "/handover 1")
    await bot.next(INSPECTOR_EN)
    lines = len(await audit_actions(bot))
    bot.clock.advance(dt.timedelta(minutes=10, seconds=5))
    reply = await edit(bot, INSPECTOR_EN, message, "/handover 7")
    [row] = await entries(bot.services)
    assert reply["text"] == (
        f"Report #{row.id} stands as recorded: an edit corrects a report only within 10 "
        "minutes of sending it. Ask a manager to correct it."
    )
    assert await actions(bot.services, row.id) == []
    assert len(await audit_actions(bot)) == lines
    listed = await bot.say(INSPECTOR_EN, "/myreports")
    assert "corrected" not in listed["text"]


@pytest.mark.parametrize(
    ("edited", "expected"),
    [
        (
            "/late 张三",
            "Report #{id} is unchanged: the edited message does not read as a report.\n"
            "Late arrival needs",
        ),
        (
            "/late 赵九 25",
            "Report #{id} is unchanged: the edited message does not read as a report.\n",
        ),
        (
            "/dress 张三",
            "Report #{id} is unchanged: an edit cannot change the item (Late arrival) or the "
            "contract. Tap Undo and send the new report.",
        ),
        (
            "/late 李四 25",
            "Report #{id} is unchanged: an edit corrects only the figures (the value and the "
            "quantity); the staff, the time and the note stay as recorded.",
        ),
        ("/late 张三 25 at 08:40", "Report #{id} is unchanged: an edit corrects only the figures"),
        (
            "张三 25",
            "Report #{id} is unchanged: the edited message no longer starts with its command.",
        ),
        ("/late  张三  25", "Report #{id} already says this; nothing changed."),
    ],
)
async def test_an_edit_that_cannot_correct_is_answered_and_writes_nothing(
    bot: Running, edited: str, expected: str
) -> None:
    message = await bot.fake.send_text(INSPECTOR_EN, "/late 张三 25")
    await bot.next(INSPECTOR_EN)
    lines = len(await audit_actions(bot))
    reply = await edit(bot, INSPECTOR_EN, message, edited)
    [row] = await entries(bot.services)
    assert reply["text"].startswith(expected.format(id=row.id))
    assert await actions(bot.services, row.id) == []
    assert len(await audit_actions(bot)) == lines
    assert (row.staff, row.value) == ("张三", "25")


async def test_an_edit_of_a_message_that_recorded_nothing_says_so(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR_EN, "/help")
    await bot.next(INSPECTOR_EN)
    reply = await edit(bot, INSPECTOR_EN, message, "/late 张三 25")
    assert reply["text"] == (
        "That message recorded no report, so editing it changes nothing. Send what you meant "
        "as a new message."
    )
    assert await entries(bot.services) == []


async def test_an_edit_of_an_undone_report_changes_nothing(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR_EN, "/handover 1")
    confirmation = await bot.next(INSPECTOR_EN)
    await bot.tap(INSPECTOR_EN, confirmation, "Undo")
    reply = await edit(bot, INSPECTOR_EN, message, "/handover 2")
    [row] = await entries(bot.services)
    assert reply["text"].startswith(f"Report #{row.id} was undone, so the edit changes nothing.")
    assert [a.kind for a in await actions(bot.services, row.id)] == ["void"]


async def test_a_redelivered_edit_corrects_once(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR, "/handover 1")
    await bot.next(INSPECTOR)
    await edit(bot, INSPECTOR, message, "/handover 4")
    await bot.fake.redeliver(bot.fake.injected[-1])
    await bot.fake.expect_silence(INSPECTOR.chat_id, within=0.5)
    [row] = await entries(bot.services)
    assert [(a.kind, a.quantity) for a in await actions(bot.services, row.id)] == [("correct", 4)]
    corrections = [a for a in await audit_actions(bot) if a.action == "entry.correct"]
    assert len(corrections) == 1


async def test_an_edited_caption_corrects_the_photo_report(bot: Running) -> None:
    photo = await bot.fake.send_photo(INSPECTOR_EN, b"ticket" * 60, caption="/handover 2")
    await bot.next(INSPECTOR_EN)
    await bot.fake.edit_caption(INSPECTOR_EN, photo, "/handover 3")
    reply = await bot.next(INSPECTOR_EN)
    [row] = await entries(bot.services)
    first = reply["text"].splitlines()[0]
    assert first == f"✏️ Report #{row.id} corrected by your edit: quantity 2 → quantity 3"
    assert [(a.kind, a.quantity) for a in await actions(bot.services, row.id)] == [("correct", 3)]
    assert len(await evidence(bot.services, row.id)) == 1
