"""Who gets which digests: a person's choice per contract, or the default of their role.

Managers get both digests of their contracts unless they say otherwise; admins only what they
subscribe to. ``/subscribe`` and ``/unsubscribe`` name the contracts (none: all of the
person's) and the digests (``daily``, ``period``, ``both``; none: both); a switch under the
panel sets one digest of one contract. Every function takes the session (the caller owns the
transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, require_any
from storage import digest_queries as dq

DAILY = dq.KIND_DAILY
PERIOD = dq.KIND_PERIOD
# Which digests a word names: (daily, period).
KIND_WORDS: Mapping[str, tuple[bool, bool]] = {
    "daily": (True, False),
    "period": (False, True),
    "both": (True, True),
    "每日": (True, False),
    "考核": (False, True),
    "全部": (True, True),
}


@dataclass(frozen=True, slots=True)
class Choice:
    """A person's digests on one contract."""

    contract: str
    daily: bool
    period: bool


async def current(session: AsyncSession, actor: Actor, contract: str) -> Choice:
    """The digests the person gets now (their choice, or the default of their role)."""
    assert actor.person_id is not None
    found = await dq.subscription_of(
        session=session, person_id=actor.person_id, contract_id=contract
    )
    roles = {r.value for r in actor.roles.get(contract, frozenset())}
    return Choice(contract, dq.wants(roles, found, DAILY), dq.wants(roles, found, PERIOD))


async def store(session: AsyncSession, actor: Actor, choice: Choice, now: dt.datetime) -> None:
    assert actor.person_id is not None
    await dq.subscribe(
        session=session,
        person_id=actor.person_id,
        contract_id=choice.contract,
        daily=choice.daily,
        period=choice.period,
        now=now,
    )


def read_args(args: Sequence[str], contracts: list[str]) -> tuple[list[str], tuple[bool, bool]]:
    """The contracts a command names (all of the person's when none) and the digests."""
    kinds = next((KIND_WORDS[a.lower()] for a in args if a.lower() in KIND_WORDS), (True, True))
    named = [a for a in args if a.lower() not in KIND_WORDS]
    for name in named:
        if name not in contracts:
            raise BotError("dg_not_yours", contract=name, contracts=contracts)
    return (named or contracts), kinds


async def choices(session: AsyncSession, actor: Actor) -> list[Choice]:
    """The person's digests on each of their contracts."""
    return [await current(session, actor, c) for c in require_any(actor, Action.DIGEST)]


async def change(
    session: AsyncSession, actor: Actor, args: Sequence[str], *, on: bool, now: dt.datetime
) -> list[Choice]:
    """Turn the digests the words name on (or off) on the contracts they name."""
    targets, (daily, period) = read_args(args, require_any(actor, Action.DIGEST))
    out = []
    for contract in targets:
        was = await current(session, actor, contract)
        now_daily = (was.daily or daily) if on else (was.daily and not daily)
        now_period = (was.period or period) if on else (was.period and not period)
        choice = Choice(contract, now_daily, now_period)
        await store(session, actor, choice, now)
        out.append(choice)
    return out


async def switch(
    session: AsyncSession,
    actor: Actor,
    *,
    position: int | None,
    kind: str | None,
    on: bool | None,
    now: dt.datetime,
) -> list[Choice]:
    """One switch under the panel: the digest ``kind`` of the person's contract at
    ``position`` (among their own, sorted) on or off; every choice as it then stands."""
    contracts = require_any(actor, Action.DIGEST)
    if position is None or not 0 <= position < len(contracts) or on is None:
        raise BotError("choice_expired")
    found = [await current(session, actor, c) for c in contracts]
    was = found[position]
    daily = on if kind == DAILY else was.daily
    period = on if kind == PERIOD else was.period
    found[position] = Choice(was.contract, daily, period)
    await store(session, actor, found[position], now)
    return found
