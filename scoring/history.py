"""Scores of the periods before one, for warnings and deposit and pool bands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from scoring.assessment import Event, PastScore
from scoring.engine import assess
from scoring.periods import Period, previous_periods
from scoring.rulebook import Rulebook

MAX_PERIODS = 36


def past_scores(
    book: Rulebook,
    period: Period,
    events_of: Callable[[Period], Sequence[Event]],
    *,
    now: dt.datetime,
) -> list[PastScore]:
    """Each earlier period's score, from the first period (within the contract's term) that
    has events; an empty period after that one scores as it should (full marks)."""
    out: list[PastScore] = []
    started = False
    for past in previous_periods(book, period, MAX_PERIODS):
        if past.end <= book.contract.valid_from:
            continue
        events = events_of(past)
        started = started or bool(events)
        if not started:
            continue
        result = assess(book, events, past, now=now, history=out)
        if result.score is not None:
            out.append(PastScore(past.label, result.score, months=len(past.months())))
    return out


def history_from_events(
    book: Rulebook, events: Sequence[Event], period: Period, *, now: dt.datetime
) -> list[PastScore]:
    """Past scores from one list of events (the engine keeps each period's own)."""

    def events_of(past: Period) -> Sequence[Event]:
        return [e for e in events if past.contains(e.occurred_at)]

    return past_scores(book, period, events_of, now=now)
