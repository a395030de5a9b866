"""Contracts, invites (single use, expiring), memberships and the roster."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import SessionFactory, write_session
from storage.directory import (
    add_contract,
    create_invite,
    get_contract,
    list_contracts,
    memberships_of,
    parse_role,
    redeem_invite,
)
from storage.errors import InvalidInputError, InviteError, NotFoundError
from storage.models import Role
from storage.roster import RosterCsvError, import_roster, list_roster, read_roster_csv
from tests.storage.factories import NOW, make_contract, make_person

WEEK = dt.timedelta(days=7)
ROSTER = "staff_no,name,role,active_from,active_to\nA01,张三,接线员,2026-01-01,\nB02,李四,班长,,\n"


async def test_contracts_are_added_and_listed(session: AsyncSession) -> None:
    await make_contract(session, "zeta-1")
    await make_contract(session, "alpha-1")
    assert [c.id for c in await list_contracts(session=session)] == ["alpha-1", "zeta-1"]
    found = await get_contract(session=session, contract_id="alpha-1")
    assert (found.rulebook_id, found.timezone, found.created_at) == (
        "storage-test",
        "Asia/Shanghai",
        NOW,
    )


async def test_a_contract_id_is_used_once(session: AsyncSession) -> None:
    await make_contract(session)
    with pytest.raises(InvalidInputError, match="already exists"):
        await make_contract(session)


@pytest.mark.parametrize(
    ("contract_id", "timezone", "reason"),
    [("Bad_Id", "Asia/Shanghai", "lowercase"), ("ok-id", "Mars/Olympus", "unknown time zone")],
)
async def test_a_bad_contract_is_refused(
    session: AsyncSession, contract_id: str, timezone: str, reason: str
) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        await add_contract(
            session=session,
            contract_id=contract_id,
            rulebook_id="storage-test",
            client="c",
            vendor="v",
            timezone=timezone,
            now=NOW,
            actor="test",
        )


async def test_an_unknown_contract_says_how_to_find_one(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError, match="floorbot contract list"):
        await get_contract(session=session, contract_id="nope")


def test_roles_are_read_by_name() -> None:
    assert parse_role("Vendor-Lead") is Role.VENDOR_LEAD
    with pytest.raises(InvalidInputError, match="admin, manager, inspector, vendor_lead"):
        parse_role("boss")


async def test_an_invite_grants_its_role_once(session: AsyncSession) -> None:
    await make_contract(session)
    person = await make_person(session)
    other = await make_person(session, 2002)
    assert person.id is not None and other.id is not None
    invite = await create_invite(
        session=session,
        contract_id="c1",
        role=Role.INSPECTOR,
        expires_at=NOW + WEEK,
        now=NOW,
        created_via="cli:test",
    )
    assert len(invite.code) == 22 and invite.code.isalnum()
    await redeem_invite(session=session, code=invite.code, person_id=person.id, now=NOW)
    assert [
        (m.contract_id, m.role) for m in await memberships_of(session=session, person_id=person.id)
    ] == [("c1", "inspector")]
    with pytest.raises(InviteError, match="already been used"):
        await redeem_invite(session=session, code=invite.code, person_id=other.id, now=NOW)
    assert list(await memberships_of(session=session, person_id=other.id)) == []


async def test_invite_codes_differ(session: AsyncSession) -> None:
    await make_contract(session)
    codes = {
        (
            await create_invite(
                session=session,
                contract_id="c1",
                role=Role.MANAGER,
                expires_at=NOW + WEEK,
                now=NOW,
                created_via="test",
            )
        ).code
        for _ in range(20)
    }
    assert len(codes) == 20


async def test_an_expired_or_unknown_invite_is_refused(session: AsyncSession) -> None:
    await make_contract(session)
    person = await make_person(session)
    assert person.id is not None
    invite = await create_invite(
        session=session,
        contract_id="c1",
        role=Role.ADMIN,
        expires_at=NOW + WEEK,
        now=NOW,
        created_via="t",
    )
    with pytest.raises(InviteError, match="expired"):
        await redeem_invite(session=session, code=invite.code, person_id=person.id, now=NOW + WEEK)
    with pytest.raises(InviteError, match="not known"):
        await redeem_invite(session=session, code="nope", person_id=person.id, now=NOW)


async def test_two_people_racing_for_one_invite_get_one_membership(
    factory: SessionFactory,
) -> None:
    async with write_session(factory) as session:
        await make_contract(session)
        people = [await make_person(session, 3000 + n) for n in range(4)]
        invite = await create_invite(
            session=session,
            contract_id="c1",
            role=Role.MANAGER,
            expires_at=NOW + WEEK,
            now=NOW,
            created_via="t",
        )

    async def redeem(person_id: int) -> bool:
        try:
            async with write_session(factory) as session:
                await redeem_invite(session=session, code=invite.code, person_id=person_id, now=NOW)
                await asyncio.sleep(0.01)
            return True
        except InviteError:
            return False

    results = await asyncio.gather(*(redeem(p.id or 0) for p in people))
    assert sorted(results) == [False, False, False, True]


async def test_the_roster_is_added_then_updated(session: AsyncSession) -> None:
    await make_contract(session)
    first = await import_roster(
        session=session, contract_id="c1", rows=read_roster_csv(ROSTER.encode()), now=NOW, actor="t"
    )
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    changed = ROSTER.replace("李四,班长,,", "李四,班长,,2026-06-30") + "C03,王五,,,\n"
    second = await import_roster(
        session=session,
        contract_id="c1",
        rows=read_roster_csv(changed.encode()),
        now=NOW,
        actor="t",
    )
    assert (second.added, second.updated, second.unchanged) == (1, 1, 1)
    listed = [
        (m.staff_no, m.name, m.role, m.active_from, m.active_to)
        for m in await list_roster(session=session, contract_id="c1")
    ]
    assert listed == [
        ("A01", "张三", "接线员", dt.date(2026, 1, 1), None),
        ("B02", "李四", "班长", None, dt.date(2026, 6, 30)),
        ("C03", "王五", None, None, None),
    ]


def test_bad_roster_rows_are_listed_by_line() -> None:
    bad = "staff_no,name,active_from\nA01,,\nA02,Li,June\nA03,Wu,\nA03,Wu again,\n"
    with pytest.raises(RosterCsvError) as caught:
        read_roster_csv(bad.encode())
    assert caught.value.problems == [
        (2, "staff_no and name must not be empty"),
        (3, "active_from 'June' is not a date (write YYYY-MM-DD)"),
        (5, "staff_no A03 is also on line 4"),
    ]


def test_a_roster_without_its_columns_is_refused() -> None:
    with pytest.raises(RosterCsvError, match="missing column"):
        read_roster_csv(b"name,team\nLi,A\n")
