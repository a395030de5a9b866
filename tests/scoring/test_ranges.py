"""A range of months is its assessment periods assessed one by one, then combined; a range equal
to one period is that period. Figures worked out by hand from the contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Event
from scoring.engine import EngineError, assess
from scoring.loader import load_rulebooks
from scoring.periods import PeriodError, parse_period, parse_periods
from scoring.ranges import assess_range
from scoring.render import range_data

BOOKS = load_rulebooks()
TZ = ZoneInfo("Asia/Shanghai")
LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


def test_003_caps_are_per_month_across_a_range() -> None:
    book = BOOKS["qingyundian-2023"]
    events = [
        Event("dress_code", at(2023, month, day, 9)) for month in (9, 10, 11) for day in range(1, 6)
    ]
    span, parts = parse_periods(book, "2023-09..2023-11")
    result = assess_range(book, events, parts, span, now=LATER)
    # 附件一 项目主管 第6项 仪容仪表 (10分), 1 point per time: five a month cost 5 each month,
    # well under the line's 10 → supervisor 95, admin 100, score (95 + 100) / 2 = 97.5 a month.
    # (As one period the 15 faults were capped at 10 together: supervisor 90, score 95.)
    assert [a.score for a in result.parts] == [Decimal("97.5")] * 3
    for a in result.parts:
        supervisor = next(c for c in a.components if c.code == "supervisor")
        assert supervisor.score == Decimal("95")
        assert a.line("dress_code").capped is False
    assert result.score_mean == Decimal("97.5")
    assert result.fee_deduction_sum is None  # 003 ties no money to the score
    assert "for information only" in result.rule.en


def test_001_the_floor_and_the_money_are_per_month() -> None:
    book = BOOKS["haidian-dispatch-2026"]
    # 二、4/5 情节严重: 10 points per person; 6 persons in July and 6 in August.
    events = [
        Event("confidentiality_breach_severe", at(2026, 7, 3, 9), Decimal(6)),
        Event("confidentiality_breach_severe", at(2026, 8, 3, 9), Decimal(6)),
    ]
    span, parts = parse_periods(book, "2026-07..2026-08")
    result = assess_range(book, events, parts, span, now=LATER)
    # 第二章 六: each month 100 − 60 = 40; 第三章 二: 60 points = 600 tenths × 100 = 60,000 CNY a
    # month → 120,000 for the two. (As one period: 120 points floored at 0 → 100,000 CNY.)
    assert [a.score for a in result.parts] == [Decimal("40"), Decimal("40")]
    assert [a.money.fee_deduction for a in result.parts] == [Decimal("60000")] * 2
    assert result.fee_deduction_sum == Decimal("120000")
    assert result.score_mean == Decimal("40")
    # 六、6: two consecutive months below 80 — the range's second month sees the first.
    assert [w.code for w in result.parts[1].warnings] == ["two_months_below_80"]
    assert result.parts[1].warnings[0].level == "triggered"
    assert result.rule_clause == "附件二 第三章 二"


def test_002_a_range_that_is_a_pool_year_gives_the_year_mean_and_band() -> None:
    book = BOOKS["haikou-hall-2023"]
    # 表1 3.6 发型着装 2 points per time: 10 times in March 2023 (20) and 15 in April (30 → the
    # 标准化管理 cap of 30). Every other month of year 1 (2023-01..2023-11, 一、9) has nothing.
    events = [Event("dress_code", at(2023, 3, 1 + d, 9)) for d in range(10)]
    events += [Event("dress_code", at(2023, 4, 1 + d, 9)) for d in range(15)]
    span, parts = parse_periods(book, "2023-01..2023-11")
    result = assess_range(book, events, parts, span, now=LATER)
    assert len(result.parts) == 11
    assert result.parts[2].score == Decimal("80.00")  # March: 100 − 20
    assert result.parts[3].score == Decimal("70.00")  # April: 100 − 30 (capped)
    # (9 × 100 + 80 + 70) / 11 = 1050 / 11 = 95.4545… → 95.45, band 90≤X → 100 %
    assert result.score_mean == Decimal("95.45")
    assert result.payout_ratio_of_mean == Decimal("1.00")
    # November's own assessment carries the same year mean (一、9)
    assert result.parts[-1].money.pool_year_average == Decimal("95.45")
    data = range_data(result)
    assert data["combined"]["scores"]["2023-04"] == "70"
    assert data["combined"]["score_mean"] == "95.45"


def test_000_a_range_equal_to_a_quarter_is_the_quarter_and_finds_its_payment() -> None:
    book = BOOKS["key-station-2024"]
    period = parse_period(book, "2024-06..2024-08")
    assert period == parse_period(book, "2024Q1")
    events = [
        Event("rating_support", at(2024, 7, 1, 9), value="good"),
        Event("rating_staff", at(2024, 7, 1, 9), value="average"),
    ]
    for month in (6, 7, 8):
        when = at(2024, month, 28, 9)
        events += [
            Event("headcount_start", when, value="20"),
            Event("headcount_end", when, value="20"),
            Event("voluntary_leavers", when, value="0"),
        ]
    result = assess(book, events, period, now=LATER)
    # 附件3 第八条: support 100, staff 50; 第七条: stability 100 each month. 第三条:
    # 25 + 12.5 + 50 = 87.5. 第十条 + 5.1: (90 − 87.5) × 1 % × 496,873 = 12,421.825 → 12,421.83
    # (Before, "2024-06..2024-08" found no payment and priced nothing.)
    assert result.score == Decimal("87.5")
    assert result.money.period_payment == Decimal("496873")
    assert result.money.fee_deduction == Decimal("12421.83")
    assert result.complete is True


def test_000_ranges_are_whole_quarters() -> None:
    book = BOOKS["key-station-2024"]
    span, parts = parse_periods(book, "2024-06..2024-11")
    assert (span.start, span.end) == (dt.date(2024, 6, 1), dt.date(2024, 12, 1))
    assert [p.label for p in parts] == ["2024Q1", "2024Q2"]
    for text in ("2024-07", "2024-07..2024-09", "2024-06..2024-10"):
        with pytest.raises(PeriodError, match="not whole assessment periods"):
            parse_periods(book, text)


def test_one_period_names_are_refused_for_several_periods() -> None:
    book = BOOKS["haidian-dispatch-2026"]
    assert parse_period(book, "2026-07..2026-07").label == "2026-07"
    with pytest.raises(PeriodError, match="covers 2 assessment periods"):
        parse_period(book, "2026-07..2026-08")


def test_the_engine_refuses_a_range_as_one_period() -> None:
    book = BOOKS["qingyundian-2023"]
    span, _parts = parse_periods(book, "2023-09..2023-11")
    with pytest.raises(EngineError, match="not one assessment period"):
        assess(book, [], span, now=LATER)
