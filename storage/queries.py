"""The ledger: record entries, act on them (append-only), and read a period's events.

Every function takes its arguments by keyword (``session=`` first) and leaves the
transaction to the caller. :func:`events_for_period` is the hot path: one GROUP BY over the
period's untouched entries plus the few entries that were voided or corrected.

Longer than most modules (about 500 lines) on purpose: the ledger's writes and the period's
read build on the same few statements and column conversions, which must not drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    func,
    insert,
    literal,
    null,
    type_coerce,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import NullType
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.assessment import Event
from scoring.measures import evidence_start
from scoring.periods import Period
from scoring.rulebook import RAW_KINDS, ItemKind, Rulebook
from scoring.term import term_of
from storage.errors import InvalidInputError, NotFoundError
from storage.models import (
    ActionKind,
    Entry,
    EntryAction,
    EntryState,
    Evidence,
    ProcessedUpdate,
)
from storage.rows import audit, flush_pending, table_of
from storage.types import UtcDateTime, quantity_from_db, utc_from_db

# Items whose events the engine needs one by one (it reads their timestamps).
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def dialect_name(*, session: AsyncSession) -> str:
    """The database the session works on: "sqlite" or "postgresql"."""
    bind = session.bind
    return (bind if bind is not None else session.get_bind()).dialect.name


ENTRIES = table_of(Entry)
ACTIONS = table_of(EntryAction)
EVIDENCE = table_of(Evidence)
PROCESSED = table_of(ProcessedUpdate)


# The statements of every report, as SQLAlchemy Core on the tables: a Core statement costs
# less than building the ORM object and flushing it. A Core statement does not flush the
# session's pending objects first, so the functions below do (storage.rows.flush_pending).
_ADD_ENTRY = insert(ENTRIES).returning(ENTRIES.c.id)
_ADD_EVIDENCE = insert(EVIDENCE).returning(EVIDENCE.c.id)
# Claiming an update id: an insert that does nothing when the id is taken (one per dialect).
_CLAIM = {
    dialect: upsert(PROCESSED).on_conflict_do_nothing(index_elements=["update_id"])
    for dialect, upsert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _require_aware(moment: dt.datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(f"{what} {moment.isoformat()} has no time zone offset")


def _require_quantity(quantity: Decimal) -> None:
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidInputError(f"quantity {quantity} must be a positive number")


# -- recording ------------------------------------------------------------------


def entry_row(contract_id: str, event: Event, now: dt.datetime, **origin: Any) -> dict[str, Any]:
    """The entries row of an event; ``origin``: who or what brought it (reporter, import)."""
    return {
        "contract_id": contract_id,
        "item": event.item,
        "occurred_at": event.occurred_at,
        "quantity": event.quantity,
        "value": event.value,
        "staff": event.staff,
        "note": event.note,
        "inspector": event.inspector,
        "created_at": now,
        **origin,
    }


async def record_entry(
    *,
    session: AsyncSession,
    contract_id: str,
    event: Event,
    now: dt.datetime,
    reported_by_id: int | None = None,
    source_chat_id: int | None = None,
    source_message_id: int | None = None,
) -> int:
    """Append one report or measurement; its id. The caller has checked the item against the
    rulebook (and holds what was written: building an ``Entry`` object would cost more than
    the insert)."""
    _require_aware(event.occurred_at, "occurred_at")
    _require_quantity(event.quantity)
    fields = entry_row(
        contract_id,
        event,
        now,
        reported_by_id=reported_by_id,
        source_chat_id=source_chat_id,
        source_message_id=source_message_id,
    )
    await flush_pending(session=session)
    return int((await session.exec(_ADD_ENTRY, params=fields)).scalar_one())


async def add_evidence(
    *,
    session: AsyncSession,
    entry_id: int,
    telegram_file_id: str,
    sha256: str,
    now: dt.datetime,
    telegram_file_unique_id: str | None = None,
) -> Evidence:
    """Attach a photo (its Telegram file id and the SHA-256 of the downloaded bytes)."""
    if not _SHA256.match(sha256):
        raise InvalidInputError(f"{sha256!r} is not a lowercase hex SHA-256")
    fields: dict[str, Any] = {
        "entry_id": entry_id,
        "telegram_file_id": telegram_file_id,
        "telegram_file_unique_id": telegram_file_unique_id,
        "sha256": sha256,
        "created_at": now,
    }
    await flush_pending(session=session)
    evidence_id = (await session.exec(_ADD_EVIDENCE, params=fields)).scalar_one()
    return Evidence(id=evidence_id, **fields)


async def claim_update(
    *, session: AsyncSession, update_id: int, now: dt.datetime | None = None
) -> bool:
    """Mark a Telegram update as processed; False when it already was (a redelivery)."""
    claim = _CLAIM[dialect_name(session=session)]
    await flush_pending(session=session)
    params = {"update_id": update_id, "processed_at": now or _utc_now()}
    return (await session.exec(claim, params=params)).rowcount == 1


# -- append-only actions ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryStatus:
    """An entry as it stands after its actions (the stored row itself never changes)."""

    entry: Entry
    actions: tuple[EntryAction, ...]
    voided: bool
    quantity: Decimal
    value: str | None
    state: EntryState


def _status(entry: Entry, actions: Sequence[EntryAction]) -> EntryStatus:
    voided, quantity, value, state = False, entry.quantity, entry.value, EntryState.RECORDED
    for action in actions:
        if action.kind == ActionKind.VOID:
            voided, state = True, EntryState.VOIDED
        elif action.kind == ActionKind.CORRECT and action.quantity is not None:
            quantity, value = action.quantity, action.value
        elif action.kind == ActionKind.STATE and action.state is not None and not voided:
            state = EntryState(action.state)
    return EntryStatus(entry, tuple(actions), voided, quantity, value, state)


async def entry_status(*, session: AsyncSession, entry_id: int) -> EntryStatus:
    """The entry, every action on it in order, and what they add up to."""
    entry = await session.get(Entry, entry_id)
    if entry is None:
        raise NotFoundError(f"there is no entry {entry_id}")
    statement = select(EntryAction).where(col(EntryAction.entry_id) == entry_id)
    actions = (await session.exec(statement.order_by(col(EntryAction.id)))).all()
    return _status(entry, actions)


async def _act(
    session: AsyncSession,
    *,
    entry_id: int,
    kind: ActionKind,
    actor_id: int,
    reason: str,
    now: dt.datetime,
    state: EntryState | None = None,
    quantity: Decimal | None = None,
    value: str | None = None,
) -> EntryAction:
    if not reason.strip():
        raise InvalidInputError("say why: an action on an entry needs a reason")
    status = await entry_status(session=session, entry_id=entry_id)
    if status.voided:
        raise InvalidInputError(f"entry {entry_id} is void; record a new entry instead")
    action = EntryAction(
        entry_id=entry_id,
        contract_id=status.entry.contract_id,
        kind=kind.value,
        state=state.value if state is not None else None,
        quantity=quantity,
        value=value,
        reason=reason.strip(),
        actor_id=actor_id,
        created_at=now,
    )
    session.add(action)
    detail = {"reason": action.reason, "state": action.state, "value": value}
    detail["quantity"] = str(quantity) if quantity is not None else None
    await audit(
        session=session,
        actor=f"person:{actor_id}",
        action=f"entry.{kind.value}",
        subject=f"entry:{entry_id}",
        contract_id=status.entry.contract_id,
        detail=detail,
        now=now,
    )
    await session.flush()
    return action


async def void_entry(
    *, session: AsyncSession, entry_id: int, actor_id: int, reason: str, now: dt.datetime
) -> EntryAction:
    """Void an entry: it stops counting; the entry and the void both stay on record."""
    return await _act(
        session, entry_id=entry_id, kind=ActionKind.VOID, actor_id=actor_id, reason=reason, now=now
    )


async def correct_entry(
    *,
    session: AsyncSession,
    entry_id: int,
    quantity: Decimal,
    value: str | None,
    actor_id: int,
    reason: str,
    now: dt.datetime,
) -> EntryAction:
    """Correct an entry's quantity and value (both given in full); the original stays."""
    _require_quantity(quantity)
    return await _act(
        session,
        entry_id=entry_id,
        kind=ActionKind.CORRECT,
        actor_id=actor_id,
        reason=reason,
        now=now,
        quantity=quantity,
        value=value,
    )


async def change_state(
    *,
    session: AsyncSession,
    entry_id: int,
    state: EntryState,
    actor_id: int,
    reason: str,
    now: dt.datetime,
) -> EntryAction:
    """Record a dispute state (disputed, upheld, withdrawn, adjusted); the score is unchanged."""
    if state in (EntryState.RECORDED, EntryState.VOIDED):
        raise InvalidInputError(f"{state.value!r} is not set by hand: void the entry instead")
    return await _act(
        session,
        entry_id=entry_id,
        kind=ActionKind.STATE,
        actor_id=actor_id,
        reason=reason,
        now=now,
        state=state,
    )


# -- the period's events (hot path) ------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _period_query(raw_codes: tuple[str, ...]) -> CompoundSelect[Any]:
    """The period's entries in one statement: grouped where it can, one by one where it must."""
    # A UNION ALL of (1) a row per (item, value) of the entries neither voided nor corrected
    # ("touched") nor of a raw kind (kpi, measure): the bare GROUP BY; (2) a row per touched
    # entry, found from its actions (usually none); (3) a row per untouched raw entry, with
    # its time (only when the rulebook has raw items). Built once per rulebook shape; the
    # contract and the period are parameters. Quantities and times come back as stored and
    # are converted by the caller, which costs less per row than the typed path.
    contract: BindParameter[str] = bindparam("contract_id")
    in_period = and_(
        ENTRIES.c.contract_id == contract,
        ENTRIES.c.occurred_at >= bindparam("start", type_=UtcDateTime()),
        ENTRIES.c.occurred_at < bindparam("end", type_=UtcDateTime()),
    )
    score_actions = and_(
        ACTIONS.c.contract_id == contract, ACTIONS.c.kind != ActionKind.STATE.value
    )
    untouched = ENTRIES.c.id.not_in(sa_select(ACTIONS.c.entry_id).where(score_actions))
    stored = NullType()
    grouped = (
        sa_select(
            ENTRIES.c.item,
            ENTRIES.c.value,
            func.count().label("n"),
            func.sum(ENTRIES.c.quantity, type_=stored).label("quantity"),
            null().label("occurred_at"),
            null().label("id"),
            literal(0).label("touched"),
        )
        .where(in_period, untouched, *([ENTRIES.c.item.not_in(raw_codes)] if raw_codes else []))
        .group_by(ENTRIES.c.item, ENTRIES.c.value)
    )

    def one_by_one(touched: int) -> Select[Any]:
        return sa_select(
            ENTRIES.c.item,
            ENTRIES.c.value,
            literal(1),
            type_coerce(ENTRIES.c.quantity, stored),
            type_coerce(ENTRIES.c.occurred_at, stored),
            ENTRIES.c.id,
            literal(touched),
        )

    touched = (
        one_by_one(1)
        .select_from(ACTIONS.join(ENTRIES, ENTRIES.c.id == ACTIONS.c.entry_id))
        .where(score_actions, in_period)
        .distinct()
    )
    if not raw_codes:
        return union_all(grouped, touched)
    raw = one_by_one(0).where(in_period, untouched, ENTRIES.c.item.in_(raw_codes))
    return union_all(grouped, touched, raw)


def _actions_query(entry_ids: list[int]) -> Select[Any]:
    """The voids and corrections of some entries, oldest first."""
    return (
        sa_select(ACTIONS.c.entry_id, ACTIONS.c.kind, ACTIONS.c.quantity, ACTIONS.c.value)
        .where(ACTIONS.c.entry_id.in_(entry_ids), ACTIONS.c.kind != ActionKind.STATE.value)
        .order_by(ACTIONS.c.id)
    )


def _apply(events: list[Event], actions: Iterable[Any]) -> list[Event]:
    """The touched entries as their voids and corrections leave them (void ones dropped)."""
    by_ref = {int(e.ref or 0): e for e in events}
    for action in actions:
        current = by_ref.get(action.entry_id)
        if current is None:
            continue
        if action.kind == ActionKind.VOID:
            del by_ref[action.entry_id]
        else:
            by_ref[action.entry_id] = replace(current, quantity=action.quantity, value=action.value)
    return list(by_ref.values())


def _merge(
    aggregated: dict[tuple[str, str | None], Event], event: Event, start: dt.datetime
) -> None:
    """Add one corrected entry to its (item, value) group."""
    key = (event.item, event.value)
    group = aggregated.get(key)
    if group is None:
        aggregated[key] = replace(event, occurred_at=start, ref=None)
        return
    quantity, count = group.quantity + event.quantity, group.count + 1
    aggregated[key] = replace(group, quantity=quantity, count=count)


async def events_for_period(
    *, session: AsyncSession, contract_id: str, book: Rulebook, period: Period
) -> list[Event]:
    """The contract's active events in the period, as the engine takes them."""
    # Deduction, bonus, fee and rating items come aggregated by (item, value) with their
    # count and summed quantity; such an event stands for many times and carries the first
    # instant of its part of the period as occurred_at (so call this once per assessment
    # period). The period is cut at the edges of the contract's term, so that what falls
    # outside it is aggregated apart (and counted, not scored, by the engine). Kpi, measure
    # and fact items come one event per entry, with its own time and ref = the entry id,
    # and KPI entries from the start of a KPI period that ends in this one (an annual
    # report recorded in May, assessed in January). Voided entries are left out,
    # corrections applied. One query per part, plus one more when a part has voids or
    # corrections.
    raw = frozenset(item.code for item in book.items if item.kind in RAW_KINDS)
    conn = await session.connection()
    out: list[Event] = []
    for start, end, _inside in term_of(book).parts(period):
        out.extend(await _events_between(conn, contract_id, raw, start, end))
    evidence = evidence_start(book, period)
    if evidence < period.start:
        before = dt.datetime.combine(evidence, dt.time(0), tzinfo=period.tz)
        kpis = frozenset(item.code for item in book.items if item.kind is ItemKind.KPI)
        earlier = await _events_between(conn, contract_id, raw, before, period.start_utc)
        out.extend(e for e in earlier if e.item in kpis)
    return out


async def _events_between(
    conn: AsyncConnection,
    contract_id: str,
    raw: frozenset[str],
    start: dt.datetime,
    end: dt.datetime,
) -> list[Event]:
    params = {"contract_id": contract_id, "start": start, "end": end}
    aggregated: dict[tuple[str, str | None], Event] = {}
    singles: list[Event] = []
    touched: list[Event] = []
    rows = (await conn.execute(_period_query(tuple(sorted(raw))), params)).all()
    for item, value, count, stored_quantity, stored_at, ref, was_touched in rows:
        quantity = quantity_from_db(stored_quantity)
        if ref is None:
            aggregated[(item, value)] = Event(item, start, quantity, value, count=count)
            continue
        single = Event(item, utc_from_db(stored_at), quantity, value, None, None, None, str(ref))
        (touched if was_touched else singles).append(single)
    if touched:
        actions = await conn.execute(_actions_query([int(e.ref or 0) for e in touched]))
        for event in _apply(touched, actions):
            if event.item in raw:
                singles.append(event)
            else:
                _merge(aggregated, event, start)
    ordered = sorted(aggregated.values(), key=lambda e: (e.item, e.value or ""))
    singles.sort(key=lambda e: (e.occurred_at, int(e.ref or 0)))
    return ordered + singles
