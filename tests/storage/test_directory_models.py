"""The directory's tables stand alone (storage.directory_models): the commands about contracts,
rosters and invites load them without the rest of the schema, and work.

The CLI tests run in one process, where every table is loaded; here ``floorbot`` runs as new
processes, as a user types it, where only the directory's tables are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Table
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bot.cli.main import app
from storage import directory_models
from tests.storage.factories import RULEBOOK_DIR

CLI = "from bot.cli.main import main; main()"
LOADED = "import sys, storage.directory, storage.roster; print('storage.models' in sys.modules)"


def _directory_tables() -> list[Table]:
    return [
        value.__table__
        for value in vars(directory_models).values()
        if isinstance(value, type)
        and issubclass(value, SQLModel)
        and value.__module__ == directory_models.__name__
    ]


def test_the_directory_tables_refer_to_no_other_table() -> None:
    tables = _directory_tables()
    names = {table.name for table in tables}
    assert names == {"contracts", "roster", "people", "memberships", "invites", "audit_log"}
    referred = {fk.target_fullname.split(".")[0] for table in tables for fk in table.foreign_keys}
    assert referred <= names


def test_the_directory_commands_work_in_processes_of_their_own(
    database_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOORBOT_")}
    env.update(
        FLOORBOT_DATABASE_URL=database_url,
        FLOORBOT_RULEBOOK_DIRS=str(RULEBOOK_DIR),
        FLOORBOT_BOT_USERNAME="",
    )

    def python(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert python("-c", LOADED) == "False\n"
    added = CliRunner().invoke(
        app, ["contract", "add", "c1", "--rulebook", "storage-test"], env=env
    )
    assert added.exit_code == 0, added.output
    (tmp_path / "staff.csv").write_text("staff_no,name\nA01,张三\n", encoding="utf-8")
    roster = python("-c", CLI, "roster", "import", "--contract", "c1", "staff.csv")
    assert "1 added" in roster
    invite = python("-c", CLI, "invite", "--contract", "c1", "--role", "inspector")
    assert "Invite to contract c1 as inspector" in invite
    listed = python("-c", CLI, "contract", "list").splitlines()
    assert listed[1].startswith("c1\tstorage-test\t")
