"""The outbox: the messages the bot owes people (a report's confirmation with its Undo button,
a dispute's notices), written in the transaction of what they tell and sent after the commit,
again until they arrive. Types are spelled out as in 0001.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
DELIVERY_STATES = "'pending', 'sending', 'sent', 'failed', 'blocked', 'unknown'"


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(200), nullable=True),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("entry_id", BIG_ID, nullable=True),
        sa.Column("undo_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("claimed_at", UTC_TIME, nullable=True),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(f"state IN ({DELIVERY_STATES})", name=op.f("ck_outbox_state")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_outbox_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_state_chat_id_id", "outbox", ["state", "chat_id", "id"])
    op.create_index("ix_outbox_entry_id", "outbox", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_entry_id", table_name="outbox")
    op.drop_index("ix_outbox_state_chat_id_id", table_name="outbox")
    op.drop_table("outbox")
