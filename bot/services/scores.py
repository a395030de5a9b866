"""What vendor leads, managers and inspectors may see: the score, the deductions, the history.

Access is checked here, on the server side, for every request: a person sees a contract's
figures only when they hold a role on it (bot.services.permissions), and a vendor lead never
sees the inspector's notes when the rulebook marks them internal. The module functions take
the session (the caller owns the transaction) and ``now``; the :class:`Scores` service runs
each request in its own read-only unit of work (bot.services.core) and returns plain views
(bot.services.vendor_views).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.contracts import book_of, contract_books
from bot.services.core import Asking, Core
from bot.services.errors import BotError
from bot.services.findings import LISTED_KINDS, entry_detail, sees_notes
from bot.services.permissions import Action, Actor, require, require_any
from bot.services.vendor_views import (
    Choosing,
    ContractOverview,
    DetailView,
    FindingView,
    HistoryView,
    LedgerView,
    Overview,
    ScoreView,
    TrendView,
    finding_view,
    trail_of,
)
from scoring.assessment import Assessment, Event
from scoring.chart import score_chart
from scoring.engine import assess
from scoring.history import MAX_PERIODS, past_record
from scoring.periods import Period, PeriodError, parse_period, period_of, previous_periods
from scoring.rulebook import Rulebook
from scoring.trend import reference_lines, running_scores
from storage import dispute_queries as dq
from storage.models import ClosedPeriod, Role
from storage.queries import events_for_period
from storage.record import record_of

HISTORY_PERIODS = 12
# Callback data is at most 64 bytes: longer contract ids travel as "#<position>".
CONTRACT_REF_LIMIT = 24
_PERIOD_LIKE = re.compile(r"^\d{4}(?:-\d{2}(?:\.\.\d{4}-\d{2})?|[Qq][1-4])$")
_YEAR_FIRST = re.compile(r"^\d{4}\D")
EXAMPLE_PERIOD = "2026-07"


# -- which contract, which period ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """``/score [CONTRACT] [PERIOD]`` read: the contract (None: to choose) and the period text."""

    contract: str | None
    period: str | None
    choices: tuple[str, ...] = ()


def read_request(actor: Actor, ask: Action, args: Sequence[str]) -> Request:
    """The contract and period named in a command's arguments; several contracts → choose."""
    period = next((a for a in args if _PERIOD_LIKE.match(a)), None)
    named = next((a for a in args if not _PERIOD_LIKE.match(a)), None)
    if named is not None and named not in actor.roles and _YEAR_FIRST.match(named):
        raise BotError("bad_period", text=named, example=EXAMPLE_PERIOD)  # e.g. "2026-7"
    if named is not None:
        require(actor, ask, named)
        return Request(named, period)
    contracts = require_any(actor, ask)
    if len(contracts) == 1:
        return Request(contracts[0], period)
    return Request(None, period, tuple(contracts))


def contract_ref(actor: Actor, ask: Action, contract_id: str) -> str:
    """The contract as callback data carries it: its id, or ``#n`` when the id is long."""
    if len(contract_id) <= CONTRACT_REF_LIMIT:
        return contract_id
    return f"#{actor.contracts_for(ask).index(contract_id)}"


def resolve_ref(actor: Actor, ask: Action, ref: str) -> str:
    """The contract a callback's reference names, checked against the actor's roles."""
    if ref.startswith("#"):
        contracts = require_any(actor, ask)
        index = ref[1:]
        if not index.isdecimal() or int(index) >= len(contracts):
            raise BotError("choice_expired")
        return contracts[int(index)]
    require(actor, ask, ref)
    return ref


@dataclass(frozen=True, slots=True)
class Asked:
    """What a request names: a command's arguments, or a tapped button's contract reference
    (``ref``) and period."""

    args: tuple[str, ...] = ()
    ref: str | None = None
    period: str | None = None


def read_asked(actor: Actor, ask: Action, asked: Asked) -> Request:
    """The contract and period a command or a button names, checked against the actor's roles."""
    if asked.ref is not None:
        return Request(resolve_ref(actor, ask, asked.ref), asked.period)
    return read_request(actor, ask, asked.args)


def choosing(lang: str, actor: Actor, ask: Action, request: Request) -> Choosing:
    """The contracts to choose from, each with the reference its button carries."""
    options = tuple((c, contract_ref(actor, ask, c)) for c in request.choices)
    return Choosing(lang, options, request.period)


def choose_period(book: Rulebook, text: str | None, now: dt.datetime) -> Period:
    """The named period, or the one running now."""
    if text is None:
        return period_of(book, now)
    try:
        return parse_period(book, text)
    except PeriodError:
        example = "2024Q1" if book.period.unit == "quarter" else EXAMPLE_PERIOD
        raise BotError("bad_period", text=text, example=example) from None


# -- the score --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreReport:
    """A period's assessment as the bot shows it, and whether its figures are final."""

    contract_id: str
    book: Rulebook
    assessment: Assessment
    closed: ClosedPeriod | None
    disputes: tuple[dq.OpenDispute, ...]

    @property
    def final(self) -> bool:
        """Closed, and no dispute about it is waiting for a decision."""
        return self.closed is not None and not self.disputes


async def score_report(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    contract_id: str,
    period_text: str | None,
    now: dt.datetime,
) -> ScoreReport:
    """The period's score so far (the running period unless one is named)."""
    require(actor, Action.SCORE, contract_id)
    book = await book_of(session, rulebooks, contract_id)
    period = choose_period(book, period_text, now)
    cache = await _events_by_period(session, contract_id, book, [*_earlier(book, period), period])
    record = await record_of(session=session, contract_id=contract_id)
    past = past_record(book, period, lambda p: cache.get(p.label, []), now=now, record=record)
    result = assess(
        book,
        cache[period.label],
        period,
        now=now,
        history=past.scores,
        lacking=past.lacking,
        recorded_since=record.since,
    )
    closed = await dq.closed_period(session=session, contract_id=contract_id, label=period.label)
    disputes = await dq.open_disputes(session=session, contract_id=contract_id, period=period)
    return ScoreReport(contract_id, book, result, closed, tuple(disputes))


def _earlier(book: Rulebook, period: Period) -> list[Period]:
    """The periods before ``period`` that overlap the contract's term."""
    return [p for p in previous_periods(book, period, MAX_PERIODS) if _in_term(book, p)]


def _in_term(book: Rulebook, period: Period) -> bool:
    return period.end > book.contract.valid_from and period.start <= book.contract.valid_to


async def _events_by_period(
    session: AsyncSession, contract_id: str, book: Rulebook, periods: Sequence[Period]
) -> dict[str, list[Event]]:
    return {
        p.label: await events_for_period(
            session=session, contract_id=contract_id, book=book, period=p
        )
        for p in periods
    }


# -- the history ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class History:
    """The last periods' scores (oldest first) and the running period's score by day."""

    contract_id: str
    book: Rulebook
    period: Period
    scores: tuple[tuple[str, Decimal | None], ...]
    days: tuple[tuple[dt.date, Decimal | None], ...]


async def score_history(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    contract_id: str,
    now: dt.datetime,
) -> History:
    """The scores of the last HISTORY_PERIODS periods within the term, up to the running one."""
    require(actor, Action.HISTORY, contract_id)
    book = await book_of(session, rulebooks, contract_id)
    shown = periods_to_look_at(book, now)
    period = shown[-1]
    cache = await _events_by_period(session, contract_id, book, shown)
    scores = tuple((p.label, assess(book, cache[p.label], p, now=now).score) for p in shown)
    views = await dq.entries_in_period(session=session, contract_id=contract_id, period=period)
    days = running_scores(book, [_event(v) for v in views if not v.voided], period, now=now)
    return History(contract_id, book, period, scores, tuple(days))


def _event(view: dq.EntryView) -> Event:
    """An entry as the engine takes it, one by one, with its own time (for the day-by-day trend)."""
    entry = view.entry
    return Event(entry.item, entry.occurred_at, view.quantity, view.value, ref=str(view.id))


# -- the deductions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every finding recorded in a period (voided ones too, marked), newest first."""

    contract_id: str
    book: Rulebook
    period: Period
    views: tuple[dq.EntryView, ...]


async def ledger(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    contract_id: str,
    period_text: str | None,
    now: dt.datetime,
) -> Ledger:
    """The period's deductions (and bonuses, fees, KPI measurements) with their states."""
    require(actor, Action.DEDUCTIONS, contract_id)
    book = await book_of(session, rulebooks, contract_id)
    period = choose_period(book, period_text, now)
    listed = [item.code for item in book.items if item.kind in LISTED_KINDS]
    views = await dq.entries_in_period(
        session=session, contract_id=contract_id, period=period, items=listed
    )
    return Ledger(contract_id, book, period, tuple(reversed(views)))


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """Which findings a list shows (None: any): the Mini App's filters."""

    item: str | None = None
    staff: str | None = None
    inspector: str | None = None
    state: str | None = None

    def keeps(self, finding: FindingView) -> bool:
        return (
            (self.item is None or finding.item.code == self.item)
            and (self.staff is None or finding.staff == self.staff)
            and (self.inspector is None or finding.inspector == self.inspector)
            and (self.state is None or finding.state.value == self.state)
        )


def periods_to_look_at(
    book: Rulebook, now: dt.datetime, limit: int = HISTORY_PERIODS
) -> tuple[Period, ...]:
    """The last ``limit`` periods within the term, up to the running one — or up to the
    term's last period once the term has ended."""
    latest = period_of(book, now)
    if latest.start > book.contract.valid_to:
        zone = ZoneInfo(book.contract.timezone)
        latest = period_of(book, dt.datetime.combine(book.contract.valid_to, dt.time(12), zone))
    return (*_earlier(book, latest)[-(limit - 1) :], latest)


def _overview(
    contract_id: str, book: Rulebook, roles: frozenset[Role], now: dt.datetime
) -> ContractOverview:
    periods = tuple(p.label for p in periods_to_look_at(book, now, MAX_PERIODS))
    return ContractOverview(contract_id, book, frozenset(role.value for role in roles), periods)


# -- the requests -------------------------------------------------------------------------


class Scores:
    """The score, the deductions (with one finding in full) and the history of a contract."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def overview(self, asking: Asking) -> Overview:
        """Who is asking and every contract they hold a role on, with its periods."""
        async with self.core.read(asking) as uow:
            actor = uow.actor
            books = await contract_books(uow.session, self.core.rulebooks)
        choices = tuple(
            _overview(contract_id, books[contract_id], roles, uow.now)
            for contract_id, roles in sorted(actor.roles.items())
            if roles and contract_id in books
        )
        return Overview(uow.lang, actor.name, choices)

    async def score(self, asking: Asking, *, asked: Asked) -> ScoreView | Choosing:
        """/score [CONTRACT] [PERIOD]: the period's score so far, or the contracts to choose."""
        async with self.core.read(asking) as uow:
            request = read_asked(uow.actor, Action.SCORE, asked)
            if request.contract is None:
                return choosing(uow.lang, uow.actor, Action.SCORE, request)
            report = await score_report(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                contract_id=request.contract,
                period_text=request.period,
                now=uow.now,
            )
        closed = report.closed.closed_at if report.closed is not None else None
        disputes = tuple(d.dispute.id for d in report.disputes if d.dispute.id is not None)
        return ScoreView(
            uow.lang, report.contract_id, report.book, report.assessment, closed, disputes
        )

    async def deductions(self, asking: Asking, *, asked: Asked) -> LedgerView | Choosing:
        """/deductions [CONTRACT] [PERIOD]: every finding of the period, newest first."""
        async with self.core.read(asking) as uow:
            actor = uow.actor
            request = read_asked(actor, Action.DEDUCTIONS, asked)
            if request.contract is None:
                return choosing(uow.lang, actor, Action.DEDUCTIONS, request)
            found = await ledger(
                uow.session,
                actor=actor,
                rulebooks=self.core.rulebooks,
                contract_id=request.contract,
                period_text=request.period,
                now=uow.now,
            )
        notes = sees_notes(actor, found.book, found.contract_id)
        return LedgerView(
            uow.lang,
            found.contract_id,
            contract_ref(actor, Action.DEDUCTIONS, found.contract_id),
            found.period,
            tuple(finding_view(v, found.book, notes=notes) for v in found.views),
        )

    async def finding(self, asking: Asking, *, entry_id: int) -> DetailView:
        """One finding in full, with its photos and the buttons this viewer may use."""
        async with self.core.read(asking) as uow:
            detail = await entry_detail(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                entry_id=entry_id,
                now=uow.now,
                default_days=self.core.settings.default_objection_working_days,
            )
        case = detail.case
        return DetailView(
            lang=uow.lang,
            finding=finding_view(case.view, case.book, notes=detail.notes),
            window_open=uow.now < case.deadline,
            last_day=case.last_day,
            names=dict(detail.names),
            evidence=detail.evidence,
            dispute_photos=detail.dispute_photos,
            can_dispute=detail.can_dispute,
            can_decide=detail.can_decide,
            trail=trail_of(case.view),
        )

    async def history(self, asking: Asking, *, asked: Asked) -> HistoryView | Choosing:
        """/history [CONTRACT]: the last periods' scores and their chart (drawn off the loop,
        after the session is closed)."""
        found = await self._history(asking, asked)
        if isinstance(found, Choosing):
            return found
        lang, history = found
        label = history.period.label
        png = await asyncio.to_thread(
            score_chart, history.book, label, history.days, history.scores
        )
        return HistoryView(lang, history.contract_id, label, history.scores, png)

    async def trend(self, asking: Asking, *, asked: Asked) -> TrendView | Choosing:
        """The figures the /history chart draws: the last periods, this period by day, and
        the contract's warning and money lines."""
        found = await self._history(asking, asked)
        if isinstance(found, Choosing):
            return found
        lang, history = found
        lines = tuple(reference_lines(history.book))
        label = history.period.label
        return TrendView(lang, history.contract_id, label, history.scores, history.days, lines)

    async def _history(self, asking: Asking, asked: Asked) -> tuple[str, History] | Choosing:
        """The asker's language and the contract's history, or the contracts to choose from."""
        async with self.core.read(asking) as uow:
            request = read_asked(uow.actor, Action.HISTORY, asked)
            if request.contract is None:
                return choosing(uow.lang, uow.actor, Action.HISTORY, request)
            found = await score_history(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                contract_id=request.contract,
                now=uow.now,
            )
        return uow.lang, found
