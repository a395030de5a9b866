"""Recording reports: from a one-line command or the guided flow, once, with evidence; undo.

Every function takes the session (the caller owns the transaction) and ``now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.choices import books_for, contracts_with_command, narrow_by_staff, resolve_staff
from bot.services.drafts import (
    Cost,
    Draft,
    Photo,
    check_time,
    commands_of,
    cost_of,
    item_by_command,
    needs_staff,
    read_numbers,
)
from bot.services.entries import add_photo, store_report
from bot.services.errors import BotError
from bot.services.late_reports import hold_if_closed
from bot.services.outbox import undo_opened_at
from bot.services.parsing import QuickText, parse_quick
from bot.services.permissions import Action, Actor, require, require_any
from scoring.assessment import Event
from scoring.periods import period_of
from scoring.rulebook import Item, Rulebook
from storage import bot_queries as bq
from storage.errors import NotFoundError
from storage.locks import lock_contract
from storage.models import Entry
from storage.queries import (
    audit,
    entry_status,
    void_entry,
)

UNDO_REASON = "undone by the reporting inspector within the undo window"


@dataclass(frozen=True, slots=True)
class Recorded:
    """A report as stored: its entry's id, what it says, its item and cost; ``duplicate`` when
    it was there already."""

    entry_id: int
    draft: Draft
    book: Rulebook
    item: Item
    cost: Cost
    photos: int
    duplicate: bool = False


# -- one-line reports -------------------------------------------------------------------------


async def quick_draft(
    session: AsyncSession,
    *,
    book: Rulebook,
    contract_id: str,
    parsed: QuickText,
    now: dt.datetime,
) -> Draft:
    """A complete report from ``/late 张三 25 at 08:40``: item, staff, numbers and time checked."""
    item = item_by_command(book, parsed.command)
    if item is None:
        raise BotError(
            "unknown_item", command=parsed.command, contract=contract_id, commands=commands_of(book)
        )
    value, quantity = read_numbers(book, item, parsed.numbers, parsed.quantity)
    when = now if parsed.when is None else parsed.when.resolve(now, book.contract.timezone)
    if parsed.when is not None:
        check_time(book, when, now)  # (before the staff is looked up; "now" is checked on record)
    staff, on_roster = None, None
    if parsed.staff is not None:
        local_day = when.astimezone(ZoneInfo(book.contract.timezone)).date()
        staff, on_roster = await resolve_staff(
            session, contract_id=contract_id, text=parsed.staff, on=local_day, strict=True
        )
    elif needs_staff(item):
        raise BotError("needs_staff", item=item)
    return Draft(contract_id, item.code, when, quantity, value, staff, on_roster, note=parsed.note)


async def quick_report(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    text: str,
    photos: Sequence[Photo],
    now: dt.datetime,
    source: tuple[int, int],
    source_is_update: bool,
    contract_id: str | None = None,
) -> Recorded | list[str]:
    """Record a one-line report, or return the contracts to choose from when it is ambiguous."""
    parsed = parse_quick(text)
    contracts = require_any(actor, Action.REPORT)
    books = books_for(actor, rulebooks, contracts)
    candidates = contracts_with_command(books, parsed.command)
    if contract_id is not None:
        candidates = [contract_id] if contract_id in candidates else []
    if not candidates:
        first = contract_id or contracts[0]
        book = books.get(first) or books[contracts[0]]
        raise BotError(
            "unknown_item", command=parsed.command, contract=first, commands=commands_of(book)
        )
    if len(candidates) > 1:
        narrowed = await narrow_by_staff(session, books, candidates, parsed, now)
        candidates = narrowed or candidates
    if len(candidates) > 1:
        return candidates
    book = books[candidates[0]]
    draft = await quick_draft(session, book=book, contract_id=candidates[0], parsed=parsed, now=now)
    return await record(
        session,
        actor=actor,
        book=book,
        draft=draft.with_photos(tuple(photos)),
        now=now,
        source=source,
        source_is_update=source_is_update,
    )


async def ensure_open(
    session: AsyncSession, *, book: Rulebook, contract_id: str, when: dt.datetime
) -> None:
    """Refuse a time in an assessment period that has been closed."""
    period = period_of(book, when)
    if await bq.is_period_closed(session=session, contract_id=contract_id, period=period.label):
        raise BotError("period_closed", period=period.label)


# -- recording ------------------------------------------------------------------------------


async def record(
    session: AsyncSession,
    *,
    actor: Actor,
    book: Rulebook,
    draft: Draft,
    now: dt.datetime,
    source: tuple[int, int],
    source_is_update: bool = False,
) -> Recorded:
    """Record a report exactly once per source message (chat id, message id).

    A second attempt from the same message (a double-tapped Confirm) returns the first
    report marked ``duplicate``. When the source is the update's own message, the caller's
    claim of the update id already guarantees that (``source_is_update``: no look-up).
    """
    require(actor, Action.REPORT, draft.contract_id)
    chat_id, message_id = source
    if not source_is_update:
        await bq.lock_chat(session=session, chat_id=chat_id)
        existing = await bq.entry_by_source(
            session=session, contract_id=draft.contract_id, chat_id=chat_id, message_id=message_id
        )
        if existing is not None:
            assert existing.id is not None
            photos = len(await bq.evidence_of(session=session, entry_id=existing.id))
            return _recorded(book, existing.id, draft_of_entry(existing), photos, duplicate=True)
    check_time(book, draft.occurred_at, now)
    # A closed period's figures were sent: the report waits for a manager
    # (bot.services.late_reports).
    await lock_contract(session=session, contract_id=draft.contract_id)
    await hold_if_closed(session, actor=actor, book=book, draft=draft, now=now, source=source)
    entry_id = await _insert(session, actor, draft, now, source)
    await _audit_report(session, actor, entry_id, draft, now)
    return _recorded(book, entry_id, draft, len(draft.photos), duplicate=False)


async def _insert(
    session: AsyncSession, actor: Actor, draft: Draft, now: dt.datetime, source: tuple[int, int]
) -> int:
    event = Event(
        item=draft.item,
        occurred_at=draft.occurred_at,
        quantity=draft.quantity,
        value=draft.value,
        staff=draft.staff,
        note=draft.note,
        inspector=actor.name,
    )
    return await store_report(
        session,
        contract_id=draft.contract_id,
        event=event,
        photos=draft.photos,
        now=now,
        reported_by_id=actor.person_id,
        source=source,
    )


async def _audit_report(
    session: AsyncSession, actor: Actor, entry_id: int, draft: Draft, now: dt.datetime
) -> None:
    detail: dict[str, object] = {"item": draft.item, "staff": draft.staff, "value": draft.value}
    detail["quantity"] = str(draft.quantity)
    detail["staff_on_roster"] = draft.staff_on_roster
    detail["photos"] = [p.sha256 for p in draft.photos]
    await audit(
        session=session,
        actor=f"person:{actor.person_id}",
        action="entry.report",
        subject=f"entry:{entry_id}",
        contract_id=draft.contract_id,
        detail=detail,
        now=now,
    )


def draft_of_entry(entry: Entry) -> Draft:
    """A Draft view of a stored entry (what a duplicate's confirmation shows)."""
    return Draft(
        contract_id=entry.contract_id,
        item=entry.item,
        occurred_at=entry.occurred_at,
        quantity=entry.quantity,
        value=entry.value,
        staff=entry.staff,
        note=entry.note,
    )


def _recorded(
    book: Rulebook, entry_id: int, draft: Draft, photos: int, *, duplicate: bool
) -> Recorded:
    item = book.item(draft.item)
    cost = cost_of(book, item, draft.value, draft.quantity)
    return Recorded(entry_id, draft, book, item, cost, photos, duplicate)


# -- after recording: more photos, undo --------------------------------------------------------


async def _own_open_entry(
    session: AsyncSession, actor: Actor, entry_id: int, now: dt.datetime, window: dt.timedelta
) -> Entry:
    """The actor's own entry, not voided, whose confirmation arrived less than ``window`` ago."""
    try:
        status = await entry_status(session=session, entry_id=entry_id)
    except NotFoundError:
        raise BotError("entry_unknown", entry=entry_id) from None
    entry = status.entry
    if entry.reported_by_id is None or entry.reported_by_id != actor.person_id:
        raise BotError("entry_not_yours", entry=entry_id)
    require(actor, Action.UNDO, entry.contract_id)
    if status.voided:
        raise BotError("undo_already", entry=entry_id)
    # The window opens when the confirmation with the Undo button arrives (after an outage of
    # the Bot API that can be long after the report was recorded).
    opened = await undo_opened_at(session, entry_id=entry_id, recorded_at=entry.created_at, now=now)
    if now - opened > window:
        minutes = int(window.total_seconds() // 60)
        raise BotError("undo_expired", entry=entry_id, minutes=minutes)
    return entry


async def add_photos(
    session: AsyncSession,
    *,
    actor: Actor,
    entry_id: int,
    photos: Sequence[Photo],
    now: dt.datetime,
    window: dt.timedelta,
) -> None:
    """Attach more photos (the rest of an album) to one's own recent report."""
    await _own_open_entry(session, actor, entry_id, now, window)
    for photo in photos:
        await add_photo(session, entry_id, photo, now)


async def undo(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    entry_id: int,
    now: dt.datetime,
    window: dt.timedelta,
) -> Entry:
    """Void one's own report within the undo window (the entry stays on record, voided),
    unless its period has been closed since (its figures were sent)."""
    entry = await _own_open_entry(session, actor, entry_id, now, window)
    assert actor.person_id is not None
    # The report counts in figures that were sent once its period closed: undo is refused.
    await lock_contract(session=session, contract_id=entry.contract_id)
    book = rulebooks.get(actor.rulebooks.get(entry.contract_id, ""))
    if book is not None:
        period = period_of(book, entry.occurred_at).label
        if await bq.is_period_closed(session=session, contract_id=entry.contract_id, period=period):
            raise BotError("undo_period_closed", entry=entry_id, period=period)
    await void_entry(
        session=session, entry_id=entry_id, actor_id=actor.person_id, reason=UNDO_REASON, now=now
    )
    return entry


async def my_reports(session: AsyncSession, *, actor: Actor, limit: int) -> list[bq.ReportRow]:
    """The inspector's latest reports on contracts they still inspect, newest first."""
    contracts = set(require_any(actor, Action.MY_REPORTS))
    assert actor.person_id is not None
    rows = await bq.reports_by(session=session, person_id=actor.person_id, limit=limit)
    return [r for r in rows if r.entry.contract_id in contracts]
