"""When a contract's digests are due: its ``schedule`` settings, read, and due times.

A contract's ``schedule`` (``floorbot contract add --schedule KEY=VALUE``, or ``/schedule``)
holds text settings; missing ones take the defaults below. Due times are computed in the
contract's own time zone, never in UTC by accident. Pure: settings, rulebook and ``now`` in.

- ``daily_digest``: ``HH:MM`` or ``off`` — the day's digest for managers (default 18:00);
- ``period_assessment``: ``[DAY] HH:MM`` or ``off`` — the assessment of a period, sent on
  DAY (1–28) of the month after the period ends (default the 1st, 09:00); e.g. ``24 09:00``
  for a client who assesses before the 25th;
- ``reminder``: ``HH:MM`` or ``off`` — a reminder to inspectors who have recorded nothing
  that day by then (default off); ``reminder_days``: ``daily`` or ``weekdays``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from scoring.periods import Period, period_of, previous_periods
from scoring.rulebook import Rulebook

DAILY = "daily"
PERIOD = "period"
REMINDER = "reminder"
KINDS = (DAILY, PERIOD, REMINDER)

KEY_DAILY = "daily_digest"
KEY_PERIOD = "period_assessment"
KEY_REMINDER = "reminder"
KEY_REMINDER_DAYS = "reminder_days"
OFF = "off"
EVERY_DAY = "daily"
WORKING_DAYS = "weekdays"
DEFAULTS: Mapping[str, str] = {
    KEY_DAILY: "18:00",
    KEY_PERIOD: "1 09:00",
    KEY_REMINDER: OFF,
    KEY_REMINDER_DAYS: EVERY_DAY,
}
# The latest day of the month an assessment may be set on (every month has it).
LAST_ASSESSMENT_DAY = 28
DAY_SETS: Mapping[str, frozenset[int]] = {
    EVERY_DAY: frozenset(range(7)),
    WORKING_DAYS: frozenset(range(5)),  # Monday to Friday
}
# How many periods back a missed assessment is still looked for.
CATCH_UP_PERIODS = 12
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DAY_TIME = re.compile(r"^(?:(\d{1,2})\s+)?(\S+)$")


class ScheduleError(ValueError):
    """A schedule setting that cannot be read: the key, the value and what to write instead."""

    def __init__(self, key: str, value: str, expected: str) -> None:
        super().__init__(f"schedule {key}={value!r}: write {expected}")
        self.key = key
        self.value = value
        self.expected = expected


@dataclass(frozen=True, slots=True)
class Schedule:
    """A contract's digest times (local wall-clock times; None: off)."""

    daily: dt.time | None
    assessment_day: int
    assessment_time: dt.time | None
    reminder: dt.time | None
    reminder_days: str

    def time_of(self, kind: str) -> dt.time | None:
        return {DAILY: self.daily, PERIOD: self.assessment_time, REMINDER: self.reminder}[kind]

    def settings(self) -> dict[str, str]:
        """The settings as stored and shown (normalised spelling)."""
        assessment = (
            OFF
            if self.assessment_time is None
            else f"{self.assessment_day} {self.assessment_time:%H:%M}"
        )
        return {
            KEY_DAILY: _show(self.daily),
            KEY_PERIOD: assessment,
            KEY_REMINDER: _show(self.reminder),
            KEY_REMINDER_DAYS: self.reminder_days,
        }


def _show(value: dt.time | None) -> str:
    return OFF if value is None else f"{value:%H:%M}"


def _time(key: str, text: str) -> dt.time | None:
    if text.lower() == OFF:
        return None
    match = _TIME.match(text)
    if match is None:
        raise ScheduleError(key, text, "HH:MM (e.g. 18:00) or off")
    return dt.time(int(match[1]), int(match[2]))


def _assessment(text: str) -> tuple[int, dt.time | None]:
    expected = f"[DAY 1-{LAST_ASSESSMENT_DAY}] HH:MM (e.g. 1 09:00 or 24 09:00) or off"
    match = _DAY_TIME.match(text)
    if match is None:
        raise ScheduleError(KEY_PERIOD, text, expected)
    day = int(match[1]) if match[1] else 1
    if not 1 <= day <= LAST_ASSESSMENT_DAY:
        raise ScheduleError(KEY_PERIOD, text, expected)
    try:
        return day, _time(KEY_PERIOD, match[2])
    except ScheduleError:
        raise ScheduleError(KEY_PERIOD, text, expected) from None


def parse_schedule(stored: Mapping[str, Any] | None) -> Schedule:
    """A contract's schedule from its settings; unknown keys and bad values are refused."""
    settings = {**DEFAULTS, **{str(k): str(v).strip() for k, v in (stored or {}).items()}}
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ScheduleError(unknown[0], settings[unknown[0]], "one of " + ", ".join(DEFAULTS))
    days = settings[KEY_REMINDER_DAYS].lower()
    if days not in DAY_SETS:
        raise ScheduleError(KEY_REMINDER_DAYS, days, f"{EVERY_DAY} or {WORKING_DAYS}")
    assessment_day, assessment_time = _assessment(settings[KEY_PERIOD])
    return Schedule(
        daily=_time(KEY_DAILY, settings[KEY_DAILY]),
        assessment_day=assessment_day,
        assessment_time=assessment_time,
        reminder=_time(KEY_REMINDER, settings[KEY_REMINDER]),
        reminder_days=days,
    )


def changed(stored: Mapping[str, Any] | None, changes: Mapping[str, str]) -> dict[str, str]:
    """The stored settings with ``changes`` applied, checked and normalised."""
    merged = {**{str(k): str(v) for k, v in (stored or {}).items()}, **changes}
    return parse_schedule(merged).settings()


# -- due times -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One digest that is (or will be) due: its kind, label, due time and period."""

    kind: str
    label: str  # the local date (daily, reminder) or the period's label (period)
    due: dt.datetime  # aware, in the contract's zone
    period: Period  # the assessment period the digest is about


def _at(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone)


def _day_occurrence(
    schedule: Schedule, book: Rulebook, kind: str, day: dt.date, zone: ZoneInfo
) -> Occurrence | None:
    time = schedule.time_of(kind)
    if time is None or not book.contract.valid_from <= day <= book.contract.valid_to:
        return None
    if kind == REMINDER and day.weekday() not in DAY_SETS[schedule.reminder_days]:
        return None
    due = _at(day, time, zone)
    return Occurrence(kind, day.isoformat(), due, period_of(book, due))


def _assessment_due(schedule: Schedule, period: Period, zone: ZoneInfo) -> dt.datetime | None:
    if schedule.assessment_time is None:
        return None
    day = dt.date(period.end.year, period.end.month, schedule.assessment_day)
    return _at(day, schedule.assessment_time, zone)


def _in_term(book: Rulebook, period: Period) -> bool:
    return period.end > book.contract.valid_from and period.start <= book.contract.valid_to


def _period_occurrence(
    schedule: Schedule, book: Rulebook, period: Period, zone: ZoneInfo
) -> Occurrence | None:
    due = _assessment_due(schedule, period, zone)
    if due is None or not _in_term(book, period):
        return None
    return Occurrence(PERIOD, period.label, due, period)


def _periods_around(book: Rulebook, now: dt.datetime) -> list[Period]:
    """The periods whose assessment may be due near ``now``, oldest first."""
    current = period_of(book, now)
    following = period_of(book, dt.datetime.combine(current.end, dt.time(12), tzinfo=current.tz))
    return [*previous_periods(book, current, CATCH_UP_PERIODS), current, following]


def latest_due(
    schedule: Schedule, book: Rulebook, kind: str, zone: ZoneInfo, now: dt.datetime
) -> Occurrence | None:
    """The most recent occurrence of ``kind`` due at or before ``now``."""
    if kind == PERIOD:
        due = [o for o in period_dues(schedule, book, zone, now) if o.due <= now]
        return due[-1] if due else None
    today = now.astimezone(zone).date()
    for back in range(len(DAY_SETS[EVERY_DAY]) + 1):
        found = _day_occurrence(schedule, book, kind, today - dt.timedelta(days=back), zone)
        if found is not None and found.due <= now:
            return found
    return None


def next_due(
    schedule: Schedule, book: Rulebook, kind: str, zone: ZoneInfo, now: dt.datetime
) -> Occurrence | None:
    """The first occurrence of ``kind`` due after ``now`` (None: off, or past the term)."""
    if kind == PERIOD:
        return next((o for o in period_dues(schedule, book, zone, now) if o.due > now), None)
    today = now.astimezone(zone).date()
    first = max(today, book.contract.valid_from)
    for ahead in range(len(DAY_SETS[EVERY_DAY]) + 1):
        found = _day_occurrence(schedule, book, kind, first + dt.timedelta(days=ahead), zone)
        if found is not None and found.due > now:
            return found
    return None


def period_dues(
    schedule: Schedule, book: Rulebook, zone: ZoneInfo, now: dt.datetime
) -> list[Occurrence]:
    """The period assessments around ``now`` (the last CATCH_UP_PERIODS and the next), by due."""
    found = (_period_occurrence(schedule, book, p, zone) for p in _periods_around(book, now))
    return sorted((o for o in found if o is not None), key=lambda o: o.due)


def due_now(
    schedule: Schedule,
    book: Rulebook,
    zone: ZoneInfo,
    now: dt.datetime,
    *,
    since: dt.datetime,
) -> list[Occurrence]:
    """Due by ``now``: every assessment since ``since``, the latest daily, today's reminder."""
    out = [o for o in period_dues(schedule, book, zone, now) if since <= o.due <= now]
    daily = latest_due(schedule, book, DAILY, zone, now)
    if daily is not None and daily.due >= since:
        out.append(daily)
    reminder = latest_due(schedule, book, REMINDER, zone, now)
    today = now.astimezone(zone).date().isoformat()
    if reminder is not None and reminder.due >= since and reminder.label == today:
        out.append(reminder)
    return out
