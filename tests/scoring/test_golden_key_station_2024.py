"""Golden cases for key-station-2024, worked out by hand from contract 000.

附件3 第三条: score = 25 % support rating + 25 % staff rating + 50 % team stability.
第八条: rating = Σ share of votes × (好 100, 较好 70, 一般 50, 差 0). 第七条: stability per month =
100 − leavers / ((start + end) / 2) × 100, averaged over the quarter's months. 第九条: quarterly.
第十条: below 90, 1 % of the quarter's payment (5.1–5.4) per point. 5.10.2: deposit refund by the
mean score. 6.9: three months in all below 85. 附件2-2 第二条: bonus/penalty ≤ 5 each, ≤ 20 in all.
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
AFTER_TERM = dt.datetime(2025, 7, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(BUILTIN_DIR / "key-station-2024.yaml")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local Beijing time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def vote(item: str, level: str, when: dt.datetime, votes: int = 1) -> Event:
    return Event(item=item, occurred_at=when, quantity=Decimal(votes), value=level)


def heads(when: dt.datetime, start: int, end: int, leavers: int) -> list[Event]:
    """One month's team-stability inputs (附件3 第七条)."""
    return [
        Event(item="headcount_start", occurred_at=when, value=str(start)),
        Event(item="headcount_end", occurred_at=when, value=str(end)),
        Event(item="voluntary_leavers", occurred_at=when, value=str(leavers)),
    ]


def points(item: str, when: dt.datetime, qty: str) -> Event:
    """A bonus or penalty item: quantity = the points the committee decided."""
    return Event(item=item, occurred_at=when, quantity=Decimal(qty))


def full_ratings(when: dt.datetime) -> list[Event]:
    """Every rater says 好 on both rated components: 100 and 100."""
    return [vote("rating_support", "good", when), vote("rating_staff", "good", when)]


def quarter(
    book: Rulebook, label: str, events: list[Event], history: tuple[PastScore, ...] = ()
) -> Assessment:
    return assess(book, events, parse_period(book, label), now=AFTER_TERM, history=history)


def component(result: Assessment, code: str) -> Decimal | None:
    return next(c.score for c in result.components if c.code == code)


def test_quarters_follow_the_payment_schedule(book: Rulebook) -> None:
    q3 = parse_period(book, "2024Q3")
    assert (q3.start, q3.end) == (dt.date(2024, 12, 1), dt.date(2025, 3, 1))  # Dec–Feb
    q4 = parse_period(book, "2024Q4")
    assert (q4.start, q4.end) == (dt.date(2025, 3, 1), dt.date(2025, 6, 1))  # 5.4: to 31 May
    # 第三条 3.1: 1,890,000 = 496,873 + 496,872 + 448,127 + 448,128 (5.1–5.4)
    assert sum(p.amount for p in book.contract.payments) == book.contract.price


def test_quarter_score_from_votes_and_headcounts(book: Rulebook) -> None:
    events = [
        vote("rating_support", "good", at(2024, 9, 20), votes=3),
        vote("rating_support", "fairly_good", at(2024, 10, 20)),
        vote("rating_staff", "good", at(2024, 9, 20), votes=2),
        vote("rating_staff", "fairly_good", at(2024, 10, 20)),
        vote("rating_staff", "average", at(2024, 11, 20)),
        *heads(at(2024, 9, 30), start=16, end=16, leavers=0),
        *heads(at(2024, 10, 31), start=16, end=16, leavers=1),
        *heads(at(2024, 11, 30), start=16, end=14, leavers=3),
    ]
    result = quarter(book, "2024Q2", events)
    # 第八条: 3/4 × 100 + 1/4 × 70 = 75 + 17.5 = 92.5
    assert component(result, "support") == Decimal("92.5")
    # 第八条: 2/4 × 100 + 1/4 × 70 + 1/4 × 50 = 50 + 17.5 + 12.5 = 80
    assert component(result, "staff") == Decimal("80")
    # 第七条: Sep 0/16 → 100; Oct 1/((16+16)/2) = 6.25 % → 93.75; Nov 3/((16+14)/2) = 20 % → 80;
    # mean (100 + 93.75 + 80) / 3 = 91.25
    assert component(result, "stability") == Decimal("91.25")
    # 第三条: 0.25 × 92.5 + 0.25 × 80 + 0.5 × 91.25 = 23.125 + 20 + 45.625 = 88.75
    assert result.score == Decimal("88.75")
    assert result.complete is True
    # 第十条 + 5.2: (90 − 88.75) = 1.25 points × 1 % × 496,872 = 6,210.90
    assert result.money.period_payment == Decimal("496872")
    assert result.money.fee_deduction == Decimal("6210.90")
    assert result.grade is not None and result.grade.en == "Good"  # 附件2 第二十八条: 70–<90
    assert result.warnings == ()  # 6.9: 88.75 is not below 85
    # 5.10.2: no history, mean = 88.75 ≥ 80 → refund 100 % of 56,700
    assert result.money.deposit_refund_ratio == Decimal("1")
    assert result.money.deposit_refund_amount == Decimal("56700.00")


def test_exactly_90_costs_nothing_and_is_excellent(book: Rulebook) -> None:
    # 2024Q3 runs over the new year: a January 2025 headcount belongs to it.
    events = [*full_ratings(at(2024, 12, 15)), *heads(at(2025, 1, 31), start=10, end=10, leavers=2)]
    result = quarter(book, "2024Q3", events)
    # 第七条: 2/10 = 20 % → 80. 第三条: 25 + 25 + 0.5 × 80 = 90
    assert result.score == Decimal("90")
    assert result.money.period_payment == Decimal("448127")  # 5.3 pays for 2024Q3
    assert result.money.fee_deduction == Decimal("0")  # 第十条: 低于90分 excludes 90
    assert result.grade is not None and result.grade.zh == "优秀"  # 第二十八条: 90（含）以上


def test_half_a_point_below_90_costs_half_a_percent(book: Rulebook) -> None:
    events = [
        *full_ratings(at(2025, 3, 10)),
        *heads(at(2025, 4, 30), start=100, end=100, leavers=21),
    ]
    result = quarter(book, "2024Q4", events)
    # 第七条: 21/100 = 21 % → 79. 第三条: 25 + 25 + 39.5 = 89.5
    assert result.score == Decimal("89.5")
    # 第十条 + 5.4: 0.5 point × 1 % × 448,128 = 2,240.64 (fractions count, no rounding down)
    assert result.money.fee_deduction == Decimal("2240.64")


def test_one_quarter_below_85_is_three_months_and_triggers_termination(book: Rulebook) -> None:
    events = [*full_ratings(at(2025, 3, 10)), *heads(at(2025, 3, 31), start=25, end=25, leavers=8)]
    result = quarter(book, "2024Q4", events)
    # 第七条: 8/25 = 32 % → 68. 第三条: 25 + 25 + 34 = 84
    assert result.score == Decimal("84")
    # 6.9 累计三个月低于85分: one quarter below 85 = three months → triggered
    assert [(w.code, w.level, w.periods) for w in result.warnings] == [
        ("below_85_three_months", "triggered", ("2024Q4",))
    ]
    # 第十条 + 5.4: 6 points × 1 % × 448,128 = 26,887.68
    assert result.money.fee_deduction == Decimal("26887.68")


def test_exactly_85_is_not_below_85(book: Rulebook) -> None:
    events = [*full_ratings(at(2025, 3, 10)), *heads(at(2025, 3, 31), start=10, end=10, leavers=3)]
    result = quarter(book, "2024Q4", events)
    # 第七条: 3/10 = 30 % → 70. 第三条: 25 + 25 + 35 = 85
    assert result.score == Decimal("85")
    assert result.warnings == ()  # 6.9: 低于85分 excludes 85
    # 第十条 + 5.4: 5 points × 1 % × 448,128 = 22,406.40
    assert result.money.fee_deduction == Decimal("22406.40")


def test_deposit_band_and_cumulative_warning_from_history(book: Rulebook) -> None:
    history = (
        PastScore("2024Q1", Decimal("75"), months=3),
        PastScore("2024Q2", Decimal("70"), months=3),
        PastScore("2024Q3", Decimal("62"), months=3),
    )
    events = [*full_ratings(at(2025, 3, 10)), *heads(at(2025, 3, 31), start=10, end=10, leavers=3)]
    result = quarter(book, "2024Q4", events, history)
    assert result.score == Decimal("85")  # as above
    # 5.10.2: mean (75 + 70 + 62 + 85) / 4 = 73 → 70 ≤ x < 80 → 60 % × 56,700 = 34,020
    assert result.money.deposit_refund_ratio == Decimal("0.6")
    assert result.money.deposit_refund_amount == Decimal("34020.00")
    # 6.9 累计 (not consecutive): 9 months below 85 earlier; this quarter (85) does not count
    assert [(w.level, w.periods) for w in result.warnings] == [
        ("triggered", ("2024Q1", "2024Q2", "2024Q3"))
    ]


def test_deposit_mean_exactly_80_refunds_everything(book: Rulebook) -> None:
    history = (PastScore("2024Q2", Decimal("80"), months=3), PastScore("2024Q3", Decimal("75"), 3))
    events = [*full_ratings(at(2025, 3, 10)), *heads(at(2025, 3, 31), start=10, end=10, leavers=3)]
    result = quarter(book, "2024Q4", events, history)
    # 5.10.2（1）: mean (80 + 75 + 85) / 3 = 80, 考评得分≥80分 → 100 % = 56,700
    assert result.money.deposit_refund_ratio == Decimal("1")
    assert result.money.deposit_refund_amount == Decimal("56700.00")


def test_deposit_mean_below_60_refunds_nothing(book: Rulebook) -> None:
    history = (PastScore("2024Q2", Decimal("50"), months=3), PastScore("2024Q3", Decimal("40"), 3))
    events = [*full_ratings(at(2025, 3, 10)), *heads(at(2025, 3, 31), start=25, end=25, leavers=8)]
    result = quarter(book, "2024Q4", events, history)
    # 5.10.2（4）: mean (50 + 40 + 84) / 3 = 58 < 60 → 不予退还
    assert result.money.deposit_refund_ratio == Decimal("0")
    assert result.money.deposit_refund_amount == Decimal("0")


def test_quarter_without_votes_has_no_score(book: Rulebook) -> None:
    events = [
        vote("rating_staff", "good", at(2024, 7, 1)),
        *heads(at(2024, 7, 31), start=16, end=16, leavers=0),
    ]
    result = quarter(book, "2024Q1", events)
    assert component(result, "support") is None  # 附件3 第八条: no vote, no rating
    assert result.score is None
    assert result.complete is False
    assert result.grade is None
    assert result.warnings == ()


def test_events_on_the_quarter_edges_in_local_time(book: Rulebook) -> None:
    events = [
        # 2024-06-01 00:00 in Beijing, written in UTC: the first minute of 2024Q1 → counts
        vote("rating_support", "good", dt.datetime(2024, 5, 31, 16, 0, tzinfo=dt.UTC)),
        # 2024-05-31 23:59 local: the contract has not started → ignored
        vote("rating_support", "poor", at(2024, 5, 31, 23, 59)),
        # 2024-08-31 23:59 local: the last minute of 2024Q1 → counts
        vote("rating_support", "poor", at(2024, 8, 31, 23, 59)),
        # 2024-08-31T16:30Z is 2024-09-01 00:30 in Beijing → 2024Q2, ignored here
        vote("rating_support", "poor", dt.datetime(2024, 8, 31, 16, 30, tzinfo=dt.UTC)),
        Event(
            item="voluntary_leavers",
            occurred_at=dt.datetime(2024, 8, 31, 16, 30, tzinfo=dt.UTC),
            value="4",
        ),
        vote("rating_staff", "good", at(2024, 7, 15)),
        *heads(at(2024, 8, 31, 23, 59), start=16, end=16, leavers=0),
    ]
    result = quarter(book, "2024Q1", events)
    # 第八条: 1 good + 1 poor → 50 (the two outside votes would make it 33.33 or 25)
    assert component(result, "support") == Decimal("50")
    # 第七条: August 0/16 → 100 (the 4 leavers of 1 September belong to 2024Q2)
    assert component(result, "stability") == Decimal("100")
    # 第三条: 0.25 × 50 + 0.25 × 100 + 0.5 × 100 = 87.5
    assert result.score == Decimal("87.5")
    assert result.events_counted == 6  # 2 support votes, 1 staff vote, 3 headcount inputs
    # The 00:30 vote is in 2024Q2: alone there, it makes support 0
    next_quarter = quarter(book, "2024Q2", events)
    assert component(next_quarter, "support") == Decimal("0")


def test_penalty_caps_per_item_and_in_all(book: Rulebook) -> None:
    when = at(2024, 10, 8)
    events = [
        *full_ratings(when),
        *heads(at(2024, 9, 30), start=10, end=10, leavers=0),  # stability 100
        points("penalty_safety_hazard", when, "4"),
        points("penalty_safety_hazard", at(2024, 11, 8), "3"),  # 4 + 3 = 7 → item cap 5
        points("penalty_leader_criticism", when, "5"),
        points("penalty_hotline_complaint", when, "5"),
        points("penalty_rule_breach", when, "5"),
        points("penalty_media_criticism", when, "2"),
        points("bonus_award", when, "3"),
    ]
    result = quarter(book, "2024Q2", events)
    hazard = result.line("penalty_safety_hazard")
    assert (hazard.raw_points, hazard.points, hazard.capped) == (Decimal("7"), Decimal("5"), True)
    # 附件2-2 第二条: items 5 + 5 + 5 + 5 + 2 = 22 → 总计不得超过20分 → 20
    section = next(s for s in result.sections if s.code == "bonus_penalty")
    assert (section.deducted_raw, section.deducted, section.capped) == (
        Decimal("22"),
        Decimal("20"),
        True,
    )
    assert result.points_deducted == Decimal("20")
    assert result.points_added == Decimal("3")
    # 100 (weighted components) − 20 + 3 = 83
    assert result.score == Decimal("83")
    # 第十条 + 5.2: 7 points × 1 % × 496,872 = 34,781.04
    assert result.money.fee_deduction == Decimal("34781.04")


def test_bonus_caps_and_the_100_point_ceiling(book: Rulebook) -> None:
    when = at(2025, 1, 8)
    events = [
        vote("rating_support", "good", when),
        vote("rating_staff", "fairly_good", when),  # staff 70
        *heads(at(2025, 1, 31), start=10, end=10, leavers=0),  # stability 100
        points("bonus_award", when, "6"),  # → item cap 5
        points("bonus_leader_praise", when, "5"),
        points("bonus_media_praise", when, "5"),
        points("bonus_innovation", when, "5"),
        points("bonus_emergency", when, "5"),
    ]
    result = quarter(book, "2024Q3", events)
    assert result.line("bonus_award").points == Decimal("5")
    assert result.line("bonus_award").capped is True
    assert result.points_added == Decimal("20")  # 5 × 5 = 25 → 总计不得超过20分
    # 25 + 17.5 + 50 = 92.5, + 20 = 112.5 → 百分制 (附件2 第二十八条): at most 100
    assert result.score == Decimal("100")
    assert result.money.fee_deduction == Decimal("0")


@pytest.mark.parametrize(
    "event",
    [
        Event(item="late_arrival", occurred_at=at(2024, 7, 1), value="20"),  # no such line
        Event(item="rating_support", occurred_at=at(2024, 7, 1), value="excellent"),  # no level
        Event(item="headcount_start", occurred_at=at(2024, 7, 1)),  # headcount missing
        Event(item="headcount_end", occurred_at=at(2024, 7, 1), value="15.5"),  # half a person
        Event(item="voluntary_leavers", occurred_at=at(2024, 7, 1), value="-1"),  # below 0
    ],
)
def test_refused_inputs(book: Rulebook, event: Event) -> None:
    with pytest.raises(EngineError):
        quarter(book, "2024Q1", [event])
