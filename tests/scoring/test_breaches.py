"""Termination rights and 违约金 that a recorded finding establishes become warnings with the
clause and the amount. Worked out by hand from 001 六、4 and 六、6, 000 6.2 and 002 八、(七)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.assessment import Assessment, Event
from scoring.engine import assess
from scoring.loader import load_rulebooks
from scoring.periods import parse_period
from scoring.render import to_data, to_text

BOOKS = load_rulebooks()
TZ = ZoneInfo("Asia/Shanghai")
LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
HAIDIAN = BOOKS["haidian-dispatch-2026"]


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


def july(*events: Event) -> Assessment:
    return assess(HAIDIAN, events, parse_period(HAIDIAN, "2026-07"), now=LATER)


def vacancy(persons: int, working_days: int) -> Event:
    return Event("staff_vacancy", at(2026, 7, 15, 10), Decimal(persons), str(working_days))


@pytest.mark.parametrize(
    ("persons", "days", "codes"),
    [
        # 六、4 "达到5人及以上且逾期10个工作日及以上": both numbers included → both rights
        (5, 10, ["vacancy_5_persons_10_working_days", "vacancy_5_persons"]),
        (5, 9, ["vacancy_5_persons"]),  # 六、6 人员缺岗5人（含）以上 only
        (4, 30, []),  # fewer than 5: neither
    ],
)
def test_001_vacancies_of_five_persons(persons: int, days: int, codes: list[str]) -> None:
    result = july(vacancy(persons, days))
    assert [w.code for w in result.warnings] == codes
    assert result.score == Decimal("100")  # the fact itself costs nothing


def test_001_the_six_four_right_carries_its_20000_and_its_clause() -> None:
    result = july(vacancy(6, 12))
    termination = next(w for w in result.warnings if w.code.endswith("working_days"))
    assert (termination.level, termination.clause) == ("triggered", "六、4")
    assert termination.amount == Decimal("20000")  # 六、4 "支付2万元违约金"
    assert termination.periods == ("2026-07",)
    data = to_data(result)["warnings"][0]
    assert (data["amount"], data["clause"], data["records"]) == ("20000", "六、4", 1)
    assert "the client may claim 20000 CNY" in to_text(result, HAIDIAN, "en")


def test_001_two_small_vacancies_are_not_one_of_five() -> None:
    # Each record is one staffing check: 3 and 2 persons on different days are not 5 at once.
    result = july(vacancy(3, 12), Event("staff_vacancy", at(2026, 7, 20, 10), Decimal(2), "12"))
    assert result.warnings == ()


def test_000_a_media_criticism_penalty_gives_the_six_two_claim() -> None:
    book = BOOKS["key-station-2024"]
    event = Event("penalty_media_criticism", at(2024, 7, 5, 10), Decimal(2))
    result = assess(book, [event], parse_period(book, "2024Q1"), now=LATER)
    (warning,) = result.warnings
    assert (warning.code, warning.clause) == ("media_exposure", "第六条 6.2")
    # 6.2 "3万—10万元的违约金": the range the client decides within
    assert (warning.amount, warning.amount_max) == (Decimal("30000"), Decimal("100000"))
    assert "30000–100000 CNY" in to_text(result, book, "en")


def test_002_a_leaver_not_replaced_gives_the_eight_seven_claim_in_words() -> None:
    book = BOOKS["haikou-hall-2023"]
    event = Event("vacancy_unfilled", at(2023, 3, 10, 10))
    result = assess(book, [event], parse_period(book, "2023-03"), now=LATER)
    (warning,) = result.warnings
    assert warning.clause == "八、(七)"
    assert warning.amount is None  # 中标月服务费的0.5%: the file gives no bid price
    assert warning.amount_note is not None and "0.5 %" in warning.amount_note.en
    assert result.score == Decimal("99.00")  # 表1 人力资源管理 第4项: 1 point
