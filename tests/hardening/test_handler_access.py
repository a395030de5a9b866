"""Every handler of the real Application declares its role check, and keeps to it.

The handlers are enumerated from the running Application (every group, inside conversations
too), so a new command or button without a declaration (bot.services.permissions
``@requires``/``@public``) fails here. Each checked command, button
and one-line report is then sent, with its sample input, by every user who lacks the role: no row
may appear in the database and the user must get an answer (a refusal), never the generic error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlmodel import SQLModel
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.services.permissions import ALLOWED, Access, Action, access_of
from handlers import edits
from storage.models import Role
from tests.bot.conftest import Running
from tests.bot.world import ADMIN, INSPECTOR, MANAGER, STRANGER, VENDOR
from tests.fakebot import FakeUser

# Tables a refused request must leave alone (bookkeeping and the digest jobs' own are left out).
NOT_WATCHED = frozenset(
    {
        "processed_updates",
        "conversation_state",
        "digest_deliveries",
        "digest_runs",
        "alembic_version",
    }
)
ROLE_OF: dict[FakeUser, Role | None] = {
    STRANGER: None,
    INSPECTOR: Role.INSPECTOR,
    MANAGER: Role.MANAGER,
    VENDOR: Role.VENDOR_LEAD,
    ADMIN: Role.ADMIN,
}
GENERIC_ERROR = "抱歉，系统出错了"
PROBE = FakeUser(9998, "Probe", "zh")


def _walk(handler: BaseHandler[Any, Any, Any]) -> Iterator[BaseHandler[Any, Any, Any]]:
    if isinstance(handler, ConversationHandler):
        for inner in [*handler.entry_points, *handler.fallbacks]:
            yield from _walk(inner)
        for state in handler.states.values():
            for inner in state:
                yield from _walk(inner)
        return
    yield handler


def registered(bot: Running) -> list[BaseHandler[Any, Any, Any]]:
    return [h for group in bot.app.handlers.values() for top in group for h in _walk(top)]


def _name(handler: BaseHandler[Any, Any, Any]) -> str:
    callback = handler.callback
    return f"{type(handler).__name__} {callback.__module__}.{callback.__qualname__}"


async def test_every_registered_handler_declares_its_role_check(bot: Running) -> None:
    handlers = registered(bot)
    assert len(handlers) > 20
    undeclared = sorted({_name(h) for h in handlers if access_of(h.callback) is None})
    assert undeclared == [], "declare these with bot.services.permissions requires() or public()"
    for handler in handlers:
        access = access_of(handler.callback)
        assert access is not None
        assert bool(access.actions) != bool(access.public), _name(handler)


def _refused(access: Access) -> list[FakeUser]:
    """The users whose role on contract A passes none of the handler's checks."""
    return [user for user, role in ROLE_OF.items() if role not in access.roles]


async def _counts(bot: Running) -> dict[str, int]:
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_WATCHED]
    async with bot.services.engine.connect() as conn:
        return {
            t.name: (await conn.execute(select(func.count()).select_from(t))).scalar_one()
            for t in tables
        }


async def _settle(bot: Running) -> None:
    """Updates are handled in turn: once the probe is answered, everything before it is done."""
    await bot.say(PROBE, "/help")


async def _drive(
    bot: Running, handler: BaseHandler[Any, Any, Any], user: FakeUser, sample: str
) -> str:
    """Send the sample to the handler as ``user``; what the user saw (a text or an answer)."""
    bot.fake.skip_to_end(user.chat_id)
    if isinstance(handler, CallbackQueryHandler):
        carrier = await bot.say(user, "/help")
        query = await bot.fake.press(user, carrier, sample)
        await _settle(bot)
        answer = bot.fake.callback_answers.get(query)
        assert answer is not None, (
            f"{_name(handler)} left the button of {user.first_name} unanswered"
        )
        seen = [e.message.get("text", "") for e in bot.fake.events if e.chat_id == user.chat_id]
        return " / ".join([str(answer.get("text") or "(answered)"), *seen[-1:]])
    if isinstance(handler, MessageHandler) and handler.filters is edits.EDITED:
        sent = await bot.fake.send_text(user, sample)
        await bot.next(user)
        await bot.fake.edit_text(user, sent, sample)
        edited = await bot.next(user)
        await _settle(bot)
        return str(edited.get("text", ""))
    if isinstance(handler, CommandHandler):
        command = sorted(handler.commands)[0]
        text = f"/{command} {sample}".strip()
    else:
        text = sample
    reply = await bot.say(user, text)
    await _settle(bot)
    return str(reply.get("text", ""))


def _drivable(handler: BaseHandler[Any, Any, Any], access: Access) -> str | None:
    if not access.roles:
        return None
    if isinstance(handler, CommandHandler):
        return access.sample or ""
    if isinstance(handler, CallbackQueryHandler | MessageHandler) and access.sample is not None:
        pattern = getattr(handler, "pattern", None)
        if isinstance(pattern, re.Pattern):
            assert pattern.match(access.sample), (
                f"the sample of {_name(handler)} misses its pattern"
            )
        return access.sample
    return None


async def test_checked_handlers_refuse_users_without_the_role(bot: Running) -> None:
    driven = 0
    for handler in registered(bot):
        access = access_of(handler.callback)
        sample = None if access is None else _drivable(handler, access)
        if access is None or sample is None:
            continue  # undeclared handlers fail the test above
        for user in _refused(access):
            before = await _counts(bot)
            seen = await _drive(bot, handler, user, sample)
            assert await _counts(bot) == before, f"{_name(handler)} wrote for {user.first_name}"
            assert seen and GENERIC_ERROR not in seen, (
                f"{_name(handler)} to {user.first_name}: {seen}"
            )
            driven += 1
    assert driven >= 10
    # Every action of the permission table is checked by some handler the test drove.
    checked = {a for h in registered(bot) if (x := access_of(h.callback)) for a in x.actions}
    assert set(Action) == set(ALLOWED) == checked


def test_the_feature_matrices_together_cover_the_permission_table() -> None:
    """Reporting, the vendor side and digests each drive their actions as every role."""
    from tests.bot.test_access import REPORTING_ACTIONS
    from tests.digests.test_access import DIGEST_ACTIONS
    from tests.vendor.test_access import VENDOR_ACTIONS

    assert set(Action) == REPORTING_ACTIONS | VENDOR_ACTIONS | DIGEST_ACTIONS
