"""What the vendor-side requests return: plain views of findings, disputes, scores and the
people to tell, built inside the request's unit of work and read by bot.texts.vendor.

No view holds a database row: a finding is copied as it stands (its corrections applied, its
cost worked out, its note left out for a viewer who may not read it), a person as the chat
to send to and the language to write in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.services.drafts import Cost, cost_of
from bot.services.findings import Outcome
from bot.services.outbox import NOTHING, Queued
from bot.texts.i18n import language_of
from scoring.assessment import Assessment
from scoring.periods import Period
from scoring.rulebook import Item, Rulebook
from storage.dispute_queries import EntryView
from storage.models import Dispute, DisputeStatus, EntryState, Person

# -- people, disputes, findings ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to tell who did not ask: their person id, their chat, their language."""

    person_id: int
    chat_id: int
    lang: str


def recipient(person: Person, default_language: str) -> Recipient:
    """The person as a message to them needs it (their chosen language, else the default)."""
    assert person.id is not None
    lang = language_of(person.language, None, default_language)
    return Recipient(person.id, person.telegram_user_id, lang)


@dataclass(frozen=True, slots=True)
class DisputeView:
    """A dispute as stored: who opened it, why, and how it was decided."""

    id: int
    status: DisputeStatus
    reason: str
    opened_at: dt.datetime
    opened_by_id: int
    resolution: str | None
    resolved_at: dt.datetime | None
    resolved_by_id: int | None

    @property
    def open(self) -> bool:
        return self.status is DisputeStatus.OPEN


def dispute_view(dispute: Dispute) -> DisputeView:
    assert dispute.id is not None
    return DisputeView(
        id=dispute.id,
        status=DisputeStatus(dispute.status),
        reason=dispute.reason,
        opened_at=dispute.opened_at,
        opened_by_id=dispute.opened_by_id,
        resolution=dispute.resolution,
        resolved_at=dispute.resolved_at,
        resolved_by_id=dispute.resolved_by_id,
    )


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding as it stands now (its corrections applied), and as it was recorded."""

    id: int
    contract_id: str
    timezone: str  # the contract's, for the times shown
    item: Item
    staff: str | None
    occurred_at: dt.datetime
    value: str | None
    quantity: Decimal
    recorded_value: str | None
    recorded_quantity: Decimal
    cost: Cost  # what it costs now (before the period's caps)
    recorded_cost: Cost
    corrected: bool
    voided: bool
    state: EntryState
    photos: int
    reported_by_id: int | None
    inspector: str | None  # the inspector's name as recorded
    note: str | None  # None as well when the viewer may not read it
    dispute: DisputeView | None


def finding_view(view: EntryView, book: Rulebook, *, notes: bool) -> FindingView:
    """The finding for a viewer who may (``notes``) or may not read the inspector's note."""
    entry = view.entry
    item = book.item(entry.item)
    return FindingView(
        id=view.id,
        contract_id=entry.contract_id,
        timezone=book.contract.timezone,
        item=item,
        staff=entry.staff,
        occurred_at=entry.occurred_at,
        value=view.value,
        quantity=view.quantity,
        recorded_value=entry.value,
        recorded_quantity=entry.quantity,
        cost=cost_of(book, item, view.value, view.quantity),
        recorded_cost=cost_of(book, item, entry.value, entry.quantity),
        corrected=view.corrected,
        voided=view.voided,
        state=view.state,
        photos=view.photos,
        reported_by_id=entry.reported_by_id,
        inspector=entry.inspector,
        note=entry.note if notes else None,
        dispute=dispute_view(view.dispute) if view.dispute is not None else None,
    )


# -- /score, /deductions, /history ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choosing:
    """Several contracts the request could be about: one button each (id, callback reference)."""

    lang: str
    options: tuple[tuple[str, str], ...]
    period: str | None  # the period named, carried by every button


@dataclass(frozen=True, slots=True)
class ScoreView:
    """A period's assessment, and how final it is: when the period was closed, open disputes."""

    lang: str
    contract_id: str
    book: Rulebook
    assessment: Assessment
    closed_at: dt.datetime | None
    open_disputes: tuple[int, ...]  # their ids, oldest first


@dataclass(frozen=True, slots=True)
class LedgerView:
    """Every finding recorded in a period (voided ones too), newest first."""

    lang: str
    contract_id: str
    ref: str  # the contract as callback data carries it
    period: Period
    findings: tuple[FindingView, ...]


@dataclass(frozen=True, slots=True)
class HistoryView:
    """The last periods' scores (oldest first, the running one last) and their chart (PNG)."""

    lang: str
    contract_id: str
    period: str  # the running period's label
    scores: tuple[tuple[str, Decimal | None], ...]
    chart: bytes


@dataclass(frozen=True, slots=True)
class TrailStep:
    """One step in a finding's audit trail: recorded, then each void, correction and state."""

    at: dt.datetime
    who: int | None  # person id (names in DetailView.names); None: an import
    action: str  # "recorded", or an ActionKind: "void", "correct", "state"
    reason: str | None = None
    state: EntryState | None = None  # for "state"
    value: str | None = None  # for "recorded" and "correct"
    quantity: Decimal | None = None


def trail_of(view: EntryView) -> tuple[TrailStep, ...]:
    """The finding's audit trail from its append-only record, oldest first."""
    entry = view.entry
    steps = [
        TrailStep(
            entry.created_at,
            entry.reported_by_id,
            "recorded",
            value=entry.value,
            quantity=entry.quantity,
        )
    ]
    for action in view.actions:
        steps.append(
            TrailStep(
                action.created_at,
                action.actor_id,
                action.kind,
                reason=action.reason,
                state=EntryState(action.state) if action.state is not None else None,
                value=action.value,
                quantity=action.quantity,
            )
        )
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class DetailView:
    """One finding in full for one viewer, with the photos to send and the buttons to show."""

    lang: str
    finding: FindingView
    window_open: bool  # the objection window has not ended
    last_day: dt.date  # the window's last local day
    names: Mapping[int, str]  # people named in it, by person id
    evidence: tuple[str, ...]  # Telegram file ids of the inspector's photos
    dispute_photos: tuple[str, ...]  # and of the vendor lead's
    can_dispute: bool
    can_decide: bool
    trail: tuple[TrailStep, ...] = ()


@dataclass(frozen=True, slots=True)
class TrendView:
    """The last periods' scores and the running period's score by day, with the contract's
    warning and money lines (what the /history chart draws)."""

    lang: str
    contract_id: str
    period: str  # the running period's label
    scores: tuple[tuple[str, Decimal | None], ...]
    days: tuple[tuple[dt.date, Decimal | None], ...]
    lines: tuple[Decimal, ...]


@dataclass(frozen=True, slots=True)
class ContractOverview:
    """A contract the user holds a role on, with the periods they can look at."""

    contract_id: str
    book: Rulebook
    roles: frozenset[str]
    periods: tuple[str, ...]  # within the term up to the running one, oldest first

    @property
    def current(self) -> str:
        """The period the app opens on: the running one, or the term's last once it ended."""
        return self.periods[-1]


@dataclass(frozen=True, slots=True)
class Overview:
    """Who opened the Mini App, in which language, and their contracts."""

    lang: str
    name: str
    contracts: tuple[ContractOverview, ...]


# -- disputes and decisions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReasonAsked:
    """A dispute waiting for its reason."""

    lang: str
    entry_id: int
    item: Item


@dataclass(frozen=True, slots=True)
class DisputeOpened:
    """A dispute just recorded, for the vendor lead, and the managers to tell with what to send."""

    lang: str
    dispute: DisputeView
    finding: FindingView  # with the note: managers are on the client's side
    opener: str
    managers: tuple[Recipient, ...]
    evidence: tuple[str, ...]  # the inspector's photos (Telegram file ids)
    photos: tuple[str, ...]  # the vendor lead's
    queued: Queued = NOTHING  # what the managers are told, in the outbox


@dataclass(frozen=True, slots=True)
class PhotosAdded:
    """Photos added to an open dispute, and the managers to forward them to."""

    lang: str
    dispute_id: int
    photos: tuple[str, ...]  # Telegram file ids
    managers: tuple[Recipient, ...]
    queued: Queued = NOTHING  # the photos passed on, in the outbox


@dataclass(frozen=True, slots=True)
class Ended:
    """A dispute or decision conversation that ended; ``sent``: the dispute had been sent."""

    lang: str
    sent: bool = False


@dataclass(frozen=True, slots=True)
class DecisionAsked:
    """A manager's decision waiting for its reason (for a reduction, the new figure first)."""

    lang: str
    dispute_id: int
    outcome: Outcome
    finding: FindingView


@dataclass(frozen=True, slots=True)
class DecisionMade:
    """A dispute settled, for the manager, and who else to tell (each at most once)."""

    lang: str
    dispute_id: int
    entry_id: int
    item: Item
    status: DisputeStatus
    before: Cost
    after: Cost | None  # None: withdrawn, it no longer counts
    reason: str
    decider: str
    vendor_lead: Recipient | None
    inspector: Recipient | None  # None also when the inspector is the vendor lead
    queued: Queued = NOTHING  # what they are told, in the outbox
