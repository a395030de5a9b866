"""One finding as a vendor lead or a manager looks at it: its objection window, its detail.

Which findings are listed (deductions, bonuses, fees, KPI measurements), who may read the
inspector's note, and the audit record every dispute step writes are here too: both
bot.services.disputes and bot.services.decisions build on this module.

The objection window (000 附件2 第三十二条: "接到通知后的三个工作日内") is the rulebook's
``objections.working_days``, or the ``default_objection_working_days`` setting where a
rulebook has none. The vendor is told of a finding when it is recorded: from that moment
the vendor lead sees it under /deductions and /score. As in Civil Code art. 201 and 203,
the day of the notice does not count and the last day ends at 24:00 local time; Saturdays
and Sundays are not working days (public holidays are not known to the bot and count).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.contracts import book_of
from bot.services.drafts import (
    Cost,
    check_quantity,
    check_value,
    cost_of,
    format_number,
    shown,
)
from bot.services.errors import BotError
from bot.services.parsing import checked_text, read_number
from bot.services.permissions import Action, Actor, require_any
from scoring.rulebook import Item, ItemKind, Label, Rulebook
from scoring.typed import looks_numeric, normalised
from storage import bot_queries as bq
from storage import dispute_queries as dq
from storage.models import Dispute, DisputeStatus
from storage.queries import audit

# Items whose entries count against (or for) the vendor and are listed by /deductions;
# ratings and measured inputs (000's votes and headcounts) are periodic figures, not findings.
LISTED_KINDS = frozenset({ItemKind.DEDUCTION, ItemKind.BONUS, ItemKind.FEE, ItemKind.KPI})

# Findings a vendor lead may object to: points off, money off, a KPI measurement.
DISPUTABLE = frozenset({ItemKind.DEDUCTION, ItemKind.FEE, ItemKind.KPI})
SATURDAY = 5
_QUANTITY = re.compile(r"^[x×*](?P<n>.+)$", re.IGNORECASE)


class Outcome(StrEnum):
    """A manager's decision on a dispute (the letter is its callback data)."""

    UPHOLD = "u"
    WITHDRAW = "w"
    REDUCE = "r"


STATUS_OF: Mapping[Outcome, DisputeStatus] = {
    Outcome.UPHOLD: DisputeStatus.UPHELD,
    Outcome.WITHDRAW: DisputeStatus.WITHDRAWN,
    Outcome.REDUCE: DisputeStatus.ADJUSTED,
}

# How a dispute's state reads to people, in both languages (like a rulebook's labels).
OUTCOME_LABELS: Mapping[DisputeStatus, Label] = {
    DisputeStatus.OPEN: Label(zh="待处理", en="open"),
    DisputeStatus.UPHELD: Label(zh="维持扣分", en="upheld"),
    DisputeStatus.WITHDRAWN: Label(zh="撤回", en="withdrawn"),
    DisputeStatus.ADJUSTED: Label(zh="减扣", en="reduced"),
}


def sees_notes(actor: Actor, book: Rulebook, contract_id: str) -> bool:
    """Inspectors' notes are hidden from the vendor side when the rulebook marks them internal."""
    return not book.notes_internal or actor.on_client_side(contract_id)


# -- the objection window ---------------------------------------------------------------------


def objection_days(book: Rulebook, default: int) -> int:
    return book.objections.working_days if book.objections is not None else default


def objection_deadline(told: dt.datetime, working_days: int, timezone: str) -> dt.datetime:
    """The first instant after the window: local midnight ending its last working day."""
    zone = ZoneInfo(timezone)
    day = told.astimezone(zone).date()
    counted = 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        counted += day.weekday() < SATURDAY
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


# -- one finding ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """A finding someone asked about, with its rulebook item and its objection window."""

    view: dq.EntryView
    book: Rulebook
    item: Item
    deadline: dt.datetime  # the first instant after the objection window

    @property
    def contract_id(self) -> str:
        return self.view.entry.contract_id

    @property
    def last_day(self) -> dt.date:
        """The window's last local day (it ends at 24:00 that day)."""
        local = self.deadline.astimezone(ZoneInfo(self.book.contract.timezone))
        return local.date() - dt.timedelta(days=1)

    def cost(self) -> Cost:
        """What the finding costs as it stands (before the period's caps)."""
        return cost_of(self.book, self.item, self.view.value, self.view.quantity)

    def original_cost(self) -> Cost:
        entry = self.view.entry
        return cost_of(self.book, self.item, entry.value, entry.quantity)


async def load_case(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    entry_id: int,
    default_days: int,
) -> Case:
    """The finding, when the actor may see it; another contract's finding is "unknown"."""
    require_any(actor, Action.DEDUCTIONS)
    view = await dq.entry_view(session=session, entry_id=entry_id)
    if view is None or not actor.may(Action.DEDUCTIONS, view.entry.contract_id):
        raise BotError("entry_unknown", entry=entry_id)
    book = await book_of(session, rulebooks, view.entry.contract_id)
    item = book.items_by_code.get(view.entry.item)
    if item is None or item.kind not in LISTED_KINDS:
        raise BotError("entry_unknown", entry=entry_id)
    days = objection_days(book, default_days)
    deadline = objection_deadline(view.entry.created_at, days, book.contract.timezone)
    return Case(view, book, item, deadline)


def figure(cost: Cost) -> Decimal:
    """One number to compare costs by: points, or money (a met KPI target costs nothing)."""
    if cost.points is not None:
        return cost.points
    if cost.kpi_met:
        return Decimal(0)
    return cost.amount or Decimal(0)


def why_not_dispute(actor: Actor, case: Case, now: dt.datetime) -> BotError | None:
    """Why the actor may not dispute this finding now; None when they may."""
    entry_id = case.view.id
    if not actor.may(Action.DISPUTE, case.contract_id):
        return BotError("forbidden_dispute", contract=case.contract_id)
    if case.item.kind not in DISPUTABLE:
        return BotError("not_disputable", entry=entry_id)
    if case.view.voided:
        return BotError("dispute_void", entry=entry_id)
    if case.view.dispute is not None:
        return BotError("already_disputed", entry=entry_id, dispute=case.view.dispute.id)
    if now >= case.deadline:
        told = case.view.entry.created_at.astimezone(ZoneInfo(case.book.contract.timezone))
        return BotError("window_closed", entry=entry_id, last_day=case.last_day, told=told)
    return None


# -- the detail ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything the detail of one finding shows, for one viewer."""

    case: Case
    notes: bool  # the viewer may read the inspector's note
    evidence: tuple[str, ...]  # Telegram file ids of the inspector's photos
    dispute_photos: tuple[str, ...]  # and of the vendor lead's
    names: Mapping[int, str]  # people named in it, by person id
    can_dispute: bool
    can_decide: bool


async def entry_detail(
    session: AsyncSession,
    *,
    actor: Actor,
    rulebooks: Mapping[str, Rulebook],
    entry_id: int,
    now: dt.datetime,
    default_days: int,
) -> Detail:
    """One finding in full, with its photos and the buttons this viewer may use."""
    case = await load_case(
        session, actor=actor, rulebooks=rulebooks, entry_id=entry_id, default_days=default_days
    )
    dispute = case.view.dispute
    evidence = tuple(
        e.telegram_file_id for e in await bq.evidence_of(session=session, entry_id=entry_id)
    )
    photos = (
        tuple(await dq.dispute_photos(session=session, dispute=dispute))
        if dispute is not None
        else ()
    )
    is_open = dispute is not None and dispute.status == DisputeStatus.OPEN.value
    return Detail(
        case=case,
        notes=sees_notes(actor, case.book, case.contract_id),
        evidence=evidence,
        dispute_photos=photos,
        names=await _names(session, case),
        can_dispute=why_not_dispute(actor, case, now) is None,
        can_decide=is_open and actor.may(Action.DECIDE, case.contract_id),
    )


async def _names(session: AsyncSession, case: Case) -> dict[int, str]:
    dispute = case.view.dispute
    ids = {case.view.entry.reported_by_id} | {a.actor_id for a in case.view.actions}
    if dispute is not None:
        ids |= {dispute.opened_by_id, dispute.resolved_by_id}
    names = {}
    for person_id in ids:
        person = await dq.person_by_id(session=session, person_id=person_id)
        if person is not None and person.id is not None:
            names[person.id] = person.display_name
    return names


# -- the audit log -------------------------------------------------------------------------------


async def audit_dispute(
    session: AsyncSession,
    actor: Actor,
    dispute: Dispute,
    action: str,
    now: dt.datetime,
    **detail: object,
) -> None:
    """One step of a dispute (opened, a photo, decided) in the append-only audit log."""
    await audit(
        session=session,
        actor=f"person:{actor.person_id}",
        action=action,
        subject=f"dispute:{dispute.id}",
        contract_id=dispute.contract_id,
        detail=dict(detail),
        now=now,
    )


# -- a reduction ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reduction:
    """The new value and quantity a manager gave, and the reason."""

    value: str | None
    quantity: Decimal
    reason: str


def read_reduction(case: Case, text: str) -> Reduction:
    """``25 clock-in shows 08:25``: the new value (or quantity, ``x2``) first, then the reason."""
    tokens = text.split()
    value: Decimal | None = None
    quantity: Decimal | None = None
    while tokens:
        number = _read_number(tokens[0])
        if number is None:
            break
        is_quantity, amount = number
        if not is_quantity and case.item.value is not None and value is None:
            value = amount
        elif quantity is None:
            quantity = amount
        else:
            break
        tokens.pop(0)
    if value is None and quantity is None:
        raise BotError("reduce_usage", item=case.item)
    reason = " ".join(tokens).strip()
    if not reason:
        raise BotError("reason_needed")
    checked_text("decision_reason", reason)
    raw = format_number(value) if value is not None else case.view.value
    new_quantity = quantity if quantity is not None else case.view.quantity
    check_value(case.book, case.item, raw)
    check_quantity(case.book, case.item, new_quantity)
    return Reduction(raw, new_quantity, reason)


def _read_number(token: str) -> tuple[bool, Decimal] | None:
    """(is it a quantity ``x2``, the number), or None when the token is no number; a token
    that only looks like one (``1e3``, ``NaN``) is refused."""
    match = _QUANTITY.match(normalised(token))
    candidate = match["n"] if match is not None else normalised(token)
    number = read_number(candidate)
    if number is None and looks_numeric(candidate):
        raise BotError("bad_number", text=shown(token))
    return None if number is None else (match is not None, number)
