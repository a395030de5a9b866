"""Backups of the database and restores from them: SQLite's online backup API, pg_dump/pg_restore.

SQLite: :func:`backup_sqlite` copies a consistent snapshot while the bot keeps running (the
sqlite3 backup API, page by page, WAL included); :func:`restore_sqlite` copies a backup over
the database file the same way, after checking that the backup is a floorbot database.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction`` (the
client tools must be on PATH; the message says so when they are not). The password goes to
the tools through ``PGPASSWORD``, never on their command line.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.errors import StorageError

SQLITE_PAGES_PER_STEP = 1024
PG_DUMP = "pg_dump"
PG_RESTORE = "pg_restore"
_ALEMBIC_VERSION = "SELECT version_num FROM alembic_version"


class BackupError(StorageError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A backup file: where, how big, and the schema revision it holds (None: unknown)."""

    path: Path
    size: int
    revision: str | None


def backend(url: str) -> str:
    """``sqlite`` or ``postgresql``; anything else is refused."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {name} databases are not supported")
    return name


def sqlite_file(url: str) -> Path:
    """The database file a SQLite URL names (an in-memory database has none)."""
    database = make_url(url).database
    if database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database has no file to back up or restore")
    return Path(database)


# -- SQLite -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _connect(path: Path, read_only: bool) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute(_ALEMBIC_VERSION).fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} already exists: choose another file name or remove it")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")


def backup_sqlite(database: Path, target: Path) -> Snapshot:
    """A consistent copy of a live SQLite database in a new file ``target``."""
    if not database.is_file():
        raise BackupError(f"the SQLite database {database} does not exist")
    _refuse_existing(target)
    partial = target.with_name(target.name + ".partial")
    try:
        with _connect(database, True) as source, _connect(partial, False) as out:
            source.backup(out, pages=SQLITE_PAGES_PER_STEP)
            revision = _revision(out)
        partial.replace(target)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup of {database} failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return Snapshot(target, target.stat().st_size, revision)


def check_sqlite_backup(backup: Path) -> Snapshot:
    """The backup file is an intact SQLite database made by floorbot (it has a schema revision)."""
    if not backup.is_file():
        raise BackupError(f"the backup {backup} does not exist")
    try:
        with _connect(backup, True) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()
            revision = _revision(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup} is not a SQLite database: {exc}") from exc
    if verdict is None or verdict[0] != "ok":
        raise BackupError(f"{backup} is damaged: {verdict[0] if verdict else 'no answer'}")
    if revision is None:
        raise BackupError(f"{backup} is not a floorbot database (it has no schema revision)")
    return Snapshot(backup, backup.stat().st_size, revision)


def restore_sqlite(backup: Path, database: Path) -> Snapshot:
    """Replace the database's contents with the backup's (the caller has checked it is unused)."""
    snapshot = check_sqlite_backup(backup)
    try:
        with _connect(backup, True) as source, _connect(database, False) as out:
            source.backup(out, pages=SQLITE_PAGES_PER_STEP)
    except sqlite3.Error as exc:
        raise BackupError(f"the restore into {database} failed: {exc}") from exc
    return snapshot


# -- PostgreSQL -------------------------------------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it."""
    parsed: URL = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install PostgreSQL's client tools (Debian: "
            "apt-get install postgresql-client, the same major version as the server), or use "
            "the database's own backup"
        )
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{what} failed: {reason}")


def backup_postgres(url: str, target: Path) -> Snapshot:
    """``pg_dump --format=custom`` of the database into a new file ``target``."""
    _refuse_existing(target)
    dsn, env = _libpq(url)
    partial = target.with_name(target.name + ".partial")
    command = [_tool(PG_DUMP), "--format=custom", "--no-owner", f"--file={partial}", dsn]
    try:
        _run(command, env, PG_DUMP)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Snapshot(target, target.stat().st_size, None)


def check_postgres_backup(backup: Path) -> None:
    """The file is a pg_dump archive (``pg_restore --list`` reads it)."""
    if not backup.is_file():
        raise BackupError(f"the backup {backup} does not exist")
    _run([_tool(PG_RESTORE), "--list", str(backup)], dict(os.environ), f"reading {backup}")


def restore_postgres(url: str, backup: Path) -> Snapshot:
    """Replace the database's objects with the archive's, all or nothing (one transaction)."""
    check_postgres_backup(backup)
    dsn, env = _libpq(url)
    command = [
        _tool(PG_RESTORE),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={dsn}",
        str(backup),
    ]
    _run(command, env, PG_RESTORE)
    return Snapshot(backup, backup.stat().st_size, None)


async def other_sessions(engine: AsyncEngine) -> list[str]:
    """Who else is connected to this PostgreSQL database (application name and address)."""
    query = text(
        "SELECT coalesce(nullif(application_name, ''), 'unnamed') || ' from ' "
        "|| coalesce(host(client_addr), 'local socket') "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend' ORDER BY backend_start"
    )
    async with engine.connect() as conn:
        return [str(row[0]) for row in await conn.execute(query)]
