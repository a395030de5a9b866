"""Golden cases for haidian-dispatch-2026, worked out by hand from contract 001.

附件二 第二章 六: monthly score = 100 − Σ deductions. 附件二 第三章 二: each full 0.1 point
below 100 costs 100 CNY. 六、4: vacancy fee 300 CNY per person per overdue day. 六、6: two
consecutive months below 80.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Assessment, Event, PastScore
from scoring.engine import EngineError, assess
from scoring.loader import BUILTIN_DIR, load_rulebook
from scoring.periods import parse_period
from scoring.rulebook import Rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTER_JULY = dt.datetime(2026, 8, 5, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(BUILTIN_DIR / "haidian-dispatch-2026.yaml")


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local Beijing time in July 2026."""
    return dt.datetime(2026, 7, day, hour, minute, tzinfo=SHANGHAI)


def ev(item: str, when: dt.datetime, value: str | None = None, qty: str = "1") -> Event:
    return Event(item=item, occurred_at=when, quantity=Decimal(qty), value=value)


def july(book: Rulebook, events: list[Event], history: tuple[PastScore, ...] = ()) -> Assessment:
    period = parse_period(book, "2026-07")
    return assess(book, events, period, now=AFTER_JULY, history=history)


def test_empty_month_scores_full_marks_and_costs_nothing(book: Rulebook) -> None:
    result = july(book, [])
    assert result.score == Decimal("100")  # 第二章 六: 100 − 0
    assert result.money.fee_deduction == Decimal("0")  # 第三章 二: 100 分按全额计
    assert result.money.payout_ratio is None  # no pool in this contract
    assert result.points_deducted == Decimal("0")
    assert result.warnings == ()
    assert result.grade is None
    assert result.provisional is False


def test_shared_codes_and_aliases(book: Rulebook) -> None:
    expected = {
        "late": "late_arrival",
        "early": "early_leave",
        "absent": "absence",
        "offpost": "off_post",
        "dress": "dress_code",
        "handover": "missed_handover",
    }
    for alias, code in expected.items():
        item = book.item_by_alias(alias)
        assert item is not None and item.code == code


def test_late_arrival_tiers_at_the_one_hour_boundary(book: Rulebook) -> None:
    events = [
        ev("late_arrival", at(1), "59"),  # 第四章 三、1: 迟到 (不满1小时) → 0.1
        ev("late_arrival", at(2), "60"),  # 迟到1小时以上: 以上 includes 60 → 0.5
        ev("late_arrival", at(3), "61"),  # → 0.5
        ev("late_arrival", at(4), "0"),  # not late at all → 0
        ev("early_leave", at(5), qty="2"),  # 早退 0.1 × 2 persons = 0.2
    ]
    result = july(book, events)
    assert result.line("late_arrival").points == Decimal("1.1")  # 0.1 + 0.5 + 0.5 + 0
    assert result.line("early_leave").points == Decimal("0.2")
    assert result.score == Decimal("98.7")  # 100 − 1.1 − 0.2
    # 第三章 二: 1.3 points below 100 = 13 × 0.1 → 13 × 100 = 1300 CNY
    assert result.money.fee_deduction == Decimal("1300")


def test_off_post_counts_only_beyond_thirty_minutes(book: Rulebook) -> None:
    events = [
        ev("off_post", at(6), "30"),  # 第四章 三、2: 超过30分钟 excludes 30 → 0
        ev("off_post", at(7), "31"),  # → 0.1
        ev("off_post", at(8), "45", qty="2"),  # 2 persons × 0.1 = 0.2
    ]
    result = july(book, events)
    assert result.line("off_post").points == Decimal("0.3")
    assert result.line("off_post").count == 3
    assert result.score == Decimal("99.7")  # 100 − 0.3
    assert result.money.fee_deduction == Decimal("300")  # 3 steps of 0.1 × 100


def test_phone_registration_rate_bands(book: Rulebook) -> None:
    # 第四章 一、2: 100% → 0; 100%—80%（含）→ 0.1 per person; 80%以下 → 0.5 per person.
    events = [
        ev("phone_registration", at(10), "100"),  # 0
        ev("phone_registration", at(10), "99.9"),  # 0.1
        ev("phone_registration", at(10), "80"),  # exactly 80 % is in the 0.1 band
        ev("phone_registration", at(10), "79.9"),  # below 80 → 0.5
    ]
    result = july(book, events)
    assert result.line("phone_registration").points == Decimal("0.7")  # 0 + 0.1 + 0.1 + 0.5
    assert result.score == Decimal("99.3")
    assert result.money.fee_deduction == Decimal("700")  # 7 × 100


def test_dispatch_within_ten_minutes_is_free(book: Rulebook) -> None:
    events = [
        ev("late_dispatch", at(11), "10"),  # 第四章 一、1: 10分钟内 includes the 10th → 0
        ev("late_dispatch", at(11), "11"),  # 超时 → 0.5 per ticket
        ev("wrong_dispatch", at(12)),  # 0.5 per ticket
        ev("missed_handover", at(12), qty="3"),  # 一、3: 0.1 × 3 tickets = 0.3
    ]
    result = july(book, events)
    assert result.line("late_dispatch").points == Decimal("0.5")
    assert result.line("missed_handover").points == Decimal("0.3")
    assert result.score == Decimal("98.7")  # 100 − 0.5 − 0.5 − 0.3
    daily = next(s for s in result.sections if s.code == "daily")
    assert daily.deducted == Decimal("1.3")  # 日常业务 = its sub-parts added up, no cap
    assert daily.capped is False


def test_period_edges_in_local_time(book: Rulebook) -> None:
    utc = dt.UTC
    events = [
        ev("dress_code", at(31, 23, 59)),  # last minute of July, local → counts
        ev("dress_code", dt.datetime(2026, 7, 31, 16, 30, tzinfo=utc)),  # 08-01 00:30 → out
        ev("dress_code", dt.datetime(2026, 6, 30, 16, 30, tzinfo=utc)),  # 07-01 00:30 → in
        ev("dress_code", dt.datetime(2026, 6, 30, 15, 59, tzinfo=utc)),  # 06-30 23:59 → out
    ]
    result = july(book, events)
    assert result.line("dress_code").count == 2
    assert result.score == Decimal("99.8")  # 二、3: 0.1 × 2
    assert result.money.fee_deduction == Decimal("200")


def test_vacancy_fee_adds_to_the_score_money(book: Rulebook) -> None:
    events = [
        # 六、4: 2 persons missing, 3 days past the 5 working days → 300 × 2 × 3 = 1800
        ev("vacancy_fee", at(15), "3", qty="2"),
        ev("absence", at(15)),  # 三、1: 人员缺位未及时补足 1 point per person
    ]
    result = july(book, events)
    assert result.line("vacancy_fee").amount == Decimal("1800")
    assert result.score == Decimal("99")  # the fee item costs no points
    assert result.money.score_deduction == Decimal("1000")  # 1 point = 10 × 0.1 × 100
    assert result.money.item_amounts == Decimal("1800")
    assert result.money.fee_deduction == Decimal("2800")  # 1000 + 1800


def test_only_full_tenths_cost_money(book: Rulebook) -> None:
    # 四（二）1: the leading group decides 0.25 points for an unlisted breach.
    result = july(book, [ev("other_violation", at(20), qty="0.25")])
    assert result.score == Decimal("99.75")
    # 第三章 二 "每少0.1分": 0.25 below 100 holds 2 full tenths → 2 × 100 = 200 CNY
    assert result.money.fee_deduction == Decimal("200")


def test_severe_breaches_floor_the_score_at_zero(book: Rulebook) -> None:
    # 二、4/5 情节严重: 10 points per person; 11 persons → 110 points off 100.
    result = july(book, [ev("confidentiality_breach_severe", at(21), qty="11")])
    assert result.line("confidentiality_breach_severe").points == Decimal("110")
    assert result.line("confidentiality_breach_severe").capped is False  # no caps in 001
    assert result.score == Decimal("0")  # floored at 0 (rulebook decision 1)
    # 100 points below 100 = 1000 tenths × 100 = 100,000 CNY
    assert result.money.fee_deduction == Decimal("100000")


def test_two_consecutive_months_below_80_trigger_the_warning(book: Rulebook) -> None:
    # 二、5 severe ×2 = 20 and 二、3 dress 0.1 → 79.9 this month; June was 79.5.
    events = [
        ev("confidentiality_breach_severe", at(3), qty="2"),
        ev("dress_code", at(4)),
    ]
    result = july(book, events, history=(PastScore("2026-06", Decimal("79.5")),))
    assert result.score == Decimal("79.9")
    assert result.money.fee_deduction == Decimal("20100")  # 201 tenths × 100
    (warning,) = result.warnings
    assert warning.code == "two_months_below_80"
    assert warning.level == "triggered"  # 六、6 连续两个月低于80分
    assert warning.periods == ("2026-06", "2026-07")


def test_exactly_80_is_not_below_80(book: Rulebook) -> None:
    events = [ev("confidentiality_breach_severe", at(3), qty="2")]  # 100 − 20 = 80
    result = july(book, events, history=(PastScore("2026-06", Decimal("79")),))
    assert result.score == Decimal("80")
    assert result.warnings == ()  # 低于80 excludes 80: the run of low months is broken


def test_one_month_below_80_is_at_risk(book: Rulebook) -> None:
    events = [ev("confidentiality_breach_severe", at(3), qty="3")]  # 100 − 30 = 70
    history = (PastScore("2026-05", Decimal("75")), PastScore("2026-06", Decimal("85")))
    result = july(book, events, history=history)
    (warning,) = result.warnings
    assert warning.level == "at_risk"  # only July is in the trailing run (June was 85)
    assert warning.periods == ("2026-07",)


def test_refused_inputs(book: Rulebook) -> None:
    with pytest.raises(EngineError):
        july(book, [ev("sleeping_on_duty", at(1))])  # no such item in 附件二
    with pytest.raises(EngineError):
        july(book, [ev("late_arrival", at(1))])  # minutes late are needed for the tier
    with pytest.raises(EngineError):
        july(book, [ev("phone_registration", at(1), "120")])  # a rate above 100 %
    with pytest.raises(EngineError):
        july(book, [ev("vacancy_fee", at(1), "three")])  # days must be a number
