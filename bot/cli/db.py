"""``floorbot db upgrade|current|backup|restore``, and the plumbing every data command uses."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.app.instance import InstanceBusy
    from storage.backup import (
        Snapshot,
    )

from bot.cli.common import fail

T = TypeVar("T")
SQLITE_SETTLE_SECONDS = 0.05
# Several containers may run `floorbot db upgrade` at once: on PostgreSQL they take turns.
MIGRATION_LOCK_KEY = 0x666C6F6F72626F74  # "floorbot"


def cli_actor() -> str:
    """Who is at the keyboard, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def database_url() -> str:
    from pydantic import ValidationError

    from bot.app.settings import Settings

    try:
        return Settings().database_url
    except ValidationError as exc:
        fail(f"the settings cannot be read: {exc.errors()[0]['msg']}")


def _first_line(exc: BaseException) -> str:
    origin = getattr(exc, "orig", None) or exc
    text = str(origin).strip().splitlines()
    return text[0] if text else type(origin).__name__


def _check_sqlite_folder(url: str) -> None:
    """A SQLite file can only be created in a folder that exists."""
    from sqlalchemy import make_url

    from storage.errors import StorageError

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    folder = Path(parsed.database).parent
    if not folder.is_dir():
        raise StorageError(
            f"the folder {folder} of the SQLite database does not exist: create it, "
            "or point FLOORBOT_DATABASE_URL elsewhere"
        )


def run_on_database(
    work: Callable[[AsyncEngine], Awaitable[T]], *, url: str | None = None, check: bool = True
) -> T:
    """Run ``work`` with an engine on the configured database; errors become one clean line."""
    # Unless ``check`` is off, a database whose schema is not current is refused with the
    # command to run.
    from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

    from storage.db import check_schema, create_engine, display_url
    from storage.errors import StorageError

    url = url or database_url()

    async def main() -> T:
        _check_sqlite_folder(url)
        engine = create_engine(url)
        try:
            if check:
                await check_schema(engine)
            return await work(engine)
        except Exception:
            if engine.dialect.name == "sqlite":
                # aiosqlite reports a failed connect from its worker thread after the fact;
                # let it finish before asyncio.run closes the loop (else: a thread traceback).
                await asyncio.sleep(SQLITE_SETTLE_SECONDS)
            raise
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except StorageError as exc:
        fail(str(exc))
    except ArgumentError as exc:
        fail(f"FLOORBOT_DATABASE_URL {url!r} is not a database URL: {_first_line(exc)}")
    except (DBAPIError, OSError, SQLAlchemyError) as exc:
        fail(f"cannot use the database {display_url(url)}: {_first_line(exc)}")


def db_upgrade() -> None:
    """Create the database's tables, or bring them to this floorbot's schema."""
    from storage.db import current_revision, display_url, upgrade

    url = database_url()

    async def work(engine: AsyncEngine) -> tuple[str | None, str | None]:
        async with _migration_lock(engine):
            before = await current_revision(engine)
            await upgrade(engine)
            return before, await current_revision(engine)

    before, after = run_on_database(work, url=url, check=False)
    where = display_url(url)
    if before == after:
        typer.echo(f"{where}: already at the latest schema ({after}); nothing to do.")
    else:
        typer.echo(f"{where}: upgraded the schema from {before or 'empty'} to {after}.")


def db_current() -> None:
    """Show the database's schema revision; exit 1 when `floorbot db upgrade` is needed."""
    from storage.db import current_revision, display_url, head_revision

    url = database_url()

    async def work(engine: AsyncEngine) -> str | None:
        return await current_revision(engine)

    revision = run_on_database(work, url=url, check=False)
    head, where = head_revision(), display_url(url)
    if revision == head:
        typer.echo(f"{where}: schema {revision} (the latest)")
        return
    state = f"schema {revision}" if revision else "not set up"
    fail(f"{where}: {state}; this floorbot needs {head}: run `floorbot db upgrade`")


@asynccontextmanager
async def _migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """On PostgreSQL, one upgrade at a time (a session advisory lock on its own connection)."""
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as conn:
        key = {"key": MIGRATION_LOCK_KEY}
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
        try:
            yield
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)


# -- backup and restore -----------------------------------------------------------------------

BackupPath = Annotated[Path, typer.Argument(help="the backup file", dir_okay=False, metavar="FILE")]
Force = Annotated[
    bool, typer.Option("--force", help="restore even while something else uses the database")
]


def _schema_note(snapshot: Snapshot) -> str:
    return f", schema {snapshot.revision}" if snapshot.revision else ""


def db_backup(path: BackupPath) -> None:
    """Back up the database into a new file (SQLite: an online copy; PostgreSQL: pg_dump)."""
    from storage.backup import BackupError, backend, backup_postgres, backup_sqlite, sqlite_file
    from storage.db import display_url

    url = database_url()
    try:
        if backend(url) == "sqlite":
            snapshot = backup_sqlite(sqlite_file(url), path)
        else:
            snapshot = backup_postgres(url, path)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(
        f"{display_url(url)}: backed up to {path} ({snapshot.size} bytes{_schema_note(snapshot)})."
    )


def db_restore(path: BackupPath, force: Force = False) -> None:
    """Replace the database's contents with a backup; refused while a bot uses the database."""
    from storage.backup import BackupError, backend
    from storage.db import current_revision, display_url, head_revision

    url = database_url()
    try:
        snapshot = _restore_sqlite(url, path, force) if backend(url) == "sqlite" else None
        if snapshot is None:
            snapshot = _restore_postgres(url, path, force)
    except BackupError as exc:
        fail(str(exc))
    revision = run_on_database(current_revision, url=url, check=False)
    where = display_url(url)
    typer.echo(f"{where}: restored from {path} (schema {revision or 'none'}).")
    if revision != head_revision():
        needed = head_revision()
        typer.echo(f"{where}: this floorbot needs schema {needed}: run `floorbot db upgrade`.")


def _restore_sqlite(url: str, path: Path, force: bool) -> Snapshot:
    """Hold the bot's lock while copying, so that no bot starts on a half-restored file."""
    from bot.app.instance import InstanceBusy, acquire
    from storage.backup import BackupError, restore_sqlite, sqlite_file

    database = sqlite_file(url)
    if not database.parent.is_dir():
        raise BackupError(f"the folder {database.parent} of the SQLite database does not exist")
    try:
        held = acquire(url)
    except InstanceBusy as busy:
        if not force:
            raise BackupError(_busy_sqlite(database, busy)) from None
        held = None
    try:
        return restore_sqlite(path, database)
    finally:
        if held is not None:
            held.release()


def _busy_sqlite(database: Path, busy: InstanceBusy) -> str:
    who = f" (pid {busy.pid})" if busy.pid else ""
    return (
        f"the SQLite database {database} is in use by a running floorbot{who}: stop it first, "
        "or add --force"
    )


def _restore_postgres(url: str, path: Path, force: bool) -> Snapshot:
    from storage.backup import BackupError, check_postgres_backup, other_sessions, restore_postgres
    from storage.db import display_url

    check_postgres_backup(path)
    others = run_on_database(other_sessions, url=url, check=False)
    if others and not force:
        listed = "; ".join(others)
        raise BackupError(
            f"{len(others)} other connection(s) use {display_url(url)} ({listed}): stop the "
            "bots first, or add --force"
        )
    return restore_postgres(url, path)


def register(root: typer.Typer) -> None:
    db = typer.Typer(
        help="The database: create it, bring its schema up to date, back it up, restore it.",
        no_args_is_help=True,
    )
    db.command("upgrade")(db_upgrade)
    db.command("current")(db_current)
    db.command("backup")(db_backup)
    db.command("restore")(db_restore)
    root.add_typer(db, name="db")
