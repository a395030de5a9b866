"""``/schedule [CONTRACT] [SETTING …]``: see or change when a contract's digests go out.

Settings: ``daily 18:30``, ``assessment 24 09:00``, ``reminder 16:00``, ``days weekdays``;
``off`` turns one off. Times are the contract's local time. A change takes effect at once:
the contract's jobs are set again (bot.app.jobs).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.jobs import schedule_jobs
from bot.services.contracts import contract_book
from bot.services.digests.schedule import (
    KEY_DAILY,
    KEY_PERIOD,
    KEY_REMINDER,
    KEY_REMINDER_DAYS,
    KINDS,
    ScheduleError,
    changed,
    next_due,
    parse_schedule,
)
from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, require, require_any, requires
from bot.texts.digests import schedule_message
from bot.texts.i18n import t
from handlers.common import PRIVATE, say, transact
from storage import digest_queries as dq

# The words of /schedule and the settings they change.
KEYS = {
    "daily": KEY_DAILY,
    "assessment": KEY_PERIOD,
    "period": KEY_PERIOD,
    "reminder": KEY_REMINDER,
    "days": KEY_REMINDER_DAYS,
}
DAY_NUMBER_LENGTH = 2


def read_settings(words: list[str]) -> dict[str, str]:
    """``daily 18:30 assessment 24 09:00`` → the settings they change."""
    out: dict[str, str] = {}
    index = 0
    while index < len(words):
        key = KEYS.get(words[index].lower())
        if key is None or index + 1 >= len(words):
            raise BotError("sch_usage")
        value = words[index + 1]
        index += 2
        more = index < len(words) and words[index].lower() not in KEYS
        if key == KEY_PERIOD and value.isdigit() and len(value) <= DAY_NUMBER_LENGTH and more:
            value, index = f"{value} {words[index]}", index + 1
        out[key] = value
    return out


def split(actor: Actor, args: list[str]) -> tuple[str, list[str]]:
    """The contract (named first, or the only one) and the setting words."""
    contracts = require_any(actor, Action.DIGEST)
    if args and args[0] in actor.roles:
        return args[0], args[1:]
    if args and args[0].lower() not in KEYS:
        raise BotError("dg_not_yours", contract=args[0], contracts=contracts)
    if len(contracts) > 1:
        raise BotError("sch_usage")
    return contracts[0], args


@requires(Action.DIGEST, Action.SCHEDULE, sample="daily 08:00")
async def schedule_command(update: Update, context: FloorContext) -> None:
    """/schedule: show a contract's digest times, or change them."""
    args = context.args or []
    services = context.services
    now = services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> str:
        contract_id, words = split(actor, args)
        require(actor, Action.DIGEST, contract_id)
        contract, book = await contract_book(session, services.rulebooks, contract_id)
        prefix = ""
        if words:
            require(actor, Action.SCHEDULE, contract_id)
            try:
                settings = changed(contract.schedule, read_settings(words))
            except ScheduleError as exc:
                raise BotError(
                    "sch_bad", setting=exc.key, value=exc.value, expected=exc.expected
                ) from None
            await dq.set_schedule(
                session,
                contract=contract,
                schedule=settings,
                actor=f"person:{actor.person_id}",
                now=now,
            )
            prefix = t(actor.language, "sch_set") + "\n"
        schedule = parse_schedule(contract.schedule)
        zone = ZoneInfo(contract.timezone)
        found = [next_due(schedule, book, kind, zone, now) for kind in KINDS]
        upcoming = sorted((o for o in found if o is not None), key=lambda o: o.due)
        text = schedule_message(actor.language, contract_id, contract.timezone, schedule, upcoming)
        return prefix + text

    done = await transact(update, context, work)
    if done is None:
        return
    await schedule_jobs(context.application)  # the contract's jobs at their new times
    await say(update, done.value)


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("schedule", schedule_command, filters=PRIVATE))
