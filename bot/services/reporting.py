"""Reporting: one-line reports (with their photos and albums), the contract choice, undo, and
an inspector's own list.

A one-line report is the commonest request: one unit of work claims the update and records
the report (bot.services.recording), with the album's or the choice's state changed in the
same commit (bot.services.conversations), and its confirmation kept in the outbox
(bot.services.outbox: the handler renders it, the outbox sends it, again after an outage).
The id of the report recorded is noted on the request's receipt, so that a failure afterwards
is told as "recorded, but …".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.contracts import contract_books
from bot.services.conversation_state import Album, Pending
from bot.services.conversations import Conversations, chat_key
from bot.services.core import Asking, Core
from bot.services.drafts import Photo
from bot.services.errors import BotError
from bot.services.outbox import NOTHING, Notice, Outbox, Queued, Rows
from bot.services.recording import Recorded, add_photos, my_reports, quick_report, undo
from bot.texts.i18n import language_of
from scoring.rulebook import Label
from storage import bot_queries as bq
from storage.db import write_session
from storage.state_queries import ChatKey

PENDING_TOKEN_BYTES = 4
RECENT_REPORTS = 10


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A recorded report (``recorded.duplicate``: recorded before), for its confirmation with
    Undo; Undo is offered for ``undo_minutes`` from when the confirmation arrives; ``queued``:
    the confirmation in the outbox."""

    lang: str
    recorded: Recorded
    undo_minutes: int
    queued: Queued = NOTHING


# The confirmation's text and buttons (the handler's renderer, called inside the transaction).
Render = Callable[[Confirmed], tuple[str, Rows]]


@dataclass(frozen=True, slots=True)
class ContractChoice:
    """A one-line report that fits several contracts: which one (``q:TOKEN:INDEX``)."""

    lang: str
    token: str
    contracts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Undone:
    """A report voided by the inspector who made it."""

    lang: str
    entry_id: int


@dataclass(frozen=True, slots=True)
class MyReport:
    """One of an inspector's reports as it stands: ``state`` is recorded, voided or the
    state of a dispute about it; the time is in the contract's time zone."""

    entry_id: int
    occurred_at: dt.datetime
    item: str
    item_label: Label | None  # None when the contract's rulebook is not loaded
    staff: str | None
    photos: int
    state: str
    # What an edit (or a manager) corrected its figures to: quantity, value and the value's
    # label; None when it was never corrected.
    corrected: tuple[Decimal, str | None, Label | None] | None = None


@dataclass(frozen=True, slots=True)
class MyReports:
    """An inspector's latest reports, newest first."""

    lang: str
    reports: tuple[MyReport, ...]


class Reporting:
    """One-line reports, photos and albums, the contract choice, undo and /myreports."""

    def __init__(self, core: Core, outbox: Outbox) -> None:
        self.core = core
        self.outbox = outbox
        self.conversations = Conversations(core)

    @property
    def undo_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.core.settings.undo_window_minutes)

    async def language(self, asking: Asking) -> str:
        """The user's language (for a hint how to report)."""
        return (await self.core.actor(asking)).language

    async def one_line(
        self,
        asking: Asking,
        *,
        text: str,
        photos: Sequence[Photo],
        message_id: int,
        media_group: str | None,
        confirm: Render,
    ) -> Confirmed | ContractChoice:
        """``/late 张三 25``: record it from this message (with the photos, and those of its
        album that came first) and keep its confirmation, or ask which contract when it fits
        several."""
        core, conversations = self.core, self.conversations
        key = chat_key(asking)
        source = (asking.chat_id, message_id)
        async with core.work(asking, chat_lock=True) as uow:
            album = None
            if media_group is not None:
                album = await conversations.load_album(uow.session, key, media_group)
            everything = (album.waiting if album is not None else []) + list(photos)
            result = await quick_report(
                uow.session,
                actor=uow.actor,
                rulebooks=core.rulebooks,
                text=text,
                photos=everything,
                now=uow.now,
                source=source,
                source_is_update=True,
            )
            if isinstance(result, list):
                token = secrets.token_hex(PENDING_TOKEN_BYTES)
                pending = Pending(text, tuple(everything), source, media_group, tuple(result))
                await conversations.save_pending(uow.session, key, token, pending)
                return ContractChoice(uow.lang, token, tuple(result))
            if media_group is not None:
                await conversations.save_album(
                    uow.session, key, media_group, Album(result.entry_id)
                )
            confirmed = await self._keep(asking, uow.session, uow.lang, result, confirm, uow.now)
        return self._confirmed(asking, confirmed)

    async def choose_contract(
        self, asking: Asking, *, token: str, index: str, confirm: Render
    ) -> Confirmed:
        """The contract picked for a one-line report that fitted several (taken once)."""
        core, conversations = self.core, self.conversations
        key = chat_key(asking)
        async with core.work(asking, chat_lock=True) as uow:
            pending = await conversations.take_pending(uow.session, key, token)
            if pending is None or not index.isdecimal() or int(index) >= len(pending.contracts):
                raise BotError("choice_expired")
            result = await quick_report(
                uow.session,
                actor=uow.actor,
                rulebooks=core.rulebooks,
                text=pending.text,
                photos=pending.photos,
                now=uow.now,
                source=pending.source,
                source_is_update=False,
                contract_id=pending.contracts[int(index)],
            )
            if not isinstance(result, Recorded):  # one contract given: it cannot fit several
                raise BotError("choice_expired")
            if pending.media_group is not None:
                album = Album(result.entry_id)
                await conversations.save_album(uow.session, key, pending.media_group, album)
            confirmed = await self._keep(asking, uow.session, uow.lang, result, confirm, uow.now)
        return self._confirmed(asking, confirmed)

    async def _keep(
        self,
        asking: Asking,
        session: AsyncSession,
        lang: str,
        recorded: Recorded,
        confirm: Render,
        now: dt.datetime,
    ) -> Confirmed:
        """The report's confirmation, kept in the outbox in the report's transaction."""
        minutes = self.core.settings.undo_window_minutes
        confirmed = Confirmed(lang, recorded, minutes)
        text, buttons = confirm(confirmed)
        entry_id = None if recorded.duplicate else recorded.entry_id
        notice = Notice(asking.chat_id, "confirmation", text, buttons, None, entry_id, minutes)
        queued = await self.outbox.keep(session, [notice], now=now, send_now=True)
        return dataclasses.replace(confirmed, queued=queued)

    def _confirmed(self, asking: Asking, confirmed: Confirmed) -> Confirmed:
        """The committed report, noted on the receipt (see the module)."""
        asking.receipt.entry_id = confirmed.recorded.entry_id
        return confirmed

    async def album_photo(self, asking: Asking, *, media_group: str, photo: Photo) -> bool:
        """A photo of an album without a report command: evidence for the album's report, or
        kept until the report comes. True when it waits."""
        key = chat_key(asking)
        async with self.core.work(asking, chat_lock=True) as uow:
            conversations = self.conversations
            album = await conversations.load_album(uow.session, key, media_group) or Album()
            if album.entry_id is not None:
                await add_photos(
                    uow.session,
                    actor=uow.actor,
                    entry_id=album.entry_id,
                    photos=[photo],
                    now=uow.now,
                    window=self.undo_window,
                )
                return False
            album.waiting.append(photo)
            await conversations.save_album(uow.session, key, media_group, album)
        return True

    async def unreported_album(self, *, chat_id: int, user_id: int, media_group: str) -> str | None:
        """An album whose photos are still waiting for a report: drop them; the language to
        tell the user in how to report (None when the album found its report)."""
        core = self.core
        key = ChatKey(chat_id, user_id)
        async with write_session(core.sessions) as session:
            await bq.lock_chat(session=session, chat_id=chat_id)
            album = await self.conversations.load_album(session, key, media_group)
            if album is None or album.entry_id is not None:
                return None
            await self.conversations.save_album(session, key, media_group, None)
            person = await bq.person_by_telegram_id(session=session, telegram_user_id=user_id)
        return language_of(person.language if person else None, None, core.default_language)

    async def undo(self, asking: Asking, *, entry_id: int) -> Undone:
        """Undo: void one's own report while the undo window is open."""
        async with self.core.work(asking) as uow:
            await undo(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                entry_id=entry_id,
                now=uow.now,
                window=self.undo_window,
            )
        return Undone(uow.lang, entry_id)

    async def my_reports(self, asking: Asking) -> MyReports:
        """/myreports: the inspector's latest reports on contracts they still inspect."""
        async with self.core.read(asking) as uow:
            rows = await my_reports(uow.session, actor=uow.actor, limit=RECENT_REPORTS)
            books = await contract_books(uow.session, self.core.rulebooks)
        reports = []
        for row in rows:
            entry, book = row.entry, books.get(row.entry.contract_id)
            assert entry.id is not None
            zone = ZoneInfo(book.contract.timezone) if book else dt.UTC
            corrected = None
            if row.corrected is not None:
                spec = book.item(entry.item).value if book else None
                corrected = (*row.corrected, spec.label if spec else None)
            reports.append(
                MyReport(
                    entry.id,
                    entry.occurred_at.astimezone(zone),
                    entry.item,
                    book.item(entry.item).label if book else None,
                    entry.staff,
                    row.photos,
                    "voided" if row.voided else (row.state or "recorded"),
                    corrected,
                )
            )
        return MyReports(uow.lang, tuple(reports))
