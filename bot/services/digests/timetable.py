"""A contract's digest times as a manager sees and changes them with ``/schedule``.

``/schedule [CONTRACT] [SETTING …]``: the settings are ``daily 18:30``, ``assessment 24 09:00``,
``reminder 16:00``, ``days weekdays``; ``off`` turns one off; times are the contract's local
time (bot.services.digests.schedule). Seeing them needs the digest action on the contract,
changing them the schedule action. The functions take the session (the caller owns the
transaction) and ``now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.contracts import contract_book
from bot.services.digests.schedule import (
    KEY_DAILY,
    KEY_PERIOD,
    KEY_REMINDER,
    KEY_REMINDER_DAYS,
    KINDS,
    Occurrence,
    Schedule,
    ScheduleError,
    changed,
    next_due,
    parse_schedule,
)
from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, require, require_any
from scoring.rulebook import Rulebook
from storage import digest_queries as dq

# The words of /schedule and the settings they change.
KEYS: Mapping[str, str] = {
    "daily": KEY_DAILY,
    "assessment": KEY_PERIOD,
    "period": KEY_PERIOD,
    "reminder": KEY_REMINDER,
    "days": KEY_REMINDER_DAYS,
}
DAY_NUMBER_LENGTH = 2


@dataclass(frozen=True, slots=True)
class Timetable:
    """A contract's digest times, the next ones due, and whether this request changed them."""

    lang: str
    contract_id: str
    timezone: str
    schedule: Schedule
    upcoming: tuple[Occurrence, ...]  # by due time
    changed: bool


def read_settings(words: Sequence[str]) -> dict[str, str]:
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


def split(actor: Actor, args: Sequence[str]) -> tuple[str, list[str]]:
    """The contract (named first, or the only one) and the setting words."""
    contracts = require_any(actor, Action.DIGEST)
    if args and args[0] in actor.roles:
        return args[0], list(args[1:])
    if args and args[0].lower() not in KEYS:
        raise BotError("dg_not_yours", contract=args[0], contracts=contracts)
    if len(contracts) > 1:
        raise BotError("sch_usage")
    return contracts[0], list(args)


def upcoming(
    schedule: Schedule, book: Rulebook, zone: ZoneInfo, now: dt.datetime
) -> tuple[Occurrence, ...]:
    """The next digest of each kind that is on, soonest first."""
    found = [next_due(schedule, book, kind, zone, now) for kind in KINDS]
    return tuple(sorted((o for o in found if o is not None), key=lambda o: o.due))


async def timetable(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    args: Sequence[str],
    now: dt.datetime,
) -> Timetable:
    """Show a contract's digest times; with settings, change them first (checked, stored)."""
    contract_id, words = split(actor, args)
    require(actor, Action.DIGEST, contract_id)
    contract, book = await contract_book(session, rulebooks, contract_id)
    if words:
        require(actor, Action.SCHEDULE, contract_id)
        try:
            settings = changed(contract.schedule, read_settings(words))
        except ScheduleError as exc:
            raise BotError(
                "sch_bad", setting=exc.key, value=exc.value, expected=exc.expected
            ) from None
        await dq.set_schedule(
            session=session,
            contract=contract,
            schedule=settings,
            actor=f"person:{actor.person_id}",
            now=now,
        )
    schedule = parse_schedule(contract.schedule)
    zone = ZoneInfo(contract.timezone)
    return Timetable(
        actor.language,
        contract_id,
        contract.timezone,
        schedule,
        upcoming(schedule, book, zone, now),
        bool(words),
    )
