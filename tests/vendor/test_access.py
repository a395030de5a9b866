"""Every command and button of this feature × every role × own or other contract.

Each user holds one role on contract A (the stranger none); "own" aims at A, "other" at B,
where none of them holds a role. Buttons are pressed with crafted callback data naming the
target contract or one of its reports and disputes. An action counts as allowed only when
its effect is visible: the figures on screen, or a row in the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.services.permissions import ALLOWED, Action
from storage.bot_queries import person_by_telegram_id
from storage.db import write_session
from storage.dispute_queries import add_dispute
from storage.models import Entry, Role
from tests.bot.world import ADMIN, INSPECTOR, MANAGER, STRANGER, VENDOR, A, B
from tests.fakebot import FakeUser
from tests.vendor.conftest import Running
from tests.vendor.world import VENDOR_B, disputes, finding, settle

VENDOR_ACTIONS = {Action.SCORE, Action.DEDUCTIONS, Action.HISTORY, Action.DISPUTE, Action.DECIDE}
USERS: dict[str, FakeUser] = {
    "inspector": INSPECTOR,
    "manager": MANAGER,
    "vendor_lead": VENDOR,
    "admin": ADMIN,
    "stranger": STRANGER,
}
STAFF = {A: "张三", B: "赵六"}
Check = Callable[[Running, FakeUser, str], Awaitable[list[bool]]]


async def _shown(
    bot: Running, user: FakeUser, act: Callable[[], Awaitable[object]], head: str
) -> bool:
    """Whether, after ``act``, the user was shown a message (or caption) starting with ``head``."""
    start = len(bot.fake.events)
    await act()
    await settle(bot)
    return any(
        (e.message.get("text") or e.message.get("caption") or "").startswith(head)
        for e in bot.fake.events[start:]
        if e.chat_id == user.chat_id
    )


async def _press(bot: Running, user: FakeUser, data: str) -> None:
    """A crafted button press under one of the bot's messages in the user's chat."""
    carrier = await bot.say(user, "/help")
    await bot.fake.press(user, carrier, data)


async def score(bot: Running, user: FakeUser, target: str) -> list[bool]:
    head = f"📊 {target} — "
    return [
        await _shown(bot, user, lambda: bot.fake.send_text(user, f"/score {target}"), head),
        await _shown(bot, user, lambda: _press(bot, user, f"score:{target}"), head),
    ]


async def deductions(bot: Running, user: FakeUser, target: str) -> list[bool]:
    head = f"🧾 {target} · "
    return [
        await _shown(bot, user, lambda: bot.fake.send_text(user, f"/deductions {target}"), head),
        await _shown(bot, user, lambda: _press(bot, user, f"ded:c:{target}"), head),
        await _shown(bot, user, lambda: _press(bot, user, f"ded:p:{target}:2026-07:0"), head),
    ]


async def detail(bot: Running, user: FakeUser, target: str) -> list[bool]:
    entry_id = await finding(bot, target, "dress_code", staff=STAFF[target], photos=[b"x" * 64])
    head = f"报告 #{entry_id} · 合同 {target}"
    shown = await _shown(bot, user, lambda: _press(bot, user, f"ded:e:{entry_id}"), head)
    photo = any(c.params.get("chat_id") == user.chat_id for c in bot.fake.calls_to("sendPhoto"))
    return [shown, photo]


async def history(bot: Running, user: FakeUser, target: str) -> list[bool]:
    head = f"📈 {target} — "
    return [
        await _shown(bot, user, lambda: bot.fake.send_text(user, f"/history {target}"), head),
        await _shown(bot, user, lambda: _press(bot, user, f"hist:{target}"), head),
    ]


async def dispute(bot: Running, user: FakeUser, target: str) -> list[bool]:
    by_command = await finding(bot, target, "dress_code", staff=STAFF[target])
    by_button = await finding(bot, target, "dress_code", staff=STAFF[target])
    await bot.say(user, f"/dispute {by_command} 着装符合规定")
    await _press(bot, user, f"dsp:o:{by_button}")
    await settle(bot)
    await bot.fake.send_text(user, "当天穿的是新工装")
    await settle(bot)
    disputed = {d.entry_id for d in await disputes(bot)}
    return [by_command in disputed, by_button in disputed]


async def decide(bot: Running, user: FakeUser, target: str) -> list[bool]:
    entry_id = await finding(bot, target, "dress_code", staff=STAFF[target])
    lead = VENDOR if target == A else VENDOR_B
    async with write_session(bot.services.sessions) as session:
        opener = await person_by_telegram_id(session=session, telegram_user_id=lead.id)
        entry = await session.get(Entry, entry_id)
        assert opener is not None and opener.id is not None and entry is not None
        opened = await add_dispute(
            session=session,
            entry=entry,
            reason="着装合规",
            opened_by_id=opener.id,
            now=bot.clock.now(),
        )
    await _press(bot, user, f"dsp:w:{opened.id}")
    await settle(bot)
    await bot.fake.send_text(user, "核实后撤回")
    await settle(bot)
    [found] = [d for d in await disputes(bot) if d.id == opened.id]
    return [found.status == "withdrawn"]


CHECKS: dict[Action, Check] = {
    Action.SCORE: score,
    Action.DEDUCTIONS: deductions,
    Action.HISTORY: history,
    Action.DISPUTE: dispute,
    Action.DECIDE: decide,
}
EXTRA: dict[str, tuple[Action, Check]] = {"detail": (Action.DEDUCTIONS, detail)}
CASES = [(name, role) for name in [*(a.value for a in CHECKS), *EXTRA] for role in USERS]


def _expected(ask: Action, role: str, target: str) -> bool:
    """Allowed only on one's own contract, and only for the roles the request is for."""
    return target == A and role != "stranger" and Role(role) in ALLOWED[ask]


@pytest.mark.parametrize(("name", "role"), CASES, ids=lambda v: str(v))
async def test_authorisation_matrix(vbot: Running, name: str, role: str) -> None:
    ask, check = EXTRA[name] if name in EXTRA else (Action(name), CHECKS[Action(name)])
    user = USERS[role]
    for target in (B, A):  # the other contract first: a refusal must leave nothing behind
        seen = await check(vbot, user, target)
        assert seen == [_expected(ask, role, target)] * len(seen), (target, seen)


def test_the_matrix_covers_every_request_and_role() -> None:
    assert set(CHECKS) == VENDOR_ACTIONS
    assert {r for r in USERS if r != "stranger"} == {r.value for r in Role}


async def test_refusals_say_who_may(vbot: Running) -> None:
    inspector = await vbot.say(INSPECTOR, "/dispute 1 不对")
    vendor = await vbot.say(VENDOR, f"/score {B}")
    stranger = await vbot.say(STRANGER, "/score")
    assert inspector["text"] == "只有乙方负责人可以提出异议。"
    assert vendor["text"] == f"您在该合同上没有查看得分的权限（合同 {B}）。"
    assert stranger["text"].startswith("您还没有注册。")


async def test_another_contracts_report_is_unknown_not_forbidden(vbot: Running) -> None:
    other = await finding(vbot, B, "dress_code", staff="赵六", note="内部备注")
    reply = await vbot.say(VENDOR, f"/dispute {other} 不对")
    assert reply["text"] == f"没有报告 #{other}。"  # its existence is not given away
