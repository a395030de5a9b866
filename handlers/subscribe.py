"""``/subscribe`` and ``/unsubscribe [CONTRACT] [daily|period|both]``; toggle buttons ``sub:``.

Managers get both digests of their contracts unless they say otherwise; admins only what
they subscribe to. Without arguments the bot shows the choices as buttons; without a
contract the change applies to all of the person's contracts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, require_any, requires
from bot.texts.i18n import t
from handlers.common import PRIVATE, edit, keyboard, say, transact
from storage import digest_queries as dq

# Which digests a word names: (daily, period).
KIND_WORDS: dict[str, tuple[bool, bool]] = {
    "daily": (True, False),
    "period": (False, True),
    "both": (True, True),
    "每日": (True, False),
    "考核": (False, True),
    "全部": (True, True),
}
DAILY_FLAG = "d"
PERIOD_FLAG = "p"


@dataclass(frozen=True, slots=True)
class Choice:
    """A person's digests on one contract."""

    contract: str
    daily: bool
    period: bool


async def current(session: AsyncSession, actor: Actor, contract: str) -> Choice:
    """The digests the person gets now (their choice, or the default of their role)."""
    assert actor.person_id is not None
    found = await dq.subscription_of(session, person_id=actor.person_id, contract_id=contract)
    roles = {r.value for r in actor.roles.get(contract, frozenset())}
    return Choice(
        contract, dq.wants(roles, found, dq.KIND_DAILY), dq.wants(roles, found, dq.KIND_PERIOD)
    )


async def store(session: AsyncSession, actor: Actor, choice: Choice, now: dt.datetime) -> None:
    assert actor.person_id is not None
    await dq.subscribe(
        session,
        person_id=actor.person_id,
        contract_id=choice.contract,
        daily=choice.daily,
        period=choice.period,
        now=now,
    )


def read_args(args: list[str], contracts: list[str]) -> tuple[list[str], tuple[bool, bool]]:
    """The contracts a command names (all of the person's when none) and the digests."""
    kinds = next((KIND_WORDS[a.lower()] for a in args if a.lower() in KIND_WORDS), (True, True))
    named = [a for a in args if a.lower() not in KIND_WORDS]
    for name in named:
        if name not in contracts:
            raise BotError("dg_not_yours", contract=name, contracts=contracts)
    return (named or contracts), kinds


def line(lang: str, choice: Choice) -> str:
    mark = {True: t(lang, "sub_on"), False: t(lang, "sub_off")}
    return t(
        lang,
        "sub_line",
        contract=choice.contract,
        daily=mark[choice.daily],
        period=mark[choice.period],
    )


def panel(lang: str, choices: list[Choice]) -> tuple[str, InlineKeyboardMarkup]:
    """The person's digests, with a button to switch each."""
    mark = {True: t(lang, "sub_on"), False: t(lang, "sub_off")}
    rows = []
    for index, c in enumerate(choices):
        daily = t(lang, "sub_button_daily", contract=c.contract, mark=mark[c.daily])
        period = t(lang, "sub_button_period", contract=c.contract, mark=mark[c.period])
        rows.append([(daily, f"sub:{index}:{DAILY_FLAG}:{int(not c.daily)}")])
        rows.append([(period, f"sub:{index}:{PERIOD_FLAG}:{int(not c.period)}")])
    text = "\n".join([t(lang, "sub_header"), *(line(lang, c) for c in choices)])
    return text, keyboard(rows)


@requires(Action.DIGEST)
async def subscribe_command(update: Update, context: FloorContext) -> None:
    """/subscribe [CONTRACT] [daily|period|both] (no arguments: the buttons)."""
    await _change(update, context, on=True)


@requires(Action.DIGEST)
async def unsubscribe_command(update: Update, context: FloorContext) -> None:
    """/unsubscribe [CONTRACT] [daily|period|both]."""
    await _change(update, context, on=False)


async def _change(update: Update, context: FloorContext, *, on: bool) -> None:
    args = context.args or []
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> tuple[list[Choice], bool]:
        contracts = require_any(actor, Action.DIGEST)
        if not args:
            return [await current(session, actor, c) for c in contracts], False
        targets, (daily, period) = read_args(args, contracts)
        out = []
        for contract in targets:
            was = await current(session, actor, contract)
            now_daily = (was.daily or daily) if on else (was.daily and not daily)
            now_period = (was.period or period) if on else (was.period and not period)
            choice = Choice(contract, now_daily, now_period)
            await store(session, actor, choice, now)
            out.append(choice)
        return out, True

    done = await transact(update, context, work)
    if done is None:
        return
    choices, changed = done.value
    if not changed:
        text, markup = panel(done.lang, choices)
        await say(update, text, markup)
        return
    lines = "\n".join(line(done.lang, c) for c in choices)
    await say(update, t(done.lang, "sub_done", line=lines))


@requires(Action.DIGEST, sample="sub:0:d:0")
async def on_toggle(update: Update, context: FloorContext) -> None:
    """A switch under the panel: ``sub:<position>:<d|p>:<1|0>`` on one of one's contracts."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, index, flag, value = ((query.data or "") + ":::").split(":")[:4]
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> list[Choice]:
        contracts = require_any(actor, Action.DIGEST)
        if not index.isdecimal() or int(index) >= len(contracts) or value not in ("0", "1"):
            raise BotError("choice_expired")
        choices = [await current(session, actor, c) for c in contracts]
        was = choices[int(index)]
        on = value == "1"
        daily = on if flag == DAILY_FLAG else was.daily
        period = on if flag == PERIOD_FLAG else was.period
        choices[int(index)] = Choice(was.contract, daily, period)
        await store(session, actor, choices[int(index)], now)
        return choices

    done = await transact(update, context, work)
    if done is None or not isinstance(query.message, Message):
        return
    text, markup = panel(done.lang, done.value)
    await edit(query.message, text, markup)


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("subscribe", subscribe_command, filters=PRIVATE))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_toggle, pattern=r"^sub:"))
