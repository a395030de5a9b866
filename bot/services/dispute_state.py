"""A dispute or a decision in progress in chat, kept in the database between messages.

A vendor lead's dispute (a :class:`Draft`) waits for its reason (DISPUTE_REASON), then takes
photos once it is sent (DISPUTE_PHOTOS); a manager's decision (a :class:`Choice`) waits for
its reason (DECISION). They are stored as JSON in the conversation state
(bot.services.conversations), read and written in the unit of work of the step that changes
them, which holds the chat's lock. A refused step ends the conversation
(:meth:`DisputeState.ending_on_refusal`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.conversation_state import DECISION, DISPUTE_PHOTOS, DISPUTE_REASON, ENCODING
from bot.services.conversations import Conversations
from bot.services.drafts import Photo
from bot.services.errors import BotError, KeptBotError
from bot.services.findings import Outcome
from storage.state_queries import ChatKey

logger = logging.getLogger(__name__)
T = TypeVar("T")
DISPUTE_KINDS = (DISPUTE_REASON, DISPUTE_PHOTOS)
DECISION_KINDS = (DECISION,)


# -- a vendor lead's dispute ------------------------------------------------------------------


@dataclass
class Draft:
    """A vendor lead's dispute in progress: the finding, then the dispute once it is sent."""

    entry_id: int
    dispute_id: int | None = None
    photos: list[Photo] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """Its conversation state: waiting for the reason, or taking photos once sent."""
        return DISPUTE_REASON if self.dispute_id is None else DISPUTE_PHOTOS


def encode_draft(draft: Draft) -> dict[str, Any]:
    return {
        "v": ENCODING,
        "entry_id": draft.entry_id,
        "dispute_id": draft.dispute_id,
        "photos": [asdict(p) for p in draft.photos],
    }


def decode_draft(data: Mapping[str, Any]) -> Draft | None:
    """The stored draft; None when it cannot be read (the lead starts the dispute again)."""
    if data.get("v") != ENCODING:
        return None
    try:
        dispute = data["dispute_id"]
        photos = [
            Photo(str(p["file_id"]), p.get("file_unique_id"), str(p["sha256"]))
            for p in data["photos"]
        ]
        return Draft(int(data["entry_id"]), None if dispute is None else int(dispute), photos)
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("a stored dispute in progress could not be read (%s); it is dropped", exc)
        return None


# -- a manager's decision ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """A manager's decision waiting for its reason."""

    dispute_id: int
    outcome: Outcome


def encode_choice(choice: Choice) -> dict[str, Any]:
    return {"v": ENCODING, "dispute_id": choice.dispute_id, "outcome": choice.outcome.value}


def decode_choice(data: Mapping[str, Any]) -> Choice | None:
    """The stored choice; None when it cannot be read (the manager taps the button again)."""
    if data.get("v") != ENCODING:
        return None
    try:
        return Choice(int(data["dispute_id"]), Outcome(data["outcome"]))
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("a stored decision could not be read (%s); it is dropped", exc)
        return None


# -- read and written in a step's unit of work ------------------------------------------------


class DisputeState:
    """The drafts and choices of one bot, read and written in the caller's session."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    async def draft(self, session: AsyncSession, key: ChatKey, kind: str) -> Draft | None:
        """The dispute at step ``kind`` (None: none, expired, or at the other step)."""
        data = await self.conversations.load_slot(session, key, kind)
        return None if data is None else decode_draft(data)

    async def keep_draft(self, session: AsyncSession, key: ChatKey, draft: Draft | None) -> None:
        """Store the draft under the step it is at (the other step's row goes); None: end it."""
        for kind in DISPUTE_KINDS:
            data = encode_draft(draft) if draft is not None and kind == draft.kind else None
            await self.conversations.save_slot(session, key, kind, data)

    async def choice(self, session: AsyncSession, key: ChatKey) -> Choice | None:
        data = await self.conversations.load_slot(session, key, DECISION)
        return None if data is None else decode_choice(data)

    async def keep_choice(self, session: AsyncSession, key: ChatKey, choice: Choice | None) -> None:
        """Store the choice (for another conversation timeout), or drop it when None."""
        data = None if choice is None else encode_choice(choice)
        await self.conversations.save_slot(session, key, DECISION, data)

    async def ending_on_refusal(
        self,
        session: AsyncSession,
        key: ChatKey,
        kinds: Iterable[str],
        call: Callable[[], Awaitable[T]],
    ) -> T:
        """Run a step's ``call`` in a savepoint; a refusal undoes it and ends the conversation
        (its state rows go, committed with the update's claim) before it is told."""
        try:
            async with session.begin_nested():
                return await call()
        except BotError as error:
            for kind in kinds:
                await self.conversations.save_slot(session, key, kind, None)
            raise KeptBotError(error.key, **error.params) from error
