"""Telegram misbehaves on every method the bot uses: nothing is lost, nothing is sent twice.

The fake Bot API answers the first call of each method with a 429 (retry_after), a 5xx, a
timeout or a cut connection — before carrying it out, as a failing Telegram front does. The
bot (served by bot.app.serving, as in production) must show the user exactly what it shows without
faults, and store exactly the same, message for message.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.app.clock import OffsetClock
from scoring.rulebook import Rulebook
from storage.models import Entry, EntryAction, Evidence
from tests.bot.conftest import Running
from tests.bot.world import INSPECTOR, INSPECTOR_EN, MANAGER, NOW, VENDOR
from tests.fakebot import FakeTelegram, buttons
from tests.hardening.serving import served

# python-telegram-bot 22 warns from inside RetryAfter itself that retry_after will change type.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

STARTUP = ("getMe", "deleteWebhook", "setMyCommands", "getUpdates")
REPORTING = (
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "getFile",
    "sendPhoto",
    "sendDocument",
)
WAIT = 15.0
FAST = {"api_timeout_seconds": 0.4}  # the bot gives up on an answer after 0.4 s


@dataclass(frozen=True)
class Seen:
    """Everything each user saw (chat by chat, in order), and everything stored."""

    messages: dict[int, list[tuple[str, str, str | None, list[str]]]]
    answers: list[tuple[str, str]]
    entries: list[tuple[str, str | None, str | None, str, list[str], list[str]]]


async def scenario(bot: Running) -> None:
    """Reporting, then what vendor leads and managers ask for."""
    await reporting(bot)
    await reading_and_disputing(bot)


async def reporting(bot: Running) -> None:
    """A guided report with a photo, a one-line report with a photo, and an undo."""
    user = INSPECTOR_EN
    card = await bot.say(user, "/report")
    items = await bot.tap(user, card, "Attendance")
    staff = await bot.tap(user, items, "Late arrival")
    await bot.tap(user, staff, "李四")
    await bot.say(user, "60")
    more = await bot.photo(user, b"clock shows 09:00" * 40)
    summary = await bot.tap(user, more, "Done")
    await bot.tap(user, summary, "Confirm")
    quick = await bot.photo(user, b"uniform" * 40, caption="/dress 王五")
    undone = await bot.tap(user, quick, "Undo")
    assert "undone" in undone["text"]


def _has(needle: str) -> Any:
    return lambda m: needle in (m.get("text") or m.get("caption") or "") or needle in m


async def reading_and_disputing(bot: Running) -> None:
    """/score, /deductions with its evidence photo, /history's chart, a manager's /digest with
    its table and chart, and a dispute that reaches the managers with the evidence."""
    confirmed = await bot.photo(INSPECTOR, b"clock-in screen" * 40, caption="/late 张三 75")
    entry = confirmed["text"].split("#")[1].split("：")[0]
    await bot.say(VENDOR, "/score")
    listed = await bot.say(VENDOR, "/deductions")
    await bot.fake.press_button(VENDOR, listed, f"#{entry}")
    await bot.fake.wait_for_message(VENDOR.chat_id, _has("photo"), timeout=WAIT)
    await bot.fake.send_text(VENDOR, "/history")
    await bot.fake.wait_for_message(VENDOR.chat_id, _has("photo"), timeout=WAIT)
    await bot.fake.send_text(MANAGER, "/digest")
    await bot.fake.wait_for_message(MANAGER.chat_id, _has("document"), timeout=WAIT)
    await bot.fake.wait_for_message(MANAGER.chat_id, _has("photo"), timeout=WAIT)
    await bot.fake.send_text(VENDOR, f"/dispute {entry} 打卡记录显示8:25到岗")
    await bot.fake.wait_for_message(VENDOR.chat_id, _has("异议"), timeout=WAIT)
    await bot.fake.wait_for_message(MANAGER.chat_id, _has("photo"), timeout=WAIT)


async def seen(bot: Running) -> Seen:
    messages: dict[int, list[tuple[str, str, str | None, list[str]]]] = {}
    for e in bot.fake.events:
        text = e.message.get("text") or e.message.get("caption")
        messages.setdefault(e.chat_id, []).append((e.kind, e.method, text, buttons(e.message)))
    answers = sorted(
        (str(a.get("text")), str(a.get("show_alert"))) for a in bot.fake.callback_answers.values()
    )
    async with bot.services.sessions() as session:
        rows = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
        stored = []
        for row in rows:
            photos = select(Evidence.sha256).where(col(Evidence.entry_id) == row.id)
            kinds = select(EntryAction.kind).where(col(EntryAction.entry_id) == row.id)
            stored.append(
                (
                    row.item,
                    row.staff,
                    row.value,
                    str(row.quantity),
                    list((await session.exec(photos)).all()),
                    list((await session.exec(kinds)).all()),
                )
            )
    return Seen(messages, answers, stored)


async def run(
    tmp_path: Path,
    template_db: Path,
    rulebooks: dict[str, Rulebook],
    name: str,
    arm: Any = None,
) -> Seen:
    """The scenario on a fresh fake Telegram and database; ``arm`` sets up the faults first."""
    database = tmp_path / f"{name}.db"
    shutil.copy(template_db, database)
    fake = await FakeTelegram().start()
    clock = OffsetClock()
    clock.set(NOW)
    try:
        if arm is not None:
            arm(fake)
        url = f"sqlite+aiosqlite:///{database}"
        async with served(fake, url, clock, rulebooks, **FAST) as bot:
            await scenario(bot)
            return await seen(bot)
    finally:
        await fake.stop()


def _every(fake: FakeTelegram, fail: Any, methods: tuple[str, ...]) -> None:
    for method in methods:
        fail(fake, method)


CLEAN: list[Seen] = []
FAULTS = {
    "429 with retry_after": lambda fake, m: fake.fail_next(
        m, 429, "Too Many Requests: retry after 1", retry_after=1
    ),
    "5xx": lambda fake, m: fake.fail_next(m, 502, "Bad Gateway"),
    "timeout": lambda fake, m: fake.inject_fault(m, "timeout", delay=0.7),
    "dropped connection": lambda fake, m: fake.inject_fault(m, "drop"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_nothing_lost_nothing_sent_twice(
    tmp_path: Path, template_db: Path, rulebooks: dict[str, Rulebook], fault: str
) -> None:
    if not CLEAN:  # the run without faults, once per session
        CLEAN.append(await run(tmp_path, template_db, rulebooks, "clean"))
    expected = CLEAN[0]
    methods = STARTUP + REPORTING + (() if fault.startswith("429") else ("file",))

    def arm(fake: FakeTelegram) -> None:
        _every(fake, FAULTS[fault], methods)

    got = await run(tmp_path, template_db, rulebooks, "faulty", arm)
    assert got.messages == expected.messages
    assert got.answers == expected.answers
    assert got.entries == expected.entries
    [guided, quick, disputed] = got.entries
    assert guided[:4] == ("late_arrival", "李四", "60", "1")
    assert guided[4] == [hashlib.sha256(b"clock shows 09:00" * 40).hexdigest()]
    assert quick[5] == ["void"]
    assert disputed[:3] == ("late_arrival", "张三", "75") and disputed[5] == ["state"]
    sent_to_manager = [m[1] for m in got.messages[MANAGER.chat_id]]
    assert sent_to_manager == [
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMessage",
        "sendPhoto",
    ]
