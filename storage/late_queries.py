"""Late reports: reports for a closed period waiting for a manager, decided once.

Every function takes the session first and leaves the transaction to the caller.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import LateReport, LateReportStatus
from storage.rows import table_of


async def late_by_source(
    *, session: AsyncSession, contract_id: str, chat_id: int, message_id: int
) -> LateReport | None:
    """The late report a Telegram message already made, if any."""
    statement = select(LateReport).where(
        col(LateReport.contract_id) == contract_id,
        col(LateReport.source_chat_id) == chat_id,
        col(LateReport.source_message_id) == message_id,
    )
    return (await session.exec(statement)).first()


async def late_report(*, session: AsyncSession, late_id: int) -> LateReport | None:
    """A late report as stored now (read again, not from the session's cache)."""
    statement = select(LateReport).where(col(LateReport.id) == late_id)
    return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def decide_late(
    *,
    session: AsyncSession,
    late_id: int,
    status: LateReportStatus,
    person_id: int,
    now: dt.datetime,
) -> bool:
    """Approve or reject a pending late report; False when someone decided first."""
    table = table_of(LateReport)
    statement = (
        update(table)
        .where(table.c.id == late_id, table.c.status == LateReportStatus.PENDING.value)
        .values(status=status.value, decided_by_id=person_id, decided_at=now)
    )
    return bool((await session.exec(statement)).rowcount == 1)


async def link_entry(*, session: AsyncSession, late_id: int, entry_id: int) -> None:
    """Remember the entry an approved late report became."""
    table = table_of(LateReport)
    await session.exec(update(table).where(table.c.id == late_id).values(entry_id=entry_id))


async def approved_between(
    *, session: AsyncSession, contract_id: str, after: dt.datetime, until: dt.datetime
) -> list[LateReport]:
    """Late reports of the contract approved in (after, until], in the order decided."""
    statement = select(LateReport).where(
        col(LateReport.contract_id) == contract_id,
        col(LateReport.status) == LateReportStatus.APPROVED.value,
        col(LateReport.decided_at) > after,
        col(LateReport.decided_at) <= until,
    )
    found = await session.exec(statement.order_by(col(LateReport.decided_at)))
    return list(found.all())
