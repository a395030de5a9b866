"""Reports for a closed period: held for a manager's approval, then recorded as adjustments.

Once a period's assessment is sent the period is closed (bot.services.digests.runner): its figures
as sent never change silently. An inspector's report dated in it is kept as a late report and goes
to the contract's managers with Approve / Reject; approved, it becomes an entry (its own time,
its evidence) and the next digest lists it as an adjustment next to the figures sent.
Every function takes the session (the caller owns the transaction) and ``now``; a late report
leaves this module as a :class:`LateRequest`, the plain record its messages are written from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.conversation_state import decode_photos
from bot.services.drafts import Draft
from bot.services.entries import store_report
from bot.services.errors import BotError, KeptBotError
from bot.services.permissions import Action, Actor, require
from scoring.assessment import Event
from scoring.periods import period_of
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage import late_queries as lq
from storage.locks import lock_contract
from storage.models import LateReport, LateReportStatus, Role
from storage.queries import audit

# Who decides late reports; admins only where a contract has no manager.
DECIDERS = (Role.MANAGER,)
FALLBACK_DECIDERS = (Role.ADMIN,)


@dataclass(frozen=True, slots=True)
class LateRequest:
    """A late report as its messages show it: what was reported, when, by whom, and its state."""

    id: int
    contract_id: str
    period: str
    item: str
    occurred_at: dt.datetime
    quantity: Decimal
    value: str | None
    staff: str | None
    note: str | None
    inspector: str | None
    photo_count: int  # the photos that came with it
    status: str
    entry_id: int | None  # the entry it became, once approved

    @property
    def approved(self) -> bool:
        return self.status == LateReportStatus.APPROVED.value

    @classmethod
    def of(cls, late: LateReport) -> LateRequest:
        assert late.id is not None
        return cls(
            late.id,
            late.contract_id,
            late.period,
            late.item,
            late.occurred_at,
            late.quantity,
            late.value,
            late.staff,
            late.note,
            late.inspector,
            len(late.photos),
            late.status,
            late.entry_id,
        )


class LateReportHeld(KeptBotError):
    """The report's period is closed: it was kept for a manager (the request stays stored)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """A late report after a manager's tap: decided now by them, or earlier by someone."""

    late: LateReport
    decided_now: bool
    by: str  # who decided it
    entry_id: int | None


async def hold_if_closed(
    session: AsyncSession,
    *,
    actor: Actor,
    book: Rulebook,
    draft: Draft,
    now: dt.datetime,
    source: tuple[int, int],
) -> None:
    """Raise LateReportHeld (after keeping the request) when the draft's period is closed."""
    period = period_of(book, draft.occurred_at)
    if not await bq.is_period_closed(
        session=session, contract_id=draft.contract_id, period=period.label
    ):
        return
    chat_id, message_id = source
    late = await lq.late_by_source(
        session=session, contract_id=draft.contract_id, chat_id=chat_id, message_id=message_id
    )
    if late is None:
        late = await _keep(session, actor, draft, period.label, now, source)
    raise LateReportHeld("late_held", period=period.label, request=late.id)


async def _keep(
    session: AsyncSession,
    actor: Actor,
    draft: Draft,
    period: str,
    now: dt.datetime,
    source: tuple[int, int],
) -> LateReport:
    """Store the late report and a pending delivery of it to each manager of the contract."""
    late = LateReport(
        contract_id=draft.contract_id,
        period=period,
        item=draft.item,
        occurred_at=draft.occurred_at,
        quantity=draft.quantity,
        value=draft.value,
        staff=draft.staff,
        note=draft.note,
        inspector=actor.name,
        photos=[
            {"file_id": p.file_id, "file_unique_id": p.file_unique_id, "sha256": p.sha256}
            for p in draft.photos
        ],
        reported_by_id=actor.person_id,
        source_chat_id=source[0],
        source_message_id=source[1],
        status=LateReportStatus.PENDING.value,
        created_at=now,
    )
    session.add(late)
    await session.flush()
    deciders = await dq.people_with_roles(
        session=session, contract_id=draft.contract_id, roles=DECIDERS
    )
    if not deciders:
        deciders = await dq.people_with_roles(
            session=session, contract_id=draft.contract_id, roles=FALLBACK_DECIDERS
        )
    label = f"{dq.LATE_PREFIX}{late.id}"
    rows = [dlq.NewDelivery(draft.contract_id, dq.KIND_LATE, label, now, p) for p in deciders]
    await dlq.add_deliveries(session=session, rows=rows)
    await audit(
        session=session,
        actor=f"person:{actor.person_id}",
        action="late.request",
        subject=f"late:{late.id}",
        contract_id=draft.contract_id,
        detail={"period": period, "item": draft.item, "occurred_at": draft.occurred_at.isoformat()},
        now=now,
    )
    return late


async def decide(
    session: AsyncSession, *, actor: Actor, late_id: int, approve: bool, now: dt.datetime
) -> Decision:
    """Approve (record the entry) or reject a late report, once; a second tap is told who did."""
    late = await lq.late_report(session=session, late_id=late_id)
    if late is None:
        raise BotError("late_unknown", request=late_id)
    require(actor, Action.APPROVE_LATE, late.contract_id)
    assert actor.person_id is not None
    status = LateReportStatus.APPROVED if approve else LateReportStatus.REJECTED
    won = late.status == LateReportStatus.PENDING.value and await lq.decide_late(
        session=session, late_id=late_id, status=status, person_id=actor.person_id, now=now
    )
    if not won:
        late = await lq.late_report(session=session, late_id=late_id)
        assert late is not None
        names = await dq.names_of(session=session, person_ids=[late.decided_by_id or 0])
        return Decision(late, False, names.get(late.decided_by_id or 0, "—"), late.entry_id)
    entry_id = await _record(session, late, now) if approve else None
    await audit(
        session=session,
        actor=f"person:{actor.person_id}",
        action=f"late.{status.value}",
        subject=f"late:{late_id}",
        contract_id=late.contract_id,
        detail={"period": late.period, "entry": entry_id},
        now=now,
    )
    decided = await lq.late_report(session=session, late_id=late_id)
    assert decided is not None
    return Decision(decided, True, actor.name, entry_id)


async def _record(session: AsyncSession, late: LateReport, now: dt.datetime) -> int:
    """The approved report as an entry, at its own time, with its photos."""
    await lock_contract(
        session=session, contract_id=late.contract_id
    )  # as every entry insert (storage.locks)
    event = Event(
        item=late.item,
        occurred_at=late.occurred_at,
        quantity=late.quantity,
        value=late.value,
        staff=late.staff,
        note=late.note,
        inspector=late.inspector,
    )
    entry_id = await store_report(
        session,
        contract_id=late.contract_id,
        event=event,
        photos=decode_photos(late.photos),
        now=now,
        reported_by_id=late.reported_by_id,
        source=(late.source_chat_id, late.source_message_id),
    )
    assert late.id is not None
    await lq.link_entry(session=session, late_id=late.id, entry_id=entry_id)
    return entry_id
