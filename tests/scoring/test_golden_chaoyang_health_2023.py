"""Golden cases for chaoyang-health-2023, worked out by hand from contract 004.

附件《朝阳区卫生健康委接诉即办项目服务考核细则》: each indicator against its target per period;
each period missed costs a fixed sum ("以…元/次扣款"); the yearly ranking drop costs 5 / 10 / 15 %
of the fee (三、1: 3,999,996 CNY). 一（四）4: quarterly staff turnover below 15 %, no money named.
There is no score.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Assessment, Event
from scoring.engine import EngineError, assess
from scoring.loader import BUILTIN_DIR, load_rulebook
from scoring.periods import parse_period
from scoring.rulebook import Rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTER_TERM = dt.datetime(2024, 2, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(BUILTIN_DIR / "chaoyang-health-2023.yaml")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local Beijing time in 2023."""
    return dt.datetime(2023, month, day, hour, minute, tzinfo=SHANGHAI)


def kpi(item: str, when: dt.datetime, value: str | None = None) -> Event:
    return Event(item=item, occurred_at=when, value=value)


def month(book: Rulebook, label: str, events: list[Event]) -> Assessment:
    return assess(book, events, parse_period(book, label), now=AFTER_TERM)


def test_empty_month_costs_nothing(book: Rulebook) -> None:
    result = month(book, "2023-03", [])
    assert result.score is None  # the scheme has no score, only KPI money
    assert result.money.fee_deduction == Decimal("0")
    assert all(line.misses == 0 for line in result.lines)


def test_daily_misses_count_once_per_day(book: Rulebook) -> None:
    events = [
        kpi("no_overnight_tickets", at(3, 10, 9)),  # a ticket left overnight → miss
        kpi("no_overnight_tickets", at(3, 10, 18)),  # same local day → still one 次
        kpi("no_overnight_tickets", at(3, 11), "100"),  # 案件不过夜 100 % → met
        kpi("no_overnight_tickets", at(3, 12), "99.5"),  # below 100 % → miss
    ]
    line = month(book, "2023-03", events).line("no_overnight_tickets")
    assert line.count == 4
    assert line.misses == 2  # 10 March and 12 March
    assert line.amount == Decimal("400.00")  # 2 × 200 元/次


def test_days_are_local_days(book: Rulebook) -> None:
    events = [
        kpi("no_overnight_tickets", at(3, 10, 23, 59)),  # 10 March local
        # 2023-03-10T16:30Z is 11 March 00:30 in Beijing: another day, another miss
        kpi("no_overnight_tickets", dt.datetime(2023, 3, 10, 16, 30, tzinfo=dt.UTC)),
    ]
    line = month(book, "2023-03", events).line("no_overnight_tickets")
    assert line.misses == 2
    assert line.amount == Decimal("400.00")  # 2 × 200


def test_events_on_the_month_edges_in_local_time(book: Rulebook) -> None:
    events = [
        # 2023-02-28T16:00Z is 1 March 00:00 in Beijing → March
        kpi("no_overnight_tickets", dt.datetime(2023, 2, 28, 16, 0, tzinfo=dt.UTC)),
        kpi("no_overnight_tickets", at(3, 31, 23, 59)),  # last local minute of March → March
        # 2023-03-31T16:30Z is 1 April 00:30 in Beijing → April, not March
        kpi("no_overnight_tickets", dt.datetime(2023, 3, 31, 16, 30, tzinfo=dt.UTC)),
    ]
    march = month(book, "2023-03", events)
    assert march.line("no_overnight_tickets").misses == 2
    assert march.money.fee_deduction == Decimal("400.00")  # 2 × 200
    april = month(book, "2023-04", events)
    assert april.money.fee_deduction == Decimal("200.00")  # 1 × 200


def test_monthly_indicators_at_and_below_target(book: Rulebook) -> None:
    events = [
        kpi("dispatch_accuracy", at(3, 5), "85"),  # superseded: the latest measurement decides
        kpi("dispatch_accuracy", at(3, 31), "90"),  # 派单准确率 90 % → exactly the target → met
        kpi("quality_score", at(3, 31), "90"),  # 质量监督 90分 → met
        kpi("training_sessions", at(3, 31), "2"),  # 每月不低于2场 → met
        kpi("reply_on_time", at(3, 31), "89.9"),  # below 90 % → 500
        kpi("callback_rate", at(3, 31), "99"),  # 回访率 below 100 % → 500
    ]
    result = month(book, "2023-03", events)
    for code in ("dispatch_accuracy", "quality_score", "training_sessions"):
        assert result.line(code).misses == 0
        assert result.line(code).amount == Decimal("0")
    assert result.line("reply_on_time").amount == Decimal("500.00")
    assert result.line("callback_rate").amount == Decimal("500.00")
    assert result.money.fee_deduction == Decimal("1000.00")  # 500 + 500


def test_a_month_with_many_misses(book: Rulebook) -> None:
    events = [
        kpi("no_overnight_tickets", at(6, 1)),  # 200
        kpi("no_overnight_tickets", at(6, 2), "98"),  # 200
        kpi("dispatch_accuracy", at(6, 30), "80"),  # 500
        kpi("report_timeliness", at(6, 30), "50"),  # monthly + quarterly report, one late → 500
        kpi("half_year_report", at(6, 30)),  # no half-year report → 500, in July (below)
        kpi("training_sessions", at(6, 30), "1"),  # only one session → 500
        kpi("rules_in_place", at(6, 30), "0"),  # 制度建设 not in place → 2000
    ]
    result = month(book, "2023-06", events)
    # 2 × 200 + 3 × 500 + 2000 = 400 + 1500 + 2000 = 3900. (This was 4400: the half-year
    # report was charged in June, the end of a calendar half-year. 一（二） asks for one
    # half-year report, for the term's first six months, 2023-01-23..2023-07-22 — rulebook
    # decision 4 — so its miss is assessed in July, the month that window ends in.)
    assert result.money.fee_deduction == Decimal("3900.00")
    july = month(book, "2023-07", events)
    assert july.line("half_year_report").misses == 1
    assert july.line("half_year_report").amount == Decimal("500.00")


@pytest.mark.parametrize(
    ("dropped", "misses", "amount"),
    [
        ("0", 0, Decimal("0")),  # no drop → target met
        ("1", 1, Decimal("199999.80")),  # 下降1-3名 → 5 % × 3,999,996 = 199,999.80
        ("3", 1, Decimal("199999.80")),  # 3 is in both 1-3 and 3-5: read against the drafter → 5 %
        ("4", 1, Decimal("399999.60")),  # 下降3-5名 → 10 % × 3,999,996 = 399,999.60
        ("5", 1, Decimal("399999.60")),  # 下降超过5名 excludes 5 → still 10 %
        ("6", 1, Decimal("599999.40")),  # 超过5名 → 15 % × 3,999,996 = 599,999.40
    ],
)
def test_ranking_drop_tiers(book: Rulebook, dropped: str, misses: int, amount: Decimal) -> None:
    result = month(book, "2023-12", [kpi("ranking_stability", at(12, 20), dropped)])
    assert result.line("ranking_stability").misses == misses
    assert result.line("ranking_stability").amount == amount
    assert result.money.fee_deduction == amount


def test_staff_turnover_miss_is_counted_without_money(book: Rulebook) -> None:
    # The term's first quarter is 2023-01-23..2023-04-22 (rulebook decision 7): a figure
    # recorded on 31 March belongs to it and is assessed in April, when the quarter ends.
    events = [
        kpi("staff_turnover", at(3, 31), "15"),  # 季度人员流失率<15%: exactly 15 misses
        kpi("dispatch_accuracy", at(4, 30), "70"),  # 500, to show the turnover adds nothing
    ]
    result = month(book, "2023-04", events)
    line = result.line("staff_turnover")
    assert line.misses == 1
    assert line.amount is None  # 一（四）4 names no money
    assert result.money.fee_deduction == Decimal("500.00")  # the dispatch miss only
    assert len(result.money.notes) == 1  # the reply says the turnover miss has no amount set
    assert month(book, "2023-03", events).line("staff_turnover").count == 0  # not in March


def test_staff_turnover_just_below_15_is_met(book: Rulebook) -> None:
    result = month(book, "2023-04", [kpi("staff_turnover", at(3, 31), "14.9")])
    assert result.line("staff_turnover").count == 1
    assert result.line("staff_turnover").misses == 0


@pytest.mark.parametrize(
    "event",
    [
        kpi("late_arrival", at(3, 1), "20"),  # no such line in this contract
        kpi("dispatch_accuracy", at(3, 1), "abc"),  # not a number
        kpi("dispatch_accuracy", at(3, 1), "101"),  # a rate above 100 %
        kpi("training_sessions", at(3, 1), "1.5"),  # half a session
    ],
)
def test_refused_inputs(book: Rulebook, event: Event) -> None:
    with pytest.raises(EngineError):
        month(book, "2023-03", [event])


def test_the_top_3_test_is_counted_without_money(book: Rulebook) -> None:
    # 序号9 "在投诉量较大的7个委办局排名前3": 4th place misses; the money is priced only by
    # places dropped (rulebook decision 6), so it costs nothing; no drop → nothing either.
    events = [kpi("ranking_top3", at(12, 31), "4"), kpi("ranking_stability", at(12, 31), "0")]
    result = month(book, "2023-12", events)
    assert result.line("ranking_top3").misses == 1
    assert result.line("ranking_top3").amount is None
    assert result.money.fee_deduction == Decimal("0")
    assert (
        month(book, "2023-12", [kpi("ranking_top3", at(12, 31), "3")]).line("ranking_top3").misses
        == 0
    )


def test_rules_missing_cost_2000_in_each_month_found(book: Rulebook) -> None:
    # 制度建设 "以2000元/次扣款", one 次 per month the check finds them missing (decision 5);
    # a later check in the same month that finds them in place decides that month.
    events = [
        kpi("rules_in_place", at(3, 10), "0"),
        kpi("rules_in_place", at(4, 10), "0"),
        kpi("rules_in_place", at(4, 25), "1"),
    ]
    assert month(book, "2023-03", events).line("rules_in_place").amount == Decimal("2000.00")
    assert month(book, "2023-04", events).line("rules_in_place").amount == Decimal("0.00")
