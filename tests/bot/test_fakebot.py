"""The fake Bot API itself, driven by a bare python-telegram-bot Application over HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebot import TOKEN, FakeTelegram, FakeUser, button_data

ALICE = FakeUser(1001, "Alice", "en")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    if text == "/keys":
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="x:yes")]])
        await update.effective_message.reply_text("pick", reply_markup=markup)
        return
    await update.effective_message.reply_text(f"echo {text}")


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    largest = update.effective_message.photo[-1]
    data = await (await largest.get_file()).download_as_bytearray()
    await update.effective_message.reply_text(hashlib.sha256(data).hexdigest())


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("ok")
    await query.edit_message_text(f"chose {query.data}")


@pytest.fixture
async def echo_app(fake_telegram: FakeTelegram) -> AsyncIterator[Application]:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake_telegram.base_url)
        .base_file_url(fake_telegram.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.add_handler(MessageHandler(filters.PHOTO, _photo))
    app.add_handler(CallbackQueryHandler(_button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    yield app
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def test_text_round_trip(fake_telegram: FakeTelegram, echo_app: Application) -> None:
    await fake_telegram.send_text(ALICE, "/late 张三 25")
    reply = await fake_telegram.wait_for_message(ALICE.chat_id)
    assert reply["text"] == "echo /late 张三 25"
    assert reply["from"]["is_bot"] is True


async def test_a_message_is_stamped_with_when_its_request_arrived(
    fake_telegram: FakeTelegram, echo_app: Application
) -> None:
    """(The bot benchmark times replies by it: the server's own parsing is not the bot's.)"""
    await fake_telegram.send_text(ALICE, "hello")
    event = await fake_telegram.wait_for_event(ALICE.chat_id)
    (call,) = [c for c in fake_telegram.calls if c.method == "sendMessage"]
    assert event.at == call.at
    assert event.message["text"] == "echo hello"


async def test_button_press_edits_in_place(
    fake_telegram: FakeTelegram, echo_app: Application
) -> None:
    await fake_telegram.send_text(ALICE, "/keys")
    card = await fake_telegram.wait_for_message(ALICE.chat_id)
    query_id = await fake_telegram.press(ALICE, card, button_data(card, "Yes"))
    edited = await fake_telegram.wait_for_message(ALICE.chat_id)
    assert edited["message_id"] == card["message_id"]
    assert edited["text"] == "chose x:yes"
    assert "reply_markup" not in edited
    assert fake_telegram.callback_answers[query_id]["text"] == "ok"


async def test_photo_download_is_the_largest_size(
    fake_telegram: FakeTelegram,
    echo_app: Application,
) -> None:
    content = b"\xff\xd8 a real enough jpeg" * 100
    await fake_telegram.send_photo(ALICE, content)
    reply = await fake_telegram.wait_for_message(ALICE.chat_id)
    assert reply["text"] == hashlib.sha256(content).hexdigest()


async def test_wrong_token_is_unauthorised(fake_telegram: FakeTelegram) -> None:
    from telegram import Bot
    from telegram.error import InvalidToken

    bot = Bot("42:wrong", base_url=fake_telegram.base_url)
    try:
        with pytest.raises(InvalidToken):
            await bot.initialize()
    finally:
        await bot.shutdown()
