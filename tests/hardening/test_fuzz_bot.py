"""Hostile input through the bot: any command arguments, any button data (forged ones for other
contracts included). The bot always answers, never with the generic error; a report is stored
only when it is confirmed, and only on a contract the user inspects; a forged button changes
nothing. Property-based (hypothesis), against the real Application over the fake Bot API.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import col

from scoring.rulebook import Rulebook
from storage.models import Entry, EntryAction, Evidence
from tests.bot.conftest import Running
from tests.bot.world import ADMIN, INSPECTOR, INSPECTOR_B, MANAGER, STRANGER, VENDOR, A, B
from tests.fakebot import FakeUser
from tests.hardening.threaded import ThreadedBot

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
GENERIC_ERRORS = ("抱歉，系统出错了", "Sorry, something went wrong")
PROBE = FakeUser(9997, "Probe", "zh")
INSPECTS = {INSPECTOR: {A}, INSPECTOR_B: {B}}
USERS = [INSPECTOR, INSPECTOR_B, MANAGER, VENDOR, ADMIN, STRANGER]
COMMANDS = [
    "late", "early", "dress", "handover", "absence", "offhook", "report", "myreports", "invite",
    "start", "lang", "help", "cancel", "score", "deductions", "history", "dispute", "digest",
    "subscribe", "unsubscribe", "schedule", "nosuchcommand",
]  # fmt: skip
WORDS = st.sampled_from(
    [
        "张三", "李四", "赵六", "S001", "E101", A, B, "inspector", "manager", "admin",
        "vendor_lead", "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-1", "0", "0.0001", "25",
        "99999999999999999999", "1e309", "NaN", "Infinity", "2026-02-30", "08:40", "25:99",
        "昨天", "yesterday", "at", "#note", "x" * 300, "\u202e", "😀", "en", "zh", "2026-07",
    ]
)  # fmt: skip
ARGUMENTS = st.lists(
    st.one_of(WORDS, st.integers(-(10**6), 10**6).map(str), st.text(max_size=12)), max_size=4
)


@pytest.fixture(scope="module")
def fuzz_bot(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path, rulebooks: dict[str, Rulebook]
) -> Iterator[ThreadedBot]:
    harness = ThreadedBot(tmp_path_factory.mktemp("fuzz"), template_db, rulebooks)
    with harness:
        yield harness


async def _ledger(bot: Running) -> tuple[list[tuple[int, str]], int, int]:
    async with bot.services.engine.connect() as conn:
        entries = (await conn.execute(select(col(Entry.id), col(Entry.contract_id)))).all()
        actions = (await conn.execute(select(func.count()).select_from(EntryAction))).scalar_one()
        photos = (await conn.execute(select(func.count()).select_from(Evidence))).scalar_one()
    return [(int(i), str(c)) for i, c in entries], int(actions), int(photos)


async def _settle(bot: Running) -> None:
    """Updates are handled in turn: once the probe is answered, everything before it is done."""
    bot.fake.skip_to_end(PROBE.chat_id)
    await bot.say(PROBE, "/help")


async def _seen_since(bot: Running, user: FakeUser, start: int) -> list[str]:
    await _settle(bot)
    return [
        str(e.message.get("text") or e.message.get("caption") or "")
        for e in bot.fake.events[start:]
        if e.chat_id == user.chat_id
    ]


async def _command(bot: Running, user: FakeUser, text: str) -> tuple[list[str], list[str]]:
    """Send a command; what the user saw and the contracts of the entries it added."""
    await _settle(bot)
    before, _, _ = await _ledger(bot)
    start = len(bot.fake.events)
    await bot.fake.send_text(user, text)
    seen = await _seen_since(bot, user, start)
    after, _, _ = await _ledger(bot)
    return seen, [contract for _, contract in after[len(before) :]]


@FUZZ
@given(st.sampled_from(COMMANDS), ARGUMENTS, st.sampled_from(USERS))
def test_any_command_arguments(
    fuzz_bot: ThreadedBot, command: str, arguments: list[str], user: FakeUser
) -> None:
    text = " ".join([f"/{command}", *arguments])
    seen, added = fuzz_bot.call(_command(_running(fuzz_bot), user, text))
    assert seen, f"no answer to {text!r}"
    assert not any(g in s for s in seen for g in GENERIC_ERRORS), (text, seen)
    assert set(added) <= INSPECTS.get(user, set()), (text, added)
    assert len(added) == sum(s.startswith("✅") for s in seen), (text, seen, added)


def _running(harness: ThreadedBot) -> Running:
    assert harness.running is not None
    return harness.running


# -- buttons --------------------------------------------------------------------------------

PREFIXES = [
    "rep:c:", "rep:s:", "rep:i:", "rep:st:", "rep:q:", "rep:e:", "rep:ok", "rep:x", "undo:",
    "q:", "lang:", "score:", "ded:c:", "ded:p:", "ded:e:", "hist:", "dsp:o:", "dsp:u:",
    "dsp:w:", "dsp:r:", "dsp:done", "dg:", "sub:", "late:", "", "nonsense:",
]  # fmt: skip


async def _other_contracts_entry(bot: Running) -> int:
    """A report on contract B (by B's inspector): the target of forged buttons."""
    await bot.fake.send_text(INSPECTOR_B, "/dress 赵六")
    await _settle(bot)
    entries, _, _ = await _ledger(bot)
    return max(i for i, contract in entries if contract == B)


async def _press(bot: Running, user: FakeUser, data: str) -> tuple[bool, list[str], tuple]:
    await _settle(bot)
    before = await _ledger(bot)
    bot.fake.skip_to_end(user.chat_id)
    carrier = await bot.say(user, "/help")
    start = len(bot.fake.events)
    query = await bot.fake.press(user, carrier, data)
    seen = await _seen_since(bot, user, start)
    return query in bot.fake.callback_answers, seen, (before, await _ledger(bot))


@FUZZ
@given(
    st.sampled_from(PREFIXES),
    st.one_of(st.text(max_size=20), st.integers(-5, 10**6).map(str), WORDS),
    st.sampled_from([INSPECTOR, MANAGER, VENDOR, STRANGER]),
    st.booleans(),
)
def test_any_button_data_changes_nothing_it_should_not(
    fuzz_bot: ThreadedBot, prefix: str, suffix: str, user: FakeUser, forge: bool
) -> None:
    bot = _running(fuzz_bot)
    target = fuzz_bot.call(_other_contracts_entry(bot)) if forge else None
    data = (prefix + (str(target) if forge else suffix)).encode()[:64].decode("utf-8", "ignore")
    answered, seen, (before, after) = fuzz_bot.call(_press(bot, user, data))
    assert answered, f"button {data!r} left unanswered"
    assert not any(g in s for s in seen for g in GENERIC_ERRORS), (data, seen)
    assert after == before, f"button {data!r} pressed by {user.first_name} changed the ledger"
