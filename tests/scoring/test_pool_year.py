"""002's performance pool is paid by the band of the year's mean monthly score (一、9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scoring.assessment import Event, PastScore
from scoring.engine import assess
from scoring.loader import BUILTIN_DIR, load_rulebook
from scoring.periods import parse_period

BOOK = load_rulebook(BUILTIN_DIR / "haikou-hall-2023.yaml")
NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def dress(period_label: str, times: int) -> list[Event]:
    period = parse_period(BOOK, period_label)
    when = dt.datetime.combine(period.start, dt.time(9), tzinfo=period.tz)
    return [Event("dress_code", when) for _ in range(times)]


def test_year_mean_decides_the_pool_band() -> None:
    # March 2023: 10 dress reports x 2 points = 20 -> score 80 (band 85 %).
    # Year 1 (2023-01..2023-11, 一、9): mean of 95, 85 and 80 = 86.67 -> band 85 %.
    history = (PastScore("2023-01", Decimal(95)), PastScore("2023-02", Decimal(85)))
    a = assess(BOOK, dress("2023-03", 10), parse_period(BOOK, "2023-03"), now=NOW, history=history)
    assert a.score == Decimal("80.00")
    assert a.money.payout_ratio == Decimal("0.85")
    assert a.money.pool_year == "第一年"
    assert a.money.pool_year_average == Decimal("86.67")
    assert a.money.pool_year_ratio == Decimal("0.85")


def test_a_new_pool_year_starts_its_own_mean() -> None:
    # December 2023 opens year 2: November's 60 belongs to year 1 and does not count.
    history = (PastScore("2023-11", Decimal(60)),)
    a = assess(BOOK, [], parse_period(BOOK, "2023-12"), now=NOW, history=history)
    assert a.money.pool_year == "第二年"
    assert a.money.pool_year_average == Decimal("100.00")
    assert a.money.pool_year_ratio == Decimal("1.00")
