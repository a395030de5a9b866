"""The questions the Telegram bot asks the database, over the storage models.

Every function takes the session first and leaves the transaction to the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.locks import on_postgresql
from storage.models import (
    ActionKind,
    ClosedPeriod,
    Contract,
    Entry,
    EntryAction,
    Evidence,
    Membership,
    Person,
    RosterMember,
)
from storage.rows import flush_pending, table_of

# PostgreSQL advisory locks take a 64-bit key; this namespaces the bot's per-chat locks.
_LOCK_NAMESPACE = b"floorbot.chat:"


@dataclass(frozen=True, slots=True)
class PersonRoles:
    """A person, the roles they hold contract by contract, and each contract's rulebook."""

    person_id: int
    telegram_user_id: int
    display_name: str
    language: str | None
    roles: dict[str, set[str]]
    rulebooks: dict[str, str]


class StaffMatch(NamedTuple):
    """A roster member a name or staff number in a report matched."""

    staff_no: str
    name: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One of an inspector's reports as it stands now: ``corrected`` holds the quantity and
    value its latest correction gave it (None when it was never corrected)."""

    entry: Entry
    voided: bool
    state: str | None
    photos: int
    corrected: tuple[Decimal, str | None] | None = None


async def person_by_telegram_id(*, session: AsyncSession, telegram_user_id: int) -> Person | None:
    statement = select(Person).where(col(Person.telegram_user_id) == telegram_user_id)
    return (await session.exec(statement)).first()


_PEOPLE, _MEMBERSHIPS, _CONTRACTS = table_of(Person), table_of(Membership), table_of(Contract)
_ROSTER, _CLOSED = table_of(RosterMember), table_of(ClosedPeriod)
# People with their memberships and each membership's contract rulebook (outer joins).
_PEOPLE_ROLES = (
    sa_select(
        _PEOPLE.c.id,
        _PEOPLE.c.telegram_user_id,
        _PEOPLE.c.display_name,
        _PEOPLE.c.language,
        _MEMBERSHIPS.c.contract_id,
        _MEMBERSHIPS.c.role,
        _CONTRACTS.c.rulebook_id,
    )
    .join(_MEMBERSHIPS, _MEMBERSHIPS.c.person_id == _PEOPLE.c.id, isouter=True)
    .join(_CONTRACTS, _CONTRACTS.c.id == _MEMBERSHIPS.c.contract_id, isouter=True)
)
# Asked on every request: who is asking, and their roles.
_PERSON_ROLES = _PEOPLE_ROLES.where(_PEOPLE.c.telegram_user_id == bindparam("telegram_user_id"))


def _collect(rows: Iterable[Sequence[Any]]) -> dict[int, PersonRoles]:
    """Rows of (person id, Telegram id, name, language, contract, role, rulebook) by person."""
    found: dict[int, PersonRoles] = {}
    for person_id, telegram_id, name, language, contract_id, role, rulebook_id in rows:
        entry = found.get(person_id)
        if entry is None:
            entry = found[person_id] = PersonRoles(person_id, telegram_id, name, language, {}, {})
        if contract_id is not None:
            entry.roles.setdefault(contract_id, set()).add(role)
            entry.rulebooks[contract_id] = rulebook_id
    return found


async def person_roles(*, session: AsyncSession, telegram_user_id: int) -> PersonRoles | None:
    """The person with this Telegram id, their roles and rulebooks (one query); None if unknown."""
    await flush_pending(session=session)
    conn = await session.connection()
    rows = await conn.execute(_PERSON_ROLES, {"telegram_user_id": telegram_user_id})
    found = _collect(rows.all())
    return next(iter(found.values()), None)


async def people_with_roles(*, session: AsyncSession) -> list[PersonRoles]:
    """Everyone who holds a role, for the per-user command menus."""
    statement = _PEOPLE_ROLES.where(_MEMBERSHIPS.c.id.is_not(None))
    conn = await session.connection()
    return list(_collect((await conn.execute(statement)).all()).values())


async def set_language(*, session: AsyncSession, person: Person, language: str) -> None:
    """Remember the language a person chose with /lang."""
    person.language = language
    session.add(person)
    await session.flush()


async def lock_chat(*, session: AsyncSession, chat_id: int) -> None:
    """Serialise writes from one chat until the transaction ends.

    SQLite write transactions are already serial (BEGIN IMMEDIATE); on PostgreSQL this takes
    a transaction-scoped advisory lock, so two processes handling a double-tapped button of
    the same chat cannot both record.
    """
    if not on_postgresql(session=session):
        return
    conn = await session.connection()
    digest = hashlib.sha256(_LOCK_NAMESPACE + str(chat_id).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def entry_by_source(
    *, session: AsyncSession, contract_id: str, chat_id: int, message_id: int
) -> Entry | None:
    """The entry recorded from a given Telegram message, if any."""
    statement = select(Entry).where(
        col(Entry.contract_id) == contract_id,
        col(Entry.source_chat_id) == chat_id,
        col(Entry.source_message_id) == message_id,
    )
    return (await session.exec(statement)).first()


async def active_roster(
    *, session: AsyncSession, contract_id: str, on: dt.date
) -> Sequence[RosterMember]:
    """The contract's staff active on a local date, by name."""
    statement = select(RosterMember).where(
        col(RosterMember.contract_id) == contract_id,
        (col(RosterMember.active_from).is_(None)) | (col(RosterMember.active_from) <= on),
        (col(RosterMember.active_to).is_(None)) | (col(RosterMember.active_to) >= on),
    )
    return (await session.exec(statement.order_by(col(RosterMember.name)))).all()


_ROSTER_MATCH = sa_select(_ROSTER.c.staff_no, _ROSTER.c.name).where(
    _ROSTER.c.contract_id == bindparam("contract_id"),
    or_(_ROSTER.c.staff_no == bindparam("text"), _ROSTER.c.name == bindparam("text")),
    or_(_ROSTER.c.active_from.is_(None), _ROSTER.c.active_from <= bindparam("on")),
    or_(_ROSTER.c.active_to.is_(None), _ROSTER.c.active_to >= bindparam("on")),
)


async def roster_match(
    *, session: AsyncSession, contract_id: str, text: str, on: dt.date
) -> list[StaffMatch]:
    """Active staff whose staff number or name is exactly ``text`` (staff numbers first)."""
    await flush_pending(session=session)
    conn = await session.connection()
    params = {"contract_id": contract_id, "text": text, "on": on}
    rows = (await conn.execute(_ROSTER_MATCH, params)).all()
    return sorted((StaffMatch(*row) for row in rows), key=lambda m: m.staff_no != text)


async def recent_staff(
    *, session: AsyncSession, contract_id: str, person_id: int, limit: int
) -> list[str]:
    """The staff this inspector reported most recently on the contract, newest first."""
    last = func.max(col(Entry.id)).label("last")
    statement = (
        select(col(Entry.staff), last)
        .where(
            col(Entry.contract_id) == contract_id,
            col(Entry.reported_by_id) == person_id,
            col(Entry.staff).is_not(None),
        )
        .group_by(col(Entry.staff))
        .order_by(last.desc())
        .limit(limit)
    )
    return [row[0] for row in (await session.exec(statement)).all() if row[0]]


async def item_counts(
    *, session: AsyncSession, contract_id: str, since: dt.datetime
) -> dict[str, int]:
    """How often each item was reported on the contract since ``since``."""
    statement = (
        select(col(Entry.item), func.count())
        .where(col(Entry.contract_id) == contract_id, col(Entry.occurred_at) >= since)
        .group_by(col(Entry.item))
    )
    return {item: int(count) for item, count in (await session.exec(statement)).all()}


_PERIOD_CLOSED = sa_select(_CLOSED.c.id).where(
    _CLOSED.c.contract_id == bindparam("contract_id"), _CLOSED.c.period == bindparam("period")
)


async def is_period_closed(*, session: AsyncSession, contract_id: str, period: str) -> bool:
    """Whether the period's figures are final (a closed period takes no new report)."""
    await flush_pending(session=session)
    conn = await session.connection()
    params = {"contract_id": contract_id, "period": period}
    return (await conn.execute(_PERIOD_CLOSED, params)).first() is not None


async def reports_by(*, session: AsyncSession, person_id: int, limit: int) -> list[ReportRow]:
    """A person's latest reports, newest first, with whether each was voided and its state."""
    statement = (
        select(Entry)
        .where(col(Entry.reported_by_id) == person_id)
        .order_by(col(Entry.id).desc())
        .limit(limit)
    )
    entries = list((await session.exec(statement)).all())
    ids = [e.id for e in entries if e.id is not None]
    if not ids:
        return []
    acted = await _actions_of(session, ids)
    photos = await _photo_counts(session, ids)
    return [
        ReportRow(
            e,
            e.id in acted.voided,
            acted.states.get(e.id or 0),
            photos.get(e.id or 0, 0),
            acted.corrected.get(e.id or 0),
        )
        for e in entries
    ]


@dataclass(slots=True)
class _Acted:
    """What the actions on some entries add up to, entry by entry."""

    voided: set[int] = field(default_factory=set)
    states: dict[int, str] = field(default_factory=dict)
    corrected: dict[int, tuple[Decimal, str | None]] = field(default_factory=dict)


async def _actions_of(session: AsyncSession, ids: list[int]) -> _Acted:
    statement = (
        select(EntryAction).where(col(EntryAction.entry_id).in_(ids)).order_by(col(EntryAction.id))
    )
    acted = _Acted()
    for action in (await session.exec(statement)).all():
        if action.kind == ActionKind.VOID:
            acted.voided.add(action.entry_id)
        elif action.kind == ActionKind.STATE and action.state is not None:
            acted.states[action.entry_id] = action.state
        elif action.kind == ActionKind.CORRECT and action.quantity is not None:
            acted.corrected[action.entry_id] = (action.quantity, action.value)
    return acted


async def _photo_counts(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    statement = (
        select(col(Evidence.entry_id), func.count())
        .where(col(Evidence.entry_id).in_(ids))
        .group_by(col(Evidence.entry_id))
    )
    return {entry_id: int(n) for entry_id, n in (await session.exec(statement)).all()}


async def evidence_of(*, session: AsyncSession, entry_id: int) -> Sequence[Evidence]:
    statement = select(Evidence).where(col(Evidence.entry_id) == entry_id)
    return (await session.exec(statement.order_by(col(Evidence.id)))).all()


async def entry_from_message(
    *, session: AsyncSession, chat_id: int, message_id: int
) -> Entry | None:
    """The entry recorded from a Telegram message, on whatever contract."""
    statement = select(Entry).where(
        col(Entry.source_chat_id) == chat_id, col(Entry.source_message_id) == message_id
    )
    return (await session.exec(statement)).first()
