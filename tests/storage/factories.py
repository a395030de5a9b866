"""Factories and helpers for the storage tests."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.assessment import Event
from scoring.loader import load_rulebook
from scoring.rulebook import Rulebook
from storage.directory import add_contract, ensure_person
from storage.models import Contract, Entry, Person
from storage.queries import record_entry, table_of

RULEBOOK_DIR = Path(__file__).with_name("rulebooks")
NOW = dt.datetime(2026, 7, 20, 4, 0, tzinfo=dt.UTC)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@functools.cache
def storage_book() -> Rulebook:
    return load_rulebook(RULEBOOK_DIR / "storage-test.yaml")


def local(text_time: str) -> dt.datetime:
    """A Shanghai wall-clock time, e.g. ``local("2026-07-03 08:40")``."""
    return dt.datetime.fromisoformat(text_time).replace(tzinfo=SHANGHAI)


def event(item: str, when: str, quantity: str = "1", value: str | None = None, **kw: Any) -> Event:
    return Event(item, local(when), Decimal(quantity), value, **kw)


async def make_contract(session: AsyncSession, contract_id: str = "c1") -> Contract:
    return await add_contract(
        session=session,
        contract_id=contract_id,
        rulebook_id=storage_book().id,
        client="Client",
        vendor="Vendor",
        timezone="Asia/Shanghai",
        now=NOW,
        actor="test",
    )


async def make_person(session: AsyncSession, telegram_user_id: int = 1001) -> Person:
    return await ensure_person(
        session=session,
        telegram_user_id=telegram_user_id,
        display_name=f"user {telegram_user_id}",
        now=NOW,
    )


async def record(session: AsyncSession, contract_id: str, *events: Event) -> list[int]:
    """Record events and return the entry ids."""
    ids = []
    for one in events:
        ids.append(await record_entry(session=session, contract_id=contract_id, event=one, now=NOW))
    return ids


async def dump(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the schema version), in a stable order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await conn.execute(select(table).order_by(*table.primary_key))).all()
            out[table.name] = [tuple(row) for row in rows]
        version = await conn.execute(text("SELECT version_num FROM alembic_version"))
        out["alembic_version"] = [tuple(row) for row in version.all()]
    return out


async def count_entries(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return len((await conn.execute(select(table_of(Entry).c.id))).all())
