"""Every command and button × every role × own or other contract, checked by what happens.

Each user below holds one role on contract A (the stranger holds none). "own" aims the
action at contract A, "other" at contract B, which none of them may touch. An action counts
as allowed only when its effect is visible: a row in the database, or the data on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import col, select

from bot.services.permissions import ALLOWED, Action
from scoring.assessment import Event
from storage.bot_queries import person_by_telegram_id
from storage.db import write_session
from storage.models import Invite, Role
from storage.queries import record_entry
from tests.bot.conftest import Running
from tests.bot.world import (
    ADMIN,
    INSPECTOR,
    INSPECTOR_B,
    MANAGER,
    STRANGER,
    VENDOR,
    A,
    B,
    actions,
    entries,
)
from tests.fakebot import FakeUser, JsonDict

REPORTING_ACTIONS = {Action.REPORT, Action.UNDO, Action.MY_REPORTS, Action.INVITE}
USERS: dict[str, FakeUser] = {
    "inspector": INSPECTOR,
    "manager": MANAGER,
    "vendor_lead": VENDOR,
    "admin": ADMIN,
    "stranger": STRANGER,
}
Check = Callable[[Running, FakeUser, str], Awaitable[bool]]


async def _carrier(bot: Running, user: FakeUser) -> JsonDict:
    """A bot message in the user's chat to hang a crafted button press on."""
    return await bot.say(user, "/help")


async def _entry(bot: Running, contract: str, reporter: FakeUser) -> int:
    """A report stored directly, as if ``reporter`` had made it a minute ago."""
    now = bot.clock.now()
    async with write_session(bot.services.sessions) as session:
        person = await person_by_telegram_id(session=session, telegram_user_id=reporter.id)
        event = Event("dress_code", now - dt.timedelta(minutes=1), staff="张三")
        entry_id = await record_entry(
            session=session,
            contract_id=contract,
            event=event,
            now=now,
            reported_by_id=person.id if person else None,
        )
    return entry_id


async def quick_report(bot: Running, user: FakeUser, target: str) -> bool:
    staff = "李四" if target == A else "赵六"  # 赵六 is on contract B's roster only
    await bot.say(user, f"/dress {staff}")
    return any(r.contract == target and r.staff == staff for r in await entries(bot.services))


async def guided_report(bot: Running, user: FakeUser, target: str) -> bool:
    reply = await bot.say(user, "/report")
    if target == A:
        return reply["text"].startswith(f"{A} — ")
    await bot.fake.press(user, reply, "rep:c:1")  # a crafted choice of a second contract
    await _settle(bot)
    seen = [e.message.get("text", "") for e in bot.fake.events if e.chat_id == user.chat_id]
    return any(text.startswith(f"{B} — ") for text in seen)


async def my_reports(bot: Running, user: FakeUser, target: str) -> bool:
    reporter = user if target == A else INSPECTOR_B
    entry_id = await _entry(bot, target, reporter)
    reply = await bot.say(user, "/myreports")
    return f"#{entry_id} " in reply["text"]


async def invite(bot: Running, user: FakeUser, target: str) -> bool:
    await bot.say(user, "/invite inspector" + ("" if target == A else f" {B}"))
    async with bot.services.sessions() as session:
        found = await session.exec(select(Invite).where(col(Invite.contract_id) == target))
        return found.first() is not None


async def undo(bot: Running, user: FakeUser, target: str) -> bool:
    reporter = user if target == A else INSPECTOR_B
    entry_id = await _entry(bot, target, reporter)
    carrier = await _carrier(bot, user)
    await bot.fake.press(user, carrier, f"undo:{entry_id}")
    await _settle(bot)
    return any(a.kind == "void" for a in await actions(bot.services, entry_id))


async def _settle(bot: Running) -> None:
    """Let the bot finish handling what was sent (it answers every update in order)."""
    probe = FakeUser(9999, "Probe", "zh")
    await bot.say(probe, "/help")


CHECKS: dict[Action, Check] = {
    Action.REPORT: quick_report,
    Action.UNDO: undo,
    Action.MY_REPORTS: my_reports,
    Action.INVITE: invite,
}

CASES = [
    (action, role, target) for action in [*CHECKS, "guided"] for role in USERS for target in (A, B)
]


def _expected(action: Action | str, role: str, target: str) -> bool:
    """Allowed only on one's own contract, and only for the roles the action is for."""
    if target != A or role == "stranger":
        return False
    key = Action.REPORT if action == "guided" else action
    assert isinstance(key, Action)
    return Role(role) in ALLOWED[key]


@pytest.mark.parametrize(("action", "role", "target"), CASES, ids=lambda v: str(v))
async def test_authorisation_matrix(
    bot: Running, action: Action | str, role: str, target: str
) -> None:
    check = guided_report if action == "guided" else CHECKS[Action(action)]
    allowed = await check(bot, USERS[role], target)
    assert allowed is _expected(action, role, target)


def test_the_matrix_covers_every_action() -> None:
    assert set(CHECKS) == REPORTING_ACTIONS
    assert {r for r in USERS if r != "stranger"} == {r.value for r in Role}


async def test_refusals_are_specific(bot: Running) -> None:
    stranger = await bot.say(STRANGER, "/late 张三 25")
    vendor = await bot.say(VENDOR, "/late 张三 25")
    inspector = await bot.say(INSPECTOR, "/invite inspector")
    manager = await bot.say(MANAGER, f"/invite inspector {B}")
    assert stranger["text"].startswith("您还没有注册。请向管理人员索取邀请码")
    assert vendor["text"] == "只有检查员可以报告违规。"
    assert inspector["text"] == "只有甲方管理人员可以发出邀请。"
    assert manager["text"] == f"只有甲方管理人员可以发出邀请（合同 {B}）。"


async def test_a_manager_cannot_hand_out_the_admin_role(bot: Running) -> None:
    reply = await bot.say(MANAGER, "/invite admin")
    assert reply["text"] == f"您不能邀请 admin 加入合同 {A}。"
