"""The engine's mechanisms on a small synthetic rulebook (tests/scoring/data/mini.yaml)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Event, PastScore
from scoring.engine import EngineError, assess
from scoring.loader import load_rulebook
from scoring.periods import parse_period

BOOK = load_rulebook(Path(__file__).parent / "data" / "mini.yaml")
TZ = ZoneInfo("Asia/Shanghai")
JULY = parse_period(BOOK, "2026-07")
AFTER = dt.datetime(2026, 8, 2, tzinfo=dt.UTC)


def ev(item: str, day: int = 10, *, value: str | None = None, qty: str = "1", hour: int = 9):
    return Event(item, dt.datetime(2026, 7, day, hour, 0, tzinfo=TZ), Decimal(qty), value)


def run(*events: Event, history: tuple[PastScore, ...] = ()):
    return assess(BOOK, events, JULY, now=AFTER, history=history)


def test_empty_period_is_full_marks_and_no_money():
    a = run()
    assert a.score == Decimal("100.00")
    assert a.money.fee_deduction == Decimal("0.00")
    assert a.money.payout_ratio == Decimal(1)
    assert a.grade is not None and a.grade.en == "excellent"
    assert a.events_counted == 0
    assert not a.provisional


def test_tier_boundary_exactly_sixty_minutes_costs_the_higher_tier():
    assert run(ev("late_arrival", value="59")).line("late_arrival").points == Decimal("0.1")
    assert run(ev("late_arrival", value="60")).line("late_arrival").points == Decimal("0.5")


def test_more_than_thirty_excludes_thirty():
    assert run(ev("off_post", value="30")).line("off_post").points == 0
    assert run(ev("off_post", value="31")).line("off_post").points == 1


def test_quantity_multiplies_points_and_money_is_linear_per_tenth():
    a = run(ev("late_arrival", value="5", qty="3"))
    # 3 persons x 0.1 = 0.3 points -> 99.7; 3 tenths x 100 CNY = 300 CNY
    assert a.score == Decimal("99.70")
    assert a.money.fee_deduction == Decimal("300.00")


def test_item_cap_bites():
    a = run(*(ev("rude") for _ in range(2)))  # 2 x 10 = 20, capped at 15
    line = a.line("rude")
    assert (line.raw_points, line.points, line.capped) == (Decimal(20), Decimal(15), True)
    assert a.score == Decimal("85.00")


def test_sub_section_cap_then_parent_cap():
    # std: 20 dress x 2 = 40 -> capped at 30; aux: rude 15 (item cap) + 6 off_post = 21;
    # ops: 30 + 21 = 51 -> capped at 50. Score 100 - 50 = 50.
    events = [ev("dress_code") for _ in range(20)]
    events += [ev("rude"), ev("rude")] + [ev("off_post", value="45") for _ in range(6)]
    a = run(*events)
    sections = {s.code: s for s in a.sections}
    assert sections["std"].deducted == 30 and sections["std"].capped
    assert sections["aux"].deducted == 21 and not sections["aux"].capped
    assert sections["ops"].deducted == 50 and sections["ops"].capped
    assert a.score == Decimal("50.00")
    assert a.points_deducted == 50


def test_bonus_capped_at_its_section_and_score_may_exceed_base():
    a = run(*(ev("praise") for _ in range(4)))  # 4 x 2 = 8 -> capped at 5
    assert a.points_added == 5
    assert a.score == Decimal("105.00")


def test_period_edges_in_local_time():
    last_minute = Event("dress_code", dt.datetime(2026, 7, 31, 23, 59, tzinfo=TZ))
    # 2026-07-31T16:30Z is 2026-08-01 00:30 in Shanghai: next month
    next_month = Event("dress_code", dt.datetime(2026, 7, 31, 16, 30, tzinfo=dt.UTC))
    # 2026-06-30T16:00Z is 2026-07-01 00:00 in Shanghai: this month
    first_minute = Event("dress_code", dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC))
    a = run(last_minute, next_month, first_minute)
    assert a.line("dress_code").count == 2
    assert a.score == Decimal("96.00")


def test_fee_item_costs_amount_per_person_per_day():
    a = run(ev("vacancy", value="3", qty="2"))  # 300 x 2 persons x 3 days
    assert a.line("vacancy").amount == Decimal("1800.00")
    assert a.money.fee_deduction == Decimal("1800.00")
    assert a.score == Decimal("100.00")


def test_kpi_latest_measurement_of_the_day_decides_and_misses_count_once():
    a = run(
        ev("overnight", 3, value="98", hour=9),
        ev("overnight", 3, value="97", hour=18),  # same day: one miss
        ev("overnight", 4, value="100"),  # met
        ev("overnight", 5),  # no value: a miss
    )
    line = a.line("overnight")
    assert line.misses == 2
    assert line.amount == Decimal("400.00")


def test_kpi_later_measurement_that_meets_target_clears_the_day():
    a = run(ev("overnight", 3, value="90", hour=9), ev("overnight", 3, value="100", hour=20))
    assert a.line("overnight").misses == 0


def test_payout_band_boundary():
    at_90 = run(*(ev("dress_code") for _ in range(5)))  # 100 - 10 = 90
    assert at_90.score == Decimal("90.00")
    assert at_90.money.payout_ratio == Decimal(1)
    below = run(*(ev("dress_code") for _ in range(5)), ev("late_arrival", value="1"))
    assert below.score == Decimal("89.90")
    assert below.money.payout_ratio == Decimal("0.85")
    assert below.money.pool_amount == Decimal("12000.00")
    assert below.money.payout_amount == Decimal("10200.00")


def test_consecutive_warning_at_risk_then_triggered():
    low = [ev("dress_code") for _ in range(11)]  # 100 - 22 = 78
    first = run(*low)
    assert [(w.code, w.level) for w in first.warnings] == [("two_below_80", "at_risk")]
    second = run(*low, history=(PastScore("2026-06", Decimal("79.9")),))
    assert [(w.code, w.level) for w in second.warnings] == [("two_below_80", "triggered")]
    broken = run(
        *low, history=(PastScore("2026-05", Decimal(70)), PastScore("2026-06", Decimal(80)))
    )
    assert [w.level for w in broken.warnings] == ["at_risk"]


def test_provisional_while_the_period_is_open():
    a = assess(BOOK, [], JULY, now=dt.datetime(2026, 7, 20, tzinfo=dt.UTC))
    assert a.provisional


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (Event("nope", dt.datetime(2026, 7, 1, tzinfo=TZ)), "unknown item 'nope'"),
        (ev("late_arrival"), "needs a value"),
        (ev("late_arrival", value="abc"), "not a number"),
        (ev("late_arrival", value="0"), "below 1"),
        (ev("late_arrival", value="2.5"), "whole number"),
        (ev("dress_code", value="3"), "takes no value"),
    ],
)
def test_bad_events_are_refused_with_the_reason(event: Event, message: str):
    with pytest.raises(EngineError, match=message):
        run(event)


def test_naive_now_is_refused():
    with pytest.raises(EngineError):
        assess(BOOK, [], JULY, now=dt.datetime(2026, 8, 1))


def test_an_incomplete_quarter_has_no_score_and_no_fee_figure():
    # key-station-2024: without rating votes the quarter cannot be scored (附件3 第八条), so
    # the 1 % per point (第十条) cannot be priced either: null, not a reassuring 0.
    from scoring.loader import BUILTIN_DIR

    book = load_rulebook(BUILTIN_DIR / "key-station-2024.yaml")
    a = assess(book, [], parse_period(book, "2024Q1"), now=AFTER)
    assert a.score is None
    assert not a.complete
    assert a.money.fee_deduction is None
