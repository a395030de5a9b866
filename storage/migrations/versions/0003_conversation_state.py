"""Conversation state in the database: a user's unfinished guided report, album or choice.

One row per chat, user and kind (``form``, ``album:<media group>``, ``pending:<token>`` ...),
with a JSON body and an expiry, so that several bot processes share it and a restart keeps it.
Types are spelled out as in 0001.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_state",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(128), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "user_id", "kind", name=op.f("pk_conversation_state")),
    )
    op.create_index(
        "ix_conversation_state_expires", "conversation_state", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_state_expires", table_name="conversation_state")
    op.drop_table("conversation_state")
