"""Digests: delivery states, digest runs, subscriptions, blocked chats and late reports.

``digest_deliveries`` gains the state a pushed message is in (recorded before sending and
after), its due time, lateness, attempts and claim; rows that existed were sent. New tables:
``digest_runs`` (one per contract, kind and period: made once, by one process),
``digest_subscriptions``, ``blocked_chats`` and ``late_reports`` (a report for a closed period
waiting for a manager's approval). Types are spelled out as in 0001.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
QUANTITY = sa.Numeric(18, 6).with_variant(sa.BigInteger(), "sqlite")
DELIVERY_STATES = "'pending', 'sending', 'sent', 'failed', 'blocked', 'unknown'"
LATE_STATES = "'pending', 'approved', 'rejected'"


def upgrade() -> None:
    _deliveries()
    _runs()
    _subscriptions()
    _late_reports()


def _deliveries() -> None:
    with op.batch_alter_table("digest_deliveries") as batch:
        batch.add_column(sa.Column("state", sa.String(16), nullable=False, server_default="sent"))
        batch.add_column(sa.Column("due_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("claim", sa.String(32), nullable=True))
        batch.add_column(sa.Column("claimed_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch.alter_column("sent_at", existing_type=UTC_TIME, nullable=True)
        batch.create_check_constraint(
            op.f("ck_digest_deliveries_state"), f"state IN ({DELIVERY_STATES})"
        )
        batch.create_index("ix_digest_deliveries_state", ["state", "next_attempt_at"], unique=False)
    with op.batch_alter_table("digest_deliveries") as batch:
        # The defaults only filled the rows that were there; new rows say what they are.
        batch.alter_column("state", existing_type=sa.String(16), server_default=None)
        batch.alter_column("late", existing_type=sa.Boolean(), server_default=None)
        batch.alter_column("attempts", existing_type=sa.Integer(), server_default=None)


def _runs() -> None:
    op.create_table(
        "digest_runs",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_digest_runs_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint(
            "contract_id", "kind", "period", name=op.f("uq_digest_runs_contract_id_kind_period")
        ),
    )


def _subscriptions() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("person_id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.Column("period", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_digest_subscriptions_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_digest_subscriptions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_subscriptions")),
        sa.UniqueConstraint(
            "person_id",
            "contract_id",
            name=op.f("uq_digest_subscriptions_person_id_contract_id"),
        ),
    )
    op.create_table(
        "blocked_chats",
        sa.Column("person_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("blocked_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_blocked_chats_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_blocked_chats")),
    )


def _late_reports() -> None:
    op.create_table(
        "late_reports",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("value", sa.String(200), nullable=True),
        sa.Column("staff", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inspector", sa.String(200), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("reported_by_id", BIG_ID, nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("decided_by_id", BIG_ID, nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.Column("entry_id", BIG_ID, nullable=True),
        sa.CheckConstraint(f"status IN ({LATE_STATES})", name=op.f("ck_late_reports_status")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_late_reports_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["people.id"], name=op.f("fk_late_reports_reported_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["people.id"], name=op.f("fk_late_reports_decided_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_late_reports_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_late_reports")),
        sa.UniqueConstraint(
            "contract_id",
            "source_chat_id",
            "source_message_id",
            name=op.f("uq_late_reports_contract_id_source_chat_id_source_message_id"),
        ),
    )
    op.create_index(
        "ix_late_reports_status", "late_reports", ["contract_id", "status"], unique=False
    )


def downgrade() -> None:
    """Drop the new tables; deliveries that were not sent go, the rest lose their states."""
    for table in ("late_reports", "blocked_chats", "digest_subscriptions", "digest_runs"):
        op.drop_table(table)
    op.execute("DELETE FROM digest_deliveries WHERE sent_at IS NULL")
    with op.batch_alter_table("digest_deliveries") as batch:
        batch.drop_index("ix_digest_deliveries_state")
        batch.drop_constraint(op.f("ck_digest_deliveries_state"), type_="check")
        for column in (
            "error",
            "claimed_at",
            "claim",
            "next_attempt_at",
            "attempts",
            "late",
            "due_at",
            "state",
        ):
            batch.drop_column(column)
        batch.alter_column("sent_at", existing_type=UTC_TIME, nullable=False)
