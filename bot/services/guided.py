"""The guided report (``/report``): a form kept in the database, shown as one card.

Every step is one unit of work that holds the chat's lock and claims the update: it reads the
form, applies the step (bot.services.guided_inputs), builds the card's next step
(bot.services.guided_card) and writes the form back — or, on Confirm, records the report and
ends the form in the same commit. So any bot process can take the next step, a restart keeps
the form, and a redelivered step is not applied twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.services.actors import load_actor
from bot.services.choices import books_for
from bot.services.conversations import Conversations, chat_key
from bot.services.core import Asking, Core, UnitOfWork
from bot.services.drafts import Photo
from bot.services.errors import BotError, KeptBotError
from bot.services.guided_card import Card, card_of
from bot.services.guided_form import Form, Step
from bot.services.guided_inputs import apply_button, apply_text
from bot.services.outbox import Notice, Outbox
from bot.services.permissions import Action, Actor, require, require_any
from bot.services.recording import record
from bot.services.reporting import Confirmed, Render
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage.state_queries import ChatKey


@dataclass(frozen=True, slots=True)
class Started:
    """A new form's first card; ``previous_card``: an earlier form's card, to take the buttons
    off."""

    card: Card
    previous_card: int | None


@dataclass(frozen=True, slots=True)
class PhotoTaken:
    """The card after a photo; ``same_album``: the photo belongs to the album whose card is on
    screen, so that card is updated instead of sending another."""

    card: Card
    same_album: bool


@dataclass(frozen=True, slots=True)
class Cancelled:
    """/cancel: whether there was a form, and its card (to take the buttons off)."""

    lang: str
    had_form: bool
    card_id: int | None


@dataclass(frozen=True, slots=True)
class Stale:
    """A ``rep:`` button that is not on the live card: the report recorded from it, if any."""

    lang: str
    entry_id: int | None


@dataclass(frozen=True, slots=True)
class Pressed:
    """What a button did: the card's next step, the report recorded, or the form cancelled."""

    lang: str
    card: Card | None = None
    confirmed: Confirmed | None = None
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Press:
    """One press inside its unit of work: the form and the button's fields."""

    uow: UnitOfWork
    key: ChatKey
    form: Form
    args: Sequence[str]
    confirm: Render  # the confirmation's text and buttons, for the outbox


def may_fill(actor: Actor, form: Form) -> None:
    """The user still inspects the form's contract (a role taken away ends the form's use)."""
    if form.contract is None:
        require_any(actor, Action.REPORT)
    else:
        require(actor, Action.REPORT, form.contract)


def _pick(options: list[str], args: Sequence[str]) -> str | None:
    if len(args) < 2 or not args[1].isdecimal() or int(args[1]) >= len(options):
        return None
    return options[int(args[1])]


class GuidedReports:
    """The steps of a guided report: start, typed answers, photos, buttons, cancel."""

    def __init__(self, core: Core, outbox: Outbox) -> None:
        self.core = core
        self.outbox = outbox
        self.conversations = Conversations(core)
        self._buttons: dict[str, Callable[[Press], Awaitable[Pressed | None]]] = {
            "c": self._contract,
            **dict.fromkeys(("s", "i", "back", "st", "v", "q", "ph", "edit", "e"), self._apply),
            "ok": self._confirm,
            "x": self._cancel,
        }

    def book_of(self, form: Form) -> Rulebook | None:
        rulebook_id = form.rulebook_id
        return None if rulebook_id is None else self.core.rulebooks.get(rulebook_id)

    async def start(self, asking: Asking, *, photo: Photo | None) -> Started:
        """/report: a new form (with the photo it replies to), replacing an unfinished one."""
        core, key = self.core, chat_key(asking)
        async with core.work(asking, chat_lock=True) as uow:
            books = books_for(uow.actor, core.rulebooks, require_any(uow.actor, Action.REPORT))
            previous = await self.conversations.load_form(uow.session, key)
            form = Form(uow.now, list(books), {c: b.id for c, b in books.items()}, key.chat_id)
            if len(form.contracts) == 1:
                form.choose_contract(form.contracts[0])
            if photo is not None:
                form.photos.append(photo)
            card = await self._keep(uow, key, form)
        return Started(card, previous.card_id if previous is not None else None)

    async def answer(self, asking: Asking, *, text: str) -> Card:
        """A typed answer: staff name, value, quantity or time, as the form's step asks."""
        key = chat_key(asking)
        async with self.core.work(asking, chat_lock=True) as uow:
            form = await self._open_form(uow, key)
            book = self.book_of(form)
            if book is None:
                raise BotError("rep_need_text")
            await apply_text(uow.session, form, book, text, uow.now)
            return await self._keep(uow, key, form)

    async def add_photo(
        self, asking: Asking, *, photo: Photo, media_group: str | None
    ) -> PhotoTaken:
        """A photo during the form: evidence for it (an album fills one card)."""
        key = chat_key(asking)
        async with self.core.work(asking, chat_lock=True) as uow:
            form = await self._open_form(uow, key)
            form.photos.append(photo)
            same_album = media_group is not None and media_group == form.media_group
            form.media_group = media_group
            card = await self._keep(uow, key, form)
        return PhotoTaken(card, same_album and form.card_id is not None)

    async def cancel(self, asking: Asking) -> Cancelled:
        """/cancel: drop the form, if there is one."""
        key = chat_key(asking)
        async with self.core.work(asking, chat_lock=True) as uow:
            form = await self.conversations.load_form(uow.session, key)
            await self.conversations.save_form(uow.session, key, None)
        card_id = form.card_id if form is not None else None
        return Cancelled(uow.lang, form is not None, card_id)

    async def card_sent(self, asking: Asking, *, started_at: dt.datetime, card_id: int) -> None:
        """Remember the card just sent for the form started at ``started_at`` (if still open)."""
        await self.conversations.set_card(chat_key(asking), started_at, card_id)

    async def stale(self, asking: Asking, *, message_id: int | None) -> Stale | None:
        """None when a ``rep:`` button is on the live card; else what to tell (read only)."""
        core, key = self.core, chat_key(asking)
        async with core.sessions() as session:
            form = await self.conversations.load_form(session, key)
            if form is not None and message_id is not None and form.card_id == message_id:
                return None
            actor = await load_actor(session, asking.user, core.default_language)
            entry = None
            if message_id is not None:
                entry = await bq.entry_from_message(
                    session=session, chat_id=asking.chat_id, message_id=message_id
                )
        return Stale(actor.language, entry.id if entry is not None else None)

    async def press(
        self, asking: Asking, *, message_id: int | None, args: Sequence[str], confirm: Render
    ) -> Pressed | None:
        """A ``rep:`` button of the card ``message_id``; None when there is nothing to show."""
        action = self._buttons.get(args[0]) if args else None
        if action is None:
            return None
        key = chat_key(asking)
        async with self.core.work(asking, chat_lock=True) as uow:
            form = await self.conversations.load_form(uow.session, key)
            if form is None or message_id is None or form.card_id != message_id:
                return None  # the form ended since the button was found live
            allowed = uow.actor.contracts_for(Action.REPORT)
            if not allowed or (form.contract is not None and form.contract not in allowed):
                await self.conversations.save_form(uow.session, key, None)
                raise KeptBotError("forbidden_report", contract=form.contract or "")
            pressed = await action(Press(uow, key, form, args, confirm))
        if pressed is not None and pressed.confirmed is not None:
            asking.receipt.entry_id = pressed.confirmed.recorded.entry_id
        return pressed

    # -- inside a unit of work ----------------------------------------------------------------

    async def _open_form(self, uow: UnitOfWork, key: ChatKey) -> Form:
        form = await self.conversations.load_form(uow.session, key)
        if form is None:
            raise BotError("rep_inactive")
        may_fill(uow.actor, form)
        return form

    async def _keep(self, uow: UnitOfWork, key: ChatKey, form: Form) -> Card:
        """The card of the form's next step, then the form saved (building the card may fill
        some of its fields)."""
        assert uow.actor.person_id is not None
        book = self.book_of(form)
        card = await card_of(uow.session, form, book, lang=uow.lang, person_id=uow.actor.person_id)
        await self.conversations.save_form(uow.session, key, form)
        return card

    async def _contract(self, press: Press) -> Pressed:
        contract = _pick(press.form.contracts, press.args)
        if contract is None:
            raise BotError("rep_inactive")
        if not press.uow.actor.may(Action.REPORT, contract):
            raise BotError("forbidden_report", contract=contract)
        press.form.choose_contract(contract)
        return Pressed(press.uow.lang, card=await self._keep(press.uow, press.key, press.form))

    async def _apply(self, press: Press) -> Pressed | None:
        """Buttons that set one field of the form (section, item, staff, value, quantity ...)."""
        book = self.book_of(press.form)
        if book is None:
            return None
        apply_button(press.form, book, list(press.args))
        return Pressed(press.uow.lang, card=await self._keep(press.uow, press.key, press.form))

    async def _confirm(self, press: Press) -> Pressed | None:
        """Confirm: record the report once (keyed by this card) and end the form, in one commit."""
        form, uow = press.form, press.uow
        book = self.book_of(form)
        if book is None or form.card_id is None or form.next_step(book) is not Step.CONFIRM:
            return None
        source = (form.chat_id, form.card_id)
        recorded = await record(
            uow.session, actor=uow.actor, book=book, draft=form.draft(), now=uow.now, source=source
        )
        await self.conversations.save_form(uow.session, press.key, None)
        # The confirmation with Undo is kept in the outbox in this same commit, like a one-line
        # report's: sent as a new message, and sent again after an outage of the Bot API.
        minutes = self.core.settings.undo_window_minutes
        confirmed = Confirmed(uow.lang, recorded, minutes)
        text, buttons = press.confirm(confirmed)
        entry_id = None if recorded.duplicate else recorded.entry_id
        notice = Notice(press.key.chat_id, "confirmation", text, buttons, None, entry_id, minutes)
        queued = await self.outbox.keep(uow.session, [notice], now=uow.now, send_now=True)
        return Pressed(uow.lang, confirmed=dataclasses.replace(confirmed, queued=queued))

    async def _cancel(self, press: Press) -> Pressed:
        await self.conversations.save_form(press.uow.session, press.key, None)
        return Pressed(press.uow.lang, cancelled=True)
