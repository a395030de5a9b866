"""A measurement the contract takes each period and nobody recorded is listed as missing, never
taken as met; the assessment is not complete until it is entered (0 where there was none).
Figures worked out by hand from 004's 考核细则, 000's 附件3 第七条, 001's 附件二 一、2 and 002's
表1 人力资源管理 第2项."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from scoring.assessment import Assessment, Event
from scoring.engine import assess
from scoring.loader import load_rulebooks
from scoring.periods import parse_period

BOOKS = load_rulebooks()
TZ = ZoneInfo("Asia/Shanghai")
LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
CHAOYANG = BOOKS["chaoyang-health-2023"]
MONTHLY = (
    "dispatch_accuracy",
    "callback_rate",
    "reply_on_time",
    "quality_score",
    "report_timeliness",
    "training_sessions",
    "rules_in_place",
)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


def missing_codes(a: Assessment) -> list[tuple[str, str]]:
    return [(m.code, m.period) for m in a.missing_inputs]


def every_day(year: int, month: int, days: int) -> list[Event]:
    return [
        Event("no_overnight_tickets", at(year, month, d, 20), value="100")
        for d in range(1, days + 1)
    ]


def test_004_a_month_without_trainings_or_a_rules_check_is_not_complete() -> None:
    full = {"dispatch_accuracy": "95", "callback_rate": "100", "reply_on_time": "95",
            "quality_score": "95", "report_timeliness": "100"}  # fmt: skip
    events = every_day(2023, 3, 31)
    events += [Event(code, at(2023, 3, 31, 12), value=v) for code, v in full.items()]
    march = assess(CHAOYANG, events, parse_period(CHAOYANG, "2023-03"), now=LATER)
    # 序号8 培训开展 (每月不低于2场) and 制度建设 were not recorded: nothing is charged for them
    # yet, and the month says so (before: complete, 0 CNY, as if both were met).
    assert missing_codes(march) == [("training_sessions", "2023-03"), ("rules_in_place", "2023-03")]
    assert march.complete is False
    assert march.money.fee_deduction == Decimal("0")
    assert any("At least 2 training sessions" in m.en for m in march.missing)
    # Entered as held: 0 sessions (a miss, 500) and the rules not in place (0, 2,000).
    events += [
        Event("training_sessions", at(2023, 3, 31, 12), value="0"),
        Event("rules_in_place", at(2023, 3, 31, 12), value="0"),
    ]
    march = assess(CHAOYANG, events, parse_period(CHAOYANG, "2023-03"), now=LATER)
    assert march.complete is True
    assert march.money.fee_deduction == Decimal("2500.00")  # 500 + 2,000


def test_004_each_day_needs_its_overnight_figure() -> None:
    events = every_day(2023, 4, 30)[2:]  # 1 and 2 April not recorded
    events += [Event(code, at(2023, 4, 30, 12), value="100") for code in MONTHLY[:5]]
    events += [Event("training_sessions", at(2023, 4, 30, 12), value="2")]
    events += [Event("rules_in_place", at(2023, 4, 30, 12), value="1")]
    events += [Event("staff_turnover", at(2023, 4, 10, 12), value="5")]  # the term's quarter 1
    april = assess(CHAOYANG, events, parse_period(CHAOYANG, "2023-04"), now=LATER)
    assert missing_codes(april) == [
        ("no_overnight_tickets", "2023-04-01"),
        ("no_overnight_tickets", "2023-04-02"),
    ]
    (text,) = april.missing
    assert "2 day(s) (04-01–04-02)" in text.en


def test_004_a_running_month_misses_only_what_has_ended() -> None:
    now = at(2023, 5, 3, 12)
    may = assess(CHAOYANG, every_day(2023, 5, 1), parse_period(CHAOYANG, "2023-05"), now=now)
    # 1 May recorded, 2 May ended without a figure, 3 May not over; the monthly KPIs not due yet
    assert missing_codes(may) == [("no_overnight_tickets", "2023-05-02")]
    assert may.provisional is True


def test_004_the_half_year_report_is_missing_once_its_window_ends() -> None:
    july = assess(CHAOYANG, [], parse_period(CHAOYANG, "2023-07"), now=LATER)
    # 一（二） 半年报一期: the window 2023-01-23..2023-07-22 ends in July
    assert ("half_year_report", "First half of the term (2023-01-23 to 2023-07-22)") in (
        missing_codes(july)
    )
    june = assess(CHAOYANG, [], parse_period(CHAOYANG, "2023-06"), now=LATER)
    assert not any(code == "half_year_report" for code, _ in missing_codes(june))
    # delivered in May, assessed in July: met, nothing missing, nothing charged
    report = [Event("half_year_report", at(2023, 5, 20, 10), value="1")]
    july = assess(CHAOYANG, report, parse_period(CHAOYANG, "2023-07"), now=LATER)
    assert july.line("half_year_report").misses == 0
    assert not any(code == "half_year_report" for code, _ in missing_codes(july))
    # the annual report and the ranking: January 2024 and December 2023
    january = assess(CHAOYANG, [], parse_period(CHAOYANG, "2024-01"), now=LATER)
    assert ("annual_report", "The year of service (2023-01-23 to 2024-01-22)") in (
        missing_codes(january)
    )
    december = assess(CHAOYANG, [], parse_period(CHAOYANG, "2023-12"), now=LATER)
    assert ("ranking_stability", "The district ranking of 2023") in missing_codes(december)
    assert not any(code == "ranking_stability" for code, _ in missing_codes(january))


KEY = BOOKS["key-station-2024"]


def heads(month: int, start: str | None, end: str | None, leavers: str | None) -> list[Event]:
    when = at(2024, month, 28, 9)
    figures = {"headcount_start": start, "headcount_end": end, "voluntary_leavers": leavers}
    return [Event(code, when, value=v) for code, v in figures.items() if v is not None]


def test_000_every_month_of_the_quarter_needs_its_headcounts() -> None:
    votes = [
        Event("rating_support", at(2024, 7, 1, 9), value="good"),
        Event("rating_staff", at(2024, 7, 1, 9), value="good"),
    ]
    # June: nothing; July: 1 leaver of 10 → 10 % → 90; August: leavers but no headcounts.
    events = votes + heads(7, "10", "10", "1") + heads(8, None, None, "2")
    q1 = assess(KEY, events, parse_period(KEY, "2024Q1"), now=LATER)
    assert missing_codes(q1) == [("stability", "2024-06"), ("stability", "2024-08")]
    june, august = q1.missing
    assert "headcount at the start of the month" in june.en and "of their own accord" in june.en
    assert "of their own accord" not in august.en  # August's leavers were recorded
    # 第七条: the one complete month, 90, until the others are entered; not complete.
    stability = next(c for c in q1.components if c.code == "stability")
    assert stability.score == Decimal("90")
    assert q1.complete is False
    # A month without leavers must say 0 (before, a blank was taken as 0 and the month
    # as complete).
    events = (
        votes + heads(6, "10", "10", None) + heads(7, "10", "10", "1") + heads(8, "10", "10", "0")
    )
    q1 = assess(KEY, events, parse_period(KEY, "2024Q1"), now=LATER)
    assert missing_codes(q1) == [("stability", "2024-06")]
    events += heads(6, None, None, "0")
    q1 = assess(KEY, events, parse_period(KEY, "2024Q1"), now=LATER)
    assert q1.complete is True
    # (100 + 90 + 100) / 3 = 96.666…; 第三条: 25 + 25 + 48.333… = 98.33
    assert q1.score == Decimal("98.33")


def test_001_the_monthly_phone_sample_is_expected() -> None:
    book = BOOKS["haidian-dispatch-2026"]
    july = parse_period(book, "2026-07")
    assert missing_codes(assess(book, [], july, now=LATER)) == [("phone_registration", "2026-07")]
    sample = [Event("phone_registration", at(2026, 7, 20, 10), value="100")]  # 100 %: 0 points
    done = assess(book, sample, july, now=LATER)
    assert done.complete is True
    assert done.score == Decimal("100")


def test_002_the_monthly_staff_change_ratio_is_expected() -> None:
    book = BOOKS["haikou-hall-2023"]
    march = parse_period(book, "2023-03")
    assert missing_codes(assess(book, [], march, now=LATER)) == [("staff_change_rate", "2023-03")]
    ratio = [Event("staff_change_rate", at(2023, 3, 31, 10), value="2.5")]  # 低于3%: met
    done = assess(book, ratio, march, now=LATER)
    assert done.complete is True
    assert done.score == Decimal("100.00")
