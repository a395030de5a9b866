"""The directory's tables: contracts, their vendors' staff, the people who use the bot, their
roles and invites; and the audit log, where every change of state is written.

They refer to no other table; the rest of the schema refers to them. storage.models defines
the rest and re-exports these, so that importing it still gives the whole schema (SQLModel's
metadata, the migrations' checks and the append-only rules see it together). They are kept
apart so that a command about the directory alone (``floorbot contract list``, ``floorbot
invite``) builds the mappers of these six tables, not all twenty-one: the other fifteen, with
the PostgreSQL dialect that one of their indexes names, took about a tenth of a second of its
start-up.
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from scoring.storable import NAME_LENGTH
from storage.types import BigId, UtcDateTime

# Set before any table is defined: every constraint and index name follows it.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE_LENGTH = 64


class Role(StrEnum):
    """What a person may do on a contract."""

    ADMIN = "admin"
    MANAGER = "manager"
    INSPECTOR = "inspector"
    VENDOR_LEAD = "vendor_lead"


def one_of(column: str, values: type[StrEnum], name: str) -> CheckConstraint:
    """A CHECK that ``column`` holds one of an enum's values."""
    listed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Contract(SQLModel, table=True):
    """A service contract assessed by one rulebook."""

    __tablename__ = "contracts"

    id: str = Field(primary_key=True, max_length=CODE_LENGTH)
    rulebook_id: str = Field(max_length=CODE_LENGTH)
    client: str = Field(max_length=NAME_LENGTH)
    vendor: str = Field(max_length=NAME_LENGTH)
    timezone: str = Field(max_length=CODE_LENGTH)
    schedule: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    # The first local day the ledger holds everything of: a period that began earlier takes
    # the score given for it (GivenScore), from the paper sheets.
    recording_since: dt.date


class RosterMember(SQLModel, table=True):
    """One of the vendor's staff on a contract, by staff number."""

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("contract_id", "staff_no"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    staff_no: str = Field(max_length=CODE_LENGTH)
    name: str = Field(max_length=NAME_LENGTH)
    role: str | None = Field(default=None, max_length=NAME_LENGTH)
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    updated_at: dt.datetime = Field(sa_type=UtcDateTime)


class Person(SQLModel, table=True):
    """Someone who uses the bot."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    telegram_user_id: int = Field(sa_type=BigInteger, unique=True)
    display_name: str = Field(max_length=NAME_LENGTH)
    language: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Membership(SQLModel, table=True):
    """A person's role on a contract."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("person_id", "contract_id", "role"),
        one_of("role", Role, "role"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    person_id: int = Field(foreign_key="people.id", sa_type=BigId)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH, index=True)
    role: str = Field(max_length=16)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Invite(SQLModel, table=True):
    """A one-time code that grants a role on a contract until it expires."""

    __tablename__ = "invites"
    __table_args__ = (one_of("role", Role, "role"),)

    code: str = Field(primary_key=True, max_length=CODE_LENGTH)
    contract_id: str = Field(foreign_key="contracts.id", max_length=CODE_LENGTH)
    role: str = Field(max_length=16)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    expires_at: dt.datetime = Field(sa_type=UtcDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)
    created_via: str = Field(max_length=NAME_LENGTH)
    used_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    used_by_id: int | None = Field(default=None, foreign_key="people.id", sa_type=BigId)


class AuditRecord(SQLModel, table=True):
    """One change of state anywhere: who (a person or a CLI user), what, on which subject."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_contract", "contract_id", "at"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    at: dt.datetime = Field(sa_type=UtcDateTime)
    actor: str = Field(max_length=NAME_LENGTH)
    contract_id: str | None = Field(
        default=None, foreign_key="contracts.id", max_length=CODE_LENGTH
    )
    action: str = Field(max_length=CODE_LENGTH)
    subject: str = Field(max_length=NAME_LENGTH)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
