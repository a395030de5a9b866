"""The digest tests' world: the bot tests' contracts and people, set up in June 2026, plus
managers of contract B and of both contracts; helpers to record reports and read rows.

Both contracts use the Haidian rulebook (001): monthly, 100 minus deductions, 100 CNY per
0.1 point below 100 (附件二 第三章 二), two months in a row below 80 let the client
terminate (六、6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel import col, select

from bot.services.digests.schedule import due_now, parse_schedule
from bot.services.registry import Services
from scoring.assessment import Event
from storage.bot_queries import person_by_telegram_id, set_language
from storage.db import write_session
from storage.delivery_queries import make_run
from storage.models import ClosedPeriod, Contract, DigestDelivery, Entry, LateReport, Role
from storage.queries import record_entry
from tests.bot.world import ADMIN, INSPECTOR, MANAGER, TZ, VENDOR, A, B, add_member, seed
from tests.fakebot import FakeTelegram, FakeUser

__all__ = ["ADMIN", "INSPECTOR", "MANAGER", "TZ", "VENDOR", "A", "B"]

# The contracts were set up in the bot on 20 June 2026 (001's term starts 17 June).
SEEDED = dt.datetime(2026, 6, 20, 9, 0, tzinfo=TZ)
BOSS = FakeUser(2001, "Boss AB", "zh")  # manages both contracts
MANAGER_B = FakeUser(2002, "Mgr B", "en")  # manages contract B, chose English (/lang en)
EXTRA = ((BOSS, A, Role.MANAGER), (BOSS, B, Role.MANAGER), (MANAGER_B, B, Role.MANAGER))


def local(*parts: int) -> dt.datetime:
    """A Beijing wall-clock time."""
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


async def seed_digests(services: Services, fake: FakeTelegram) -> None:
    """The bot tests' world as of SEEDED, the extra managers, and every chat known."""
    await seed(services, SEEDED)
    async with write_session(services.sessions) as session:
        for user, contract, role in EXTRA:
            await add_member(session, user, contract, role, SEEDED)
        english = await person_by_telegram_id(session=session, telegram_user_id=MANAGER_B.id)
        assert english is not None
        await set_language(
            session=session, person=english, language="en"
        )  # as if they had sent /lang en
    for user in (INSPECTOR, MANAGER, VENDOR, ADMIN, BOSS, MANAGER_B):
        fake.know(user)


async def report(
    services: Services,
    contract: str,
    item: str,
    when: dt.datetime,
    *,
    staff: str | None = None,
    value: str | None = None,
    quantity: int = 1,
    recorded: dt.datetime | None = None,
    by: FakeUser = INSPECTOR,
) -> int:
    """A report stored as the inspector ``by`` would have made it (at ``recorded``)."""
    async with write_session(services.sessions) as session:
        person = await person_by_telegram_id(session=session, telegram_user_id=by.id)
        event = Event(item, when, Decimal(quantity), value, staff, inspector=by.first_name)
        entry_id = await record_entry(
            session=session,
            contract_id=contract,
            event=event,
            now=recorded or when,
            reported_by_id=person.id if person else None,
        )
    return entry_id


async def deliveries(services: Services, kind: str | None = None) -> list[DigestDelivery]:
    async with services.sessions() as session:
        statement = select(DigestDelivery).order_by(col(DigestDelivery.id))
        if kind is not None:
            statement = statement.where(col(DigestDelivery.kind) == kind)
        return list((await session.exec(statement)).all())


async def closed(services: Services, contract: str, period: str) -> ClosedPeriod | None:
    async with services.sessions() as session:
        statement = select(ClosedPeriod).where(
            col(ClosedPeriod.contract_id) == contract, col(ClosedPeriod.period) == period
        )
        return (await session.exec(statement)).first()


async def all_entries(services: Services) -> list[Entry]:
    async with services.sessions() as session:
        return list((await session.exec(select(Entry).order_by(col(Entry.id)))).all())


async def late_reports(services: Services) -> list[LateReport]:
    async with services.sessions() as session:
        found = await session.exec(select(LateReport).order_by(col(LateReport.id)))
        return list(found.all())


async def person_id(services: Services, user: FakeUser) -> int:
    async with services.sessions() as session:
        person = await person_by_telegram_id(session=session, telegram_user_id=user.id)
    assert person is not None and person.id is not None
    return person.id


async def sent_before(services: Services, moment: dt.datetime) -> None:
    """As if the bot had run until ``moment``: every digest due by then counts as made
    (its run is stored; nothing is sent, no period is closed)."""
    async with write_session(services.sessions) as session:
        for contract in (A, B):
            found = await session.get(Contract, contract)
            assert found is not None
            book = services.rulebooks[found.rulebook_id]
            schedule = parse_schedule(found.schedule)
            for occurrence in due_now(schedule, book, TZ, moment, since=SEEDED):
                await make_run(
                    session=session,
                    contract_id=contract,
                    kind=occurrence.kind,
                    period=occurrence.label,
                    due_at=occurrence.due,
                    now=occurrence.due,
                )
