"""The bookkeeping around every update: redeliveries dropped, ids remembered, old state swept.

Telegram delivers an update again when its first delivery was not acknowledged (a crash, a
restart). Requests that change something claim the update's id in their own unit of work;
the rest are remembered once answered (:meth:`Bookkeeping.remember`), so a redelivery of any
update is recognised before it is handled again (:meth:`Bookkeeping.arrival`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.conversation_state import FORM, decode_form
from bot.services.conversations import chat_key
from bot.services.core import Asking, Core
from storage import state_queries as sq
from storage.db import write_session
from storage.queries import claim_update

SWEEP_BATCH = 200


@dataclass(frozen=True, slots=True)
class Card:
    """A report form's card whose buttons should go (the form timed out)."""

    chat_id: int
    message_id: int


class Bookkeeping:
    """Redeliveries, remembered update ids, the unfinished work a message may continue."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def arrival(self, update_id: int, *, continuing: Asking | None = None) -> bool:
        """Whether the update is new. For a message that may continue unfinished work
        (``continuing``), note on its receipt the kinds of work the user has open: read once,
        before routing, so every bot process routes it the same way."""
        async with self.core.sessions() as session:
            if await sq.processed(session=session, update_id=update_id):
                return False
            if continuing is not None:
                key, now = chat_key(continuing), self.core.clock.now()
                continuing.receipt.open = await sq.open_kinds(session=session, key=key, now=now)
        return True

    async def remember(self, update_id: int) -> None:
        """Remember an answered update's id (requests that claimed it themselves are skipped)."""
        async with write_session(self.core.sessions) as session:
            await claim_update(session=session, update_id=update_id, now=self.core.clock.now())

    async def sweep(self) -> list[Card]:
        """Remove expired unfinished work; the cards of report forms that timed out."""
        now = self.core.clock.now()
        cards: list[Card] = []
        async with write_session(self.core.sessions) as session:
            for row in await sq.expired(session=session, now=now, limit=SWEEP_BATCH):
                removed = await sq.remove_if_expired(session=session, row=row, now=now)
                form = decode_form(row.data) if removed and row.kind == FORM else None
                if form is not None and form.card_id is not None:
                    cards.append(Card(form.chat_id, form.card_id))
        return cards
