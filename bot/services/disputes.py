"""Disputes: a vendor lead objects to a finding within the objection window, with photos;
and the :class:`Disputes` service, the requests of the dispute and decision conversations.

Opening one marks the finding disputed and is written to the audit log; every manager of
the contract is then told (the service returns them, handlers.disputes sends) and decides
(bot.services.decisions). The module functions take the session (the caller owns the
transaction) and ``now``. Each step of a conversation is one unit of work that holds the
chat's lock, its state read and written in it (bot.services.dispute_state); a refused step
ends the conversation.

Longer than most modules (about 410 lines) on purpose: a dispute's opening, its evidence and
its notices to the managers share one state and one set of rules, read best in one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.conversation_state import DISPUTE_PHOTOS, DISPUTE_REASON
from bot.services.conversations import Conversations, chat_key
from bot.services.core import Asking, Core
from bot.services.decisions import RETRY_KEYS, Decided, decidable
from bot.services.decisions import decide as decide_dispute
from bot.services.dispute_state import DECISION_KINDS, DISPUTE_KINDS, Choice, DisputeState, Draft
from bot.services.drafts import Photo
from bot.services.errors import BotError, KeptBotError
from bot.services.findings import (
    Case,
    Outcome,
    audit_dispute,
    load_case,
    sees_notes,
    why_not_dispute,
)
from bot.services.outbox import Notice, Outbox
from bot.services.parsing import checked_text
from bot.services.permissions import Action, Actor, require, require_any
from bot.services.vendor_views import (
    DecisionAsked,
    DecisionMade,
    DisputeOpened,
    Ended,
    PhotosAdded,
    ReasonAsked,
    dispute_view,
    finding_view,
    recipient,
)
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage import dispute_queries as dq
from storage.models import Dispute, DisputeStatus, EntryState, Person, Role
from storage.queries import change_state

# What the handler tells the others about a request (rendered inside its transaction, kept in
# the outbox with it: bot.services.outbox).
TellManagers = Callable[[DisputeOpened], Sequence[Notice]]
TellPhotos = Callable[[PhotosAdded], Sequence[Notice]]
TellDecision = Callable[[DecisionMade], Sequence[Notice]]

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


def checked_reason(reason: str) -> str:
    """A dispute's reason as it is kept, or the refusal: none given, or too long."""
    reason = reason.strip()
    if not reason:
        raise BotError("dispute_usage")
    checked_text("dispute_reason", reason)
    return reason


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
    reason = checked_reason(reason)
    assert actor.person_id is not None
    try:
        dispute = await dq.add_dispute(
            session=session,
            entry=case.view.entry,
            reason=reason,
            opened_by_id=actor.person_id,
            now=now,
        )
    except dq.DisputeExists:
        raise BotError("already_disputed", entry=entry_id, dispute="") from None
    await change_state(
        session=session,
        entry_id=entry_id,
        state=EntryState.DISPUTED,
        actor_id=actor.person_id,
        reason=reason,
        now=now,
    )
    await audit_dispute(session, actor, dispute, "dispute.open", now, reason=reason, entry=entry_id)
    for photo in photos:
        await _keep_photo(session, actor, dispute, photo, now)
    managers = await dq.people_with_role(
        session=session, contract_id=case.contract_id, role=Role.MANAGER
    )
    evidence = tuple(
        e.telegram_file_id for e in await bq.evidence_of(session=session, entry_id=entry_id)
    )
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
    dispute = await dq.get_dispute(session=session, dispute_id=dispute_id)
    if dispute is None or dispute.opened_by_id != actor.person_id:
        raise BotError("dispute_unknown", dispute=dispute_id)
    require(actor, Action.DISPUTE, dispute.contract_id)
    if dispute.status != DisputeStatus.OPEN.value:
        raise BotError("dispute_closed_photos", dispute=dispute_id)
    for photo in photos:
        await _keep_photo(session, actor, dispute, photo, now)
    managers = await dq.people_with_role(
        session=session, contract_id=dispute.contract_id, role=Role.MANAGER
    )
    return dispute, tuple(managers)


async def _keep_photo(
    session: AsyncSession, actor: Actor, dispute: Dispute, photo: Photo, now: dt.datetime
) -> None:
    assert actor.person_id is not None
    await dq.add_dispute_photo(
        session=session,
        dispute=dispute,
        file_id=photo.file_id,
        sha256=photo.sha256,
        actor_id=actor.person_id,
        now=now,
    )


# -- the requests -------------------------------------------------------------------------


class Disputes:
    """A vendor lead's dispute (reason, then photos) and a manager's decision on it."""

    def __init__(self, core: Core, outbox: Outbox) -> None:
        self.core = core
        self.outbox = outbox
        self.state = DisputeState(Conversations(core))

    @property
    def window(self) -> int:
        """The objection window (working days) where a rulebook sets none."""
        return self.core.settings.default_objection_working_days

    # -- the vendor lead's dispute --------------------------------------------------------

    async def start(
        self,
        asking: Asking,
        *,
        entry_id: int | None,
        tell: TellManagers,
        reason: str = "",
        photo: Photo | None = None,
    ) -> ReasonAsked | DisputeOpened:
        """/dispute ID [REASON] or the Dispute button: record the dispute when the reason is
        given (the managers told through the outbox), else ask for it (``entry_id`` None: no
        finding named)."""
        if entry_id is None:
            actor = await self.core.actor(asking)
            raise BotError("dispute_usage").told_in(actor.language)
        draft = Draft(entry_id, photos=[photo] if photo is not None else [])
        if not reason.strip():
            return await self._ask_reason(asking, draft)
        opened = await self._send(asking, reason, draft, tell)
        assert opened is not None  # the draft was given, not read back
        return opened

    async def give_reason(
        self, asking: Asking, *, reason: str, tell: TellManagers
    ) -> DisputeOpened | None:
        """The reason typed after /dispute ID or the Dispute button (None: the dispute ended
        meanwhile, by /cancel or the timeout)."""
        return await self._send(asking, reason, None, tell)

    async def add_photo(
        self, asking: Asking, *, photo: Photo, tell: TellPhotos
    ) -> PhotosAdded | None:
        """A photo after the dispute was sent (None: it is no longer taking photos)."""
        async with self.core.work(asking, chat_lock=True) as uow:
            session, key = uow.session, chat_key(asking)
            draft = await self.state.draft(session, key, DISPUTE_PHOTOS)
            if draft is None or draft.dispute_id is None:
                return None
            _, managers = await add_photos(
                session, actor=uow.actor, dispute_id=draft.dispute_id, photos=[photo], now=uow.now
            )
            await self.state.keep_draft(session, key, draft)  # for another conversation timeout
            told = tuple(recipient(m, self.core.default_language) for m in managers)
            added = PhotosAdded(uow.lang, draft.dispute_id, (photo.file_id,), told)
            queued = await self.outbox.keep(session, tell(added), now=uow.now)
            return dataclasses.replace(added, queued=queued)

    async def finish(self, asking: Asking) -> Ended:
        """``Done``: the vendor lead has no more photos."""
        async with self.core.work(asking, chat_lock=True) as uow:
            await self.state.keep_draft(uow.session, chat_key(asking), None)
        return Ended(uow.lang, sent=True)

    async def cancel(self, asking: Asking) -> Ended:
        """/cancel: drop a dispute not yet sent; after it was sent, just stop taking photos."""
        async with self.core.work(asking, chat_lock=True) as uow:
            key = chat_key(asking)
            sent = await self.state.draft(uow.session, key, DISPUTE_PHOTOS) is not None
            await self.state.keep_draft(uow.session, key, None)
        return Ended(uow.lang, sent=sent)

    async def _ask_reason(self, asking: Asking, draft: Draft) -> ReasonAsked:
        async with self.core.work(asking, chat_lock=True) as uow:
            session, key = uow.session, chat_key(asking)

            async def check() -> Case:
                return await disputable(
                    session,
                    actor=uow.actor,
                    rulebooks=self.core.rulebooks,
                    entry_id=draft.entry_id,
                    now=uow.now,
                    default_days=self.window,
                )

            case = await self.state.ending_on_refusal(session, key, DISPUTE_KINDS, check)
            await self.state.keep_draft(session, key, draft)
        return ReasonAsked(uow.lang, draft.entry_id, case.item)

    async def _send(
        self, asking: Asking, reason: str, given: Draft | None, tell: TellManagers
    ) -> DisputeOpened | None:
        """Record the dispute (``given``, or the one waiting for its reason); take photos next."""
        async with self.core.work(asking, chat_lock=True) as uow:
            session, key = uow.session, chat_key(asking)
            draft = given
            if draft is None:
                draft = await self.state.draft(session, key, DISPUTE_REASON)
            if draft is None:
                return None

            async def send() -> Opened:
                return await open_dispute(
                    session,
                    actor=uow.actor,
                    rulebooks=self.core.rulebooks,
                    entry_id=draft.entry_id,
                    reason=reason,
                    photos=draft.photos,
                    now=uow.now,
                    default_days=self.window,
                )

            opened = await self.state.ending_on_refusal(session, key, DISPUTE_KINDS, send)
            await self.state.keep_draft(session, key, Draft(draft.entry_id, opened.dispute.id))
            view = self._opened(uow.lang, opened)
            queued = await self.outbox.keep(session, tell(view), now=uow.now)
            return dataclasses.replace(view, queued=queued)

    # -- from the Mini App: one request each, no conversation --------------------------------

    async def check_dispute(self, asking: Asking, *, entry_id: int, reason: str) -> str:
        """Refuse now, as :meth:`open_at_once` would, a dispute that cannot be opened: before
        its photo is sent to Telegram for keeping. Returns the vendor lead's language."""
        async with self.core.read(asking) as uow:
            await disputable(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                entry_id=entry_id,
                now=uow.now,
                default_days=self.window,
            )
        checked_reason(reason)
        return uow.lang

    async def open_at_once(
        self,
        asking: Asking,
        *,
        entry_id: int,
        reason: str,
        photos: Sequence[Photo],
        tell: TellManagers,
    ) -> DisputeOpened:
        """The dispute with its reason and photos in one request (the Mini App's form): the
        same checks, audit and notices as in chat; the chat's own conversation is untouched."""
        async with self.core.work(asking) as uow:
            opened = await open_dispute(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                entry_id=entry_id,
                reason=reason,
                photos=photos,
                now=uow.now,
                default_days=self.window,
            )
            view = self._opened(uow.lang, opened)
            queued = await self.outbox.keep(uow.session, tell(view), now=uow.now)
            return dataclasses.replace(view, queued=queued)

    async def decide_at_once(
        self, asking: Asking, *, dispute_id: int, outcome: Outcome, text: str, tell: TellDecision
    ) -> DecisionMade:
        """A manager's decision in one request (the Mini App's form): ``text`` is the reason,
        for Reduce the new figure first, as typed in chat."""
        async with self.core.work(asking) as uow:
            decided = await decide_dispute(
                uow.session,
                actor=uow.actor,
                rulebooks=self.core.rulebooks,
                dispute_id=dispute_id,
                outcome=outcome,
                text=text,
                now=uow.now,
                default_days=self.window,
            )
            made = self._decided(uow.lang, decided)
            queued = await self.outbox.keep(uow.session, tell(made), now=uow.now)
            return dataclasses.replace(made, queued=queued)

    def _opened(self, lang: str, opened: Opened) -> DisputeOpened:
        case = opened.case
        return DisputeOpened(
            lang=lang,
            dispute=dispute_view(opened.dispute),
            finding=finding_view(case.view, case.book, notes=True),
            opener=opened.opener,
            managers=tuple(recipient(m, self.core.default_language) for m in opened.managers),
            evidence=opened.evidence,
            photos=tuple(p.file_id for p in opened.photos),
        )

    # -- the manager's decision -----------------------------------------------------------

    async def choose(self, asking: Asking, *, dispute_id: int, outcome: Outcome) -> DecisionAsked:
        """Uphold, Withdraw or Reduce tapped: check the dispute is still open, ask the reason."""
        choice = Choice(dispute_id, outcome)
        async with self.core.work(asking, chat_lock=True) as uow:
            session, key = uow.session, chat_key(asking)

            async def check() -> Case:
                pending = await decidable(
                    session,
                    actor=uow.actor,
                    rulebooks=self.core.rulebooks,
                    dispute_id=dispute_id,
                    default_days=self.window,
                )
                return pending.case

            case = await self.state.ending_on_refusal(session, key, DECISION_KINDS, check)
            await self.state.keep_choice(session, key, choice)
            notes = sees_notes(uow.actor, case.book, case.contract_id)
            finding = finding_view(case.view, case.book, notes=notes)
        return DecisionAsked(uow.lang, dispute_id, outcome, finding)

    async def decide(self, asking: Asking, *, text: str, tell: TellDecision) -> DecisionMade | None:
        """The reason (for Reduce the new figure first): settle the dispute once. A reason the
        bot cannot use is refused and asked for again; any other refusal ends the decision.
        None: the decision ended meanwhile (/cancel or the timeout)."""
        async with self.core.work(asking, chat_lock=True) as uow:
            session, key = uow.session, chat_key(asking)
            choice = await self.state.choice(session, key)
            if choice is None:
                return None

            async def settle() -> Decided | BotError:
                try:
                    return await decide_dispute(
                        session,
                        actor=uow.actor,
                        rulebooks=self.core.rulebooks,
                        dispute_id=choice.dispute_id,
                        outcome=choice.outcome,
                        text=text,
                        now=uow.now,
                        default_days=self.window,
                    )
                except BotError as error:
                    if error.key in RETRY_KEYS:
                        return error
                    raise

            result = await self.state.ending_on_refusal(session, key, DECISION_KINDS, settle)
            if isinstance(result, BotError):  # kept for another try (and another timeout)
                await self.state.keep_choice(session, key, choice)
                raise KeptBotError(result.key, **result.params)
            await self.state.keep_choice(session, key, None)
            made = self._decided(uow.lang, result)
            queued = await self.outbox.keep(session, tell(made), now=uow.now)
            return dataclasses.replace(made, queued=queued)

    async def cancel_decision(self, asking: Asking) -> Ended:
        """/cancel: no decision; the dispute stays open."""
        async with self.core.work(asking, chat_lock=True) as uow:
            await self.state.keep_choice(uow.session, chat_key(asking), None)
        return Ended(uow.lang)

    def _decided(self, lang: str, decided: Decided) -> DecisionMade:
        """The decision, and the vendor lead and the inspector to tell (a person once)."""
        default = self.core.default_language
        lead = recipient(decided.vendor_lead, default) if decided.vendor_lead else None
        inspector = recipient(decided.inspector, default) if decided.inspector else None
        if inspector is not None and lead is not None and inspector.person_id == lead.person_id:
            inspector = None
        dispute = dispute_view(decided.dispute)
        return DecisionMade(
            lang=lang,
            dispute_id=dispute.id,
            entry_id=decided.case.view.id,
            item=decided.case.item,
            status=dispute.status,
            before=decided.before,
            after=decided.after,
            reason=decided.reason,
            decider=decided.decider,
            vendor_lead=lead,
            inspector=inspector,
        )
