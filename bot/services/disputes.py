"""Disputes: a vendor lead objects to a finding within the objection window, with photos.

Opening one marks the finding disputed and is written to the audit log; every manager of
the contract is then told (handlers.disputes) and decides (bot.services.decisions). Every function
takes the session (the caller owns the transaction) and ``now``. A dispute in progress in
chat (a Draft) is kept in the database between messages, as JSON (encode_draft).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.conversation_state import DISPUTE_PHOTOS, DISPUTE_REASON, ENCODING
from bot.services.drafts import Photo
from bot.services.errors import BotError
from bot.services.findings import Case, load_case, why_not_dispute
from bot.services.permissions import Action, Actor, require, require_any
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage import dispute_queries as dq
from storage.models import Dispute, DisputeStatus, EntryState, Person, Role
from storage.queries import audit, change_state

logger = logging.getLogger(__name__)

# -- opening ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opened:
    """A dispute just opened, and who must hear of it."""

    dispute: Dispute
    case: Case
    opener: str
    managers: tuple[Person, ...]
    evidence: tuple[str, ...]  # the inspector's photos (Telegram file ids)
    photos: tuple[Photo, ...]  # the vendor lead's


async def disputable(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    entry_id: int,
    now: dt.datetime,
    default_days: int,
) -> Case:
    """The finding, when the actor may dispute it now (else a refusal saying why)."""
    require_any(actor, Action.DISPUTE)
    case = await load_case(
        session, actor=actor, rulebooks=rulebooks, entry_id=entry_id, default_days=default_days
    )
    refusal = why_not_dispute(actor, case, now)
    if refusal is not None:
        raise refusal
    return case


async def open_dispute(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    entry_id: int,
    reason: str,
    photos: Sequence[Photo],
    now: dt.datetime,
    default_days: int,
) -> Opened:
    """Record the vendor lead's objection (with their photos); the entry becomes disputed."""
    case = await disputable(
        session,
        actor=actor,
        rulebooks=rulebooks,
        entry_id=entry_id,
        now=now,
        default_days=default_days,
    )
    reason = reason.strip()
    if not reason:
        raise BotError("dispute_usage")
    assert actor.person_id is not None
    try:
        dispute = await dq.add_dispute(
            session, entry=case.view.entry, reason=reason, opened_by_id=actor.person_id, now=now
        )
    except dq.DisputeExists:
        raise BotError("already_disputed", entry=entry_id, dispute="") from None
    await change_state(
        session,
        entry_id=entry_id,
        state=EntryState.DISPUTED,
        actor_id=actor.person_id,
        reason=reason,
        now=now,
    )
    await audit_dispute(session, actor, dispute, "dispute.open", now, reason=reason, entry=entry_id)
    for photo in photos:
        await _keep_photo(session, actor, dispute, photo, now)
    managers = await dq.people_with_role(session, contract_id=case.contract_id, role=Role.MANAGER)
    evidence = tuple(e.telegram_file_id for e in await bq.evidence_of(session, entry_id))
    return Opened(dispute, case, actor.name, tuple(managers), evidence, tuple(photos))


async def add_photos(
    session: AsyncSession,
    *,
    actor: Actor,
    dispute_id: int,
    photos: Sequence[Photo],
    now: dt.datetime,
) -> tuple[Dispute, tuple[Person, ...]]:
    """More photos for one's own open dispute; returns it and the managers to forward them to."""
    dispute = await dq.get_dispute(session, dispute_id)
    if dispute is None or dispute.opened_by_id != actor.person_id:
        raise BotError("dispute_unknown", dispute=dispute_id)
    require(actor, Action.DISPUTE, dispute.contract_id)
    if dispute.status != DisputeStatus.OPEN.value:
        raise BotError("dispute_closed_photos", dispute=dispute_id)
    for photo in photos:
        await _keep_photo(session, actor, dispute, photo, now)
    managers = await dq.people_with_role(
        session, contract_id=dispute.contract_id, role=Role.MANAGER
    )
    return dispute, tuple(managers)


async def _keep_photo(
    session: AsyncSession, actor: Actor, dispute: Dispute, photo: Photo, now: dt.datetime
) -> None:
    assert actor.person_id is not None
    await dq.add_dispute_photo(
        session,
        dispute=dispute,
        file_id=photo.file_id,
        sha256=photo.sha256,
        actor_id=actor.person_id,
        now=now,
    )


async def audit_dispute(
    session: AsyncSession,
    actor: Actor,
    dispute: Dispute,
    action: str,
    now: dt.datetime,
    **detail: object,
) -> None:
    await audit(
        session,
        actor=f"person:{actor.person_id}",
        action=action,
        subject=f"dispute:{dispute.id}",
        contract_id=dispute.contract_id,
        detail=dict(detail),
        now=now,
    )


# -- a dispute in progress in chat ----------------------------------------------------------


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
