"""When a contract's recording began, and the scores given for the periods before it.

``contracts.recording_since``: the first local day the ledger holds everything of. A contract
that existed before this revision gets the local date it was added (in its own time zone):
floorbot cannot have recorded it earlier, so its earlier periods ask for given scores instead
of counting as empty. ``given_scores``: one score per contract and period, from the paper
sheets. Types are spelled out as in 0001.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
QUANTITY = sa.Numeric(18, 6).with_variant(sa.BigInteger(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("recording_since", sa.Date(), nullable=True))
    _fill_recording_since()
    with op.batch_alter_table("contracts") as batch:
        batch.alter_column("recording_since", existing_type=sa.Date(), nullable=False)
    op.create_table(
        "given_scores",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("score", QUANTITY, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("entered_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_given_scores_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_given_scores")),
        sa.UniqueConstraint(
            "contract_id", "period", name=op.f("uq_given_scores_contract_id_period")
        ),
    )


def _fill_recording_since() -> None:
    """Each existing contract: the local date it was added, in its own time zone."""
    bind = op.get_bind()
    contracts = sa.table(
        "contracts",
        sa.column("id", sa.String()),
        sa.column("timezone", sa.String()),
        sa.column("created_at", UTC_TIME),
        sa.column("recording_since", sa.Date()),
    )
    rows = bind.execute(sa.select(contracts.c.id, contracts.c.timezone, contracts.c.created_at))
    for contract_id, zone, created in rows.all():
        if isinstance(created, str):  # SQLite hands back the stored text
            created = dt.datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        day = created.astimezone(ZoneInfo(zone)).date()
        bind.execute(
            sa.update(contracts).where(contracts.c.id == contract_id).values(recording_since=day)
        )


def downgrade() -> None:
    op.drop_table("given_scores")
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("recording_since")
