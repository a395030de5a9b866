"""Golden cases for haikou-hall-2023 (contract 002), worked out by hand from 表1 and 五、(二)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Assessment, Event, SectionResult
from scoring.engine import EngineError, assess
from scoring.loader import BUILTIN_DIR, load_rulebook
from scoring.periods import parse_period
from scoring.rulebook import Rulebook

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2023, 6, 15, 9, 0, tzinfo=TZ)  # well after March 2023: results are final
MID_MARCH = dt.datetime(2023, 3, 15, 10, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(BUILTIN_DIR / "haikou-hall-2023.yaml")


def ev(item: str, value: str | None = None, *, at: dt.datetime = MID_MARCH, qty: int = 1) -> Event:
    """One recorded line of 表1 in mid-March 2023."""
    return Event(item=item, occurred_at=at, quantity=Decimal(qty), value=value)


def many(item: str, times: int, value: str | None = None) -> list[Event]:
    """``times`` separate reports of the same line."""
    return [ev(item, value) for _ in range(times)]


def march(book: Rulebook, events: list[Event]) -> Assessment:
    return assess(book, events, parse_period(book, "2023-03"), now=NOW)


def section(result: Assessment, code: str) -> SectionResult:
    return next(s for s in result.sections if s.code == code)


# -- the table itself -------------------------------------------------------------------


def test_every_line_of_table_1_is_encoded(book: Rulebook) -> None:
    # 表1: 11 + 9 + 54 + 4 + (3 + 4) + 4 + 16 = 105 lines; line 3.17 is two items (late, early),
    # line 3.26 two (reported / not reported: rulebook decision 6) and 加分项 line 10 three
    # (national / provincial / city honour): 105 + 1 + 1 + 2 = 109.
    assert len(book.items) == 109
    # 合计 105 = 10 + 10 + 50 + 10 + 10 + 10 + 5.
    main = book.cards[0]
    assert sum(s.cap or 0 for s in main.sections) == Decimal(105)
    assert book.score is not None and book.score.max == Decimal(105)
    # 岗位分析's "30" is a misprint: no cap of its own; 内部制度建设 stays at 10.
    internal = next(s for s in main.sections if s.code == "internal_rules")
    assert internal.cap == Decimal(10)
    assert next(s for s in internal.sections if s.code == "job_analysis").cap is None


def test_shared_aliases(book: Rulebook) -> None:
    pairs = {
        "late": "late_arrival",
        "early": "early_leave",
        "absent": "absence",
        "offpost": "off_post",
        "dress": "dress_code",
    }
    for alias, code in pairs.items():
        found = book.item_by_alias(alias)
        assert found is not None and found.code == code


# -- empty month, edges of the period ---------------------------------------------------


def test_empty_month_scores_100_and_pays_the_whole_pool(book: Rulebook) -> None:
    result = march(book, [])
    assert result.score == Decimal("100.00")  # nothing recorded: base 100 (表1)
    assert result.points_deducted == 0 and result.points_added == 0
    assert result.money.payout_ratio == Decimal("1.00")  # 90≤X → 100 % (五、(二) 序号1)
    # The bid price is not in the file (一、4 gives only the budget): the pool is unpriced.
    assert result.money.pool_amount is None
    assert result.money.payout_amount is None
    assert result.money.fee_deduction is None  # no per-point or per-item money in 表1
    assert result.provisional is False
    assert result.events_counted == 0


def test_events_on_the_edges_of_the_month_in_local_time(book: Rulebook) -> None:
    utc = dt.UTC
    events = [
        ev("dress_code", at=dt.datetime(2023, 2, 28, 15, 59, tzinfo=utc)),  # 02-28 23:59 local
        ev("dress_code", at=dt.datetime(2023, 2, 28, 16, 0, tzinfo=utc)),  # 03-01 00:00 local
        ev("dress_code", at=dt.datetime(2023, 3, 31, 23, 59, tzinfo=TZ)),  # last minute of March
        ev("dress_code", at=dt.datetime(2023, 3, 31, 16, 30, tzinfo=utc)),  # 04-01 00:30 local
    ]
    result = march(book, events)
    # Only 03-01 00:00 and 03-31 23:59 local are in March: 2 × 2 points (3.6 每次扣2分).
    assert result.events_counted == 2
    assert result.line("dress_code").points == Decimal(4)
    assert result.score == Decimal("96.00")  # 100 − 4
    april = assess(book, events, parse_period(book, "2023-04"), now=NOW)
    assert april.score == Decimal("98.00")  # the 04-01 00:30 local report: 100 − 2


def test_a_month_not_over_yet_is_provisional(book: Rulebook) -> None:
    now = dt.datetime(2023, 3, 20, 12, 0, tzinfo=TZ)
    result = assess(book, [ev("dress_code")], parse_period(book, "2023-03"), now=now)
    assert result.provisional is True
    assert result.score == Decimal("98.00")  # 100 − 2 (3.6)


# -- caps ("上述扣分及加分以各考核项目分值为上限") ----------------------------------------------


def test_standardised_management_stops_at_30_below_the_50_of_hall_operations(
    book: Rulebook,
) -> None:
    events = (
        many("dress_code", 10)  # 3.6: 10 × 2 = 20
        + many("late_arrival", 10, "5")  # 3.17: 10 × 1 = 10 (5 minutes, within 10)
        + many("absence", 3)  # 3.19: 3 × 2 = 6
    )
    result = march(book, events)
    # No line has a cap of its own; the section's 30 is counted in table order (3.6, 3.17,
    # 3.19): dress 20 and late 10 fill it, so absence's 6 do not count. (Before, every line
    # showed its raw points uncapped, and absence said capped: false although 0 of it counted.)
    assert result.line("dress_code").points == Decimal(20)
    assert result.line("dress_code").capped is False
    assert result.line("late_arrival").points == Decimal(10)
    absence = result.line("absence")
    assert (absence.raw_points, absence.points, absence.capped) == (Decimal(6), 0, True)
    assert absence.capped_by == ("standardisation",)
    # 标准化管理 分值30: 20 + 10 + 6 = 36 → 30.
    std = section(result, "standardisation")
    assert std.deducted_raw == Decimal(36)
    assert std.deducted == Decimal(30)
    assert std.capped is True
    # 大厅运营管理 (50) only sees the 30: its own cap is not reached.
    hall = section(result, "hall_ops")
    assert hall.deducted == Decimal(30)
    assert hall.capped is False
    assert result.points_deducted == Decimal(30)
    assert result.score == Decimal("70.00")  # 100 − 30
    assert result.money.payout_ratio == Decimal("0.70")  # exactly 70: 70≤X<80 → 70 %


def test_hall_operations_full_is_exactly_its_50(book: Rulebook) -> None:
    events = (
        many("insubordination", 4)  # 3.23: 4 × 10 = 40 → 标准化管理 30
        + many("no_award_rules", 7)  # 3.33: 7 × 1 = 7 → 评优创先 5
        + many("disaster_duty_refused", 2)  # 3.49: 2 × 10 = 20 → 运营辅助 15
    )
    result = march(book, events)
    assert section(result, "standardisation").deducted == Decimal(30)
    assert section(result, "awards").deducted == Decimal(5)
    assert section(result, "ops_support").deducted == Decimal(15)
    assert section(result, "hall_ops").deducted == Decimal(50)  # 30 + 5 + 15 = 50 = cap
    assert result.score == Decimal("50.00")  # 100 − 50
    assert result.money.payout_ratio == Decimal(0)  # X<60 → 0 % (五、(二) 序号5)


def test_parent_cap_on_top_of_a_sub_cap(book: Rulebook) -> None:
    events = (
        many("no_emergency_rules", 6)  # 2.2: 6 × 2 = 12 → 内部制度 10
        + many("service_rules_not_applied", 2)  # 2.9: 2 × 2 = 4 (服务机制, no cap)
    )
    result = march(book, events)
    rules = section(result, "rules")
    assert rules.deducted_raw == Decimal(12)
    assert rules.deducted == Decimal(10)
    assert section(result, "service_mechanism").deducted == Decimal(4)
    # 内部制度建设 (10): 10 + 4 = 14 → 10.
    internal = section(result, "internal_rules")
    assert internal.deducted == Decimal(10)
    assert internal.capped is True
    assert result.score == Decimal("90.00")  # 100 − 10
    assert result.money.payout_ratio == Decimal("1.00")  # exactly 90: 90≤X → 100 %


def test_job_analysis_lines_cost_at_most_one_point_a_month(book: Rulebook) -> None:
    result = march(book, many("no_job_analysis", 3))
    # 2.6 "扣 1 分" (no 每次): 3 reports → raw 3, at most 1 (decision 4 of the rulebook).
    line = result.line("no_job_analysis")
    assert line.raw_points == Decimal(3)
    assert line.points == Decimal(1)
    assert line.capped is True
    assert result.score == Decimal("99.00")


def test_bonus_is_capped_at_5_so_the_score_tops_out_at_105(book: Rulebook) -> None:
    events = [
        ev("honour_national"),  # 7.10 国家级: 5
        ev("client_praise", qty=2),  # 7.4: 2 × 2 = 4
        ev("lost_property_returned"),  # 7.1: 1
    ]
    result = march(book, events)
    assert result.line("client_praise").points == Decimal(4)
    bonus = section(result, "bonus_items")
    assert bonus.added_raw == Decimal(10)  # 5 + 4 + 1
    assert bonus.added == Decimal(5)  # 加分项 分值5
    assert result.points_added == Decimal(5)
    assert result.score == Decimal("105.00")  # 100 + 5 = 合计 105
    assert result.money.payout_ratio == Decimal("1.00")


def test_bonuses_and_penalties_are_capped_separately(book: Rulebook) -> None:
    events = [
        ev("honour_provincial", qty=2),  # 7.10 省级: 2 × 3 = 6 → 5
        ev("exposed_complaint", qty=3),  # 7.15: 3 × 5 = 15 (减分项, no cap) → 加减分项 5
    ]
    result = march(book, events)
    part = section(result, "bonus_penalty")
    assert part.added == Decimal(5)
    assert part.deducted_raw == Decimal(15)
    assert part.deducted == Decimal(5)
    assert result.points_added == Decimal(5)
    assert result.points_deducted == Decimal(5)
    assert result.score == Decimal("100.00")  # 100 − 5 + 5


def test_bonus_offsets_deductions_elsewhere(book: Rulebook) -> None:
    events = [*many("dress_code", 4), ev("service_innovation")]  # 3.6: 4 × 2 = 8; 7.13: +2
    result = march(book, events)
    assert result.score == Decimal("94.00")  # 100 − 8 + 2
    assert result.money.payout_ratio == Decimal("1.00")


def test_score_never_below_zero(book: Rulebook) -> None:
    events = (
        many("director_not_in_place", 4)  # 1.1: 12 → 人力保障/人力资源管理 10
        + many("no_emergency_rules", 5)  # 2.2: 10 → 内部制度建设 10
        + many("insubordination", 3)  # 3.23: 30 → 标准化管理 30
        + many("no_award_rules", 5)  # 3.33: 5 → 评优创先 5
        + many("disaster_duty_refused", 2)  # 3.49: 20 → 运营辅助 15
        + many("no_training_plan", 2)  # 4.2: 10 → 业务培训管理 10
        + many("window_reform_stalled", 5)  # 5 基础管理 3: 10 → 10
        + many("publicity_plan_unfinished", 10)  # 6.1: 10 → 10
        + many("reputation_damage", 1)  # 7.16: 5 → 5
    )
    result = march(book, events)
    # 10 + 10 + 50 + 10 + 10 + 10 + 5 = 105 deducted; 100 − 105 < 0 → floor 0.
    assert result.points_deducted == Decimal(105)
    assert result.score == Decimal("0.00")
    assert result.money.payout_ratio == Decimal(0)


# -- payout bands (五、(二), written out: 90≤X, 80≤X<90, 70≤X<80, 60≤X<70, X<60) ----------


@pytest.mark.parametrize(
    ("events", "score", "ratio"),
    [
        # 3.23 insubordination 10 → 90: band 1.
        (many("insubordination", 1), "90.00", "1.00"),
        # 10 + 3.17 late 10 min (1) = 11 → 89: every line is whole points, so 89 is the
        # highest score below 90 → 85 %.
        ([*many("insubordination", 1), ev("late_arrival", "10")], "89.00", "0.85"),
        # 3.23 + 3.25 = 20 → exactly 80: 80≤X<90 → 85 %.
        (many("insubordination", 1) + many("integrity_breach", 1), "80.00", "0.85"),
        # 20 + 3.11 smile 1 = 21 → 79: 70 %.
        (
            many("insubordination", 1) + many("integrity_breach", 1) + many("no_smile", 1),
            "79.00",
            "0.70",
        ),
        # 标准化管理 30 (3 × 10) + 3.49 10 = 40 → exactly 60: 60≤X<70 → 50 %.
        (many("insubordination", 3) + many("disaster_duty_refused", 1), "60.00", "0.50"),
        # 30 + 10 + 3.51 phone 1 = 41 → 59: X<60 → 0 %.
        (
            many("insubordination", 3)
            + many("disaster_duty_refused", 1)
            + many("phone_unanswered", 1),
            "59.00",
            "0",
        ),
    ],
)
def test_payout_band_boundaries(
    book: Rulebook, events: list[Event], score: str, ratio: str
) -> None:
    result = march(book, events)
    assert result.score == Decimal(score)
    assert result.money.payout_ratio == Decimal(ratio)


# -- measured values: minutes, rates -----------------------------------------------------


def test_late_and_early_up_to_and_including_10_minutes_cost_1(book: Rulebook) -> None:
    result = march(book, [ev("late_arrival", "10"), ev("early_leave", "10")])
    # 3.17 "10分钟内" includes the 10th minute: 1 + 1.
    assert result.line("late_arrival").points == Decimal(1)
    assert result.line("early_leave").points == Decimal(1)
    assert result.score == Decimal("98.00")


@pytest.mark.parametrize("item", ["late_arrival", "early_leave"])
def test_more_than_10_minutes_is_not_line_17_and_is_refused(book: Rulebook, item: str) -> None:
    with pytest.raises(EngineError):
        march(book, [ev(item, "11")])
    with pytest.raises(EngineError):
        march(book, [ev(item, "10.5")])


def test_off_post_counts_from_the_16th_minute(book: Rulebook) -> None:
    fifteen = march(book, [ev("off_post", "15")])
    # 3.26 "超过15分钟" excludes 15.
    assert fifteen.line("off_post").points == Decimal(0)
    assert fifteen.score == Decimal("100.00")
    sixteen = march(book, [ev("off_post", "16")])
    assert sixteen.line("off_post").points == Decimal(1)
    assert sixteen.score == Decimal("99.00")


def test_staff_change_rate_must_be_below_3_percent(book: Rulebook) -> None:
    below = march(book, [ev("staff_change_rate", "2.9")])
    assert below.score == Decimal("100.00")  # 1.2 "必须低于3%": 2.9 % is fine
    at = march(book, [ev("staff_change_rate", "3")])
    assert at.line("staff_change_rate").points == Decimal(1)  # 3 % is not below 3 %
    assert at.score == Decimal("99.00")


def test_per_person_lines_multiply_by_quantity(book: Rulebook) -> None:
    result = march(book, [ev("staff_returned", qty=3)])
    # 1.9 每人次扣2分: 3 persons × 2 = 6.
    assert result.line("staff_returned").points == Decimal(6)
    assert result.score == Decimal("94.00")


# -- refused input ---------------------------------------------------------------------


def test_unknown_item_is_refused(book: Rulebook) -> None:
    with pytest.raises(EngineError):
        march(book, [ev("missed_handover")])  # 表1 has no handover line


def test_late_arrival_without_minutes_is_refused(book: Rulebook) -> None:
    with pytest.raises(EngineError):
        march(book, [ev("late_arrival")])
    with pytest.raises(EngineError):
        march(book, [ev("late_arrival", "ten")])


def test_value_on_a_line_that_takes_none_is_refused(book: Rulebook) -> None:
    with pytest.raises(EngineError):
        march(book, [ev("dress_code", "5")])


# -- line 3.26 and the 减分项 (rulebook decisions 6 and 18) ---------------------------------


@pytest.mark.parametrize(
    ("item", "minutes", "points"),
    [
        # "因事需离开15分钟以上，未向带班人员报备、未出示暂停服务": 以上 includes 15
        ("off_post_unreported", "15", 1),
        ("off_post_unreported", "14", 0),
        # "…或离开岗位超过15分钟": reported, and away more than 15 (超过 excludes 15)
        ("off_post", "15", 0),
        ("off_post", "16", 1),
    ],
)
def test_leaving_the_post_reported_or_not(
    book: Rulebook, item: str, minutes: str, points: int
) -> None:
    result = march(book, [ev(item, minutes)])
    assert result.line(item).points == Decimal(points)
    assert result.score == Decimal(100 - points)


def test_penalties_are_capped_at_five_and_come_off_the_score_without_bonuses(
    book: Rulebook,
) -> None:
    # 表1 7. 减分项 15 and 16: "每项减5分"; 注: 扣分 capped at 加减分项's 分值 5.
    result = march(book, [ev("exposed_complaint"), ev("reputation_damage")])
    assert section(result, "bonus_penalty").deducted_raw == Decimal(10)
    assert section(result, "bonus_penalty").deducted == Decimal(5)
    assert result.score == Decimal("95.00")  # 100 − 5, no bonus needed for it to bite
    second = result.line("reputation_damage")
    assert (second.raw_points, second.points, second.capped) == (Decimal(5), 0, True)
