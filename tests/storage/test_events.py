"""events_for_period: the period's active events, aggregated where the engine allows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.assessment import Event
from scoring.engine import assess
from scoring.periods import month_period
from storage.queries import correct_entry, events_for_period, void_entry
from tests.storage.factories import NOW, event, make_contract, make_person, record, storage_book

JULY = month_period(2026, 7, "Asia/Shanghai")
AUGUST_END = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


async def _july(session: AsyncSession, contract_id: str = "c1") -> list[Event]:
    return await events_for_period(
        session=session, contract_id=contract_id, book=storage_book(), period=JULY
    )


async def test_reports_are_grouped_by_item_and_value(session: AsyncSession) -> None:
    await make_contract(session)
    await record(
        session,
        "c1",
        event("dress_code", "2026-07-05 09:00", staff="A01"),
        event("dress_code", "2026-07-03 09:00", staff="B02"),
        event("dress_code", "2026-07-04 09:00", "2"),
        event("late_arrival", "2026-07-06 08:40", value="25"),
        event("late_arrival", "2026-07-07 08:40", value="25"),
        event("late_arrival", "2026-07-08 09:30", value="70"),
        event("praise", "2026-07-09 10:00"),
        event("vacancy_fee", "2026-07-10 10:00", "2"),
        event("rating_support", "2026-07-11 10:00", value="good"),
        event("rating_support", "2026-07-12 10:00", value="good"),
    )
    got = [(e.item, e.value, e.count, e.quantity) for e in await _july(session)]
    assert got == [
        ("dress_code", None, 3, Decimal(4)),
        ("late_arrival", "25", 2, Decimal(2)),
        ("late_arrival", "70", 1, Decimal(1)),
        ("praise", None, 1, Decimal(1)),
        ("rating_support", "good", 2, Decimal(2)),
        ("vacancy_fee", None, 1, Decimal(2)),
    ]
    # An aggregated event stands for many times: it carries the period's first instant.
    assert {e.occurred_at for e in await _july(session)} == {JULY.start_utc}


async def test_kpi_and_measure_entries_come_one_by_one_with_their_times(
    session: AsyncSession,
) -> None:
    await make_contract(session)
    ids = await record(
        session,
        "c1",
        event("no_overnight", "2026-07-02 18:00", value="100"),
        event("no_overnight", "2026-07-01 18:00", value="100"),
        event("headcount_start", "2026-07-01 09:00", value="20"),
        event("headcount_start", "2026-07-01 09:00", value="20"),
    )
    got = [(e.item, e.value, e.count, e.occurred_at, e.ref) for e in await _july(session)]
    assert got == [
        ("headcount_start", "20", 1, _utc("2026-07-01 01:00"), str(ids[2])),
        ("headcount_start", "20", 1, _utc("2026-07-01 01:00"), str(ids[3])),
        ("no_overnight", "100", 1, _utc("2026-07-01 10:00"), str(ids[1])),
        ("no_overnight", "100", 1, _utc("2026-07-02 10:00"), str(ids[0])),
    ]


async def test_the_period_runs_from_local_midnight_to_local_midnight(
    session: AsyncSession,
) -> None:
    await make_contract(session)
    await record(
        session,
        "c1",
        event("dress_code", "2026-06-30 23:59:59"),  # June, local time
        event("dress_code", "2026-07-01 00:00"),  # 2026-06-30T16:00Z: July
        event("dress_code", "2026-07-31 23:59"),  # July
        Event("dress_code", _utc("2026-07-31 16:30")),  # 2026-08-01 00:30 local: August
    )
    [july] = await _july(session)
    assert july.count == 2


async def test_other_contracts_events_are_left_out(session: AsyncSession) -> None:
    await make_contract(session, "c1")
    await make_contract(session, "c2")
    await record(session, "c1", event("dress_code", "2026-07-03 09:00"))
    await record(session, "c2", *[event("dress_code", "2026-07-03 09:00")] * 5)
    assert [(e.item, e.count) for e in await _july(session, "c1")] == [("dress_code", 1)]


async def test_voids_are_left_out_and_corrections_applied(session: AsyncSession) -> None:
    await make_contract(session)
    person = await make_person(session)
    assert person.id is not None
    ids = await record(
        session,
        "c1",
        event("late_arrival", "2026-07-06 08:40", value="25"),
        event("late_arrival", "2026-07-07 08:40", value="25"),
        event("late_arrival", "2026-07-08 08:40", value="25"),
        event("dress_code", "2026-07-09 09:00"),
        event("no_overnight", "2026-07-10 18:00", value="90"),
        event("no_overnight", "2026-07-11 18:00", value="95"),
    )
    who, why = person.id, "checked"
    await void_entry(session=session, entry_id=ids[0], actor_id=who, reason=why, now=NOW)
    await correct_entry(
        session=session,
        entry_id=ids[1],
        quantity=Decimal(1),
        value="70",
        actor_id=who,
        reason=why,
        now=NOW,
    )
    await correct_entry(
        session=session,
        entry_id=ids[4],
        quantity=Decimal(1),
        value="100",
        actor_id=who,
        reason=why,
        now=NOW,
    )
    await void_entry(session=session, entry_id=ids[5], actor_id=who, reason=why, now=NOW)
    got = [(e.item, e.value, e.count, e.ref) for e in await _july(session)]
    assert got == [
        ("dress_code", None, 1, None),
        ("late_arrival", "25", 1, None),
        ("late_arrival", "70", 1, None),
        ("no_overnight", "100", 1, str(ids[4])),
    ]


async def test_the_engine_scores_stored_events_as_it_scores_the_same_events_given_directly(
    session: AsyncSession,
) -> None:
    await make_contract(session)
    given = [
        event("dress_code", "2026-07-03 09:00", "2"),
        event("dress_code", "2026-07-04 09:00"),
        event("late_arrival", "2026-07-06 08:40", value="25"),
        event("late_arrival", "2026-07-06 09:40", value="60"),
        event("praise", "2026-07-09 10:00"),
        event("vacancy_fee", "2026-07-10 10:00", "3"),
        event("rating_support", "2026-07-11 10:00", value="good"),
        event("rating_support", "2026-07-11 10:00", value="poor"),
        event("headcount_start", "2026-07-01 09:00", value="20"),
        event("headcount_end", "2026-07-31 18:00", value="19"),
        event("voluntary_leavers", "2026-07-15 18:00", value="1"),
        event("no_overnight", "2026-07-02 18:00", value="100"),
        event("no_overnight", "2026-07-03 18:00", value="97"),
    ]
    await record(session, "c1", *given)
    book = storage_book()
    from_db = assess(book, await _july(session), JULY, now=AUGUST_END)
    direct = assess(book, given, JULY, now=AUGUST_END)
    assert from_db == direct
    assert from_db.money.fee_deduction == Decimal(1100)  # 3 × 300 vacancy + 1 KPI miss × 200
