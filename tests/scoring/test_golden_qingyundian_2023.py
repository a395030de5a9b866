"""Golden cases for qingyundian-2023, worked out by hand from contract 003.

附件一 考核办法: a 100-point card for the project supervisor and one for administration;
each line loses its per-occurrence points but never more than the line is worth. The
overall score is the mean of the two cards (rulebook decision 1). No fee is tied to the
score, so there is no fee deduction.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from scoring.assessment import Assessment, Event, PastScore
from scoring.engine import EngineError, assess
from scoring.loader import BUILTIN_DIR, load_rulebook
from scoring.periods import parse_period
from scoring.render import to_data
from scoring.rulebook import Rulebook
from scoring.xlsx import assessment_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTER_OCTOBER = dt.datetime(2023, 11, 3, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(BUILTIN_DIR / "qingyundian-2023.yaml")


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local Beijing time in October 2023."""
    return dt.datetime(2023, 10, day, hour, minute, tzinfo=SHANGHAI)


def ev(item: str, when: dt.datetime, qty: str = "1") -> Event:
    return Event(item=item, occurred_at=when, quantity=Decimal(qty))


def october(book: Rulebook, events: list[Event], history: tuple[PastScore, ...] = ()) -> Assessment:
    period = parse_period(book, "2023-10")
    return assess(book, events, period, now=AFTER_OCTOBER, history=history)


def card(result: Assessment, code: str) -> Decimal | None:
    return next(c.score for c in result.components if c.code == code)


def card_points(result: Assessment, code: str) -> Decimal | None:
    """The points a card itself lost (counted, after its caps)."""
    return next(c.points_deducted for c in result.components if c.code == code)


def section(result: Assessment, code: str) -> tuple[Decimal, bool]:
    found = next(s for s in result.sections if s.code == code)
    return found.deducted, found.capped


def test_empty_month(book: Rulebook) -> None:
    result = october(book, [])
    assert card(result, "supervisor") == Decimal("100")
    assert card(result, "admin") == Decimal("100")
    assert result.score == Decimal("100")  # (100 + 100) / 2
    assert result.money.fee_deduction is None  # 003 ties no money to the score
    assert result.money.payout_ratio is None
    assert result.warnings == ()
    assert result.grade is None


def test_each_card_is_worth_one_hundred(book: Rulebook) -> None:
    for component in book.cards:
        total = sum((s.cap or Decimal(0) for s in component.sections), Decimal(0))
        assert total == Decimal("100")  # 附件一: 项目主管 (100分), 行政 (100分)
    for alias, code in {"dress": "dress_code", "dress_admin": "dress_code_admin"}.items():
        item = book.item_by_alias(alias)
        assert item is not None and item.code == code


def test_dress_line_stops_at_its_ten_points(book: Rulebook) -> None:
    # 项目主管 第6项 仪容仪表 (10分): 1 point per time; 11 times → 11, line capped at 10.
    result = october(book, [ev("dress_code", at(d)) for d in range(1, 12)])
    dress = result.line("dress_code")
    # The line shows its 11 raw points and the 10 that count, cut by its line's cap (before,
    # it showed 11 and capped: false).
    assert (dress.raw_points, dress.points, dress.capped) == (Decimal("11"), Decimal("10"), True)
    assert section(result, "sup_appearance") == (Decimal("10"), True)
    assert card(result, "supervisor") == Decimal("90")  # 100 − 10
    assert card(result, "admin") == Decimal("100")
    assert result.score == Decimal("95")  # (90 + 100) / 2
    assert card_points(result, "supervisor") == Decimal("10")
    # Consistent with the mean: 100 − 0.5 × 10 − 0.5 × 0 = 95 (before: 10, the cards' sum).
    assert result.points_deducted == Decimal("5")


def test_line_four_shares_its_twenty_points(book: Rulebook) -> None:
    # 项目主管 第4项 (20分): 日报审核问题遗漏 2 × 6 = 12 and 情况分析出现错误 2 × 5 = 10.
    events = [
        ev("daily_report_omission", at(2), qty="6"),
        ev("weekly_analysis_error", at(3), qty="5"),
    ]
    result = october(book, events)
    # The line's 20 are counted in table order: the omissions' 12, then 8 of the analysis
    # errors' 10 (before, both lines showed their raw points and capped: false).
    assert result.line("daily_report_omission").points == Decimal("12")
    analysis = result.line("weekly_analysis_error")
    assert (analysis.raw_points, analysis.points, analysis.capped) == (10, 8, True)
    assert analysis.capped_by == ("sup_daily_reports",)
    assert section(result, "sup_daily_reports") == (Decimal("20"), True)  # 22 → 20
    assert card(result, "supervisor") == Decimal("80")
    assert result.score == Decimal("90")  # (80 + 100) / 2


def test_deduction_equal_to_the_line_is_not_capped(book: Rulebook) -> None:
    # 行政 第2项 典型案例 (20分): 5 points × 4 weeks = 20, exactly the line's worth.
    result = october(book, [ev("case_study_late", at(d)) for d in (6, 13, 20, 27)])
    assert section(result, "adm_case_studies") == (Decimal("20"), False)
    assert card(result, "admin") == Decimal("80")
    assert result.score == Decimal("90")  # (100 + 80) / 2


def test_admin_lines_add_up_and_the_mean_can_end_in_a_half(book: Rulebook) -> None:
    events = [
        ev("report_late_or_wrong", at(9)),  # 行政 第1项: 4
        ev("score_calculation_error", at(10), qty="2"),  # 行政 第4项: 2 × 2 = 4
        ev("dress_code_admin", at(11)),  # 行政 第5项: 1
        ev("temp_task_late", at(12)),  # 项目主管 第7项: 1
    ]
    result = october(book, events)
    assert card(result, "admin") == Decimal("91")  # 100 − 4 − 4 − 1
    assert card(result, "supervisor") == Decimal("99")  # 100 − 1
    assert result.score == Decimal("95")  # (99 + 91) / 2
    assert card_points(result, "admin") == Decimal("9")
    assert card_points(result, "supervisor") == Decimal("1")
    # 0.5 × 9 + 0.5 × 1 = 5 = 100 − 95 (before: 10, the two cards added up).
    assert result.points_deducted == Decimal("5")

    result = october(book, [ev("dress_code", at(9))])
    assert result.score == Decimal("99.5")  # (99 + 100) / 2


def test_a_whole_card_can_reach_zero_but_not_below(book: Rulebook) -> None:
    # Every supervisor line far past its points: each section stops at its cap,
    # 20 + 20 + 10 + 20 + 10 + 10 + 10 = 100 → the supervisor card is 0.
    codes = [
        "management_error",
        "materials_late",
        "rules_relay_late",
        "daily_report_omission",
        "alerts_late",
        "dress_code",
        "temp_task_late",
    ]
    result = october(book, [ev(code, at(5), qty="30") for code in codes])
    assert card(result, "supervisor") == Decimal("0")
    assert result.score == Decimal("50")  # (0 + 100) / 2
    assert result.money.fee_deduction is None


def test_period_edges_in_local_time(book: Rulebook) -> None:
    utc = dt.UTC
    events = [
        ev("dress_code_admin", at(31, 23, 59)),  # 31 Oct 23:59 local → counts
        ev("dress_code_admin", dt.datetime(2023, 10, 31, 16, 30, tzinfo=utc)),  # 1 Nov 00:30
        ev("dress_code_admin", dt.datetime(2023, 9, 30, 16, 30, tzinfo=utc)),  # 1 Oct 00:30 in
        ev("dress_code_admin", dt.datetime(2023, 9, 30, 15, 59, tzinfo=utc)),  # 30 Sep → out
    ]
    result = october(book, events)
    assert result.line("dress_code_admin").count == 2
    assert card(result, "admin") == Decimal("98")  # 100 − 1 × 2
    assert result.score == Decimal("99")  # (100 + 98) / 2


def test_low_scores_raise_no_warning(book: Rulebook) -> None:
    # 003 names no score that lets the client terminate; nothing to warn about.
    history = (PastScore("2023-08", Decimal("40")), PastScore("2023-09", Decimal("45")))
    result = october(book, [ev("case_study_late", at(3), qty="4")], history=history)
    assert result.warnings == ()


def test_refused_inputs(book: Rulebook) -> None:
    with pytest.raises(EngineError):
        october(book, [ev("late_arrival", at(1))])  # 003's cards have no lateness line
    with pytest.raises(EngineError):
        october(book, [ev("dress", at(1))])  # an alias is not an item code


def test_the_json_and_the_table_show_the_capped_line(book: Rulebook) -> None:
    # 项目主管 第1项 (20分), 2 points per error: 11 errors = 22, of which 20 count.
    result = october(book, [ev("management_error", at(d)) for d in range(1, 12)])
    line = next(ln for ln in to_data(result)["lines"] if ln["code"] == "management_error")
    assert (line["raw_points"], line["points"], line["capped"]) == ("22", "20", True)
    assert line["capped_by"] == ["sup_management"]
    cards = {c["code"]: c for c in to_data(result)["components"]}
    assert cards["supervisor"]["points_deducted"] == "20"
    assert to_data(result)["points_deducted"] == "10"  # 0.5 × 20: 100 − 10 = 90 = the score
    assert to_data(result)["score"] == "90"
    sheet = openpyxl.load_workbook(io.BytesIO(assessment_xlsx(result, book))).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "项目或人员管理出现差错")
    assert (row[5], row[8]) == (20, 22)  # 扣分 counted, 封顶前分值 raw
    assert "（封顶）" in str(row[7])
