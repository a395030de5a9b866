"""Contracts, the people who use the bot, their roles, and one-time invites."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.directory_models import Contract, Invite, Membership, Person, Role
from storage.errors import InvalidInputError, InviteError, NotFoundError
from storage.rows import add_row, audit, table_of

CONTRACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
# 22 letters or digits (about 131 random bits): fits a t.me ?start= parameter (max 64).
INVITE_ALPHABET = string.ascii_letters + string.digits
INVITE_LENGTH = 22


def parse_role(text: str) -> Role:
    """A role from its name (``vendor-lead`` is accepted for ``vendor_lead``)."""
    try:
        return Role(text.strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidInputError(f"unknown role {text!r}: use one of {names}") from None


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Shanghai"
        ) from None


# -- contracts ----------------------------------------------------------------------


async def add_contract(
    *,
    session: AsyncSession,
    contract_id: str,
    rulebook_id: str,
    client: str,
    vendor: str,
    timezone: str,
    now: dt.datetime,
    actor: str,
    schedule: Mapping[str, Any] | None = None,
    recording_since: dt.date | None = None,
) -> Contract:
    """Create a contract; its id must be new. Recording begins ``recording_since`` (default:
    the local day it is added): earlier periods take given scores (storage.record)."""
    if not CONTRACT_ID.match(contract_id):
        raise InvalidInputError(
            f"contract id {contract_id!r} must be 2-64 lowercase letters, digits or '-', "
            "starting with a letter or digit (e.g. haidian-2026)"
        )
    _check_zone(timezone)
    if await session.get(Contract, contract_id) is not None:
        raise InvalidInputError(f"contract {contract_id!r} already exists")
    since = recording_since or now.astimezone(ZoneInfo(timezone)).date()
    contract = Contract(
        id=contract_id,
        rulebook_id=rulebook_id,
        client=client,
        vendor=vendor,
        timezone=timezone,
        schedule=dict(schedule or {}),
        created_at=now,
        recording_since=since,
    )
    await add_row(session=session, row=contract)  # before the audit row that refers to it
    detail = {"rulebook": rulebook_id, "timezone": timezone, "recording_since": since.isoformat()}
    await audit(
        session=session,
        actor=actor,
        action="contract.add",
        subject=f"contract:{contract_id}",
        contract_id=contract_id,
        detail=detail,
        now=now,
    )
    await session.flush()
    return contract


async def get_contract(*, session: AsyncSession, contract_id: str) -> Contract:
    """The contract, or NotFoundError saying how to list or add one."""
    contract = await session.get(Contract, contract_id)
    if contract is None:
        raise NotFoundError(
            f"unknown contract {contract_id!r}: `floorbot contract list` shows the contracts, "
            "`floorbot contract add` creates one"
        )
    return contract


async def list_contracts(*, session: AsyncSession) -> Sequence[Contract]:
    return (await session.exec(select(Contract).order_by(col(Contract.id)))).all()


# -- people and roles -----------------------------------------------------------------


async def ensure_person(
    *,
    session: AsyncSession,
    telegram_user_id: int,
    display_name: str,
    now: dt.datetime,
    language: str | None = None,
) -> Person:
    """The person with this Telegram id, created on first sight."""
    statement = select(Person).where(col(Person.telegram_user_id) == telegram_user_id)
    person = (await session.exec(statement)).first()
    if person is None:
        person = Person(
            telegram_user_id=telegram_user_id,
            display_name=display_name,
            language=language,
            created_at=now,
        )
        await add_row(session=session, row=person)
    return person


async def memberships_of(*, session: AsyncSession, person_id: int) -> Sequence[Membership]:
    statement = select(Membership).where(col(Membership.person_id) == person_id)
    return (await session.exec(statement.order_by(col(Membership.contract_id)))).all()


async def grant_role(
    *, session: AsyncSession, person_id: int, contract_id: str, role: Role, now: dt.datetime
) -> Membership:
    """Give a person a role on a contract (idempotent)."""
    statement = select(Membership).where(
        col(Membership.person_id) == person_id,
        col(Membership.contract_id) == contract_id,
        col(Membership.role) == role.value,
    )
    existing = (await session.exec(statement)).first()
    if existing is not None:
        return existing
    membership = Membership(
        person_id=person_id, contract_id=contract_id, role=role.value, created_at=now
    )
    return await add_row(session=session, row=membership)


# -- invites --------------------------------------------------------------------------


async def create_invite(
    *,
    session: AsyncSession,
    contract_id: str,
    role: Role,
    expires_at: dt.datetime,
    now: dt.datetime,
    created_via: str,
    created_by_id: int | None = None,
) -> Invite:
    """A new single-use invite code (unguessable: ``secrets``) for a role on a contract."""
    await get_contract(session=session, contract_id=contract_id)
    if expires_at <= now:
        raise InvalidInputError("an invite must expire after it is made")
    invite = Invite(
        code="".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH)),
        contract_id=contract_id,
        role=role.value,
        created_at=now,
        expires_at=expires_at,
        created_by_id=created_by_id,
        created_via=created_via,
    )
    session.add(invite)
    detail = {"role": role.value, "expires_at": expires_at.isoformat()}
    await audit(
        session=session,
        actor=created_via,
        action="invite.create",
        subject=f"contract:{contract_id}",
        contract_id=contract_id,
        detail=detail,
        now=now,
    )
    await session.flush()
    return invite


async def redeem_invite(
    *, session: AsyncSession, code: str, person_id: int, now: dt.datetime
) -> Membership:
    """Use an invite once: grant its role to the person, or InviteError saying why not."""
    invite = await session.get(Invite, code)
    if invite is None:
        raise InviteError("this invite code is not known: ask for a new one")
    if invite.used_at is not None:
        raise InviteError("this invite has already been used: ask for a new one")
    if invite.expires_at <= now:
        raise InviteError("this invite has expired: ask for a new one")
    claimed = await session.exec(
        update(table_of(Invite))
        .where(col(Invite.code) == code, col(Invite.used_at).is_(None))
        .values(used_at=now, used_by_id=person_id)
    )
    if claimed.rowcount != 1:
        raise InviteError("this invite has already been used: ask for a new one")
    await session.refresh(invite)
    role = Role(invite.role)
    await audit(
        session=session,
        actor=f"person:{person_id}",
        action="invite.redeem",
        subject=f"contract:{invite.contract_id}",
        contract_id=invite.contract_id,
        detail={"role": role.value},
        now=now,
    )
    return await grant_role(
        session=session, person_id=person_id, contract_id=invite.contract_id, role=role, now=now
    )
