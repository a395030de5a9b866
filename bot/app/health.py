"""What an operator asks of a deployment: is the database there, is its schema current, do the
rulebooks load (and does every contract have its rulebook). Used by ``floorbot health`` and by
the running bot's ``/health`` endpoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.loader import RulebookError, load_rulebooks
from scoring.rulebook import Rulebook
from storage.db import current_revision, display_url, head_revision
from storage.directory import list_contracts

# A health probe answers quickly or says the database is not answering.
PROBE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the health report."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':<4}  {self.name}: {self.detail}"


def _reason(exc: BaseException) -> str:
    origin = getattr(exc, "orig", None) or exc
    lines = str(origin).strip().splitlines()
    return lines[0] if lines else type(origin).__name__


def _missing_sqlite_file(engine: AsyncEngine) -> Path | None:
    """A SQLite file that is not there (connecting would create an empty one)."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or name in (None, "", ":memory:"):
        return None
    path = Path(str(name))
    return None if path.is_file() else path


async def database(engine: AsyncEngine) -> Check:
    """The database answers a query."""
    where = display_url(str(engine.url))
    missing = _missing_sqlite_file(engine)
    if missing is not None:
        return Check("database", False, f"{where}: the file {missing} does not exist")
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (DBAPIError, SQLAlchemyError, OSError, TimeoutError) as exc:
        return Check("database", False, f"{where} does not answer: {_reason(exc)}")
    return Check("database", True, f"{where} answers")


async def schema(engine: AsyncEngine) -> Check:
    """The schema is the one this floorbot needs."""
    head = head_revision()
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            revision = await current_revision(engine)
    except (DBAPIError, SQLAlchemyError, OSError, TimeoutError) as exc:
        return Check("schema", False, f"unknown: {_reason(exc)}")
    if revision == head:
        return Check("schema", True, f"{revision} (the latest)")
    state = revision or "not set up"
    return Check("schema", False, f"{state}; this floorbot needs {head}: run `floorbot db upgrade`")


def rulebooks(extra_dirs: Sequence[Path]) -> tuple[Check, Mapping[str, Rulebook]]:
    """Every rulebook file loads."""
    try:
        books = load_rulebooks(extra_dirs)
    except RulebookError as exc:
        first = str(exc).strip().splitlines()[0]
        return Check("rulebooks", False, f"cannot be loaded: {first}"), {}
    return Check("rulebooks", True, f"{len(books)} loaded"), books


async def contracts(engine: AsyncEngine, books: Mapping[str, Rulebook]) -> Check:
    """Every contract's rulebook is among the loaded ones."""
    try:
        async with AsyncSession(engine) as session:
            found = await list_contracts(session=session)
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        return Check("contracts", False, f"unknown: {_reason(exc)}")
    missing = sorted(f"{c.id} ({c.rulebook_id})" for c in found if c.rulebook_id not in books)
    if missing:
        return Check("contracts", False, "rulebook not loaded for " + ", ".join(missing))
    return Check("contracts", True, f"{len(found)}, each with its rulebook")


async def everything(engine: AsyncEngine, extra_dirs: Sequence[Path]) -> list[Check]:
    """The full report: database, schema, rulebooks and contracts (as far as each can be told)."""
    checks = [await database(engine)]
    if checks[0].ok:
        checks.append(await schema(engine))
    loaded, books = rulebooks(extra_dirs)
    checks.append(loaded)
    if checks[0].ok and checks[1].ok and loaded.ok:
        checks.append(await contracts(engine, books))
    return checks
