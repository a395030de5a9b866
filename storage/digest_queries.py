"""The questions digests ask the database: who gets them, subscriptions, blocked chats,
closed periods, the ledger entry by entry, contract schedules.

Every function takes the session first and leaves the transaction to the caller. Runs and
deliveries are in storage.delivery_queries, late reports in storage.late_queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    ActionKind,
    BlockedChat,
    ClosedPeriod,
    Contract,
    DigestSubscription,
    Entry,
    EntryAction,
    Membership,
    Person,
    Role,
)
from storage.rows import audit, table_of

# Who may receive digests on a contract, and who gets them without asking.
DIGEST_ROLES = (Role.MANAGER, Role.ADMIN)
SUBSCRIBED_BY_DEFAULT = Role.MANAGER
KIND_DAILY = "daily"
KIND_PERIOD = "period"
KIND_LATE = "late"  # a late report waiting for a manager; its period is "req:<id>"
LATE_PREFIX = "req:"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone a message is pushed to: their person id, private chat and language."""

    person_id: int
    telegram_id: int
    name: str
    language: str | None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """An entry as it stands now (not voided): its quantity and value after corrections."""

    entry: Entry
    quantity: Decimal
    value: str | None

    @property
    def id(self) -> int:
        assert self.entry.id is not None
        return self.entry.id


def _recipient(person: Person) -> Recipient:
    assert person.id is not None
    return Recipient(person.id, person.telegram_user_id, person.display_name, person.language)


async def insert_for(*, session: AsyncSession, model: type[Any]) -> Any:
    """INSERT for the session's dialect (both have on_conflict_do_nothing)."""
    conn = await session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return insert(table_of(model))


# -- who gets what --------------------------------------------------------------------------


def wants(role_names: Collection[str], subscription: DigestSubscription | None, kind: str) -> bool:
    """Whether a person with these roles on a contract gets its ``kind`` digests."""
    if subscription is not None:
        return subscription.daily if kind == KIND_DAILY else subscription.period
    return SUBSCRIBED_BY_DEFAULT.value in role_names


async def recipients(*, session: AsyncSession, contract_id: str, kind: str) -> list[Recipient]:
    """The people who get the contract's ``kind`` digests (daily or period), minus blocked ones."""
    statement = (
        select(Person, col(Membership.role), DigestSubscription)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(
            DigestSubscription,
            and_(
                col(DigestSubscription.person_id) == col(Person.id),
                col(DigestSubscription.contract_id) == col(Membership.contract_id),
            ),
            isouter=True,
        )
        .join(BlockedChat, col(BlockedChat.person_id) == col(Person.id), isouter=True)
        .where(
            col(Membership.contract_id) == contract_id,
            col(Membership.role).in_([r.value for r in DIGEST_ROLES]),
            col(BlockedChat.person_id).is_(None),
        )
        .order_by(col(Person.id))
    )
    people: dict[int, tuple[Person, set[str], DigestSubscription | None]] = {}
    for person, role, subscription in (await session.exec(statement)).all():
        entry = people.setdefault(person.id or 0, (person, set(), subscription))
        entry[1].add(role)
    return [_recipient(p) for p, roles, sub in people.values() if wants(roles, sub, kind)]


async def people_with_roles(
    *, session: AsyncSession, contract_id: str, roles: Iterable[Role]
) -> list[Recipient]:
    """Everyone holding one of ``roles`` on the contract who has not blocked the bot."""
    statement = (
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(BlockedChat, col(BlockedChat.person_id) == col(Person.id), isouter=True)
        .where(
            col(Membership.contract_id) == contract_id,
            col(Membership.role).in_([r.value for r in roles]),
            col(BlockedChat.person_id).is_(None),
        )
        .distinct()
        .order_by(col(Person.id))
    )
    return [_recipient(p) for p in (await session.exec(statement)).all()]


async def silent_inspectors(
    *, session: AsyncSession, contract_id: str, since: dt.datetime
) -> list[Recipient]:
    """The contract's inspectors who have recorded nothing on it since ``since``."""
    inspectors = await people_with_roles(
        session=session, contract_id=contract_id, roles=[Role.INSPECTOR]
    )
    statement = select(col(Entry.reported_by_id)).where(
        col(Entry.contract_id) == contract_id, col(Entry.created_at) >= since
    )
    active = {row for row in (await session.exec(statement.distinct())).all()}
    return [r for r in inspectors if r.person_id not in active]


async def subscription_of(
    *, session: AsyncSession, person_id: int, contract_id: str
) -> DigestSubscription | None:
    statement = select(DigestSubscription).where(
        col(DigestSubscription.person_id) == person_id,
        col(DigestSubscription.contract_id) == contract_id,
    )
    return (await session.exec(statement)).first()


async def subscribe(
    *,
    session: AsyncSession,
    person_id: int,
    contract_id: str,
    daily: bool,
    period: bool,
    now: dt.datetime,
) -> DigestSubscription:
    """Set a person's digests on a contract (the row is made on first change)."""
    found = await subscription_of(session=session, person_id=person_id, contract_id=contract_id)
    if found is None:
        found = DigestSubscription(
            person_id=person_id, contract_id=contract_id, daily=daily, period=period, updated_at=now
        )
    found.daily, found.period, found.updated_at = daily, period, now
    session.add(found)
    await audit(
        session=session,
        actor=f"person:{person_id}",
        action="digest.subscribe",
        subject=f"contract:{contract_id}",
        contract_id=contract_id,
        detail={"daily": daily, "period": period},
        now=now,
    )
    await session.flush()
    return found


# -- blocked chats --------------------------------------------------------------------------


async def block(*, session: AsyncSession, person_id: int, now: dt.datetime) -> None:
    """Mark a person as having blocked the bot (pushed messages skip them)."""
    statement = (await insert_for(session=session, model=BlockedChat)).values(
        person_id=person_id, blocked_at=now
    )
    await session.exec(statement.on_conflict_do_nothing(index_elements=["person_id"]))


async def unblock(*, session: AsyncSession, person_id: int) -> bool:
    """The person wrote to the bot again: push to them again. True when they were marked."""
    statement = delete(table_of(BlockedChat)).where(table_of(BlockedChat).c.person_id == person_id)
    return bool((await session.exec(statement)).rowcount)


async def blocked_people(*, session: AsyncSession) -> dict[int, int]:
    """Telegram user id → person id of everyone marked as having blocked the bot."""
    statement = select(col(Person.telegram_user_id), col(Person.id)).join(
        BlockedChat, col(BlockedChat.person_id) == col(Person.id)
    )
    return {int(t): int(p or 0) for t, p in (await session.exec(statement)).all()}


# -- closed periods -------------------------------------------------------------------------


async def close_period(
    *,
    session: AsyncSession,
    contract_id: str,
    period: str,
    rulebook_version: int,
    score: Decimal | None,
    summary: Mapping[str, Any],
    now: dt.datetime,
) -> bool:
    """Close a period with the figures sent; False when it was closed already."""
    statement = (await insert_for(session=session, model=ClosedPeriod)).values(
        contract_id=contract_id,
        period=period,
        rulebook_version=rulebook_version,
        score=score,
        summary=dict(summary),
        closed_at=now,
    )
    done = await session.exec(
        statement.on_conflict_do_nothing(index_elements=["contract_id", "period"])
    )
    return bool(done.rowcount == 1)


async def closed_periods(*, session: AsyncSession, contract_id: str) -> dict[str, ClosedPeriod]:
    """The contract's closed periods by label."""
    statement = select(ClosedPeriod).where(col(ClosedPeriod.contract_id) == contract_id)
    return {c.period: c for c in (await session.exec(statement)).all()}


# -- the ledger, entry by entry ------------------------------------------------------------


async def _standing(session: AsyncSession, entries: Sequence[Entry]) -> list[LedgerRow]:
    """Entries with their voids and corrections applied; voided ones left out."""
    ids = [e.id for e in entries if e.id is not None]
    if not ids:
        return []
    statement = (
        select(EntryAction)
        .where(col(EntryAction.entry_id).in_(ids), col(EntryAction.kind) != ActionKind.STATE)
        .order_by(col(EntryAction.id))
    )
    voided: set[int] = set()
    corrected: dict[int, tuple[Decimal, str | None]] = {}
    for action in (await session.exec(statement)).all():
        if action.kind == ActionKind.VOID:
            voided.add(action.entry_id)
        elif action.quantity is not None:
            corrected[action.entry_id] = (action.quantity, action.value)
    out = []
    for e in entries:
        if e.id in voided:
            continue
        quantity, value = corrected.get(e.id or 0, (e.quantity, e.value))
        out.append(LedgerRow(e, quantity, value))
    return out


async def entries_between(
    *, session: AsyncSession, contract_id: str, start: dt.datetime, end: dt.datetime
) -> list[LedgerRow]:
    """The contract's standing entries that occurred in [start, end), in time order."""
    statement = select(Entry).where(
        col(Entry.contract_id) == contract_id,
        col(Entry.occurred_at) >= start,
        col(Entry.occurred_at) < end,
    )
    found = await session.exec(statement.order_by(col(Entry.occurred_at), col(Entry.id)))
    return await _standing(session, found.all())


async def recorded_between(
    *, session: AsyncSession, contract_id: str, after: dt.datetime, until: dt.datetime
) -> list[LedgerRow]:
    """The contract's standing entries recorded in (after, until], in the order recorded."""
    statement = select(Entry).where(
        col(Entry.contract_id) == contract_id,
        col(Entry.created_at) > after,
        col(Entry.created_at) <= until,
    )
    return await _standing(session, (await session.exec(statement.order_by(col(Entry.id)))).all())


# -- contracts ----------------------------------------------------------------------------


async def set_schedule(
    *,
    session: AsyncSession,
    contract: Contract,
    schedule: Mapping[str, str],
    actor: str,
    now: dt.datetime,
) -> None:
    """Store a contract's digest schedule settings (the whole mapping) and audit the change."""
    before = dict(contract.schedule or {})
    contract.schedule = dict(schedule)
    session.add(contract)
    await audit(
        session=session,
        actor=actor,
        action="contract.schedule",
        subject=f"contract:{contract.id}",
        contract_id=contract.id,
        detail={"before": before, "after": dict(schedule)},
        now=now,
    )
    await session.flush()


async def names_of(*, session: AsyncSession, person_ids: Collection[int]) -> dict[int, str]:
    """Display names by person id."""
    if not person_ids:
        return {}
    statement = select(Person).where(col(Person.id).in_(list(person_ids)))
    return {p.id or 0: p.display_name for p in (await session.exec(statement)).all()}
