"""The data commands through the real CLI: clear one-line errors, never a traceback."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from bot.cli.main import app
from storage.db import create_engine
from tests.storage.factories import RULEBOOK_DIR, count_entries

EVENTS = (
    "occurred_at,item,quantity,value,staff\n"
    "2026-07-03T09:00,dress_code,1,,A01\n"
    "2026-07-06T08:40,late_arrival,1,25,B02\n"
)
CODE = re.compile(r"^[A-Za-z0-9]{22}$")


class Invoke(Protocol):
    def __call__(self, *args: str, **env: str) -> Result: ...


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``floorbot ARGS`` against the test database; extra env via keywords."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, **env: str) -> Result:
        environment = {
            "FLOORBOT_DATABASE_URL": database_url,
            "FLOORBOT_RULEBOOK_DIRS": str(RULEBOOK_DIR),
            "FLOORBOT_BOT_USERNAME": "",
            **env,
        }
        return runner.invoke(app, list(args), env=environment)

    return invoke


@pytest.fixture
def with_contract(run: Invoke) -> None:
    result = run("contract", "add", "c1", "--rulebook", "storage-test")
    assert result.exit_code == 0, result.output


def _entries(url: str) -> int:
    async def count() -> int:
        engine = create_engine(url)
        try:
            return await count_entries(engine)
        finally:
            await engine.dispose()

    return asyncio.run(count())


def _refused(result: Result, *phrases: str) -> None:
    """A non-zero exit with one `error:` line naming what to do, and no traceback."""
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for phrase in phrases:
        assert phrase in result.output


def test_db_upgrade_sets_up_an_empty_database(empty_database_url: str) -> None:
    runner = CliRunner()
    env = {"FLOORBOT_DATABASE_URL": empty_database_url}
    _refused(runner.invoke(app, ["db", "current"], env=env), "run `floorbot db upgrade`")
    _refused(runner.invoke(app, ["contract", "list"], env=env), "run `floorbot db upgrade`")
    upgraded = runner.invoke(app, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0 and "upgraded the schema from empty to" in upgraded.output
    current = runner.invoke(app, ["db", "current"], env=env)
    assert current.exit_code == 0 and "(the latest)" in current.output
    again = runner.invoke(app, ["db", "upgrade"], env=env)
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_contracts_are_added_and_listed(run: Invoke) -> None:
    assert "No contracts yet" in run("contract", "list").output
    added = run("contract", "add", "hall-7", "--rulebook", "storage-test", "--client", "Hall 7")
    assert added.exit_code == 0, added.output
    header, row = run("contract", "list").output.splitlines()
    assert header.split("\t")[:4] == ["contract", "rulebook", "timezone", "client"]
    assert row.split("\t")[:4] == [
        "hall-7",
        "storage-test",
        "Asia/Shanghai",
        "Hall 7",
    ]


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (["--rulebook", "nope"], ["unknown rulebook 'nope'", "storage-test"]),
        (["--rulebook", "storage-test", "--timezone", "Mars/Base"], ["unknown time zone"]),
        (["--rulebook", "storage-test", "--schedule", "daily"], ["KEY=VALUE"]),
    ],
)
def test_a_bad_contract_is_refused(run: Invoke, args: list[str], phrases: list[str]) -> None:
    _refused(run("contract", "add", "c9", *args), *phrases)


@pytest.mark.usefixtures("with_contract")
def test_a_contract_is_added_once(run: Invoke) -> None:
    _refused(run("contract", "add", "c1", "--rulebook", "storage-test"), "already exists")


@pytest.mark.usefixtures("with_contract")
def test_import_records_once_and_says_so(run: Invoke, database_url: str, tmp_path: Path) -> None:
    (tmp_path / "july.csv").write_text(EVENTS, encoding="utf-8")
    dry = run("import", "--contract", "c1", "july.csv", "--dry-run")
    assert dry.exit_code == 0 and "2 would be recorded" in dry.output
    assert _entries(database_url) == 0
    first = run("import", "--contract", "c1", "july.csv")
    assert first.exit_code == 0 and "Recorded 2 of 2 rows" in first.output
    again = run("import", "--contract", "c1", "july.csv")
    assert again.exit_code == 0 and "already imported" in again.output
    assert "nothing new was recorded" in again.output
    assert _entries(database_url) == 2


@pytest.mark.usefixtures("with_contract")
def test_a_bad_file_is_refused_with_its_line_numbers(
    run: Invoke, database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "bad.csv").write_text(EVENTS + "2026-07-07T09:00,nope,1,,\n", encoding="utf-8")
    result = run("import", "--contract", "c1", "bad.csv")
    _refused(result, "nothing was imported", "line 4: unknown item 'nope'")
    assert _entries(database_url) == 0


def test_import_names_what_is_missing(run: Invoke, tmp_path: Path) -> None:
    _refused(run("import", "--contract", "c1", "missing.csv"), "cannot read missing.csv")
    (tmp_path / "july.csv").write_text(EVENTS, encoding="utf-8")
    _refused(run("import", "--contract", "nope", "july.csv"), "unknown contract 'nope'")


@pytest.mark.usefixtures("with_contract")
def test_invite_prints_the_code_last_and_the_link_before_it(run: Invoke) -> None:
    result = run(
        "invite", "--contract", "c1", "--role", "inspector", FLOORBOT_BOT_USERNAME="@Floor_bot"
    )
    assert result.exit_code == 0, result.output
    *_, link, code = result.output.strip().splitlines()
    assert CODE.match(code)
    assert link == f"Link: https://t.me/Floor_bot?start={code}"
    plain = run("invite", "--contract", "c1", "--role", "vendor_lead", "--expires", "12h")
    assert plain.exit_code == 0 and "t.me" not in plain.output
    assert CODE.match(plain.output.strip().splitlines()[-1])


@pytest.mark.usefixtures("with_contract")
@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (["--contract", "c1", "--role", "boss"], ["unknown role 'boss'", "vendor_lead"]),
        (["--contract", "c1", "--role", "admin", "--expires", "7x"], ["7d (days)"]),
        (["--contract", "c1", "--role", "admin", "--expires", "0d"], ["not a duration"]),
        (["--contract", "nope", "--role", "admin"], ["unknown contract 'nope'"]),
    ],
)
def test_a_bad_invite_is_refused(run: Invoke, args: list[str], phrases: list[str]) -> None:
    _refused(run("invite", *args), *phrases)


def _invites(url: str) -> list[tuple[str, str]]:
    async def read() -> list[tuple[str, str]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(text("SELECT code, role FROM invites ORDER BY code"))
                return [(code, role) for code, role in rows.all()]
        finally:
            await engine.dispose()

    return asyncio.run(read())


@pytest.mark.usefixtures("with_contract")
def test_invite_count_prints_every_code_and_link_in_one_call(
    run: Invoke, database_url: str
) -> None:
    result = run(
        "invite", "--contract", "c1", "--role", "inspector", "--count", "20",
        FLOORBOT_BOT_USERNAME="Floor_bot",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    header, *lines = result.output.strip().splitlines()
    assert header.startswith("20 invites to contract c1 as inspector, single use")
    codes = [line.split("\t")[0] for line in lines]
    assert len(set(codes)) == 20 and all(CODE.match(c) for c in codes)
    assert lines[0] == f"{codes[0]}\thttps://t.me/Floor_bot?start={codes[0]}"
    assert sorted(_invites(database_url)) == sorted((c, "inspector") for c in codes)


@pytest.mark.usefixtures("with_contract")
def test_invite_csv_makes_one_named_code_per_person(
    run: Invoke, database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(
        "name,role\n张三,inspector\n李四,\nVendor Wang,vendor-lead\n", encoding="utf-8"
    )
    result = run("invite", "--contract", "c1", "--role", "manager", "--csv", "people.csv")
    assert result.exit_code == 0, result.output
    header, *lines = result.output.strip().splitlines()
    assert header.startswith("3 invites to contract c1 as inspector, manager, vendor_lead")
    cells = [line.split("\t") for line in lines]
    assert [(name, role) for name, role, _ in cells] == [
        ("张三", "inspector"),
        ("李四", "manager"),
        ("Vendor Wang", "vendor_lead"),
    ]
    assert sorted(_invites(database_url)) == sorted((code, role) for _, role, code in cells)


@pytest.mark.usefixtures("with_contract")
@pytest.mark.parametrize(
    ("args", "content", "phrases"),
    [
        (["--role", "inspector", "--count", "0"], None, ["between 1 and 1000"]),
        (["--role", "inspector", "--count", "1001"], None, ["between 1 and 1000"]),
        (["--count", "3"], None, ["give --role"]),
        (
            ["--csv", "people.csv"],
            "name,role\n张三,inspector\n李四,\n王五,boss\n,inspector\n",
            [
                "nothing was made",
                "line 3: no role for 李四",
                "line 4: unknown role 'boss'",
                "line 5: the name is empty",
            ],
        ),
        (["--csv", "people.csv"], "staff,role\n张三,inspector\n", ["name,role"]),
        (["--csv", "people.csv", "--count", "2"], "name\n张三\n", ["not both"]),
        (["--csv", "missing.csv"], None, ["cannot read missing.csv"]),
    ],
)
def test_a_bad_batch_of_invites_makes_none(
    run: Invoke,
    database_url: str,
    tmp_path: Path,
    args: list[str],
    content: str | None,
    phrases: list[str],
) -> None:
    if content is not None:
        (tmp_path / "people.csv").write_text(content, encoding="utf-8")
    _refused(run("invite", "--contract", "c1", *args), *phrases)
    assert _invites(database_url) == []


@pytest.mark.usefixtures("with_contract")
def test_the_roster_is_imported_and_listed(run: Invoke, tmp_path: Path) -> None:
    (tmp_path / "staff.csv").write_text("staff_no,name,role\nA01,张三,接线员\n", encoding="utf-8")
    imported = run("roster", "import", "--contract", "c1", "staff.csv")
    assert imported.exit_code == 0 and "1 added, 0 updated, 0 unchanged" in imported.output
    listed = run("roster", "list", "--contract", "c1").output
    assert listed == "staff_no\tname\trole\tactive_from\tactive_to\nA01\t张三\t接线员\t\t\n"
    (tmp_path / "bad.csv").write_text("staff_no,name\nA02,\n", encoding="utf-8")
    _refused(run("roster", "import", "--contract", "c1", "bad.csv"), "line 2")


def test_an_unusable_database_is_one_line(run: Invoke, tmp_path: Path) -> None:
    missing = run("contract", "list", FLOORBOT_DATABASE_URL="sqlite:////nonexistent/dir/x.db")
    _refused(missing, "the folder /nonexistent/dir of the SQLite database does not exist")
    folder = run("contract", "list", FLOORBOT_DATABASE_URL=f"sqlite:///{tmp_path}")
    _refused(folder, "cannot use the database", "unable to open database file")
    _refused(run("contract", "list", FLOORBOT_DATABASE_URL="nosuch://x"), "not a database URL")


@pytest.mark.usefixtures("with_contract")
def test_import_refuses_or_skips_rows_outside_the_term(
    run: Invoke, database_url: str, tmp_path: Path
) -> None:
    # storage-test's term: 2026-01-01 to 2027-12-31
    (tmp_path / "e.csv").write_text(EVENTS + "2025-12-31T09:00,dress_code,1,,A01\n", "utf-8")
    _refused(run("import", "--contract", "c1", "e.csv"), "line 4: occurred_at 2025-12-31")
    assert _entries(database_url) == 0
    skipped = run("import", "--contract", "c1", "e.csv", "--skip-outside-term")
    assert skipped.exit_code == 0, skipped.output
    assert "Recorded 2 of 3 rows" in skipped.output
    assert "1 row(s) outside the contract's term were skipped (lines 4)." in skipped.output
    assert _entries(database_url) == 2


def test_given_scores_and_the_recording_start(run: Invoke) -> None:
    added = run(
        "contract", "add", "c1", "--rulebook", "storage-test", "--recording-since", "2026-03-01"
    )
    assert added.exit_code == 0, added.output
    assert "recording since 2026-03-01" in added.output
    assert "floorbot scores give --contract c1" in added.output
    listed = run("scores", "list", "--contract", "c1")
    assert listed.output.splitlines() == [
        "c1: recording since 2026-03-01",
        "no score given yet: 2026-01, 2026-02",
    ]
    given = run(
        "scores", "give", "--contract", "c1", "--period", "2026-01", "--score", "96.5",
        "--source", "paper sheet 2026-01",
    )  # fmt: skip
    assert given.exit_code == 0, given.output
    assert "2026-01 scores 96.5 (given: paper sheet 2026-01)" in given.output
    _refused(
        run("scores", "give", "--contract", "c1", "--period", "2026-03", "--score", "90",
            "--source", "x"),
        "2026-03 is on record in floorbot",
    )  # fmt: skip
    _refused(
        run("scores", "give", "--contract", "c1", "--period", "2026-02", "--score", "abc",
            "--source", "x"),
        "--score 'abc' is not a number",
    )  # fmt: skip
    entered, lacking = run("scores", "list", "--contract", "c1").output.splitlines()[1:]
    assert entered.startswith("2026-01\t96.5\tpaper sheet 2026-01\tcli:")
    assert lacking == "no score given yet: 2026-02"
    moved = run("contract", "recording", "--contract", "c1", "--since", "2026-01-01")
    assert moved.exit_code == 0 and "recording since 2026-01-01" in moved.output
    _refused(run("contract", "recording", "--contract", "c1", "--since", "soon"), "not a date")


def test_an_invite_lifetime_is_read_in_either_width() -> None:
    from bot.cli.invites import parse_lifetime
    from storage.errors import InvalidInputError

    assert parse_lifetime("７ｄ") == parse_lifetime("7d")
    with pytest.raises(InvalidInputError, match="not a duration"):
        parse_lifetime("٧d")  # Arabic-Indic seven: not a digit anyone types for a lifetime
