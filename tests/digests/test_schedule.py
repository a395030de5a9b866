"""When digests are due: settings read and refused, times in the contract's own zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.digests.schedule import (
    DAILY,
    PERIOD,
    REMINDER,
    ScheduleError,
    changed,
    due_now,
    latest_due,
    next_due,
    parse_schedule,
)
from scoring.rulebook import Rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HAIDIAN = "haidian-dispatch-2026"  # 001, monthly, term 2026-06-17 … 2027-06-16
KEY_STATION = "key-station-2024"  # 000, quarters from June, term 2024-06-01 … 2025-05-31


def at(zone: ZoneInfo, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def test_the_defaults_and_their_normal_spelling() -> None:
    schedule = parse_schedule({})
    assert schedule.settings() == {
        "daily_digest": "18:00",
        "period_assessment": "1 09:00",
        "reminder": "off",
        "reminder_days": "daily",
    }
    moved = changed({"daily_digest": "18:00"}, {"period_assessment": "9:00", "reminder": "7:05"})
    assert moved["period_assessment"] == "1 09:00" and moved["reminder"] == "07:05"


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"daily_digest": "25:00"}, "daily_digest"),
        ({"daily_digest": "6pm"}, "daily_digest"),
        ({"period_assessment": "29 09:00"}, "period_assessment"),
        ({"period_assessment": "0 09:00"}, "period_assessment"),
        ({"reminder_days": "mondays"}, "reminder_days"),
        ({"weekly": "on"}, "weekly"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(settings: dict[str, str], key: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        parse_schedule(settings)
    assert refused.value.key == key


def test_the_daily_digest_is_due_at_18_in_beijing_not_18_utc(
    rulebooks: dict[str, Rulebook],
) -> None:
    book, schedule = rulebooks[HAIDIAN], parse_schedule({})
    due = next_due(schedule, book, DAILY, SHANGHAI, at(dt.UTC, 2026, 7, 15, 9, 59))
    assert due is not None and due.due == at(SHANGHAI, 2026, 7, 15, 18, 0)
    assert due.due.astimezone(dt.UTC) == at(dt.UTC, 2026, 7, 15, 10, 0)
    after = next_due(schedule, book, DAILY, SHANGHAI, at(dt.UTC, 2026, 7, 15, 10, 0))
    assert after is not None and after.label == "2026-07-16"
    # A contract run from Berlin gets its digest at 18:00 Berlin time (16:00 UTC in summer).
    berlin = next_due(schedule, book, DAILY, BERLIN, at(dt.UTC, 2026, 7, 15, 12, 0))
    assert berlin is not None and berlin.due.astimezone(dt.UTC) == at(dt.UTC, 2026, 7, 15, 16, 0)


def test_the_period_assessment_of_a_month_and_of_a_quarter(
    rulebooks: dict[str, Rulebook],
) -> None:
    monthly = next_due(
        parse_schedule({}), rulebooks[HAIDIAN], PERIOD, SHANGHAI, at(SHANGHAI, 2026, 7, 15, 12)
    )
    assert monthly is not None and (monthly.label, monthly.due) == (
        "2026-07",
        at(SHANGHAI, 2026, 8, 1, 9, 0),
    )
    haidian = parse_schedule({"period_assessment": "24 09:00"})  # 附件二 第三章 三: before the 25th
    june = next_due(haidian, rulebooks[HAIDIAN], PERIOD, SHANGHAI, at(SHANGHAI, 2026, 7, 15, 12))
    assert june is not None and (june.label, june.due) == ("2026-06", at(SHANGHAI, 2026, 7, 24, 9))
    quarter = next_due(
        parse_schedule({}), rulebooks[KEY_STATION], PERIOD, SHANGHAI, at(SHANGHAI, 2024, 7, 1)
    )
    assert quarter is not None and (quarter.label, quarter.due) == (
        "2024Q1",  # June to August 2024
        at(SHANGHAI, 2024, 9, 1, 9, 0),
    )


def test_nothing_is_due_outside_the_contract_term(rulebooks: dict[str, Rulebook]) -> None:
    book, schedule = rulebooks[HAIDIAN], parse_schedule({})
    before = next_due(schedule, book, DAILY, SHANGHAI, at(SHANGHAI, 2026, 6, 1, 12))
    assert before is not None and before.label == "2026-06-17"
    assert next_due(schedule, book, DAILY, SHANGHAI, at(SHANGHAI, 2027, 6, 16, 19)) is None
    last = next_due(schedule, book, PERIOD, SHANGHAI, at(SHANGHAI, 2027, 6, 20))
    assert last is not None and (last.label, last.due) == ("2027-06", at(SHANGHAI, 2027, 7, 1, 9))


def test_reminders_on_weekdays_only(rulebooks: dict[str, Rulebook]) -> None:
    schedule = parse_schedule({"reminder": "16:00", "reminder_days": "weekdays"})
    friday = at(SHANGHAI, 2026, 7, 17, 17)
    found = next_due(schedule, rulebooks[HAIDIAN], REMINDER, SHANGHAI, friday)
    assert found is not None and found.label == "2026-07-20"  # Monday


def test_after_downtime_only_the_latest_daily_is_due_but_every_missed_assessment(
    rulebooks: dict[str, Rulebook],
) -> None:
    book, schedule = rulebooks[HAIDIAN], parse_schedule({})
    back = at(SHANGHAI, 2026, 9, 3, 8)  # down since 20 July
    due = due_now(schedule, book, SHANGHAI, back, since=at(SHANGHAI, 2026, 7, 20))
    assert [(o.kind, o.label) for o in due] == [
        ("period", "2026-07"),
        ("period", "2026-08"),
        ("daily", "2026-09-02"),
    ]
    latest = latest_due(schedule, book, DAILY, SHANGHAI, back)
    assert latest is not None and latest.due == at(SHANGHAI, 2026, 9, 2, 18)
