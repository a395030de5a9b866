"""`floorbot rulebooks` and `floorbot report --events`, as a user runs them."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from scoring.loader import BUILTIN_DIR

DATA = Path(__file__).parent / "data"
CONTRACTS = {
    "key-station-2024",
    "haidian-dispatch-2026",
    "haikou-hall-2023",
    "qingyundian-2023",
    "chaoyang-health-2023",
}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    monkeypatch.delenv("FLOORBOT_RULEBOOK_DIRS", raising=False)
    return CliRunner()


def write_csv(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


HAIDIAN_JULY = (
    "occurred_at,item,quantity,value,staff,note,inspector\n"
    "2026-07-03T08:40,late_arrival,,75,张三,,王督导\n"  # 1 hour or more: 0.5
    "2026-07-04T09:00,missed_handover,3,,李四,,王督导\n"  # 3 tickets x 0.1 = 0.3
    "2026-07-31T23:59:00+08:00,dress_code,,,赵六,,王督导\n"  # last minute: 0.1
    "2026-07-31T16:30:00Z,dress_code,,,赵六,,王督导\n"  # 2026-08-01 00:30 local: not July
)


def test_the_version_is_the_package_s(cli: CliRunner) -> None:
    result = cli.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"floorbot {version('floorbot')}\n"


def test_help_shows_placeholders_not_types(cli: CliRunner) -> None:
    result = cli.invoke(app, ["report", "--help"])
    assert result.exit_code == 0, result.output
    assert "--contract CONTRACT" in result.output
    assert "--events FILE" in result.output
    assert "<bool>" not in result.output and "<str>" not in result.output


def test_rulebooks_list_names_all_five(cli: CliRunner) -> None:
    result = cli.invoke(app, ["rulebooks", "list"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split("\t") == ["rulebook", "client", "period", "valid"]
    assert {line.split("\t")[0] for line in rows} == CONTRACTS


def test_rulebooks_show_lists_every_item_in_english(cli: CliRunner) -> None:
    result = cli.invoke(app, ["rulebooks", "show", "haidian-dispatch-2026", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "late_arrival /late" in result.output
    assert "missed_handover /handover" in result.output
    assert "Late" in result.output


def test_rulebooks_show_unknown_id_is_refused(cli: CliRunner) -> None:
    result = cli.invoke(app, ["rulebooks", "show", "nope"])
    assert result.exit_code == 1
    assert "unknown contract rulebook 'nope'" in result.output


def test_rulebooks_check_valid_and_invalid(cli: CliRunner, tmp_path: Path) -> None:
    good = cli.invoke(app, ["rulebooks", "check", str(DATA / "mini.yaml")])
    assert good.exit_code == 0
    assert "ok — mini-test v1, 7 items" in good.output
    bad = tmp_path / "bad.yaml"
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("points: 2\n", "points: -2\n", 1), encoding="utf-8")
    result = cli.invoke(app, ["rulebooks", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: items[1].points: Input should be greater than or equal to 0" in result.output


def test_a_bad_extra_rulebook_refuses_the_lot(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "books"
    extra.mkdir()
    (extra / "broken.yaml").write_text("id: x\n", encoding="utf-8")
    monkeypatch.setenv("FLOORBOT_RULEBOOK_DIRS", str(extra))
    result = cli.invoke(app, ["rulebooks", "list"])
    assert result.exit_code == 1
    assert "broken.yaml: version: Field required" in result.output


def test_an_extra_rulebook_folder_adds_contracts(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "books"
    extra.mkdir()
    shutil.copy(DATA / "mini.yaml", extra / "mini.yaml")
    monkeypatch.setenv("FLOORBOT_RULEBOOK_DIRS", str(extra))
    result = cli.invoke(app, ["rulebooks", "list"])
    assert "mini-test" in result.output


def test_report_text(cli: CliRunner, tmp_path: Path) -> None:
    events = write_csv(tmp_path / "july.csv", HAIDIAN_JULY)
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-07"]
    result = cli.invoke(app, [*args, "--events", str(events), "--lang", "en"])
    assert result.exit_code == 0, result.output
    # 100 - (0.5 + 0.3 + 0.1) = 99.1; 9 tenths below 100 x 100 CNY = 900 CNY
    assert "Score: 99.1 / 100" in result.output
    assert "Fee deduction: 900 CNY" in result.output


def test_report_json_with_a_bom(cli: CliRunner, tmp_path: Path) -> None:
    events = write_csv(tmp_path / "july.csv", HAIDIAN_JULY, bom=True)
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-07"]
    result = cli.invoke(app, [*args, "--events", str(events), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["contract"] == "haidian-dispatch-2026"
    assert data["period"]["label"] == "2026-07"
    assert data["score"] == "99.1"
    assert data["points_deducted"] == "0.9"
    assert data["money"]["fee_deduction"] == "900"
    assert data["money"]["payout_ratio"] is None
    late = next(line for line in data["lines"] if line["code"] == "late_arrival")
    assert (late["count"], late["quantity"], late["points"], late["capped"]) == (
        1,
        "1",
        "0.5",
        False,
    )
    dress = next(line for line in data["lines"] if line["code"] == "dress_code")
    assert dress["count"] == 1


def test_report_xlsx_holds_the_figures(cli: CliRunner, tmp_path: Path) -> None:
    events = write_csv(tmp_path / "july.csv", HAIDIAN_JULY)
    out = tmp_path / "july.xlsx"
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-07"]
    result = cli.invoke(app, [*args, "--events", str(events), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert cells["考核得分"] == pytest.approx(99.1)
    assert cells["扣减服务费（元）"] == 900
    assert "北京虹乔人力资源有限公司" in str(sheet["A2"].value)


def test_report_bad_rows_are_listed_by_line_and_nothing_is_produced(
    cli: CliRunner, tmp_path: Path
) -> None:
    text = (
        "occurred_at,item,quantity,value\n"
        "2026-07-03T08:40,late_arrival,,75\n"
        "yesterday,dress_code,,\n"
        "2026-07-03T08:40,no_such_item,,\n"
        "2026-07-03T08:40,late_arrival,,\n"
        "2026-07-03T08:40,missed_handover,-2,\n"
    )
    events = write_csv(tmp_path / "bad.csv", text)
    out = tmp_path / "out.json"
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-07"]
    result = cli.invoke(app, [*args, "--events", str(events), "--format", "json", "-o", str(out)])
    assert result.exit_code == 1
    assert "line 3: occurred_at 'yesterday' is not an ISO 8601 time" in result.output
    assert "line 4: unknown item 'no_such_item'" in result.output
    assert "line 5: item late_arrival needs a value" in result.output
    assert "line 6: quantity '-2' must be a positive number" in result.output
    assert not out.exists()


def test_report_quarter_label_and_bad_period(cli: CliRunner, tmp_path: Path) -> None:
    heads = "".join(
        f"2024-{m:02d}-28T18:00,headcount_start,20\n2024-{m:02d}-28T18:00,headcount_end,20\n"
        f"2024-{m:02d}-28T18:00,voluntary_leavers,0\n"
        for m in (6, 7, 8)
    )
    events = write_csv(
        tmp_path / "q.csv",
        "occurred_at,item,value\n"
        "2024-08-20T10:00,rating_support,good\n"
        "2024-08-20T10:00,rating_staff,good\n" + heads,
    )
    base = ["report", "--contract", "key-station-2024", "--events", str(events), "--format", "json"]
    result = cli.invoke(app, [*base, "--period", "2024Q1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"]["start"] == "2024-06-01" and data["period"]["end"] == "2024-09-01"
    # 附件3 第七条: every month 0 leavers of 20 → 100; 第三条: 25 + 25 + 50 = 100. (This test
    # had June's headcounts only and no leavers, and said 100 and complete: the stability
    # component was averaged over one month, and its leavers were taken as 0 unrecorded.)
    assert data["score"] == "100"
    assert data["complete"] is True
    assert data["term"] == {"from": "2024-06-01", "to": "2025-05-31", "clause": "第二条"}
    same = cli.invoke(app, [*base, "--period", "2024-06..2024-08"])
    assert json.loads(same.output)["money"] == data["money"]  # the same months, the same quarter
    bad = cli.invoke(app, [*base, "--period", "2024-13"])
    assert bad.exit_code == 1
    assert "month 13 does not exist" in bad.output


def test_report_not_utf8_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    events = tmp_path / "gbk.csv"
    events.write_bytes("occurred_at,item\n2026-07-03T08:40,迟到\n".encode("gbk"))
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-07"]
    result = cli.invoke(app, [*args, "--events", str(events)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output


def test_every_shipped_rulebook_passes_check(cli: CliRunner) -> None:
    files = sorted(str(p) for p in BUILTIN_DIR.glob("*.yaml"))
    result = cli.invoke(app, ["rulebooks", "check", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok — ") == len(CONTRACTS)


def test_report_a_range_month_by_month(cli: CliRunner, tmp_path: Path) -> None:
    rows = "".join(f"2026-{m:02d}-03T09:00,confidentiality_breach_severe,6,,,,\n" for m in (7, 8))
    events = write_csv(
        tmp_path / "r.csv", "occurred_at,item,quantity,value,staff,note,inspector\n" + rows
    )
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-07..2026-08"]
    result = cli.invoke(app, [*args, "--events", str(events), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # 二、4/5 severe: 6 × 10 = 60 a month → 40 each; 第三章 二: 600 tenths × 100 = 60,000 a
    # month, 120,000 in all (as one period: floored at 0 → 100,000).
    assert [p["score"] for p in data["periods"]] == ["40", "40"]
    assert data["combined"]["fee_deduction_sum"] == "120000"
    assert data["combined"]["score_mean"] == "40"
    assert data["combined"]["rule_clause"] == "附件二 第三章 二"
    text = cli.invoke(app, [*args, "--events", str(events), "--lang", "en"])
    assert "Sum of the periods' fee deductions: 120000 CNY" in text.output
    out = tmp_path / "r.xlsx"
    xlsx = cli.invoke(app, [*args, "--events", str(events), "--format", "xlsx", "-o", str(out)])
    assert xlsx.exit_code == 0, xlsx.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["汇总", "考核表 2026-07", "考核表 2026-08"]


def test_report_rows_outside_the_term_refused_or_skipped(cli: CliRunner, tmp_path: Path) -> None:
    events = write_csv(
        tmp_path / "e.csv",
        "occurred_at,item\n2026-06-16T23:59,dress_code\n2026-06-17T00:00,dress_code\n",
    )
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2026-06"]
    refused = cli.invoke(app, [*args, "--events", str(events)])
    assert refused.exit_code == 1
    assert "line 2: occurred_at 2026-06-16T23:59:00+08:00 is before the contract's term" in (
        refused.output
    )
    skipped = cli.invoke(
        app, [*args, "--events", str(events), "--skip-outside-term", "--format", "json"]
    )
    assert skipped.exit_code == 0, skipped.output
    assert "1 row(s) outside the contract's term were skipped (lines 2)" in skipped.stderr
    data = json.loads(skipped.stdout)
    assert data["score"] == "99.9"  # 七、1: only the 17 June fault, 0.1
    assert [(x["reason"], x["count"]) for x in data["excluded"]] == [("before_term", 1)]


def test_report_a_period_outside_the_term_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    events = write_csv(tmp_path / "e.csv", "occurred_at,item\n2026-07-03T09:00,dress_code\n")
    args = ["report", "--contract", "haidian-dispatch-2026", "--period", "2027-07"]
    result = cli.invoke(app, [*args, "--events", str(events)])
    assert result.exit_code == 1
    assert "2027-07 lies outside the term of haidian-dispatch-2026" in result.output


def test_rulebooks_show_explains_the_term_ranges_and_measurements(cli: CliRunner) -> None:
    result = cli.invoke(app, ["rulebooks", "show", "chaoyang-health-2023", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "term: 2023-01-23 0:00 – 2024-01-22 24:00 (二); records outside it" in result.output
    assert "a range YYYY-MM..YYYY-MM is assessed period by period" in result.output
    assert "    training_sessions: each month" in result.output
    assert "half_year_report: First half of the term (2023-01-23 to 2023-07-22)" in result.output
    shown = cli.invoke(app, ["rulebooks", "show", "haidian-dispatch-2026", "--lang", "zh"])
    assert "合同期限：2026-06-17 0:00 – 2027-06-16 24:00（七、1）" in shown.output
    assert "可主张违约金 20000 CNY [六、4]" in shown.output
