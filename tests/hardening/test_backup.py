"""``floorbot db backup`` and ``restore``: a copy taken while the bot runs, put back whole.

SQLite through the sqlite3 online backup API (a restore is refused while a bot holds the
database); PostgreSQL through pg_dump and pg_restore (refused while other sessions are
connected), when FLOORBOT_TEST_POSTGRES_URL is set and the client tools are installed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from bot.app.instance import acquire
from bot.cli.main import app as cli
from scoring.assessment import Event
from storage.db import create_engine, session_factory, upgrade, write_session
from storage.directory import add_contract
from storage.models import Entry
from storage.queries import record_entry
from tests.bot.conftest import POSTGRES_URL
from tests.hardening.procs import clean_env

NOW = dt.datetime(2026, 7, 15, 2, 0, tzinfo=dt.UTC)
CONTRACT = "haidian-2026"


async def _prepare(url: str) -> None:
    """A migrated database with one contract and no entries."""
    engine = create_engine(url)
    await upgrade(engine)
    async with write_session(session_factory(engine)) as session:
        await add_contract(
            session=session,
            contract_id=CONTRACT,
            rulebook_id="haidian-dispatch-2026",
            client="client",
            vendor="vendor",
            timezone="Asia/Shanghai",
            now=NOW,
            actor="test",
        )
    await engine.dispose()


async def _report(url: str, staff: str) -> None:
    engine = create_engine(url)
    async with write_session(session_factory(engine)) as session:
        event = Event("dress_code", NOW, staff=staff)
        await record_entry(session=session, contract_id=CONTRACT, event=event, now=NOW)
    await engine.dispose()


async def _staff(url: str) -> list[str | None]:
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        rows = (await session.exec(select(Entry.staff).order_by(col(Entry.id)))).all()
    await engine.dispose()
    return list(rows)


def _db(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["db", *args], env=clean_env(database_url=url))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'floorbot.db'}"
    asyncio.run(_prepare(url))
    asyncio.run(_report(url, "张三"))
    return url


def test_a_sqlite_backup_is_restored_whole(sqlite_url: str, tmp_path: Path) -> None:
    backup = tmp_path / "before.db"
    code, out, _ = _db(sqlite_url, "backup", str(backup))
    assert code == 0 and f"backed up to {backup}" in out
    asyncio.run(_report(sqlite_url, "李四"))
    assert asyncio.run(_staff(sqlite_url)) == ["张三", "李四"]
    code, out, _ = _db(sqlite_url, "restore", str(backup))
    assert code == 0 and f"restored from {backup}" in out
    assert asyncio.run(_staff(sqlite_url)) == ["张三"]


def test_a_sqlite_backup_taken_during_a_write_holds_only_committed_rows(
    sqlite_url: str, tmp_path: Path
) -> None:
    path = sqlite_url.removeprefix("sqlite+aiosqlite:///")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO entries (contract_id, item, occurred_at, quantity, staff, created_at) "
        "VALUES (?, 'dress_code', '2026-07-15 02:00:00', 1000000, '王五', '2026-07-15 02:00:00')",
        (CONTRACT,),
    )
    try:
        code, _, err = _db(sqlite_url, "backup", str(tmp_path / "online.db"))
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert code == 0, err
    copy = f"sqlite+aiosqlite:///{tmp_path / 'online.db'}"
    assert asyncio.run(_staff(copy)) == ["张三"]
    assert asyncio.run(_staff(sqlite_url)) == ["张三", "王五"]


def test_backup_never_overwrites_a_file(sqlite_url: str, tmp_path: Path) -> None:
    existing = tmp_path / "kept.db"
    existing.write_bytes(b"precious")
    code, _, err = _db(sqlite_url, "backup", str(existing))
    assert code == 1
    assert err.strip() == (
        f"error: {existing} already exists: choose another file name or remove it"
    )
    assert existing.read_bytes() == b"precious"


def test_restore_is_refused_while_a_bot_runs_unless_forced(sqlite_url: str, tmp_path: Path) -> None:
    backup = tmp_path / "before.db"
    assert _db(sqlite_url, "backup", str(backup))[0] == 0
    asyncio.run(_report(sqlite_url, "李四"))
    running = acquire(sqlite_url)  # what `floorbot run` holds while it serves this file
    try:
        code, _, err = _db(sqlite_url, "restore", str(backup))
        assert code == 1
        assert "is in use by a running floorbot" in err and "add --force" in err
        assert asyncio.run(_staff(sqlite_url)) == ["张三", "李四"]
        code, _, err = _db(sqlite_url, "restore", str(backup), "--force")
        assert code == 0, err
    finally:
        assert running is not None
        running.release()
    assert asyncio.run(_staff(sqlite_url)) == ["张三"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a database at all", "is not a SQLite database"),
        (None, "is not a floorbot database (it has no schema revision)"),
    ],
)
def test_a_file_that_is_not_a_floorbot_backup_is_refused(
    sqlite_url: str, tmp_path: Path, content: bytes | None, reason: str
) -> None:
    bad = tmp_path / "bad.db"
    if content is None:
        sqlite3.connect(bad).execute("CREATE TABLE t (x)").connection.close()
    else:
        bad.write_bytes(content)
    code, _, err = _db(sqlite_url, "restore", str(bad))
    assert code == 1 and reason in err
    assert len(err.strip().splitlines()) == 1
    assert asyncio.run(_staff(sqlite_url)) == ["张三"]


# -- PostgreSQL ---------------------------------------------------------------------------

needs_pg_tools = pytest.mark.skipif(
    not (POSTGRES_URL and shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs FLOORBOT_TEST_POSTGRES_URL and pg_dump/pg_restore on PATH",
)


@pytest.fixture
async def pg_prepared(pg_url: str) -> str:
    await _prepare(pg_url)
    await _report(pg_url, "张三")
    return pg_url


@pytest.mark.postgres
@needs_pg_tools
def test_a_postgres_backup_is_restored_whole(pg_prepared: str, tmp_path: Path) -> None:
    backup = tmp_path / "before.dump"
    code, _, err = _db(pg_prepared, "backup", str(backup))
    assert code == 0, err
    asyncio.run(_report(pg_prepared, "李四"))
    code, out, err = _db(pg_prepared, "restore", str(backup))
    assert code == 0, err
    assert asyncio.run(_staff(pg_prepared)) == ["张三"]
    assert "(schema " in out


@pytest.mark.postgres
@needs_pg_tools
async def test_a_postgres_restore_is_refused_while_others_are_connected(
    pg_prepared: str, tmp_path: Path
) -> None:
    backup = tmp_path / "before.dump"
    assert (await asyncio.to_thread(_db, pg_prepared, "backup", str(backup)))[0] == 0
    engine = create_engine(pg_prepared)  # a bot's connection, idle in its pool
    async with engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")
        code, _, err = await asyncio.to_thread(_db, pg_prepared, "restore", str(backup))
    await engine.dispose()
    assert code == 1
    assert "1 other connection(s) use" in err and "add --force" in err


def test_without_pg_dump_the_message_names_the_tools(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "postgresql://floorbot@127.0.0.1:1/floorbot"
    code, _, err = _db(url, "backup", str(tmp_path / "x.dump"))
    assert code == 1
    assert err.startswith("error: pg_dump was not found on PATH: install PostgreSQL's client")
