"""A user's unfinished work lives in the database: it survives a restart, and it expires."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from bot.app.builder import build_application, build_services
from handlers.state import sweep
from storage import state_queries as sq
from tests.bot.conftest import Running, start_bot, stop_bot
from tests.bot.world import BOTH, INSPECTOR, STRANGER, A, B, entries
from tests.fakebot import buttons

StateRows = Callable[[], Awaitable[int]]


@asynccontextmanager
async def restarted(bot: Running) -> AsyncIterator[Running]:
    """Stop the bot (its memory goes with it) and start a new one on the same database."""
    await stop_bot(bot.app)
    services = build_services(bot.services.settings, bot.clock, bot.services.rulebooks)
    app = build_application(services)
    await start_bot(app)
    try:
        yield Running(app, services, bot.fake, bot.clock)
    finally:
        await stop_bot(app)


async def _state_rows(bot: Running) -> int:
    async with bot.services.sessions() as session:
        far = bot.clock.now() + dt.timedelta(days=3650)
        return len(await sq.expired(session=session, now=far, limit=1000))


async def test_a_report_form_survives_a_restart(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "工作纪律")
    async with restarted(bot) as again:
        staff = await again.tap(INSPECTOR, items, "未按规定着装")
        assert staff["text"].startswith("未按规定着装\n选择人员")
        photo = await again.say(INSPECTOR, "王五")  # a typed answer goes to the form, not /help
        summary = await again.tap(INSPECTOR, photo, "跳过")
        done = await again.tap(INSPECTOR, summary, "确认")
        [row] = await entries(again.services)
        assert (row.item, row.staff) == ("dress_code", "王五")
        assert done["text"].startswith(f"✅ 已记录 #{row.id}")
        assert await _state_rows(again) == 0


async def test_a_pending_choice_survives_a_restart(bot: Running) -> None:
    question = await bot.say(BOTH, "/handover 2")
    assert buttons(question) == [A, B]
    async with restarted(bot) as again:
        confirmation = await again.tap(BOTH, question, B)
        [row] = await entries(again.services)
        assert (row.contract, row.quantity) == (B, "2")
        assert confirmation["text"].startswith(f"✅ 已记录 #{row.id}")


async def test_a_form_left_alone_expires_and_loses_its_buttons(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    await bot.say(STRANGER, "/help")  # updates are handled in turn: the card is on record now
    bot.clock.advance(dt.timedelta(minutes=31))
    hint = await bot.say(INSPECTOR, "王五")
    assert hint["text"].startswith("发送 /help 查看可用的命令")  # no form takes it any more
    stale = await bot.fake.press_button(INSPECTOR, card, "工作纪律")
    await bot.fake.wait_for_call(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == stale
    )
    assert bot.fake.callback_answers[stale]["text"] == "此表单已失效，请发送 /report 重新开始。"
    assert await _state_rows(bot) == 1
    assert bot.app.job_queue is not None
    bot.app.job_queue.run_once(sweep, 0)
    await bot.fake.wait_for_call(
        "editMessageReplyMarkup", lambda c: c.params["message_id"] == card["message_id"]
    )
    assert buttons(bot.fake.message(INSPECTOR.chat_id, card["message_id"])) == []
    assert await _state_rows(bot) == 0
    assert await entries(bot.services) == []
