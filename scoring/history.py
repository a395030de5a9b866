"""Scores of the periods before one, from the same events, for warnings and deposit bands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scoring.assessment import Event, PastScore
from scoring.engine import assess
from scoring.periods import Period, period_of, previous_periods
from scoring.rulebook import Rulebook

MAX_PERIODS = 36


def history_from_events(
    book: Rulebook, events: Sequence[Event], period: Period, *, now: dt.datetime
) -> list[PastScore]:
    """Past scores of every assessment period from the first event's (or the contract's start)
    up to the one before ``period``; an empty period in that span scores as it should."""
    if not events:
        return []
    first = min(e.occurred_at for e in events)
    start = dt.datetime.combine(book.contract.valid_from, dt.time(12), tzinfo=period.tz)
    earliest = period_of(book, max(first, start))
    out: list[PastScore] = []
    for past in previous_periods(book, period, MAX_PERIODS):
        if past.end <= earliest.start:
            continue
        result = assess(book, events, past, now=now, history=out)
        if result.score is not None:
            out.append(PastScore(past.label, result.score, months=len(past.months())))
    return out
