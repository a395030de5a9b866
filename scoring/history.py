"""Scores of the periods before one, for warnings and deposit and pool bands.

Every earlier period of the term counts: one with nothing recorded scores what the rulebook
gives an empty period (002: 100), it is not left out. Only floorbot's own record is complete
from the day recording began (``Record.since``); a period that started before that day takes
the score given for it (from the paper sheets), and without one it is *lacking*: the figures
that need it (002's pool-year mean, 000's deposit mean) are provisional and name it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.assessment import Event, PastScore
from scoring.engine import assess
from scoring.periods import Period, previous_periods
from scoring.rulebook import Rulebook
from scoring.term import term_of

MAX_PERIODS = 36


@dataclass(frozen=True, slots=True)
class Record:
    """What is known beyond the ledger: when recording began, and the scores given before.

    ``since`` None: the ledger holds the whole term (a CSV file is taken as the whole record).
    """

    since: dt.date | None = None
    given: Mapping[str, Decimal] = field(default_factory=dict)

    def on_record(self, period: Period, term_first: dt.date) -> bool:
        """Whether the ledger holds all of ``period`` within the term (its part in the term
        begins on or after ``since``)."""
        return self.since is None or max(period.start, term_first) >= self.since


@dataclass(frozen=True, slots=True)
class PastRecord:
    """The earlier periods' scores (oldest first) and those whose score is not known."""

    scores: list[PastScore]
    lacking: list[str]


def past_record(
    book: Rulebook,
    period: Period,
    events_of: Callable[[Period], Sequence[Event]],
    *,
    now: dt.datetime,
    record: Record | None = None,
) -> PastRecord:
    """Each earlier period of the term: assessed from its events when the ledger holds it,
    else the score given for it, else lacking. A period without a score is lacking too."""
    record = record or Record()
    term = term_of(book)
    scores: list[PastScore] = []
    lacking: list[str] = []
    for past in previous_periods(book, period, MAX_PERIODS):
        if not term.overlaps(past):
            continue
        months = len(past.months())
        if not record.on_record(past, term.first):
            given = record.given.get(past.label)
            if given is None:
                lacking.append(past.label)
            else:
                scores.append(PastScore(past.label, given, months=months))
            continue
        result = assess(book, events_of(past), past, now=now, history=scores)
        if result.score is None:
            lacking.append(past.label)
        else:
            scores.append(PastScore(past.label, result.score, months=months))
    return PastRecord(scores, lacking)


def past_scores(
    book: Rulebook,
    period: Period,
    events_of: Callable[[Period], Sequence[Event]],
    *,
    now: dt.datetime,
    record: Record | None = None,
) -> list[PastScore]:
    """The earlier periods' known scores (see past_record)."""
    return past_record(book, period, events_of, now=now, record=record).scores


def history_from_events(
    book: Rulebook,
    events: Sequence[Event],
    period: Period,
    *,
    now: dt.datetime,
    record: Record | None = None,
) -> PastRecord:
    """The past from one list of events (the engine keeps each period's own, and a KPI
    period's measurements from before the period it ends in)."""
    return past_record(book, period, lambda _past: events, now=now, record=record)
