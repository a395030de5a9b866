"""Reading what the bot stored, from a database URL (for tests and scripts that run the bot as
a separate process)."""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import create_engine, session_factory
from storage.models import AuditRecord, Entry, Evidence
from tests.bot.world import TZ, Row


async def entries_at(url: str) -> list[Row]:
    """Every stored entry, oldest first."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            found = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
    finally:
        await engine.dispose()
    return [
        Row(
            id=e.id or 0,
            contract=e.contract_id,
            item=e.item,
            staff=e.staff,
            value=e.value,
            quantity=str(e.quantity),
            occurred_local=e.occurred_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            reported_by_id=e.reported_by_id,
        )
        for e in found
    ]


async def evidence_at(url: str, entry_id: int) -> list[Evidence]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            statement = select(Evidence).where(col(Evidence.entry_id) == entry_id)
            return list((await session.exec(statement.order_by(col(Evidence.id)))).all())
    finally:
        await engine.dispose()


async def ledger_at(url: str) -> tuple[list[Entry], list[Evidence], list[AuditRecord]]:
    """Entries, evidence and audit records, each oldest first."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            found = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
            photos = (await session.exec(select(Evidence).order_by(col(Evidence.id)))).all()
            audit = (await session.exec(select(AuditRecord).order_by(col(AuditRecord.id)))).all()
    finally:
        await engine.dispose()
    return list(found), list(photos), list(audit)
