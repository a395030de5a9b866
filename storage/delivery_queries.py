"""Digest runs and deliveries: made once (INSERT … ON CONFLICT DO NOTHING), claimed once (one
conditional UPDATE), recorded after sending — safe with several processes on one database. A
claim is renewed while its message is on its way; one left unrenewed (its sender died mid-send)
is put back to pending, to be sent again.

Every function takes the session first and leaves the transaction to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.digest_queries import Recipient, insert_for
from storage.models import DeliveryState, DigestDelivery, DigestRun
from storage.rows import table_of


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A pending delivery to make for one recipient."""

    contract_id: str
    kind: str
    period: str
    due_at: dt.datetime
    recipient: Recipient


async def make_run(
    *,
    session: AsyncSession,
    contract_id: str,
    kind: str,
    period: str,
    due_at: dt.datetime,
    now: dt.datetime,
) -> bool:
    """Record that a digest is being made; False when it was made already (by any process)."""
    statement = (await insert_for(session=session, model=DigestRun)).values(
        contract_id=contract_id, kind=kind, period=period, due_at=due_at, created_at=now
    )
    done = await session.exec(
        statement.on_conflict_do_nothing(index_elements=["contract_id", "kind", "period"])
    )
    return bool(done.rowcount == 1)


async def runs_since(*, session: AsyncSession, since: dt.datetime) -> set[tuple[str, str, str]]:
    """(contract, kind, period) of every run due at or after ``since``."""
    statement = select(
        col(DigestRun.contract_id), col(DigestRun.kind), col(DigestRun.period)
    ).where(col(DigestRun.due_at) >= since)
    return {(c, k, p) for c, k, p in (await session.exec(statement)).all()}


async def previous_run_due(
    *, session: AsyncSession, contract_id: str, kind: str, before: dt.datetime
) -> dt.datetime | None:
    """When the contract's previous run of ``kind`` (before ``before``) was due."""
    statement = select(col(DigestRun.due_at)).where(
        col(DigestRun.contract_id) == contract_id,
        col(DigestRun.kind) == kind,
        col(DigestRun.due_at) < before,
    )
    return (await session.exec(statement.order_by(col(DigestRun.due_at).desc()))).first()


async def add_deliveries(*, session: AsyncSession, rows: Sequence[NewDelivery]) -> int:
    """Pending deliveries, one per recipient; ones that exist already are left as they are."""
    if not rows:
        return 0
    values = [
        {
            "contract_id": r.contract_id,
            "person_id": r.recipient.person_id,
            "kind": r.kind,
            "period": r.period,
            "chat_id": r.recipient.telegram_id,
            "due_at": r.due_at,
            "state": DeliveryState.PENDING.value,
            "late": False,
            "attempts": 0,
        }
        for r in rows
    ]
    statement = (await insert_for(session=session, model=DigestDelivery)).values(values)
    keys = ["contract_id", "person_id", "kind", "period"]
    done = await session.exec(statement.on_conflict_do_nothing(index_elements=keys))
    return int(done.rowcount or 0)


async def pending_deliveries(
    *, session: AsyncSession, now: dt.datetime, limit: int
) -> list[DigestDelivery]:
    """Deliveries waiting to be sent (and whose retry time has come), oldest due first."""
    statement = (
        select(DigestDelivery)
        .where(
            col(DigestDelivery.state) == DeliveryState.PENDING.value,
            col(DigestDelivery.next_attempt_at).is_(None)
            | (col(DigestDelivery.next_attempt_at) <= now),
        )
        .order_by(col(DigestDelivery.due_at), col(DigestDelivery.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def claim(
    *, session: AsyncSession, ids: Sequence[int], token: str, now: dt.datetime
) -> list[DigestDelivery]:
    """Take pending deliveries for sending (one UPDATE): only the ones this call took."""
    table = table_of(DigestDelivery)
    statement = (
        update(table)
        .where(table.c.id.in_(list(ids)), table.c.state == DeliveryState.PENDING.value)
        .values(
            state=DeliveryState.SENDING.value,
            claim=token,
            claimed_at=now,
            attempts=table.c.attempts + 1,
        )
    )
    await session.exec(statement)
    taken = select(DigestDelivery).where(
        col(DigestDelivery.id).in_(list(ids)), col(DigestDelivery.claim) == token
    )
    found = await session.exec(taken.execution_options(populate_existing=True))
    return sorted(found.all(), key=lambda d: d.id or 0)


async def finish(
    *,
    session: AsyncSession,
    ids: Sequence[int],
    state: DeliveryState,
    now: dt.datetime,
    message_id: int | None = None,
    late: bool = False,
    error: str | None = None,
) -> None:
    """Record how claimed deliveries ended: sent (with the message), blocked or failed."""
    table = table_of(DigestDelivery)
    values: dict[str, Any] = {"state": state.value, "claim": None, "error": error}
    if state is DeliveryState.SENT:
        values.update(sent_at=now, message_id=message_id, late=late)
    await session.exec(update(table).where(table.c.id.in_(list(ids))).values(values))


async def renew_claim(
    *, session: AsyncSession, ids: Sequence[int], token: str, now: dt.datetime
) -> bool:
    """The sender still holds these deliveries (claimed with ``token``); False when it lost them."""
    table = table_of(DigestDelivery)
    statement = (
        update(table)
        .where(
            table.c.id.in_(list(ids)),
            table.c.claim == token,
            table.c.state == DeliveryState.SENDING.value,
        )
        .values(claimed_at=now)
    )
    return bool((await session.exec(statement)).rowcount)


async def retry_later(
    *, session: AsyncSession, ids: Sequence[int], token: str, at: dt.datetime, error: str
) -> None:
    """Put claimed deliveries back as pending until ``at`` (Telegram or the network failed)."""
    table = table_of(DigestDelivery)
    values = {"state": DeliveryState.PENDING.value, "claim": None, "next_attempt_at": at}
    statement = update(table).where(table.c.id.in_(list(ids)), table.c.claim == token)
    await session.exec(statement.values(error=error, **values))


@dataclass(frozen=True, slots=True)
class Reclaimed:
    """A delivery whose sender stopped mid-send, as it was put back (or given up)."""

    id: int
    contract_id: str
    person_id: int
    kind: str
    period: str
    claimed_at: dt.datetime
    state: str


async def reclaim_stale(
    *, session: AsyncSession, claimed_before: dt.datetime, max_attempts: int
) -> list[Reclaimed]:
    """Deliveries claimed before ``claimed_before`` and never renewed: pending again, to be sent
    again; ``unknown`` (never sent again) once they have been claimed ``max_attempts`` times."""
    table = table_of(DigestDelivery)
    stale = (table.c.state == DeliveryState.SENDING.value) & (table.c.claimed_at < claimed_before)
    worn = table.c.attempts >= max_attempts
    again = {"state": DeliveryState.PENDING.value, "claim": None, "next_attempt_at": None}
    given_up = {"state": DeliveryState.UNKNOWN.value, "claim": None}
    put_back = await _reset(session, stale & ~worn, again)
    return put_back + await _reset(session, stale & worn, given_up)


async def _reset(
    session: AsyncSession, where: ColumnElement[bool], values: dict[str, Any]
) -> list[Reclaimed]:
    """Set ``values`` on the deliveries ``where`` says; each as it is now."""
    table = table_of(DigestDelivery)
    statement = (
        update(table)
        .where(where)
        .values(values)
        .returning(
            table.c.id,
            table.c.contract_id,
            table.c.person_id,
            table.c.kind,
            table.c.period,
            table.c.claimed_at,
            table.c.state,
        )
    )
    return [Reclaimed(*row) for row in (await session.exec(statement)).all()]


async def deliveries_of(
    *, session: AsyncSession, contract_id: str, kind: str, period: str
) -> list[DigestDelivery]:
    """Every delivery of one digest (or request), by person."""
    statement = select(DigestDelivery).where(
        col(DigestDelivery.contract_id) == contract_id,
        col(DigestDelivery.kind) == kind,
        col(DigestDelivery.period) == period,
    )
    return list((await session.exec(statement.order_by(col(DigestDelivery.person_id)))).all())
