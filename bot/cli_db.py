"""``floorbot db upgrade`` and ``floorbot db current``, and the plumbing every data command uses."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli_common import fail
from bot.settings import Settings
from storage.db import (
    check_schema,
    create_engine,
    current_revision,
    display_url,
    head_revision,
    upgrade,
)
from storage.errors import StorageError

T = TypeVar("T")
SQLITE_SETTLE_SECONDS = 0.05


def cli_actor() -> str:
    """Who is at the keyboard, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def database_url() -> str:
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
    url = database_url()

    async def work(engine: AsyncEngine) -> tuple[str | None, str | None]:
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


def register(root: typer.Typer) -> None:
    db = typer.Typer(
        help="The database: create it or bring its schema up to date.", no_args_is_help=True
    )
    db.command("upgrade")(db_upgrade)
    db.command("current")(db_current)
    root.add_typer(db, name="db")
