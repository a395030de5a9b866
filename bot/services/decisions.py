"""A manager decides a dispute, once: uphold, withdraw or reduce.

A decision settles the dispute with one conditional UPDATE (storage.dispute_queries.settle),
so when two managers decide at the same moment the first wins and the second is told who
decided; in the same transaction it acts on the finding: withdrawn → voided; reduced →
corrected to the new value or quantity (its points are then exactly what the rulebook gives
for them); upheld → unchanged. Every step is in the audit log. Every function takes the
session (the caller owns the transaction) and ``now``; the requests are in the Disputes service
(bot.services.disputes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.drafts import Cost, cost_of
from bot.services.errors import BotError
from bot.services.findings import (
    OUTCOME_LABELS,
    STATUS_OF,
    Case,
    Outcome,
    Reduction,
    audit_dispute,
    figure,
    load_case,
    read_reduction,
)
from bot.services.parsing import checked_text
from bot.services.permissions import Action, Actor, require, require_any
from scoring.rulebook import Rulebook
from storage import dispute_queries as dq
from storage.models import Dispute, DisputeStatus, EntryState, Person
from storage.queries import change_state, correct_entry, void_entry

# Refusals of what a manager typed, raised before anything is written: the decision waits for
# another try instead of ending.
RETRY_KEYS = frozenset(
    {"reduce_usage", "reason_needed", "not_a_reduction", "value_out_of_range", "no_tier"}
    | {"bad_quantity", "implausible_quantity", "implausible_value", "bad_number", "too_long"}
)
ENTRY_STATE_OF: Mapping[Outcome, EntryState] = {
    Outcome.UPHOLD: EntryState.UPHELD,
    Outcome.WITHDRAW: EntryState.WITHDRAWN,
    Outcome.REDUCE: EntryState.ADJUSTED,
}


@dataclass(frozen=True, slots=True)
class Pending:
    """A dispute a manager is about to decide."""

    dispute: Dispute
    case: Case


@dataclass(frozen=True, slots=True)
class Decided:
    """A dispute settled: the outcome, the cost before and after, and who must hear of it."""

    dispute: Dispute
    case: Case
    outcome: Outcome
    reason: str
    before: Cost
    after: Cost | None  # None: withdrawn, it no longer counts
    decider: str
    vendor_lead: Person | None
    inspector: Person | None


async def decidable(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    dispute_id: int,
    default_days: int,
) -> Pending:
    """The open dispute, when the actor may decide it (else why not, or who decided it)."""
    require_any(actor, Action.DECIDE)
    dispute = await dq.get_dispute(session=session, dispute_id=dispute_id)
    if dispute is None or not actor.may(Action.DEDUCTIONS, dispute.contract_id):
        raise BotError("dispute_unknown", dispute=dispute_id)
    require(actor, Action.DECIDE, dispute.contract_id)
    case = await load_case(
        session,
        actor=actor,
        rulebooks=rulebooks,
        entry_id=dispute.entry_id,
        default_days=default_days,
    )
    if dispute.status != DisputeStatus.OPEN.value:
        raise await already_decided(session, dispute, case)
    return Pending(dispute, case)


async def already_decided(session: AsyncSession, dispute: Dispute, case: Case) -> BotError:
    """The refusal a second decider gets: who decided, how and when."""
    who = await dq.person_by_id(session=session, person_id=dispute.resolved_by_id)
    when = dispute.resolved_at or dispute.opened_at
    return BotError(
        "already_decided",
        dispute=dispute.id,
        outcome=OUTCOME_LABELS[DisputeStatus(dispute.status)],
        by=who.display_name if who is not None else "—",
        at=when.astimezone(ZoneInfo(case.book.contract.timezone)),
    )


async def decide(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    dispute_id: int,
    outcome: Outcome,
    text: str,
    now: dt.datetime,
    default_days: int,
) -> Decided:
    """Settle the dispute once and act on the finding; the reason goes to both sides."""
    pending = await decidable(
        session, actor=actor, rulebooks=rulebooks, dispute_id=dispute_id, default_days=default_days
    )
    case = pending.case
    reduction = _reduction(case, outcome, text)
    reason = reduction.reason if reduction is not None else text.strip()
    if not reason:
        raise BotError("reason_needed")
    checked_text("decision_reason", reason)
    if case.view.voided:  # its inspector undid it meanwhile: nothing is left to count
        outcome, reduction = Outcome.WITHDRAW, None
    assert actor.person_id is not None
    settled = await dq.settle(
        session=session,
        dispute_id=dispute_id,
        status=STATUS_OF[outcome],
        resolved_by_id=actor.person_id,
        resolution=reason,
        now=now,
    )
    fresh = await dq.get_dispute(session=session, dispute_id=dispute_id)
    assert fresh is not None
    if not settled:
        raise await already_decided(session, fresh, case)
    if not case.view.voided:
        await _act(session, case, outcome, reduction, actor.person_id, reason, now)
    after = _after(case, outcome, reduction)
    await _audit_decision(session, actor, fresh, outcome, reason, case, after, now)
    return Decided(
        dispute=fresh,
        case=case,
        outcome=outcome,
        reason=reason,
        before=case.cost(),
        after=after,
        decider=actor.name,
        vendor_lead=await dq.person_by_id(session=session, person_id=fresh.opened_by_id),
        inspector=await dq.person_by_id(session=session, person_id=case.view.entry.reported_by_id),
    )


def _reduction(case: Case, outcome: Outcome, text: str) -> Reduction | None:
    """The new value or quantity of a reduce, checked to cost less than now."""
    if outcome is not Outcome.REDUCE:
        return None
    reduction = read_reduction(case, text)
    old = figure(case.cost())
    new = figure(_cost_after(case, reduction))
    if new >= old:
        raise BotError("not_a_reduction", old=old, new=new)
    return reduction


def _cost_after(case: Case, reduction: Reduction) -> Cost:
    return cost_of(case.book, case.item, reduction.value, reduction.quantity)


def _after(case: Case, outcome: Outcome, reduction: Reduction | None) -> Cost | None:
    if outcome is Outcome.WITHDRAW:
        return None
    if reduction is not None:
        return _cost_after(case, reduction)
    return case.cost()


async def _act(
    session: AsyncSession,
    case: Case,
    outcome: Outcome,
    reduction: Reduction | None,
    actor_id: int,
    reason: str,
    now: dt.datetime,
) -> None:
    """The decision on the finding itself: a state, then a void or a correction."""
    entry_id = case.view.id
    state = ENTRY_STATE_OF[outcome]
    await change_state(
        session=session, entry_id=entry_id, state=state, actor_id=actor_id, reason=reason, now=now
    )
    if outcome is Outcome.WITHDRAW:
        await void_entry(
            session=session, entry_id=entry_id, actor_id=actor_id, reason=reason, now=now
        )
    elif reduction is not None:
        await correct_entry(
            session=session,
            entry_id=entry_id,
            quantity=reduction.quantity,
            value=reduction.value,
            actor_id=actor_id,
            reason=reason,
            now=now,
        )


async def _audit_decision(
    session: AsyncSession,
    actor: Actor,
    dispute: Dispute,
    outcome: Outcome,
    reason: str,
    case: Case,
    after: Cost | None,
    now: dt.datetime,
) -> None:
    before = figure(case.cost())
    await audit_dispute(
        session,
        actor,
        dispute,
        "dispute.decide",
        now,
        outcome=STATUS_OF[outcome].value,
        reason=reason,
        entry=case.view.id,
        before=str(before),
        after=str(figure(after)) if after is not None else "0",
    )
