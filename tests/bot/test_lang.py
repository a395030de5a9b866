"""/lang: Chinese or English per person, from Telegram's language until changed."""

from __future__ import annotations

from storage.bot_queries import person_by_telegram_id
from tests.bot.conftest import Running
from tests.bot.world import INSPECTOR, STRANGER
from tests.fakebot import FakeUser, buttons


async def test_telegram_language_is_the_default(bot: Running) -> None:
    english = FakeUser(4001, "Eve", "en-GB")
    unknown = FakeUser(4002, "Hans", "de")
    assert (await bot.say(english, "/start"))["text"].startswith("Hello! I record")
    assert (await bot.say(unknown, "/start"))["text"].startswith("您好！")


async def test_lang_buttons_switch_and_remember(bot: Running) -> None:
    menu = await bot.say(INSPECTOR, "/lang")
    assert buttons(menu) == ["中文", "English"]
    done = await bot.tap(INSPECTOR, menu, "English")
    assert done["text"] == "Language set to English."
    reply = await bot.say(INSPECTOR, "/late 张三 25")
    assert reply["text"].startswith("✅ Recorded #1: Late arrival")
    async with bot.services.sessions() as session:
        person = await person_by_telegram_id(session=session, telegram_user_id=INSPECTOR.id)
    assert person is not None and person.language == "en"
    call = bot.fake.calls_to("setMyCommands")[-1]
    assert call.params["scope"] == {"type": "chat", "chat_id": INSPECTOR.id}
    assert call.params["commands"][0] == {
        "command": "report",
        "description": "Report a violation step by step",
    }


async def test_lang_with_an_argument_and_for_a_stranger(bot: Running) -> None:
    assert (await bot.say(STRANGER, "/lang en"))["text"] == "Language set to English."
    assert (await bot.say(STRANGER, "/help"))["text"].startswith("I record violations")
    assert (await bot.say(STRANGER, "/lang fr"))["text"] == "Usage: /lang en or /lang zh"
