"""Assessment periods, computed in the contract's time zone.

A period is a half-open range of local dates ``[start, end)``. Months are
labelled ``YYYY-MM``; a contract's quarters (which may start in any month, e.g.
000's Jun–Aug) are labelled ``YYYYQn`` where ``YYYY`` is the year in which the
contract's quarter cycle (its ``first_month``) begins. A month range is written
``YYYY-MM..YYYY-MM``: it stands for the contract's assessment periods in it (months, or
whole quarters), each assessed on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from scoring.rulebook import Rulebook

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


class PeriodError(ValueError):
    """A period label that cannot be read; the message says what to write instead."""


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: dt.date  # first local day
    end: dt.date  # first local day after the period
    timezone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def start_utc(self) -> dt.datetime:
        return _local_midnight(self.start, self.tz).astimezone(dt.UTC)

    @property
    def end_utc(self) -> dt.datetime:
        return _local_midnight(self.end, self.tz).astimezone(dt.UTC)

    def contains(self, instant: dt.datetime) -> bool:
        """Whether an aware instant falls in the period (local time)."""
        if instant.tzinfo is None:
            raise ValueError("naive datetime: times must carry their offset")
        return self.start <= instant.astimezone(self.tz).date() < self.end

    def is_over(self, now: dt.datetime) -> bool:
        return now >= self.end_utc

    def months(self) -> list[Period]:
        """The calendar months the period covers, in order."""
        out = []
        year, month = self.start.year, self.start.month
        while dt.date(year, month, 1) < self.end:
            out.append(month_period(year, month, self.timezone))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def month_period(year: int, month: int, timezone: str) -> Period:
    end_year, end_month = _add_months(year, month, 1)
    return Period(
        label=f"{year:04d}-{month:02d}",
        start=dt.date(year, month, 1),
        end=dt.date(end_year, end_month, 1),
        timezone=timezone,
    )


def quarter_period(book: Rulebook, year: int, number: int) -> Period:
    first = book.period.first_month
    start_year, start_month = _add_months(year, first, 3 * (number - 1))
    end_year, end_month = _add_months(start_year, start_month, 3)
    return Period(
        label=f"{year:04d}Q{number}",
        start=dt.date(start_year, start_month, 1),
        end=dt.date(end_year, end_month, 1),
        timezone=book.contract.timezone,
    )


def _check_month(text: str, month: int) -> None:
    if not 1 <= month <= 12:
        raise PeriodError(f"{text!r}: month {month} does not exist (use 01 to 12)")


def parse_period(book: Rulebook, text: str) -> Period:
    """One assessment period of the contract: ``YYYY-MM``, a quarter label ``YYYYQn``, or a
    range of months ``YYYY-MM..YYYY-MM`` that is exactly one period (``2024-06..2024-08`` is
    key-station-2024's ``2024Q1``). A range of several periods is refused: see parse_periods."""
    parts = parse_periods(book, text)[1]
    if len(parts) > 1:
        labels = ", ".join(p.label for p in parts)
        raise PeriodError(
            f"{text.strip()!r} covers {len(parts)} assessment periods ({labels}): name one of "
            "them (`floorbot report` assesses a range, period by period)"
        )
    return parts[0]


def parse_periods(book: Rulebook, text: str) -> tuple[Period, list[Period]]:
    """A period label or a range of months: the whole span and the contract's assessment
    periods in it, in order. The same months are the same periods however they are written;
    a range that does not start and end on the contract's period edges is refused."""
    text = text.strip()
    tz = book.contract.timezone
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        _check_month(text, month)
        span = month_period(year, month, tz)
    elif m := _RANGE.match(text):
        y1, m1, y2, m2 = (int(g) for g in m.groups())
        _check_month(text, m1)
        _check_month(text, m2)
        if (y2, m2) < (y1, m1):
            raise PeriodError(f"{text!r}: the range ends before it starts")
        end_year, end_month = _add_months(y2, m2, 1)
        span = Period(text, dt.date(y1, m1, 1), dt.date(end_year, end_month, 1), tz)
    elif m := _QUARTER.match(text):
        if book.period.unit != "quarter":
            raise PeriodError(
                f"{text!r}: contract {book.id} is assessed by month; write YYYY-MM "
                "or a month range YYYY-MM..YYYY-MM"
            )
        quarter = quarter_period(book, int(m[1]), int(m[2]))
        return quarter, [quarter]
    else:
        example = "2024Q1" if book.period.unit == "quarter" else "2026-07"
        raise PeriodError(
            f"{text!r} is not a period: write YYYY-MM, YYYY-MM..YYYY-MM or the contract's "
            f"own period label, e.g. {example}"
        )
    parts = _periods_between(book, span)
    if parts[0].start != span.start or parts[-1].end != span.end:
        raise PeriodError(_misaligned(book, text, parts))
    if len(parts) == 1:
        return parts[0], parts
    return span, parts


def _periods_between(book: Rulebook, span: Period) -> list[Period]:
    """The contract's periods that overlap ``span``, in order."""
    out: list[Period] = []
    cursor = period_of(book, dt.datetime.combine(span.start, dt.time(12), tzinfo=span.tz))
    while cursor.start < span.end:
        out.append(cursor)
        cursor = period_of(book, dt.datetime.combine(cursor.end, dt.time(12), tzinfo=span.tz))
    return out


def _misaligned(book: Rulebook, text: str, parts: list[Period]) -> str:
    first, last = parts[0], parts[-1]
    months = f"{first.start:%Y-%m}..{last.end - dt.timedelta(days=1):%Y-%m}"
    labels = first.label if len(parts) == 1 else f"{first.label} to {last.label}"
    return (
        f"{text!r} is not whole assessment periods: contract {book.id} is assessed by "
        f"quarter, and these months lie in {labels} ({months}); write {first.label} or the "
        f"range {months}"
    )


def period_of(book: Rulebook, instant: dt.datetime) -> Period:
    """The contract's assessment period containing an aware instant."""
    local = instant.astimezone(ZoneInfo(book.contract.timezone)).date()
    if book.period.unit == "month":
        return month_period(local.year, local.month, book.contract.timezone)
    first = book.period.first_month
    offset = (local.year * 12 + local.month - 1) - (local.year * 12 + first - 1)
    year = local.year if offset >= 0 else local.year - 1
    offset %= 12
    return quarter_period(book, year, offset // 3 + 1)


def previous_periods(book: Rulebook, period: Period, count: int) -> list[Period]:
    """The ``count`` assessment periods before ``period``, oldest first."""
    out: list[Period] = []
    cursor = period
    for _ in range(count):
        last_day = cursor.start - dt.timedelta(days=1)
        noon = dt.datetime.combine(last_day, dt.time(12), tzinfo=cursor.tz)
        cursor = period_of(book, noon)
        out.append(cursor)
    return list(reversed(out))
