"""002's performance pool is paid by the band of the year's mean monthly score (一、9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scoring.assessment import Event, PastScore
from scoring.engine import assess
from scoring.history import Record, history_from_events
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


# -- the pool year counts every month (一、9), and knows which it does not have ----------------


def _late_year_events() -> list[Event]:
    # 表1 3.6: 2 points per time. Nothing recorded January–September 2023; October and
    # November 2023 each 30 dress faults → 60 points → 标准化管理 caps at 30 → 70.
    return dress("2023-10", 30) + dress("2023-11", 30)


def test_months_with_nothing_recorded_count_as_full_marks() -> None:
    events = _late_year_events()
    november = parse_period(BOOK, "2023-11")
    past = history_from_events(BOOK, events, november, now=NOW)
    assert [p.period for p in past.scores][:9] == [f"2023-{m:02d}" for m in range(1, 10)]
    assert all(p.score == Decimal("100.00") for p in past.scores[:9])  # 表1: nothing → 100
    a = assess(BOOK, events, november, now=NOW, history=past.scores, lacking=past.lacking)
    assert a.score == Decimal("70.00")
    # 一、9 year 1 = 2023-01..2023-11: (9 × 100 + 70 + 70) / 11 = 1040 / 11 = 94.545… → 94.55,
    # band 90≤X → 100 %. (Before, the mean started at October: (70 + 70) / 2 = 70 → 70 %.)
    assert a.money.pool_year_average == Decimal("94.55")
    assert a.money.pool_year_ratio == Decimal("1.00")
    assert a.money.pool_year_lacking == ()


def test_months_before_recording_began_lack_a_score_until_it_is_given() -> None:
    events = _late_year_events()
    november = parse_period(BOOK, "2023-11")
    record = Record(since=dt.date(2023, 10, 1))  # floorbot used from October on
    past = history_from_events(BOOK, events, november, now=NOW, record=record)
    assert past.lacking == [f"2023-{m:02d}" for m in range(1, 10)]
    a = assess(BOOK, events, november, now=NOW, history=past.scores, lacking=past.lacking)
    # Only October and November are known: (70 + 70) / 2 = 70 → 70 %, marked provisional and
    # naming the nine months it lacks.
    assert a.money.pool_year_average == Decimal("70.00")
    assert a.money.pool_year_ratio == Decimal("0.70")
    assert a.money.pool_year_lacking == tuple(f"2023-{m:02d}" for m in range(1, 10))

    given = {f"2023-{m:02d}": Decimal("90") for m in range(1, 10)}  # from the paper sheets
    past = history_from_events(
        BOOK, events, november, now=NOW, record=Record(dt.date(2023, 10, 1), given)
    )
    assert past.lacking == []
    a = assess(BOOK, events, november, now=NOW, history=past.scores, lacking=past.lacking)
    # (9 × 90 + 70 + 70) / 11 = 950 / 11 = 86.363… → 86.36 → 80≤X<90 → 85 %
    assert a.money.pool_year_average == Decimal("86.36")
    assert a.money.pool_year_ratio == Decimal("0.85")
    assert a.money.pool_year_lacking == ()


def test_the_period_recording_began_in_is_itself_incomplete() -> None:
    october = parse_period(BOOK, "2023-10")
    a = assess(BOOK, [], october, now=NOW, recorded_since=dt.date(2023, 10, 15))
    assert a.complete is False
    assert any(m.code == "recording" for m in a.missing_inputs)
    whole = assess(BOOK, [], october, now=NOW, recorded_since=dt.date(2023, 10, 1))
    assert not any(m.code == "recording" for m in whole.missing_inputs)
