"""The tables: contracts and people, the append-only ledger of entries, and the bookkeeping.

Entries (violation reports and measurements) are never updated or deleted: a void, a
correction or a change of state is a new :class:`EntryAction` row saying who, when and why.
Every time is an aware UTC datetime; quantities are exact decimals (see storage.types).

Every table is importable from this one module on purpose: importing it defines the whole
schema, which SQLModel's metadata, the migrations' checks and the append-only rules see
together. The directory's tables (contracts, rosters, people, memberships, invites) and the
audit log are defined in storage.directory_models and re-exported here: they refer to no
other table, and the commands that need only them start without building the rest.
"""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from scoring.storable import NAME_LENGTH

# The directory's tables (re-exported: every table is importable from this module) and what
# the other tables share with them.
from storage.directory_models import (  # noqa: F401
    CODE_LENGTH,
    AuditRecord,
    Contract,
    Invite,
    Membership,
    Person,
    Role,
    RosterMember,
    one_of,
)
from storage.types import BigId, ExactDecimal, UtcDateTime


class ActionKind(StrEnum):
    """An append-only action on an entry: only void and correct change the score."""

    VOID = "void"
    CORRECT = "correct"
    STATE = "state"


class EntryState(StrEnum):
    """The states a dispute moves an entry through (recorded by ActionKind.STATE)."""

    RECORDED = "recorded"
    DISPUTED = "disputed"
    UPHELD = "upheld"
    WITHDRAWN = "withdrawn"
    ADJUSTED = "adjusted"
    VOIDED = "voided"


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    WITHDRAWN = "withdrawn"
    ADJUSTED = "adjusted"


class ImportBatch(SQLModel, table=True):
    """One imported CSV file; the same file (by SHA-256) is never imported twice."""

    __tablename__ = "import_batches"
    __table_args__ = (UniqueConstraint("contract_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    source_name: str = Field(max_length=500)
    sha256: str = Field(max_length=64)
    rows_read: int
    rows_recorded: int
    created_by: str = Field(max_length=NAME_LENGTH)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Entry(SQLModel, table=True):
    """A violation report or a measurement. Append-only: never updated, never deleted."""

    __tablename__ = "entries"
    __table_args__ = (
        # A contract's events in a period; covers the GROUP BY of events_for_period.
        Index("ix_entries_period", "contract_id", "occurred_at", "item", "value", "quantity"),
        # A staff member's history.
        Index("ix_entries_staff", "contract_id", "staff", "occurred_at"),
        # An inspector's latest reports; the entry a Telegram message produced.
        Index("ix_entries_reporter", "reported_by_id", "id"),
        Index("ix_entries_source", "source_chat_id", "source_message_id"),
        # The natural key of an imported row: re-importing it records nothing.
        UniqueConstraint("contract_id", "import_key"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    item: str = Field(max_length=CODE_LENGTH)
    occurred_at: dt.datetime = Field(sa_type=UtcDateTime)
    quantity: Decimal = Field(sa_type=ExactDecimal)
    value: str | None = Field(default=None, max_length=NAME_LENGTH)
    staff: str | None = Field(default=None, max_length=NAME_LENGTH)
    note: str | None = Field(default=None, sa_type=Text)
    inspector: str | None = Field(default=None, max_length=NAME_LENGTH)
    reported_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)
    source_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    source_message_id: int | None = Field(default=None, sa_type=BigInteger)
    import_batch_id: int | None = Field(
        default=None, foreign_key="import_batches.id", sa_type=BigId
    )
    import_key: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Evidence(SQLModel, table=True):
    """A photo attached to an entry: the Telegram file and the SHA-256 of what was downloaded."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    entry_id: int = Field(foreign_key="entries.id", sa_type=BigId, index=True)
    telegram_file_id: str = Field(max_length=256)
    telegram_file_unique_id: str | None = Field(default=None, max_length=CODE_LENGTH)
    sha256: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class EntryAction(SQLModel, table=True):
    """A void, a correction or a change of state of an entry: who, when and why."""

    __tablename__ = "entry_actions"
    __table_args__ = (
        Index("ix_entry_actions_entry", "entry_id", "id"),
        Index("ix_entry_actions_contract", "contract_id", "kind"),
        one_of("kind", ActionKind, "kind"),
        CheckConstraint(
            "(kind = 'state') = (state IS NOT NULL)", name="state_only_on_state_actions"
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    entry_id: int = Field(foreign_key="entries.id", sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    kind: str = Field(max_length=16)
    state: str | None = Field(default=None, max_length=16)
    quantity: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    value: str | None = Field(default=None, max_length=NAME_LENGTH)
    reason: str = Field(sa_type=Text)
    actor_id: int = Field(foreign_key="people.id", sa_type=BigId)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Dispute(SQLModel, table=True):
    """A vendor lead's objection to an entry, and how it was resolved."""

    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_open", "contract_id", "status", "opened_at"),
        # At most one open dispute per entry.
        Index(
            "uq_disputes_open_entry",
            "entry_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        one_of("status", DisputeStatus, "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    entry_id: int = Field(foreign_key="entries.id", sa_type=BigId, index=True)
    status: str = Field(max_length=16)
    reason: str = Field(sa_type=Text)
    opened_by_id: int = Field(foreign_key="people.id", sa_type=BigId)
    opened_at: dt.datetime = Field(sa_type=UtcDateTime)
    resolved_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)
    resolved_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolution: str | None = Field(default=None, sa_type=Text)


class DeliveryState(StrEnum):
    """Where a pushed message stands: recorded before it is sent and again after."""

    PENDING = "pending"  # due, not sent yet (or waiting for a retry)
    SENDING = "sending"  # claimed by a process that is sending it now
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts
    BLOCKED = "blocked"  # the person blocked the bot
    UNKNOWN = "unknown"  # cut off mid-send as often as it may be tried: given up


class DigestDelivery(SQLModel, table=True):
    """A digest (or other pushed message) for a person: claimed, sent and recorded once."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("contract_id", "person_id", "kind", "period"),
        Index("ix_digest_deliveries_state", "state", "next_attempt_at"),
        one_of("state", DeliveryState, "state"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    person_id: int = Field(foreign_key="people.id", sa_type=BigId)
    kind: str = Field(max_length=16)
    period: str = Field(max_length=32)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    state: str = Field(default=DeliveryState.PENDING.value, max_length=16)
    due_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    late: bool = False
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    claim: str | None = Field(default=None, max_length=32)
    claimed_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    error: str | None = Field(default=None, sa_type=Text)


class OutboxMessage(SQLModel, table=True):
    """A message the bot owes someone (a report's confirmation, a dispute's notice): written in
    the transaction of what it tells, sent after the commit, sent again until it arrives, in
    ``id`` order per chat (bot.services.outbox)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_chat_id_id", "state", "chat_id", "id"),
        Index("ix_outbox_entry_id", "entry_id"),
        one_of("state", DeliveryState, "state"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    chat_id: int = Field(sa_type=BigInteger)
    kind: str = Field(max_length=16)
    text: str = Field(sa_type=Text)  # the message, or a photo's caption
    photo: str | None = Field(default=None, max_length=200)  # a Telegram file id
    buttons: list[list[list[str]]] = Field(default_factory=list, sa_type=JSON)  # [label, data]
    entry_id: int | None = Field(default=None, foreign_key="entries.id", sa_type=BigId)
    undo_minutes: int | None = None  # the Undo window, counted from when it arrived
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    state: str = Field(default=DeliveryState.PENDING.value, max_length=16)
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    claim: str | None = Field(default=None, max_length=32)
    claimed_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    error: str | None = Field(default=None, sa_type=Text)


class ClosedPeriod(SQLModel, table=True):
    """A period whose assessment is final, with the figures it was closed with."""

    __tablename__ = "closed_periods"
    __table_args__ = (UniqueConstraint("contract_id", "period"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    period: str = Field(max_length=32)
    rulebook_version: int
    score: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    closed_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)
    closed_at: dt.datetime = Field(sa_type=UtcDateTime)


class GivenScore(SQLModel, table=True):
    """A period's score given from outside floorbot (the paper sheets) for a period that began
    before the contract's recording did; the pool-year and deposit means use it."""

    __tablename__ = "given_scores"
    __table_args__ = (UniqueConstraint("contract_id", "period"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    period: str = Field(max_length=32)
    score: Decimal = Field(sa_type=ExactDecimal)
    source: str = Field(sa_type=Text)
    entered_by: str = Field(max_length=NAME_LENGTH)
    entered_at: dt.datetime = Field(sa_type=UtcDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update already handled: a redelivery of it is ignored."""

    __tablename__ = "processed_updates"

    update_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    processed_at: dt.datetime = Field(sa_type=UtcDateTime)


# -- digests and late reports --------------------------------------------------


class DigestRun(SQLModel, table=True):
    """One scheduled digest of a contract (a day's, a period's): made once, by one process."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("contract_id", "kind", "period"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    kind: str = Field(max_length=16)
    period: str = Field(max_length=32)
    due_at: dt.datetime = Field(sa_type=UtcDateTime)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class DigestSubscription(SQLModel, table=True):
    """A person's choice of digests on a contract (managers without a row get both)."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "contract_id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    person_id: int = Field(foreign_key="people.id", sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    daily: bool
    period: bool
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)


class BlockedChat(SQLModel, table=True):
    """A person who blocked the bot: pushed messages skip them until they write again."""

    __tablename__ = "blocked_chats"

    person_id: int = Field(
        primary_key=True,
        foreign_key="people.id",
        sa_type=BigId,
        sa_column_kwargs={"autoincrement": False},
    )
    blocked_at: dt.datetime = Field(sa_type=UtcDateTime)


class LateReportStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class LateReport(SQLModel, table=True):
    """A report for a closed period, waiting for a manager; approved, it becomes an entry."""

    __tablename__ = "late_reports"
    __table_args__ = (
        UniqueConstraint("contract_id", "source_chat_id", "source_message_id"),
        Index("ix_late_reports_status", "contract_id", "status"),
        one_of("status", LateReportStatus, "status"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    period: str = Field(max_length=32)
    item: str = Field(max_length=CODE_LENGTH)
    occurred_at: dt.datetime = Field(sa_type=UtcDateTime)
    quantity: Decimal = Field(sa_type=ExactDecimal)
    value: str | None = Field(default=None, max_length=NAME_LENGTH)
    staff: str | None = Field(default=None, max_length=NAME_LENGTH)
    note: str | None = Field(default=None, sa_type=Text)
    inspector: str | None = Field(default=None, max_length=NAME_LENGTH)
    photos: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    reported_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)
    source_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    source_message_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default=LateReportStatus.PENDING.value, max_length=16)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    entry_id: int | None = Field(default=None, foreign_key="entries.id", sa_type=BigId)


# -- conversations ----------------------------------------------------------------


class ConversationState(SQLModel, table=True):
    """A user's unfinished work in a chat (a guided report, an album, a pending choice).

    Kept in the database, not in one process's memory, so that any bot process can take the
    user's next message, and a restart loses nothing. Rows expire (``expires_at``).
    """

    __tablename__ = "conversation_state"
    __table_args__ = (Index("ix_conversation_state_expires", "expires_at"),)

    chat_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    user_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    kind: str = Field(primary_key=True, max_length=128)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)
    expires_at: dt.datetime = Field(sa_type=UtcDateTime)
