"""What a digest says, as figures: a day's reports and standing, or a period's assessment.

Built from the database and the scoring engine once per contract, then rendered for each
reader's language (bot.texts.digests). The spreadsheet and the chart are CPU work and run in
a worker thread, off the event loop. Every function takes the session; the caller owns it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.drafts import Cost, cost_of
from bot.services.late_reports import LateRequest
from scoring.assessment import Assessment, Event, PastScore
from scoring.chart import score_chart
from scoring.engine import assess
from scoring.history import MAX_PERIODS, past_record
from scoring.periods import Period, parse_period, period_of, previous_periods
from scoring.risk import Risk, at_stake
from scoring.rulebook import Item, Rulebook
from scoring.thresholds import Distance, distances
from scoring.trend import running_scores
from scoring.xlsx import assessment_xlsx
from storage import digest_queries as dq
from storage import late_queries as lq
from storage.dispute_queries import OpenDispute, open_disputes
from storage.models import ClosedPeriod
from storage.queries import events_for_period
from storage.record import record_of

# The chart shows this many periods (the one assessed and those before it).
CHART_PERIODS = 12
# Lines above the score worth naming: a better payout band or grade to reach.
CLIMBABLE = frozenset({"payout", "grade"})


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One report as a digest lists it."""

    entry_id: int
    at: dt.datetime  # local
    item: Item
    staff: str | None
    inspector: str | None
    value: str | None
    quantity: Decimal
    cost: Cost


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A late report approved into a closed period: its cost, the period's score sent and now."""

    late: LateRequest
    item: Item
    cost: Cost
    sent: Decimal | None
    now: Decimal | None


@dataclass(frozen=True, slots=True)
class Disputed:
    """A dispute still open, with the deduction it is about."""

    dispute_id: int
    entry_id: int
    item: str
    staff: str | None
    occurred_at: dt.datetime

    @classmethod
    def of(cls, found: OpenDispute) -> Disputed:
        entry = found.entry
        assert found.dispute.id is not None and entry.id is not None
        return cls(found.dispute.id, entry.id, entry.item, entry.staff, entry.occurred_at)


@dataclass(frozen=True, slots=True)
class Closing:
    """When a period was closed, and the score its assessment was sent with."""

    closed_at: dt.datetime
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class Changed:
    """A closed period whose score now differs from the one it was sent with."""

    period: str
    sent: Decimal | None
    now: Decimal | None


@dataclass(frozen=True, slots=True)
class Standing:
    """A period as it stands at a moment: the assessment, the history, what is at stake."""

    contract_id: str
    book: Rulebook
    assessment: Assessment
    history: tuple[PastScore, ...]
    risks: tuple[Risk, ...]
    lines: tuple[Distance, ...]


@dataclass(frozen=True, slots=True)
class DailyFigures:
    """A contract's day: the reports since the last digest and where the period stands."""

    standing: Standing
    day: dt.date
    reports: tuple[ReportLine, ...]
    before: Decimal | None  # the period's score at the last digest
    adjustments: tuple[Adjustment, ...]
    open_disputes: int

    @property
    def quiet(self) -> bool:
        return not self.reports and not self.adjustments


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """A period's assessment with everything the message and its attachments show."""

    standing: Standing
    open_disputes: tuple[Disputed, ...]
    adjustments: tuple[Adjustment, ...]
    changed: tuple[Changed, ...]
    closed: Closing | None  # the period's closing, when it was closed before
    xlsx: bytes
    chart: bytes


def event_of(row: dq.LedgerRow) -> Event:
    """A standing entry as the engine takes it (one event, with its own time)."""
    e = row.entry
    return Event(
        e.item, e.occurred_at, row.quantity, row.value, e.staff, e.note, e.inspector, str(row.id)
    )


@dataclass(frozen=True, slots=True)
class Past:
    """The periods before one: known scores, those lacking one, and when recording began."""

    scores: tuple[PastScore, ...]
    lacking: tuple[str, ...]
    since: dt.date | None


async def history_of(
    session: AsyncSession, *, contract_id: str, book: Rulebook, period: Period, now: dt.datetime
) -> Past:
    """The periods before ``period`` (as ``floorbot report`` computes them)."""
    cache: dict[str, list[Event]] = {}
    for past in previous_periods(book, period, MAX_PERIODS):
        if past.end > book.contract.valid_from:
            cache[past.label] = await events_for_period(
                session=session, contract_id=contract_id, book=book, period=past
            )
    record = await record_of(session=session, contract_id=contract_id)
    found = past_record(book, period, lambda p: cache.get(p.label, []), now=now, record=record)
    return Past(tuple(found.scores), tuple(found.lacking), record.since)


def assess_after(
    book: Rulebook, events: Sequence[Event], period: Period, past: Past, now: dt.datetime
) -> Assessment:
    """The period's assessment with what is known of the periods before it."""
    return assess(
        book,
        events,
        period,
        now=now,
        history=past.scores,
        lacking=past.lacking,
        recorded_since=past.since,
    )


def standing_of(
    contract_id: str,
    book: Rulebook,
    events: Sequence[Event],
    period: Period,
    past: Past,
    now: dt.datetime,
) -> Standing:
    """The assessment of the events, what the period decides, and the nearest lines."""
    history = past.scores
    result = assess_after(book, events, period, past, now)
    top = book.score.max if book.score is not None else None
    found = distances(book, result.score) if result.score is not None else []
    near = _nearest([d for d in found if d.line != top])  # "0 above the full-marks line": noise
    risks = tuple(at_stake(book, period, history))
    return Standing(contract_id, book, result, tuple(history), risks, near)


def _nearest(found: Sequence[Distance]) -> tuple[Distance, ...]:
    """The closest line under the score, and the closest band above it still to reach."""
    under = [d for d in found if d.above]
    over = [d for d in found if not d.above and d.kind in CLIMBABLE]
    return tuple(min(group, key=lambda d: d.points) for group in (under, over) if group)


def report_line(book: Rulebook, row: dq.LedgerRow, zone: ZoneInfo) -> ReportLine:
    item = book.item(row.entry.item)
    return ReportLine(
        row.id,
        row.entry.occurred_at.astimezone(zone),
        item,
        row.entry.staff,
        row.entry.inspector,
        row.value,
        row.quantity,
        cost_of(book, item, row.value, row.quantity),
    )


# -- adjustments --------------------------------------------------------------------------


async def adjustments_between(
    session: AsyncSession,
    *,
    contract_id: str,
    book: Rulebook,
    after: dt.datetime,
    until: dt.datetime,
    scores: dict[str, Decimal | None],
) -> tuple[Adjustment, ...]:
    """Late reports approved in (after, until], each with its period's sent and current score."""
    approved = await lq.approved_between(
        session=session, contract_id=contract_id, after=after, until=until
    )
    if not approved:
        return ()
    closed = await dq.closed_periods(session=session, contract_id=contract_id)
    out = []
    for late in approved:
        item = book.item(late.item)
        sent = closed[late.period].score if late.period in closed else None
        out.append(
            Adjustment(
                LateRequest.of(late),
                item,
                cost_of(book, item, late.value, late.quantity),
                sent,
                scores.get(late.period, sent),
            )
        )
    return tuple(out)


def current_scores(standing: Standing) -> dict[str, Decimal | None]:
    """Every period's score as it stands now: the history and the period itself."""
    scores: dict[str, Decimal | None] = {p.period: p.score for p in standing.history}
    scores[standing.assessment.period.label] = standing.assessment.score
    return scores


# -- the day --------------------------------------------------------------------------------


async def daily_figures(
    session: AsyncSession,
    *,
    contract_id: str,
    book: Rulebook,
    zone: ZoneInfo,
    after: dt.datetime,
    until: dt.datetime,
) -> DailyFigures:
    """The day's digest as of ``until``: reports recorded in (after, until] and the standing."""
    period = period_of(book, until)
    rows = await dq.entries_between(
        session=session, contract_id=contract_id, start=period.start_utc, end=period.end_utc
    )
    known = [r for r in rows if r.entry.created_at <= until]
    history = await history_of(
        session, contract_id=contract_id, book=book, period=period, now=until
    )
    standing = standing_of(contract_id, book, [event_of(r) for r in known], period, history, until)
    earlier = [event_of(r) for r in known if r.entry.created_at <= after]
    before = assess_after(book, earlier, period, history, until).score
    new = await dq.recorded_between(
        session=session, contract_id=contract_id, after=after, until=until
    )
    adjustments = await adjustments_between(
        session,
        contract_id=contract_id,
        book=book,
        after=after,
        until=until,
        scores=current_scores(standing),
    )
    disputes = await open_disputes(session=session, contract_id=contract_id, period=period)
    adjusted = {a.late.entry_id for a in adjustments}  # listed as adjustments instead
    return DailyFigures(
        standing,
        until.astimezone(zone).date(),
        tuple(report_line(book, r, zone) for r in new if r.id not in adjusted),
        before,
        adjustments,
        len(disputes),
    )


# -- the period -----------------------------------------------------------------------------


async def period_figures(
    session: AsyncSession,
    *,
    contract_id: str,
    book: Rulebook,
    period: Period,
    now: dt.datetime,
    adjustments_after: dt.datetime,
) -> PeriodFigures:
    """The period's assessment (as ``floorbot report`` makes it) with table and chart."""
    events = await events_for_period(
        session=session, contract_id=contract_id, book=book, period=period
    )
    history = await history_of(session, contract_id=contract_id, book=book, period=period, now=now)
    standing = standing_of(contract_id, book, events, period, history, now)
    rows = await dq.entries_between(
        session=session, contract_id=contract_id, start=period.start_utc, end=period.end_utc
    )
    closed = await dq.closed_periods(session=session, contract_id=contract_id)
    scores = current_scores(standing)
    adjustments = await adjustments_between(
        session,
        contract_id=contract_id,
        book=book,
        after=adjustments_after,
        until=now,
        scores=scores,
    )
    xlsx, chart = await asyncio.to_thread(render, book, standing, [event_of(r) for r in rows], now)
    disputes = await open_disputes(session=session, contract_id=contract_id, period=period)
    found = closed.get(period.label)
    return PeriodFigures(
        standing,
        tuple(Disputed.of(d) for d in disputes),
        adjustments,
        _changed(closed, standing.history),
        Closing(found.closed_at, found.score) if found is not None else None,
        xlsx,
        chart,
    )


def _changed(closed: dict[str, ClosedPeriod], history: Sequence[PastScore]) -> tuple[Changed, ...]:
    """Closed periods (among the last charted) whose score moved since it was sent."""
    recent = history[-CHART_PERIODS:]
    return tuple(
        Changed(p.period, closed[p.period].score, p.score)
        for p in recent
        if p.period in closed and closed[p.period].score != p.score
    )


def render(
    book: Rulebook, standing: Standing, events: Sequence[Event], now: dt.datetime
) -> tuple[bytes, bytes]:
    """The official table (.xlsx) and the chart (PNG): CPU work, run in a worker thread."""
    result = standing.assessment
    days = running_scores(book, events, result.period, now=now)
    earlier = [(p.period, p.score) for p in standing.history[-(CHART_PERIODS - 1) :]]
    history = [*earlier, (result.period.label, result.score)]
    chart = score_chart(book, result.period.label, days, history)
    return assessment_xlsx(result, book), chart


async def period_score(
    session: AsyncSession, *, contract_id: str, book: Rulebook, label: str, now: dt.datetime
) -> Decimal | None:
    """A period's score as it stands now (as ``floorbot report`` computes it)."""
    period = parse_period(book, label)
    events = await events_for_period(
        session=session, contract_id=contract_id, book=book, period=period
    )
    history = await history_of(session, contract_id=contract_id, book=book, period=period, now=now)
    return assess_after(book, events, period, history, now).score
