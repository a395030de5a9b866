"""Never a duplicate, never a lost report: redelivery, double taps, undo, concurrency, errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from storage.db import write_session
from storage.models import ClosedPeriod, Role
from tests.bot.conftest import Running
from tests.bot.world import INSPECTOR, INSPECTOR_EN, STRANGER, A, actions, add_member, entries
from tests.fakebot import TOKEN, FakeUser, buttons
from tests.statements import statements_sent, table_written, transaction_of


async def test_a_redelivered_update_records_nothing_twice(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR, "/late 张三 25")
    await bot.next(INSPECTOR)
    await bot.fake.redeliver(bot.fake.update_of(message))
    await bot.fake.expect_silence(INSPECTOR.chat_id, within=0.5)
    assert len(await entries(bot.services)) == 1


async def test_a_one_line_report_writes_its_claim_then_its_rows_and_nothing_else(
    bot: Running,
) -> None:
    with statements_sent(bot.services.engine) as sent:
        await bot.say(INSPECTOR, "/late 张三 25")
        await bot.say(STRANGER, "/help")  # taken after the report's update is done with
    report = transaction_of(sent, "INSERT INTO processed_updates")
    writes = [table_written(s) for s in report if table_written(s)]
    assert report[0].startswith("BEGIN IMMEDIATE")  # one write transaction, from its start
    # The claim first; the confirmation kept in the outbox with the report; nothing after.
    assert writes == ["processed_updates", "entries", "audit_log", "outbox"]
    # Nor a second transaction for it: what else was written meanwhile is the scheduled jobs'
    # (the outbox's round writes that the confirmation arrived).
    elsewhere = {table_written(s) for s in sent if s not in report} - {None}
    assert elsewhere <= {"digest_deliveries", "outbox"}
    assert len(await entries(bot.services)) == 1


async def test_double_tapped_undo_voids_once(bot: Running) -> None:
    confirmation = await bot.say(INSPECTOR, "/late 张三 25")
    await bot.fake.press_button(INSPECTOR, confirmation, "撤销")
    await bot.fake.press_button(INSPECTOR, confirmation, "撤销")
    undone = await bot.next(INSPECTOR)
    second = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    assert undone["text"].endswith(f"↩️ 报告 #{row.id} 已撤销（作废记录保留备查）。")
    assert second["text"] == f"报告 #{row.id} 已经撤销过了。"
    assert [a.kind for a in await actions(bot.services, row.id)] == ["void"]


async def test_undo_within_ten_minutes(bot: Running) -> None:
    confirmation = await bot.say(INSPECTOR_EN, "/dress 李四")
    bot.clock.advance(dt.timedelta(minutes=9, seconds=50))
    undone = await bot.tap(INSPECTOR_EN, confirmation, "Undo")
    [row] = await entries(bot.services)
    assert undone["message_id"] == confirmation["message_id"]
    assert undone["text"].endswith(f"Report #{row.id} undone (it stays on record, marked void).")
    assert buttons(undone) == []
    assert [a.kind for a in await actions(bot.services, row.id)] == ["void"]
    listed = await bot.say(INSPECTOR_EN, "/myreports")
    assert f"#{row.id}" in listed["text"] and "[void]" in listed["text"]


async def test_undo_after_ten_minutes_is_refused(bot: Running) -> None:
    confirmation = await bot.say(INSPECTOR_EN, "/dress 李四")
    bot.clock.advance(dt.timedelta(minutes=10, seconds=5))
    refusal = await bot.tap(INSPECTOR_EN, confirmation, "Undo")
    [row] = await entries(bot.services)
    assert refusal["text"] == (
        f"Report #{row.id} is more than 10 minutes old and cannot be undone; ask a manager "
        "to correct it."
    )
    assert await actions(bot.services, row.id) == []


async def test_undo_after_the_period_closed_is_refused(bot: Running) -> None:
    """The report counts in figures already sent: undoing it would change them silently."""
    confirmation = await bot.say(INSPECTOR_EN, "/dress 李四")
    async with write_session(bot.services.sessions) as session:
        session.add(
            ClosedPeriod(
                contract_id=A,
                period="2026-07",
                rulebook_version=1,
                closed_at=bot.clock.now(),
            )
        )
    refusal = await bot.tap(INSPECTOR_EN, confirmation, "Undo")
    [row] = await entries(bot.services)
    assert refusal["text"] == (
        f"Report #{row.id} is in the assessment period 2026-07, which is closed (its figures "
        "were sent); it cannot be undone. Ask a manager to correct it."
    )
    assert await actions(bot.services, row.id) == []


async def test_inspectors_reporting_at_once_are_all_recorded_once(bot: Running) -> None:
    inspectors = [FakeUser(2000 + n, f"Ins {n}", "zh") for n in range(10)]
    async with write_session(bot.services.sessions) as session:
        for user in inspectors:
            await add_member(session, user, A, Role.INSPECTOR, bot.clock.now())
    per_inspector = 5
    sends = [
        bot.fake.send_text(user, f"/handover {n + 1}")
        for n in range(per_inspector)
        for user in inspectors
    ]
    await asyncio.gather(*sends)
    for user in inspectors:
        for _ in range(per_inspector):
            reply = await bot.fake.wait_for_message(user.chat_id, timeout=15)
            assert reply["text"].startswith("✅")
    rows = await entries(bot.services)
    assert len(rows) == len(inspectors) * per_inspector
    by_reporter = {r.reported_by_id for r in rows}
    assert len(by_reporter) == len(inspectors)
    assert sorted(r.quantity for r in rows) == sorted(
        str(n + 1) for n in range(per_inspector) for _ in inspectors
    )


async def test_a_failure_tells_the_user_nothing_was_recorded_and_logs_no_token(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.fail_next("getFile", 400, "Bad Request: boom")  # a 5xx would be retried
    caplog.set_level(logging.DEBUG)
    await bot.fake.send_photo(INSPECTOR, b"evidence" * 10, caption="/dress 李四")
    reply = await bot.next(INSPECTOR)
    assert reply["text"] == "抱歉，系统出错了，本次没有记录任何内容。请稍后再试。"
    assert await entries(bot.services) == []
    failures = [r for r in caplog.records if r.name == "floorbot.errors"]
    assert failures and "update" in failures[0].getMessage()
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    assert "/bot<redacted>/getFile" in caplog.text  # the HTTP client's request line, redacted


async def test_a_failure_after_recording_says_the_report_was_recorded(bot: Running) -> None:
    bot.fake.fail_next("sendMessage", 400, "Bad Request: boom")  # the confirmation fails
    await bot.fake.send_text(INSPECTOR, "/dress 李四")
    reply = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    assert reply["text"] == (
        f"报告 #{row.id} 已记录，但之后出错了，确认消息可能不完整。发送 /myreports 可查看。"
    )


async def test_an_edited_command_is_not_a_second_report(bot: Running) -> None:
    message = await bot.fake.send_text(INSPECTOR, "/late 张三 25")
    await bot.next(INSPECTOR)
    await bot.fake.edit_text(INSPECTOR, message, "/late 张三 35")
    reply = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    assert reply["text"].startswith(
        f"✏️ 报告 #{row.id} 已按您的修改更正"
    )  # (tests/bot/test_edits.py)
    assert row.value == "25"
    assert [(a.kind, a.value) for a in await actions(bot.services, row.id)] == [("correct", "35")]


async def test_cancel_without_a_form_and_unknown_buttons(bot: Running) -> None:
    reply = await bot.say(INSPECTOR, "/cancel")
    assert reply["text"] == "当前没有进行中的操作。"
    query = await bot.fake.press(INSPECTOR, reply, "nonsense:1")
    await bot.fake.wait_for_call(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == query
    )
    assert await entries(bot.services) == []
