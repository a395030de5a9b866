"""The first schema: every table of storage.models as of floorbot 0.1.

Types are spelled out here (not imported from storage.types) so this revision never
changes when the code does: times are TIMESTAMP WITH TIME ZONE (text in UTC on SQLite),
quantities NUMERIC(18, 6) on PostgreSQL and an integer count of millionths on SQLite.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
QUANTITY = sa.Numeric(18, 6).with_variant(sa.BigInteger(), "sqlite")

# The ledger's tables refuse UPDATE and DELETE: a change is a new row (storage.models).
APPEND_ONLY = ("entries", "entry_actions", "evidence", "audit_log")
APPEND_ONLY_MESSAGE = "is append-only: record a new row (a void or a correction) instead"
PG_FUNCTION = "floorbot_append_only"


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("rulebook_id", sa.String(64), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("vendor", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_table(
        "people",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_people_telegram_user_id")),
    )
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_audit_log_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_contract", "audit_log", ["contract_id", "at"], unique=False)

    op.create_table(
        "closed_periods",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("rulebook_version", sa.Integer(), nullable=False),
        sa.Column("score", QUANTITY, nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("closed_by_id", BIG_ID, nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["people.id"], name=op.f("fk_closed_periods_closed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_closed_periods_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_periods")),
        sa.UniqueConstraint(
            "contract_id", "period", name=op.f("uq_closed_periods_contract_id_period")
        ),
    )
    op.create_table(
        "digest_deliveries",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("person_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_digest_deliveries_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_digest_deliveries_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint(
            "contract_id",
            "person_id",
            "kind",
            "period",
            name=op.f("uq_digest_deliveries_contract_id_person_id_kind_period"),
        ),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_recorded", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_import_batches_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint(
            "contract_id", "sha256", name=op.f("uq_import_batches_contract_id_sha256")
        ),
    )
    op.create_table(
        "invites",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("created_by_id", BIG_ID, nullable=True),
        sa.Column("created_via", sa.String(200), nullable=False),
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.Column("used_by_id", BIG_ID, nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'manager', 'inspector', 'vendor_lead')", name=op.f("ck_invites_role")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_invites_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_invites_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"], ["people.id"], name=op.f("fk_invites_used_by_id_people")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_invites")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("person_id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'manager', 'inspector', 'vendor_lead')",
            name=op.f("ck_memberships_role"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_memberships_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_memberships_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "person_id",
            "contract_id",
            "role",
            name=op.f("uq_memberships_person_id_contract_id_role"),
        ),
    )
    op.create_index(
        op.f("ix_memberships_contract_id"), "memberships", ["contract_id"], unique=False
    )

    op.create_table(
        "roster",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("staff_no", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_roster_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster")),
        sa.UniqueConstraint("contract_id", "staff_no", name=op.f("uq_roster_contract_id_staff_no")),
    )
    op.create_table(
        "entries",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("value", sa.String(200), nullable=True),
        sa.Column("staff", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("inspector", sa.String(200), nullable=True),
        sa.Column("reported_by_id", BIG_ID, nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("import_batch_id", BIG_ID, nullable=True),
        sa.Column("import_key", sa.String(64), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_entries_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_entries_import_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["people.id"], name=op.f("fk_entries_reported_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint(
            "contract_id", "import_key", name=op.f("uq_entries_contract_id_import_key")
        ),
    )
    op.create_index(
        "ix_entries_period",
        "entries",
        ["contract_id", "occurred_at", "item", "value", "quantity"],
        unique=False,
    )
    op.create_index(
        "ix_entries_staff", "entries", ["contract_id", "staff", "occurred_at"], unique=False
    )
    op.create_index("ix_entries_reporter", "entries", ["reported_by_id", "id"], unique=False)
    op.create_index(
        "ix_entries_source", "entries", ["source_chat_id", "source_message_id"], unique=False
    )

    op.create_table(
        "disputes",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("entry_id", BIG_ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_by_id", BIG_ID, nullable=False),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("resolved_by_id", BIG_ID, nullable=True),
        sa.Column("resolved_at", UTC_TIME, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'upheld', 'withdrawn', 'adjusted')", name=op.f("ck_disputes_status")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_disputes_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_disputes_entry_id_entries")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_disputes_opened_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["people.id"], name=op.f("fk_disputes_resolved_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index(op.f("ix_disputes_entry_id"), "disputes", ["entry_id"], unique=False)
    op.create_index(
        "ix_disputes_open", "disputes", ["contract_id", "status", "opened_at"], unique=False
    )
    op.create_index(
        "uq_disputes_open_entry",
        "disputes",
        ["entry_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )

    op.create_table(
        "entry_actions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("entry_id", BIG_ID, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("quantity", QUANTITY, nullable=True),
        sa.Column("value", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", BIG_ID, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "(kind = 'state') = (state IS NOT NULL)",
            name=op.f("ck_entry_actions_state_only_on_state_actions"),
        ),
        sa.CheckConstraint(
            "kind IN ('void', 'correct', 'state')", name=op.f("ck_entry_actions_kind")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_entry_actions_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_entry_actions_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_entry_actions_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_actions")),
    )
    op.create_index(
        "ix_entry_actions_contract", "entry_actions", ["contract_id", "kind"], unique=False
    )
    op.create_index("ix_entry_actions_entry", "entry_actions", ["entry_id", "id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("entry_id", BIG_ID, nullable=False),
        sa.Column("telegram_file_id", sa.String(256), nullable=False),
        sa.Column("telegram_file_unique_id", sa.String(64), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_evidence_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_entry_id"), "evidence", ["entry_id"], unique=False)
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Make the database itself refuse to update or delete ledger rows."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '% {APPEND_ONLY_MESSAGE}', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    """Drop every table, children first."""
    for table in (
        "evidence",
        "entry_actions",
        "disputes",
        "entries",
        "roster",
        "memberships",
        "invites",
        "import_batches",
        "digest_deliveries",
        "closed_periods",
        "audit_log",
        "processed_updates",
        "people",
        "contracts",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION {PG_FUNCTION}()")
