"""Nothing outside a contract's term is scored, and the assessment says how many records it left
out and why. Figures worked out by hand from the contracts' term clauses: 001 七、1 ("自2026年
6月17日0时起，至2027年6月16日24时终止"), 004 二 ("自2023年1月23日起至2024年1月22日止")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Event
from scoring.engine import assess
from scoring.events_csv import EventsCsvError, read_events, read_events_csv
from scoring.loader import load_rulebooks
from scoring.periods import parse_period

BOOKS = load_rulebooks()
HAIDIAN = BOOKS["haidian-dispatch-2026"]
CHAOYANG = BOOKS["chaoyang-health-2023"]
TZ = ZoneInfo("Asia/Shanghai")
LATER = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


def test_001_the_first_minute_counts_and_the_minute_before_does_not() -> None:
    events = [
        Event("dress_code", at(2026, 6, 16, 23, 59)),  # before 七、1's 0时 of 17 June
        Event("dress_code", at(2026, 6, 17, 0, 0)),  # the term's first minute
        Event("absence", at(2026, 6, 10, 9, 0), Decimal(3)),  # 3 persons, a week too early
    ]
    june = assess(HAIDIAN, events, parse_period(HAIDIAN, "2026-06"), now=LATER)
    # 附件二 第四章 二、3: 0.1 for the one dress-code fault in the term → 99.9; 第三章 二: 100 CNY.
    # (Before, all three counted: 100 − 0.1 − 0.1 − 3 = 96.8 and 3,200 CNY.)
    assert june.score == Decimal("99.9")
    assert june.money.fee_deduction == Decimal("100")
    assert june.events_counted == 1
    (left_out,) = june.excluded
    assert (left_out.reason, left_out.count) == ("before_term", 2)
    assert "2026-06-17" in left_out.label.en and "七、1" in left_out.label.zh


def test_001_the_last_minute_counts_and_24_00_does_not() -> None:
    events = [
        Event("dress_code", at(2027, 6, 16, 23, 59)),  # 2027-06-16, before 24时: in the term
        Event("dress_code", at(2027, 6, 17, 0, 0)),  # 24时 of 16 June: the term has ended
        Event("early_leave", at(2027, 6, 30, 18, 0)),
    ]
    june = assess(HAIDIAN, events, parse_period(HAIDIAN, "2027-06"), now=LATER)
    assert june.score == Decimal("99.9")  # 100 − 0.1
    assert june.money.fee_deduction == Decimal("100")  # one tenth below 100 × 100 CNY
    assert [(x.reason, x.count) for x in june.excluded] == [("after_term", 2)]


def test_004_misses_before_the_start_date_cost_nothing() -> None:
    events = [
        # 22 January 2023: the day before 二's start; a ticket left overnight (200 CNY) and a
        # dispatch accuracy of 80 % (500 CNY) were charged before
        Event("no_overnight_tickets", at(2023, 1, 22, 10, 0), value="90"),
        Event("dispatch_accuracy", at(2023, 1, 22, 10, 0), value="80"),
        Event("no_overnight_tickets", at(2023, 1, 23, 10, 0), value="90"),  # the first day: 200
    ]
    january = assess(CHAOYANG, events, parse_period(CHAOYANG, "2023-01"), now=LATER)
    assert january.line("no_overnight_tickets").misses == 1
    assert january.money.fee_deduction == Decimal("200")
    assert [(x.reason, x.count) for x in january.excluded] == [("before_term", 2)]


def test_a_csv_row_outside_the_term_is_refused_with_its_line() -> None:
    text = (
        b"occurred_at,item\n"
        b"2026-06-17T00:00,dress_code\n"
        b"2026-06-16T23:59,dress_code\n"
        b"2027-06-17T00:00,dress_code\n"
    )
    with pytest.raises(EventsCsvError) as caught:
        read_events_csv(text, HAIDIAN)
    lines = [line for line, _ in caught.value.problems]
    assert lines == [3, 4]
    assert "before the contract's term begins" in caught.value.problems[0][1]
    assert "after the contract's term ends" in caught.value.problems[1][1]
    assert "--skip-outside-term" in str(caught.value)
    kept = read_events(text, HAIDIAN, skip_outside_term=True)
    assert [e.occurred_at for e in kept.events] == [at(2026, 6, 17, 0, 0)]
    assert [line for line, _ in kept.outside_term] == [3, 4]


def test_a_period_wholly_outside_the_term_scores_nothing_recorded_there() -> None:
    events = [Event("dress_code", at(2027, 7, 3, 9, 0))]
    july = assess(HAIDIAN, events, parse_period(HAIDIAN, "2027-07"), now=LATER)
    assert july.line("dress_code").count == 0
    assert [(x.reason, x.count) for x in july.excluded] == [("after_term", 1)]
    assert july.term is not None and july.term.last == dt.date(2027, 6, 16)
