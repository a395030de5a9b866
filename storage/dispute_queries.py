"""Disputes and the views of entries that vendor leads, managers and inspectors read.

Every function takes the session first and leaves the transaction to the caller. A dispute
is decided once: :func:`settle` changes an open dispute with one conditional UPDATE, so two
managers deciding at the same moment (two processes, SQLite or PostgreSQL) settle it once.
Photos a vendor lead sends with a dispute are kept in the append-only audit log
(``dispute.photo``: the Telegram file id and the SHA-256 of the downloaded bytes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.periods import Period
from storage.models import (
    ActionKind,
    AuditRecord,
    ClosedPeriod,
    Dispute,
    DisputeStatus,
    Entry,
    EntryAction,
    EntryState,
    Evidence,
    Membership,
    Person,
    Role,
)
from storage.rows import audit, table_of

DISPUTE_PHOTO = "dispute.photo"


class DisputeExists(Exception):
    """The entry already has an open dispute (another request opened it first)."""


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry as it stands now: its actions applied, its latest dispute, its photo count."""

    entry: Entry
    actions: tuple[EntryAction, ...]
    dispute: Dispute | None
    photos: int

    @property
    def id(self) -> int:
        assert self.entry.id is not None
        return self.entry.id

    @property
    def voided(self) -> bool:
        return any(a.kind == ActionKind.VOID for a in self.actions)

    @property
    def quantity(self) -> Decimal:
        """The quantity after the last correction."""
        for action in reversed(self.actions):
            if _is_correction(action) and action.quantity is not None:
                return action.quantity
        return self.entry.quantity

    @property
    def value(self) -> str | None:
        """The value after the last correction."""
        last = next((a for a in reversed(self.actions) if _is_correction(a)), None)
        return self.entry.value if last is None else last.value

    @property
    def corrected(self) -> bool:
        return any(_is_correction(a) for a in self.actions)

    @property
    def state(self) -> EntryState:
        """Recorded, disputed, upheld, withdrawn, adjusted — or voided (undone by its reporter)."""
        state = EntryState.RECORDED
        for action in self.actions:
            if action.kind == ActionKind.VOID and state is not EntryState.WITHDRAWN:
                state = EntryState.VOIDED
            elif action.kind == ActionKind.STATE and action.state is not None:
                state = EntryState(action.state)
        return state


@dataclass(frozen=True, slots=True)
class OpenDispute:
    """A dispute still waiting for a decision, with the entry it is about."""

    dispute: Dispute
    entry: Entry


def _is_correction(action: EntryAction) -> bool:
    return action.kind == ActionKind.CORRECT and action.quantity is not None


# -- entries as they stand ---------------------------------------------------------------


async def entries_in_period(
    *,
    session: AsyncSession,
    contract_id: str,
    period: Period,
    items: Collection[str] | None = None,
) -> list[EntryView]:
    """The contract's entries in the period (optionally only some items), oldest first."""
    statement = select(Entry).where(
        col(Entry.contract_id) == contract_id,
        col(Entry.occurred_at) >= period.start_utc,
        col(Entry.occurred_at) < period.end_utc,
    )
    if items is not None:
        statement = statement.where(col(Entry.item).in_(list(items)))
    ordered = statement.order_by(col(Entry.occurred_at), col(Entry.id))
    return await _views(session, list((await session.exec(ordered)).all()))


async def entry_view(*, session: AsyncSession, entry_id: int) -> EntryView | None:
    """One entry as it stands now; None when there is no such entry."""
    entry = await session.get(Entry, entry_id)
    if entry is None:
        return None
    [view] = await _views(session, [entry])
    return view


async def _views(session: AsyncSession, entries: Sequence[Entry]) -> list[EntryView]:
    ids = [e.id for e in entries if e.id is not None]
    if not ids:
        return []
    actions: dict[int, list[EntryAction]] = {}
    statement = select(EntryAction).where(col(EntryAction.entry_id).in_(ids))
    for action in (await session.exec(statement.order_by(col(EntryAction.id)))).all():
        actions.setdefault(action.entry_id, []).append(action)
    disputes: dict[int, Dispute] = {}
    found = select(Dispute).where(col(Dispute.entry_id).in_(ids)).order_by(col(Dispute.id))
    for dispute in (await session.exec(found)).all():
        disputes[dispute.entry_id] = dispute
    photos = await _photo_counts(session, ids)
    return [
        EntryView(
            e, tuple(actions.get(e.id or 0, ())), disputes.get(e.id or 0), photos.get(e.id or 0, 0)
        )
        for e in entries
    ]


async def _photo_counts(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    statement = (
        select(col(Evidence.entry_id), func.count())
        .where(col(Evidence.entry_id).in_(ids))
        .group_by(col(Evidence.entry_id))
    )
    return {entry_id: int(n) for entry_id, n in (await session.exec(statement)).all()}


# -- disputes ---------------------------------------------------------------------------


async def open_disputes(
    *, session: AsyncSession, contract_id: str, period: Period
) -> list[OpenDispute]:
    """The disputes still open about the contract's entries in the period, oldest first.

    The period assessment lists them, and its score is provisional while there are any.
    """
    statement = (
        select(Dispute, Entry)
        .join(Entry, col(Entry.id) == col(Dispute.entry_id))
        .where(
            col(Dispute.contract_id) == contract_id,
            col(Dispute.status) == DisputeStatus.OPEN.value,
            col(Entry.occurred_at) >= period.start_utc,
            col(Entry.occurred_at) < period.end_utc,
        )
        .order_by(col(Dispute.opened_at), col(Dispute.id))
    )
    return [OpenDispute(d, e) for d, e in (await session.exec(statement)).all()]


async def get_dispute(*, session: AsyncSession, dispute_id: int) -> Dispute | None:
    """A dispute as stored now (read again from the database, not from the session's cache)."""
    statement = select(Dispute).where(col(Dispute.id) == dispute_id)
    return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def add_dispute(
    *, session: AsyncSession, entry: Entry, reason: str, opened_by_id: int, now: dt.datetime
) -> Dispute:
    """Open a dispute about an entry; DisputeExists when one is already open."""
    assert entry.id is not None
    dispute = Dispute(
        contract_id=entry.contract_id,
        entry_id=entry.id,
        status=DisputeStatus.OPEN.value,
        reason=reason,
        opened_by_id=opened_by_id,
        opened_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(dispute)
            await session.flush()
    except IntegrityError:
        raise DisputeExists(entry.id) from None
    return dispute


async def settle(
    *,
    session: AsyncSession,
    dispute_id: int,
    status: DisputeStatus,
    resolved_by_id: int,
    resolution: str,
    now: dt.datetime,
) -> bool:
    """Decide an open dispute; False when it was no longer open (someone decided first)."""
    disputes = table_of(Dispute)
    statement = (
        update(disputes)
        .where(disputes.c.id == dispute_id, disputes.c.status == DisputeStatus.OPEN.value)
        .values(
            status=status.value,
            resolved_by_id=resolved_by_id,
            resolved_at=now,
            resolution=resolution,
        )
    )
    result = await session.exec(statement)
    return bool(result.rowcount == 1)


async def add_dispute_photo(
    *,
    session: AsyncSession,
    dispute: Dispute,
    file_id: str,
    sha256: str,
    actor_id: int,
    now: dt.datetime,
) -> None:
    """Keep a photo the vendor lead sent with a dispute (in the append-only audit log)."""
    await audit(
        session=session,
        actor=f"person:{actor_id}",
        action=DISPUTE_PHOTO,
        subject=f"dispute:{dispute.id}",
        contract_id=dispute.contract_id,
        detail={"file_id": file_id, "sha256": sha256, "entry": dispute.entry_id},
        now=now,
    )


async def dispute_photos(*, session: AsyncSession, dispute: Dispute) -> list[str]:
    """The Telegram file ids of the photos sent with a dispute, in the order they came."""
    statement = (
        select(AuditRecord)
        .where(
            col(AuditRecord.contract_id) == dispute.contract_id,
            col(AuditRecord.action) == DISPUTE_PHOTO,
            col(AuditRecord.subject) == f"dispute:{dispute.id}",
        )
        .order_by(col(AuditRecord.id))
    )
    return [str(r.detail["file_id"]) for r in (await session.exec(statement)).all()]


async def closed_period(
    *, session: AsyncSession, contract_id: str, label: str
) -> ClosedPeriod | None:
    """The closed period's row (its figures and when it was closed), or None while it is open."""
    statement = select(ClosedPeriod).where(
        col(ClosedPeriod.contract_id) == contract_id, col(ClosedPeriod.period) == label
    )
    return (await session.exec(statement)).first()


# -- people -----------------------------------------------------------------------------


async def people_with_role(*, session: AsyncSession, contract_id: str, role: Role) -> list[Person]:
    """Everyone holding ``role`` on the contract, by id."""
    statement = (
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(col(Membership.contract_id) == contract_id, col(Membership.role) == role.value)
        .order_by(col(Person.id))
    )
    return list((await session.exec(statement)).all())


async def person_by_id(*, session: AsyncSession, person_id: int | None) -> Person | None:
    return None if person_id is None else await session.get(Person, person_id)
