"""Which contract a vendor-side command is about: named, the user's only one, or a tapped button.

``/score`` and ``/deductions`` take ``[CONTRACT] [PERIOD]``. A user with several contracts who
names none gets one ``PREFIX:REF[:PERIOD]`` button per contract; the tap answers for that one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update

from bot.app.context import FloorContext
from bot.services.permissions import Action, Actor
from bot.services.scores import Request, read_request, resolve_ref
from bot.texts.i18n import t
from bot.texts.vendor import choice_rows
from handlers.common import Done, keyboard, say
from handlers.vendor_common import look_up
from scoring.rulebook import Rulebook

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
RequestOf = Callable[[Actor], Request]


class Fetch(Protocol[T_co]):
    """A service that answers for one contract and period (bot.services.scores.score_report,
    ledger)."""

    def __call__(
        self,
        session: AsyncSession,
        *,
        actor: Actor,
        rulebooks: Mapping[str, Rulebook],
        contract_id: str,
        period_text: str | None,
        now: dt.datetime,
    ) -> Awaitable[T_co]: ...


@dataclass(frozen=True, slots=True)
class ContractChoice:
    """A command's contract choice: the roles it needs (``ask``) and its buttons' prefix."""

    ask: Action
    prefix: str

    def from_args(self, context: FloorContext) -> RequestOf:
        """The contract and period the command's arguments name (or a choice to offer)."""
        args = list(context.args or [])
        return lambda actor: read_request(actor, self.ask, args)

    def chosen(self, ref: str, period: str | None) -> RequestOf:
        """The contract a button's reference names, checked against the user's roles."""
        return lambda actor: Request(resolve_ref(actor, self.ask, ref), period)

    async def from_button(self, update: Update) -> RequestOf:
        """Answer the tapped ``PREFIX:REF[:PERIOD]`` button; the request it stands for."""
        query = update.callback_query
        assert query is not None
        await query.answer()
        ref, _, period = (query.data or "").removeprefix(f"{self.prefix}:").partition(":")
        return self.chosen(ref, period or None)

    async def look_up(
        self,
        update: Update,
        context: FloorContext,
        request_of: RequestOf,
        fetch: Fetch[T],
    ) -> Done[T] | None:
        """``fetch`` for the requested contract; None when a choice was offered or refused."""
        services = context.services
        now = services.clock.now()

        async def work(session: AsyncSession, actor: Actor) -> T | Request:
            request = request_of(actor)
            if request.contract is None:
                return request
            return await fetch(
                session,
                actor=actor,
                rulebooks=services.rulebooks,
                contract_id=request.contract,
                period_text=request.period,
                now=now,
            )

        done = await look_up(update, context, work)
        if done is None:
            return None
        if isinstance(done.value, Request):
            rows = choice_rows(done.actor, self.ask, self.prefix, done.value)
            await say(update, t(done.lang, "vendor_choose_contract"), keyboard(rows))
            return None
        return Done(done.actor, done.value)
