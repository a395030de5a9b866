"""Hostile input: every CSV and rulebook file gets a clear refusal, never a crash."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.assessment import Event
from scoring.engine import assess
from scoring.events_csv import EventsCsvError, read_events_csv
from scoring.loader import BUILTIN_DIR, RulebookError, load_rulebook
from scoring.periods import parse_period
from scoring.xlsx import assessment_xlsx

BOOK = load_rulebook(BUILTIN_DIR / "haidian-dispatch-2026.yaml")
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = "occurred_at,item,quantity,value,staff,note,inspector\n"

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "", " ", "\x00", "NaN"]),
    st.sampled_from(["late_arrival", "dress_code", "missed_handover", "absence"]),
    st.sampled_from(["2026-07-03T08:40", "2026-07-03", "2026-02-30T08:00", "08:40"]),
    st.integers(-5, 2000).map(str),
)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=9), max_size=8))
def test_any_csv_is_read_or_refused_with_line_numbers(rows: list[list[str]]) -> None:
    data = (HEADER + _csv(rows)).encode("utf-8", errors="surrogatepass")
    try:
        events = read_events_csv(data, BOOK)
    except EventsCsvError as exc:
        assert exc.problems
        assert all(isinstance(line, int) and reason for line, reason in exc.problems)
        return
    # whatever was accepted can be scored
    period = parse_period(BOOK, "2026-07")
    assess(BOOK, events, period, now=dt.datetime(2026, 8, 2, tzinfo=dt.UTC))


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused(raw: bytes) -> None:
    try:
        read_events_csv(raw, BOOK)
    except EventsCsvError as exc:
        assert exc.problems


def test_huge_field_and_bom_and_wrong_encoding() -> None:
    huge = HEADER + f"2026-07-03T08:40,dress_code,1,,{'x' * 100_000},,\n"
    try:
        read_events_csv(huge.encode(), BOOK)
    except EventsCsvError as exc:
        assert "longer than" in str(exc) or "field larger" in str(exc)
    else:
        raise AssertionError("a 100,000-character field was accepted")
    bom = b"\xef\xbb\xbf" + (HEADER + "2026-07-03T08:40,dress_code,,,,,\n").encode()
    assert len(read_events_csv(bom, BOOK)) == 1
    latin = (HEADER + "2026-07-03T08:40,dress_code,,,Zoë,,\n").encode("latin-1")
    try:
        read_events_csv(latin, BOOK)
    except EventsCsvError as exc:
        assert "not UTF-8" in str(exc)
    else:
        raise AssertionError("latin-1 was accepted")


def test_formula_cells_land_in_the_spreadsheet_as_text(tmp_path: Path) -> None:
    # A staff name or note like "=cmd" must never become a live formula in the xlsx.
    extra = tmp_path / "evil.yaml"
    text = (BUILTIN_DIR / "haidian-dispatch-2026.yaml").read_text(encoding="utf-8")
    text = text.replace("id: haidian-dispatch-2026", "id: evil-test", 1)
    text = text.replace("zh: 北京虹乔人力资源有限公司", "zh: \"=HYPERLINK('http://x','y')\"", 1)
    extra.write_text(text, encoding="utf-8")
    book = load_rulebook(extra)
    period = parse_period(book, "2026-07")
    event = Event("dress_code", dt.datetime(2026, 7, 3, 9, tzinfo=period.tz))
    result = assess(book, [event], period, now=dt.datetime(2026, 8, 2, tzinfo=dt.UTC))
    wb = openpyxl.load_workbook(io.BytesIO(assessment_xlsx(result, book)))
    sheet = wb.active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} holds a formula: {cell.value}"
    assert "=HYPERLINK" in str(sheet["A2"].value)


def _mutations() -> st.SearchStrategy[tuple[str, object]]:
    paths = st.sampled_from(
        [
            "id",
            "version",
            "contract.timezone",
            "contract.valid_to",
            "period.unit",
            "score.max",
            "items.0.points",
            "items.0.section",
            "items.0.tiers",
            "items.1.alias",
            "items.2.kind",
            "money.linear.step",
            "components.0.weight",
            "warnings.0.count",
        ]
    )
    values = st.one_of(
        st.none(),
        st.integers(-10, 10),
        st.text(max_size=12),
        st.lists(st.integers(), max_size=2),
        st.sampled_from(["Mars/Olympus", "quarter", "late", 0, -1, "1e999"]),
    )
    return st.tuples(paths, values)


@FUZZ
@given(changes=st.lists(_mutations(), min_size=1, max_size=3))
def test_a_mutated_rulebook_loads_or_is_refused_with_file_field_reason(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, object]]
) -> None:
    data = yaml.safe_load((BUILTIN_DIR / "haidian-dispatch-2026.yaml").read_text(encoding="utf-8"))
    for path, value in changes:
        node = data
        *parents, last = path.split(".")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    target = tmp_path_factory.mktemp("rb") / "mutated.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_rulebook(target)
    except RulebookError as exc:
        assert exc.problems
        assert str(target) in str(exc)
        for field, reason in exc.problems:
            assert field and reason
