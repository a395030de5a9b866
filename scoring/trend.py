"""The score through a period, day by day: what the chart of a digest draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from scoring.assessment import Event
from scoring.engine import assess
from scoring.periods import Period
from scoring.rulebook import Rulebook


def reference_lines(book: Rulebook) -> list[Decimal]:
    """The scores a chart marks: warning thresholds and money lines, lowest first."""
    lines = {rule.below for rule in book.warnings}
    if book.money.linear is not None:
        lines.add(book.money.linear.below)
    if book.money.percent_below is not None:
        lines.add(book.money.percent_below.below)
    return sorted(lines)


def running_scores(
    book: Rulebook, events: Sequence[Event], period: Period, *, now: dt.datetime
) -> list[tuple[dt.date, Decimal | None]]:
    """The score at the end of each local day of the period, up to ``now``'s day."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    today = now.astimezone(period.tz).date()
    last = min(period.end - dt.timedelta(days=1), today)
    ordered = sorted(events, key=lambda e: e.occurred_at)
    out: list[tuple[dt.date, Decimal | None]] = []
    day = period.start
    taken = 0
    while day <= last:
        end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=period.tz)
        while taken < len(ordered) and ordered[taken].occurred_at < end_of_day:
            taken += 1
        result = assess(book, ordered[:taken], period, now=now)
        out.append((day, result.score))
        day += dt.timedelta(days=1)
    return out
