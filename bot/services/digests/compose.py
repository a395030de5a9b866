"""What each pending delivery sends: the parts (texts, the table, the chart), per language.

Deliveries are grouped into parcels, one per person and moment: a manager of several
contracts gets one combined daily digest. Figures are computed once per contract and tick
(bot.services.digests.content) and shared by every reader; only the words differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.digests.content import (
    DailyFigures,
    PeriodFigures,
    daily_figures,
    period_figures,
)
from bot.services.digests.schedule import (
    DAILY,
    PERIOD,
    REMINDER,
    ScheduleError,
    latest_due,
    parse_schedule,
)
from bot.services.drafts import cost_of
from bot.services.late_reports import LateRequest
from bot.services.table_links import ASSESSMENT, table_markup
from bot.texts.assessment import attachments, period_message
from bot.texts.digests import daily_message, late_request_message, reminder_message
from bot.texts.i18n import language_of, t
from scoring.periods import parse_period
from scoring.rulebook import Rulebook
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage import late_queries as lq
from storage.models import Contract, DigestDelivery, Person

LATE = dq.KIND_LATE
LATE_PREFIX = dq.LATE_PREFIX
COMBINED = frozenset({DAILY, REMINDER})


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a delivery: a text (with buttons), a document or a photo."""

    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    document: bytes | None = None
    photo: bytes | None = None
    filename: str | None = None
    caption: str | None = None


@dataclass
class Parcel:
    """What one person gets at one moment: one or more deliveries, sent as one."""

    kind: str
    person_id: int
    chat_id: int
    due_at: dt.datetime
    rows: list[DigestDelivery] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [r.id or 0 for r in self.rows]


def parcels_of(rows: Sequence[DigestDelivery]) -> list[Parcel]:
    """Daily digests and reminders combined per person and due time; the rest one by one."""
    grouped: dict[tuple[object, ...], Parcel] = {}
    for row in rows:
        assert row.due_at is not None
        key: tuple[object, ...] = (row.kind, row.person_id, row.due_at)
        if row.kind not in COMBINED:
            key = (row.id,)
        parcel = grouped.setdefault(key, Parcel(row.kind, row.person_id, row.chat_id, row.due_at))
        parcel.rows.append(row)
    return list(grouped.values())


def late_id(row: DigestDelivery) -> int:
    return int(row.period.removeprefix(LATE_PREFIX))


def late_buttons(lang: str, late: LateRequest) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "late_approve"), callback_data=f"late:ok:{late.id}"),
                InlineKeyboardButton(t(lang, "late_reject"), callback_data=f"late:no:{late.id}"),
            ]
        ]
    )


@dataclass(frozen=True, slots=True)
class Place:
    """A contract with its rulebook and time zone."""

    contract: Contract
    book: Rulebook
    zone: ZoneInfo


class Composer:
    """Figures and texts for the parcels of one tick (each contract's figures made once)."""

    def __init__(
        self,
        rulebooks: Mapping[str, Rulebook],
        default_language: str,
        now: dt.datetime,
        webapp_url: str | None = None,
    ) -> None:
        self.rulebooks = rulebooks
        self.default_language = default_language
        self.now = now
        self.webapp_url = webapp_url  # the Mini App: "Open the table" under each digest
        self.places: dict[str, Place | None] = {}
        self.people: dict[int, Person] = {}
        self.daily: dict[tuple[str, str], DailyFigures] = {}
        self.periods: dict[tuple[str, str], PeriodFigures] = {}
        self.lates: dict[int, LateRequest] = {}
        self.sent_scores: dict[tuple[str, str], Decimal | None] = {}

    # -- loading (database) -------------------------------------------------------------

    async def prepare(self, session: AsyncSession, parcel: Parcel) -> None:
        """Load what the parcel's parts need (figures are made once per contract and tick)."""
        if parcel.person_id not in self.people:
            person = await session.get(Person, parcel.person_id)
            assert person is not None
            self.people[parcel.person_id] = person
        for row in parcel.rows:
            place = await self.place(session, row.contract_id)
            if place is None:
                raise LookupError(f"contract {row.contract_id} has no loaded rulebook")
            await self._figures(session, row, place)

    async def place(self, session: AsyncSession, contract_id: str) -> Place | None:
        if contract_id not in self.places:
            contract = await session.get(Contract, contract_id)
            book = self.rulebooks.get(contract.rulebook_id) if contract else None
            found = (
                Place(contract, book, ZoneInfo(contract.timezone)) if contract and book else None
            )
            self.places[contract_id] = found
        return self.places[contract_id]

    async def _figures(self, session: AsyncSession, row: DigestDelivery, place: Place) -> None:
        key = (row.contract_id, row.period)
        assert row.due_at is not None
        if row.kind == DAILY and key not in self.daily:
            after = await self._after(session, place, row, row.due_at)
            self.daily[key] = await daily_figures(
                session,
                contract_id=row.contract_id,
                book=place.book,
                zone=place.zone,
                after=after,
                until=row.due_at,
            )
        elif row.kind == PERIOD and key not in self.periods:
            period = parse_period(place.book, row.period)
            after = await self._after(session, place, row, period.start_utc)
            self.periods[key] = await period_figures(
                session,
                contract_id=row.contract_id,
                book=place.book,
                period=period,
                now=max(self.now, row.due_at),
                adjustments_after=after,
            )
        elif row.kind == LATE and late_id(row) not in self.lates:
            late = await lq.late_report(session=session, late_id=late_id(row))
            if late is None:
                raise LookupError(f"late report {row.period} is gone")
            self.lates[late_id(row)] = LateRequest.of(late)
            closed = await dq.closed_periods(session=session, contract_id=row.contract_id)
            found = closed.get(late.period)
            self.sent_scores[(row.contract_id, late.period)] = found.score if found else None

    async def _after(
        self, session: AsyncSession, place: Place, row: DigestDelivery, fallback: dt.datetime
    ) -> dt.datetime:
        """When the previous digest of this kind was due: this one covers what came since."""
        assert row.due_at is not None
        found = await dlq.previous_run_due(
            session=session, contract_id=row.contract_id, kind=row.kind, before=row.due_at
        )
        if found is not None:
            return found
        if row.kind == DAILY:
            try:
                schedule = parse_schedule(place.contract.schedule)
            except ScheduleError:
                return fallback - dt.timedelta(days=1)
            before = row.due_at - dt.timedelta.resolution
            occurrence = latest_due(schedule, place.book, DAILY, place.zone, before)
            return occurrence.due if occurrence is not None else row.due_at - dt.timedelta(days=1)
        return fallback

    # -- writing (pure, once loaded) ----------------------------------------------------------

    def language(self, person_id: int) -> str:
        person = self.people[person_id]
        return language_of(person.language, None, self.default_language)

    def parts(self, parcel: Parcel, rows: Sequence[DigestDelivery], *, late: bool) -> list[Part]:
        """The messages for the deliveries of the parcel that were claimed."""
        lang = self.language(parcel.person_id)
        first = rows[0]
        due = first.due_at.astimezone(self._zone(first)) if late and first.due_at else None
        if parcel.kind == DAILY:
            found = [(self.daily[(r.contract_id, r.period)], self._zone(r)) for r in rows]
            parts = [Part(text=text) for text in daily_message(lang, found, late_due=due)]
            if len(rows) == 1:  # one contract: its table; several: the menu button opens them
                table = table_markup(self.webapp_url, lang, first.contract_id, ASSESSMENT)
                parts[-1] = dataclasses.replace(parts[-1], markup=table)
            return parts
        if parcel.kind == REMINDER:
            contracts = [r.contract_id for r in rows]
            return [Part(text=reminder_message(lang, first.period, contracts))]
        if parcel.kind == PERIOD:
            return self._period_parts(lang, first, due)
        return [self._late_part(lang, first)]

    def _zone(self, row: DigestDelivery) -> ZoneInfo:
        place = self.places[row.contract_id]
        assert place is not None
        return place.zone

    def _period_parts(self, lang: str, row: DigestDelivery, due: dt.datetime | None) -> list[Part]:
        figures = self.periods[(row.contract_id, row.period)]
        text = period_message(lang, figures, self._zone(row), closing=True, late_due=due)
        table, chart = attachments(lang, figures)
        button = table_markup(self.webapp_url, lang, row.contract_id, ASSESSMENT, row.period)
        return [
            Part(text=text, markup=button),
            Part(document=figures.xlsx, filename=table.filename, caption=table.caption),
            Part(photo=figures.chart, filename=chart.filename, caption=chart.caption),
        ]

    def _late_part(self, lang: str, row: DigestDelivery) -> Part:
        late = self.lates[late_id(row)]
        place = self.places[row.contract_id]
        assert place is not None
        item = place.book.item(late.item)
        cost = cost_of(place.book, item, late.value, late.quantity)
        sent = self.sent_scores.get((row.contract_id, late.period))
        text = late_request_message(lang, place.book, late, cost, sent, place.zone)
        return Part(text=text, markup=late_buttons(lang, late))
