"""Corrections by edit: an inspector edits the message that recorded a one-line report.

Within the undo window the edit corrects the report's figures (its value and quantity) with an
append-only correction action on the ledger (storage.queries.correct_entry, which writes the
audit line); the entry itself never changes. Everything else is refused with a reason and
writes nothing: an edit after the window or in a closed period, of a report undone, of a
message that recorded nothing, one that no longer reads as a report, or one that changes the
item, the contract, the staff, the time or the note (undo and report again for those).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.core import Asking, Core
from bot.services.drafts import Cost, Draft, cost_of, item_by_command
from bot.services.errors import BotError
from bot.services.outbox import undo_opened_at
from bot.services.parsing import command_name, parse_quick
from bot.services.permissions import Action, Actor, require
from bot.services.recording import draft_of_entry, quick_draft
from scoring.periods import period_of
from scoring.rulebook import Item, Rulebook
from storage import bot_queries as bq
from storage.locks import lock_contract
from storage.queries import EntryStatus, correct_entry, entry_status

EDIT_REASON = "corrected by the reporting inspector, who edited the report's message"


@dataclass(frozen=True, slots=True)
class Corrected:
    """A report corrected by an edit: what it said before, and what it says now."""

    lang: str
    entry_id: int
    book: Rulebook
    item: Item
    before: Draft
    after: Draft
    cost: Cost


class Corrections:
    """An edited report message: correct the report within the undo window, or say why not."""

    def __init__(self, core: Core) -> None:
        self.core = core

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.core.settings.undo_window_minutes)

    async def edited(self, asking: Asking, *, message_id: int, text: str) -> Corrected:
        """The message ``message_id`` of the asker's chat now reads ``text``."""
        async with self.core.work(asking, chat_lock=True) as uow:
            entry = await bq.entry_from_message(
                session=uow.session, chat_id=asking.chat_id, message_id=message_id
            )
            if entry is None or entry.id is None:
                raise BotError("edit_nothing_recorded")
            status, book = await self._open(uow.session, uow.actor, entry.id, uow.now)
            before = _as_it_stands(status)
            after = await _draft_from_edit(uow.session, book=book, status=status, text=text)
            if (after.value, after.quantity) == (before.value, before.quantity):
                raise BotError("edit_no_change", entry=entry.id)
            assert uow.actor.person_id is not None
            await correct_entry(
                session=uow.session,
                entry_id=entry.id,
                quantity=after.quantity,
                value=after.value,
                actor_id=uow.actor.person_id,
                reason=EDIT_REASON,
                now=uow.now,
            )
        asking.receipt.entry_id = entry.id
        item = book.item(after.item)
        cost = cost_of(book, item, after.value, after.quantity)
        return Corrected(uow.lang, entry.id, book, item, before, after, cost)

    async def _open(
        self, session: AsyncSession, actor: Actor, entry_id: int, now: dt.datetime
    ) -> tuple[EntryStatus, Rulebook]:
        """The actor's own report, not undone, within the window, in a period still open;
        and its contract's rulebook."""
        status = await entry_status(session=session, entry_id=entry_id)
        entry = status.entry
        if entry.reported_by_id is None or entry.reported_by_id != actor.person_id:
            raise BotError("entry_not_yours", entry=entry_id)
        require(actor, Action.UNDO, entry.contract_id)
        if status.voided:
            raise BotError("edit_voided", entry=entry_id)
        # The same window as Undo: open from when the confirmation arrived (bot.services.outbox).
        opened = await undo_opened_at(
            session, entry_id=entry_id, recorded_at=entry.created_at, now=now
        )
        if now - opened > self.window:
            minutes = self.core.settings.undo_window_minutes
            raise BotError("edit_too_late", entry=entry_id, minutes=minutes)
        # Serialised with closing the period, as undo is: a closed period's figures were sent.
        await lock_contract(session=session, contract_id=entry.contract_id)
        book = self._book(actor, status)
        period = period_of(book, entry.occurred_at).label
        if await bq.is_period_closed(session=session, contract_id=entry.contract_id, period=period):
            raise BotError("edit_period_closed", entry=entry_id, period=period)
        return status, book

    def _book(self, actor: Actor, status: EntryStatus) -> Rulebook:
        book = self.core.rulebooks.get(actor.rulebooks.get(status.entry.contract_id, ""))
        if book is None:
            raise BotError("rulebook_missing", contract=status.entry.contract_id)
        return book


def _as_it_stands(status: EntryStatus) -> Draft:
    """The report with the corrections made so far."""
    draft = draft_of_entry(status.entry)
    return Draft(
        contract_id=draft.contract_id,
        item=draft.item,
        occurred_at=draft.occurred_at,
        quantity=Decimal(status.quantity),
        value=status.value,
        staff=draft.staff,
        note=draft.note,
    )


async def _draft_from_edit(
    session: AsyncSession, *, book: Rulebook, status: EntryStatus, text: str
) -> Draft:
    """The report the edited text describes, on the entry's contract, read as it was first
    read (a time given relative to when it was recorded); refused unless only its figures
    changed."""
    entry = status.entry
    if command_name(text) is None:
        raise BotError("edit_no_command", entry=entry.id)
    parsed = parse_quick(text)
    item = item_by_command(book, parsed.command)
    if item is None or item.code != entry.item:
        raise BotError("edit_other_item", entry=entry.id, item=book.item(entry.item))
    try:
        draft = await quick_draft(
            session, book=book, contract_id=entry.contract_id, parsed=parsed, now=entry.created_at
        )
    except BotError as refusal:
        raise BotError("edit_unreadable", entry=entry.id, reason=refusal) from refusal
    if (draft.staff, draft.occurred_at, draft.note) != (entry.staff, entry.occurred_at, entry.note):
        raise BotError("edit_other_fields", entry=entry.id)
    return draft
