"""What every query module shares: a model's Core table, adding one row, flushing before a
Core statement, and the audit log's line.

Apart from storage.queries (the ledger) so that the directory's queries do not load the
ledger's tables and statements: they need only these and storage.directory_models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, inspect
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.directory_models import AuditRecord

RowT = TypeVar("RowT", bound=SQLModel)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model."""
    return cast(Table, inspect(model).local_table)


async def add_row(*, session: AsyncSession, row: RowT) -> RowT:
    """Insert one model row at once (its generated id filled in) and return it."""
    session.add(row)
    await session.flush()
    return row


async def flush_pending(*, session: AsyncSession) -> None:
    """Send the session's pending changes, if it holds any (before a Core statement)."""
    if session.new or session.dirty or session.deleted:
        await session.flush()


# A Core insert, as the ledger's statements are (storage.queries): it costs less than building
# the ORM object and flushing it, and does not flush the session's pending objects first.
_ADD_AUDIT = insert(table_of(AuditRecord))


async def audit(
    *,
    session: AsyncSession,
    actor: str,
    action: str,
    subject: str,
    now: dt.datetime,
    contract_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one line to the audit log (pending rows it may refer to are flushed first)."""
    line = {"at": now, "actor": actor, "contract_id": contract_id, "action": action}
    await flush_pending(session=session)
    await session.exec(_ADD_AUDIT, params={"subject": subject, "detail": detail or {}, **line})
