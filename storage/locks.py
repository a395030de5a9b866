"""Locks that keep one contract's writers apart where the database does not already do it.

Closing a period (bot.services.digests.runner) and recording an entry in it (bot.services.recording,
an approved late report in bot.services.late_reports) both take the contract's lock first. On
PostgreSQL that is a transaction-scoped advisory lock: a report arriving while the period closes
waits, then finds it closed and is held for a manager; a closing that waits for a report counts it.
On SQLite write transactions are already one at a time (BEGIN IMMEDIATE), so nothing is sent at all.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

# PostgreSQL advisory locks take a 64-bit key; this namespaces the per-contract locks (the
# per-chat locks of storage.bot_queries and the leader's lock have namespaces of their own).
_NAMESPACE = b"floorbot.contract:"
KEY_BYTES = 8


def on_postgresql(*, session: AsyncSession) -> bool:
    """Whether the session works on PostgreSQL (its bind, when it has one, says at once)."""
    bind = session.bind
    dialect = bind.dialect if bind is not None else session.get_bind().dialect
    return dialect.name == "postgresql"


def contract_key(contract_id: str) -> int:
    """The contract's advisory lock key: a stable signed 64-bit hash of its id."""
    digest = hashlib.sha256(_NAMESPACE + contract_id.encode()).digest()
    return int.from_bytes(digest[:KEY_BYTES], "big", signed=True)


async def lock_contract(*, session: AsyncSession, contract_id: str) -> None:
    """Hold the contract's lock until the transaction ends (PostgreSQL; no statement on SQLite)."""
    if not on_postgresql(session=session):
        return
    conn = await session.connection()
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(:key)"), {"key": contract_key(contract_id)}
    )
