"""The people and contracts the bot tests share, and helpers to read what the bot stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.registry import Services
from storage.db import write_session
from storage.directory import add_contract, create_invite, ensure_person, grant_role
from storage.models import Entry, EntryAction, Evidence, Invite, Role
from storage.roster import RosterRow, import_roster
from tests.fakebot import FakeUser

TZ = ZoneInfo("Asia/Shanghai")
RULEBOOK = "haidian-dispatch-2026"
# Two contracts assessed by the same rulebook (the same scheme, two vendors).
A = "haidian-2026"
B = "haidian-east-2026"
# 10:00 on 15 July 2026 in Beijing: inside both contracts' term, in period 2026-07.
NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=TZ)
TERM_START = dt.date(2026, 6, 17)  # haidian-dispatch-2026's first day

ROSTER_A = (("S001", "张三"), ("S002", "李四"), ("S003", "王五"))
ROSTER_B = (("E101", "赵六"), ("E102", "孙七"))

INSPECTOR = FakeUser(1001, "Ins A", "zh")
INSPECTOR_EN = FakeUser(1002, "Inspector En", "en")
INSPECTOR_B = FakeUser(1003, "Ins B", "zh")
MANAGER = FakeUser(1004, "Mgr A", "zh")
VENDOR = FakeUser(1005, "Vendor A", "zh")
ADMIN = FakeUser(1006, "Admin A", "zh")
BOTH = FakeUser(1007, "Ins AB", "zh")
STRANGER = FakeUser(1099, "Stranger", "zh")

MEMBERS: Sequence[tuple[FakeUser, str, Role]] = (
    (INSPECTOR, A, Role.INSPECTOR),
    (INSPECTOR_EN, A, Role.INSPECTOR),
    (INSPECTOR_B, B, Role.INSPECTOR),
    (MANAGER, A, Role.MANAGER),
    (VENDOR, A, Role.VENDOR_LEAD),
    (ADMIN, A, Role.ADMIN),
    (BOTH, A, Role.INSPECTOR),
    (BOTH, B, Role.INSPECTOR),
)


@dataclass(frozen=True, slots=True)
class Row:
    """An entry as the tests look at it."""

    id: int
    contract: str
    item: str
    staff: str | None
    value: str | None
    quantity: str
    occurred_local: str
    reported_by_id: int | None


async def seed(services: Services, now: dt.datetime = NOW) -> None:
    """Two contracts with rosters, and one person per role."""
    async with write_session(services.sessions) as session:
        for contract, vendor in ((A, "Vendor A Ltd"), (B, "Vendor B Ltd")):
            await add_contract(
                session=session,
                contract_id=contract,
                rulebook_id=RULEBOOK,
                client="海淀区城管执法局",
                vendor=vendor,
                timezone="Asia/Shanghai",
                now=now,
                actor="test",
                recording_since=TERM_START,  # the ledger holds the whole term (七、1)
            )
        for contract, roster in ((A, ROSTER_A), (B, ROSTER_B)):
            rows = [RosterRow(no, name, None, None, None) for no, name in roster]
            await import_roster(
                session=session, contract_id=contract, rows=rows, now=now, actor="test"
            )
        for user, contract, role in MEMBERS:
            await add_member(session, user, contract, role, now)


async def add_member(
    session: AsyncSession, user: FakeUser, contract: str, role: Role, now: dt.datetime
) -> None:
    person = await ensure_person(
        session=session, telegram_user_id=user.id, display_name=user.first_name, now=now
    )
    assert person.id is not None
    await grant_role(session=session, person_id=person.id, contract_id=contract, role=role, now=now)


async def invite(
    services: Services, contract: str, role: Role, *, now: dt.datetime, days: int = 7
) -> str:
    async with write_session(services.sessions) as session:
        made: Invite = await create_invite(
            session=session,
            contract_id=contract,
            role=role,
            expires_at=now + dt.timedelta(days=days),
            now=now,
            created_via="test",
        )
    return made.code


async def entries(services: Services) -> list[Row]:
    """Every stored entry, oldest first."""
    async with services.sessions() as session:
        found = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
    return [
        Row(
            id=e.id or 0,
            contract=e.contract_id,
            item=e.item,
            staff=e.staff,
            value=e.value,
            quantity=str(e.quantity),
            occurred_local=e.occurred_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            reported_by_id=e.reported_by_id,
        )
        for e in found
    ]


async def evidence(services: Services, entry_id: int) -> list[Evidence]:
    async with services.sessions() as session:
        statement = select(Evidence).where(col(Evidence.entry_id) == entry_id)
        return list((await session.exec(statement.order_by(col(Evidence.id)))).all())


async def actions(services: Services, entry_id: int) -> list[EntryAction]:
    async with services.sessions() as session:
        statement = select(EntryAction).where(col(EntryAction.entry_id) == entry_id)
        return list((await session.exec(statement)).all())
