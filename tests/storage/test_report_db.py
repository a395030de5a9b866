"""`floorbot report` from the database gives the same figures as from the same CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

JUNE_JULY = (
    "occurred_at,item,quantity,value,staff,note,inspector\n"
    "2026-06-20T08:40,absence,15,,张三,,王督导\n"  # June: 100 - 15 = 85
    "2026-06-21T08:40,absence,6,,张三,,王督导\n"  # June: 85 - 6 = 79 (below 80)
    "2026-07-03T08:40,late_arrival,,75,张三,,王督导\n"  # 1 hour or more: 0.5
    "2026-07-03T09:40,late_arrival,,75,李四,,王督导\n"  # same value: aggregated, 0.5
    "2026-07-04T09:00,missed_handover,3,,李四,,王督导\n"  # 3 x 0.1
    "2026-07-10T09:00,absence,20,,王五,,王督导\n"  # 20 x 1
    "2026-07-31T16:30:00Z,dress_code,,,赵六,,王督导\n"  # 2026-08-01 00:30 local: August
)


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", database_url)
    monkeypatch.delenv("FLOORBOT_RULEBOOK_DIRS", raising=False)
    return CliRunner()


def test_database_report_matches_the_csv_report(cli: CliRunner, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(JUNE_JULY, encoding="utf-8")
    # The import holds the whole term: recording since its first day (七、1).
    added = cli.invoke(
        app,
        [
            *("contract", "add", "haidian", "--rulebook", "haidian-dispatch-2026"),
            *("--recording-since", "2026-06-17"),
        ],
    )
    assert added.exit_code == 0, added.output
    imported = cli.invoke(app, ["import", "--contract", "haidian", str(events)])
    assert imported.exit_code == 0, imported.output

    args = ["report", "--period", "2026-07", "--format", "json"]
    from_csv = cli.invoke(
        app, [*args, "--contract", "haidian-dispatch-2026", "--events", str(events)]
    )
    from_db = cli.invoke(app, [*args, "--contract", "haidian"])
    assert from_csv.exit_code == 0, from_csv.output
    assert from_db.exit_code == 0, from_db.output
    csv_data, db_data = json.loads(from_csv.output), json.loads(from_db.output)
    # 100 - (0.5 + 0.5 + 0.3 + 20) = 78.7; 213 tenths below 100 x 100 CNY
    assert db_data["score"] == csv_data["score"] == "78.7"
    assert db_data["money"] == csv_data["money"]
    assert db_data["money"]["fee_deduction"] == "21300"
    assert db_data["lines"] == csv_data["lines"]
    # June 79 and July 78.7: two consecutive months below 80 (六、6)
    assert [(w["code"], w["level"], w["periods"]) for w in db_data["warnings"]] == [
        (db_data["warnings"][0]["code"], "triggered", ["2026-06", "2026-07"])
    ]
    assert db_data["warnings"] == csv_data["warnings"]


def test_database_report_of_an_unknown_contract_is_refused(cli: CliRunner) -> None:
    result = cli.invoke(app, ["report", "--contract", "nope", "--period", "2026-07"])
    assert result.exit_code == 1
    assert "unknown contract 'nope'" in result.output
    assert "Traceback" not in result.output
