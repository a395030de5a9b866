"""What managers ask of the digests: the :class:`Digests` service.

A digest now (``/digest [CONTRACT] [PERIOD|today]``: the period's assessment with its table and
chart, or the day's digest), which digests they get (``/subscribe``, ``/unsubscribe``, the
switches under the panel), when they go out (``/schedule``), and the decision on a report for
a closed period. Each request is one unit of work (bot.services.core). Also here: this
process's view of who has blocked the bot (shared with the digest runner, bot.app.jobs), and
the unmarking of a marked person who writes again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.services.contracts import contract_book
from bot.services.core import Asking, Core, UnitOfWork
from bot.services.delivery import BlockedChats
from bot.services.digests import subscriptions
from bot.services.digests.content import DailyFigures, PeriodFigures, daily_figures, period_figures
from bot.services.digests.subscriptions import Choice
from bot.services.digests.timetable import Timetable, timetable
from bot.services.errors import BotError
from bot.services.late_decisions import LateDecided, decided
from bot.services.late_reports import decide
from bot.services.permissions import Action, Actor, require, require_any
from scoring.periods import Period, PeriodError, parse_period, period_of
from scoring.rulebook import Rulebook
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage.db import write_session

TODAY = frozenset({"today", "今天", "今日"})
PERIOD_LIKE = re.compile(r"^\d{4}(?:-\d{2}(?:\.\.\d{4}-\d{2})?|[Qq][1-4])$")
# The day's digest asked for before any was sent covers the day before.
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ContractChoice:
    """A manager of several contracts is to pick one (the period asked for goes with it)."""

    lang: str
    contracts: tuple[str, ...]
    period: str | None


@dataclass(frozen=True, slots=True)
class DayDigest:
    """The day's digest of one contract, as of now."""

    lang: str
    figures: DailyFigures
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class PeriodDigest:
    """A period's assessment of one contract so far (or as closed), with table and chart."""

    lang: str
    figures: PeriodFigures
    zone: ZoneInfo


DigestView = ContractChoice | DayDigest | PeriodDigest


@dataclass(frozen=True, slots=True)
class Subscriptions:
    """A person's digests on each contract concerned; ``changed``: this request set them."""

    lang: str
    choices: tuple[Choice, ...]
    changed: bool


def read_args(actor: Actor, args: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """The contract (None: choose), the period text (None: current) and the choices."""
    contracts = require_any(actor, Action.DIGEST)
    period = next((a for a in args if PERIOD_LIKE.match(a) or a.lower() in TODAY), None)
    named = next((a for a in args if a != period), None)
    if named is not None and named not in contracts:
        raise BotError("dg_not_yours", contract=named, contracts=contracts)
    if named is None and len(contracts) == 1:
        named = contracts[0]
    return named, period, contracts


def period_asked(book: Rulebook, text: str | None, now: dt.datetime) -> Period:
    """The period a manager names (none: the current one)."""
    if text is None:
        return period_of(book, now)
    try:
        return parse_period(book, text)
    except PeriodError:
        example = "2024Q1" if book.period.unit == "quarter" else "2026-07"
        raise BotError("dg_bad_period", text=text, example=example) from None


class Digests:
    """A digest now, subscriptions, digest times, late-report decisions; who blocked the bot."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.blocked = BlockedChats()  # this process's view (the runner marks and reloads it)

    # -- a digest now -------------------------------------------------------------------------

    async def digest(self, asking: Asking, *, args: Sequence[str]) -> DigestView:
        """/digest [CONTRACT] [PERIOD|today]: the digest, or the contracts to choose from."""
        async with self.core.read(asking) as uow:
            contract_id, period, contracts = read_args(uow.actor, args)
            if contract_id is None:
                return ContractChoice(uow.lang, tuple(contracts), period)
            return await self._digest(uow, contract_id, period)

    async def chosen(
        self, asking: Asking, *, position: int | None, period: str | None
    ) -> DayDigest | PeriodDigest:
        """The contract picked (its position among the manager's own) for the period asked."""
        async with self.core.read(asking) as uow:
            contracts = require_any(uow.actor, Action.DIGEST)
            if position is None or not 0 <= position < len(contracts):
                raise BotError("choice_expired")
            return await self._digest(uow, contracts[position], period)

    async def _digest(
        self, uow: UnitOfWork, contract_id: str, period_text: str | None
    ) -> DayDigest | PeriodDigest:
        require(uow.actor, Action.DIGEST, contract_id)
        session, now = uow.session, uow.now
        contract, book = await contract_book(session, self.core.rulebooks, contract_id)
        zone = ZoneInfo(contract.timezone)
        if period_text is not None and period_text.lower() in TODAY:
            last = await dlq.previous_run_due(
                session=session, contract_id=contract_id, kind=dq.KIND_DAILY, before=now
            )
            day = await daily_figures(
                session,
                contract_id=contract_id,
                book=book,
                zone=zone,
                after=last or now - ONE_DAY,
                until=now,
            )
            return DayDigest(uow.lang, day, zone)
        period = period_asked(book, period_text, now)
        figures = await period_figures(
            session,
            contract_id=contract_id,
            book=book,
            period=period,
            now=now,
            adjustments_after=period.start_utc,
        )
        return PeriodDigest(uow.lang, figures, zone)

    # -- subscriptions ------------------------------------------------------------------------

    async def subscribe(self, asking: Asking, *, on: bool, args: Sequence[str]) -> Subscriptions:
        """/subscribe or /unsubscribe [CONTRACT] [daily|period|both]; no words: the panel."""
        async with self.core.work(asking) as uow:
            if not args:
                found = await subscriptions.choices(uow.session, uow.actor)
                return Subscriptions(uow.lang, tuple(found), changed=False)
            found = await subscriptions.change(uow.session, uow.actor, args, on=on, now=uow.now)
            return Subscriptions(uow.lang, tuple(found), changed=True)

    async def switch(
        self, asking: Asking, *, position: int | None, kind: str | None, on: bool | None
    ) -> Subscriptions:
        """A switch under the panel: one digest of one of the person's contracts on or off."""
        async with self.core.work(asking) as uow:
            found = await subscriptions.switch(
                uow.session, uow.actor, position=position, kind=kind, on=on, now=uow.now
            )
            return Subscriptions(uow.lang, tuple(found), changed=True)

    # -- digest times -------------------------------------------------------------------------

    async def timetable(self, asking: Asking, *, args: Sequence[str]) -> Timetable:
        """/schedule [CONTRACT] [SETTING …]: a contract's digest times, changed first if asked."""
        async with self.core.work(asking) as uow:
            return await timetable(
                uow.session, actor=uow.actor, rulebooks=self.core.rulebooks, args=args, now=uow.now
            )

    # -- late reports -------------------------------------------------------------------------

    async def decide_late(self, asking: Asking, *, late_id: int, approve: bool) -> LateDecided:
        """Approve or reject a report for a closed period, once; who else is to be told."""
        core = self.core
        async with core.work(asking) as uow:
            decision = await decide(
                uow.session, actor=uow.actor, late_id=late_id, approve=approve, now=uow.now
            )
        try:
            async with core.sessions() as session:  # the scores computed outside the write
                return await decided(
                    session,
                    decision=decision,
                    rulebooks=core.rulebooks,
                    lang=uow.lang,
                    asker=asking.user.id,
                    default_language=core.default_language,
                    now=core.clock.now(),
                )
        except BotError as error:  # (the contract's rulebook gone meanwhile)
            error.told_in(uow.lang)
            raise

    # -- people who blocked the bot -----------------------------------------------------------

    async def wrote(self, telegram_id: int) -> None:
        """A user wrote to the bot: unmarked now when this process knows them to be marked
        (anyone else who is marked, at the runner's next reload of the marks)."""
        person_id = self.blocked.wrote(telegram_id)
        if person_id is None:
            return
        async with write_session(self.core.sessions) as session:
            await dq.unblock(session=session, person_id=person_id)
