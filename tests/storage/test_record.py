"""When recording began, the scores given before it, and the period's events cut at the term's
edges — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from scoring.assessment import Event
from scoring.engine import assess
from scoring.loader import load_rulebooks
from scoring.periods import parse_period
from storage.db import SessionFactory, create_engine, upgrade, write_session
from storage.directory import add_contract, get_contract
from storage.errors import InvalidInputError
from storage.importer import import_events
from storage.models import AuditRecord, Entry
from storage.queries import events_for_period, record_entry
from storage.record import give_score, given_scores, record_of, set_recording_since
from tests.storage.factories import NOW, make_contract, storage_book

BOOKS = load_rulebooks()
HAIKOU = BOOKS["haikou-hall-2023"]
HAIDIAN = BOOKS["haidian-dispatch-2026"]
CHAOYANG = BOOKS["chaoyang-health-2023"]
TZ = dt.timezone(dt.timedelta(hours=8))


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)  # type: ignore[misc]


async def test_a_contract_records_from_the_local_day_it_is_added(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        made = await make_contract(session)  # NOW = 2026-07-20 04:00 UTC = 12:00 in Shanghai
        assert made.recording_since == dt.date(2026, 7, 20)
        other = await add_contract(
            session=session,
            contract_id="c2",
            rulebook_id="storage-test",
            client="C",
            vendor="V",
            timezone="Asia/Shanghai",
            now=NOW,
            actor="test",
            recording_since=dt.date(2026, 1, 1),
        )
        assert other.recording_since == dt.date(2026, 1, 1)
    async with factory() as session:
        assert (await get_contract(session=session, contract_id="c2")).recording_since == dt.date(
            2026, 1, 1
        )


async def _hall(factory: SessionFactory, since: dt.date) -> None:
    async with write_session(factory) as session:
        await add_contract(
            session=session,
            contract_id="hall",
            rulebook_id=HAIKOU.id,
            client="C",
            vendor="V",
            timezone="Asia/Shanghai",
            now=NOW,
            actor="test",
            recording_since=since,
        )


async def test_given_scores_fill_the_months_before_recording(factory: SessionFactory) -> None:
    await _hall(factory, dt.date(2023, 10, 1))
    async with write_session(factory) as session:
        for month in range(1, 10):
            await give_score(
                session=session,
                contract_id="hall",
                book=HAIKOU,
                period_text=f"2023-{month:02d}",
                score=Decimal("90"),
                source="signed paper sheet",
                actor="cli:test",
                now=NOW,
            )
    async with factory() as session:
        record = await record_of(session=session, contract_id="hall")
        audits = (
            await session.exec(select(AuditRecord).where(col(AuditRecord.action) == "score.give"))
        ).all()
    assert record.since == dt.date(2023, 10, 1)
    assert record.given == {f"2023-{m:02d}": Decimal("90") for m in range(1, 10)}
    assert len(audits) == 9 and audits[0].detail["source"] == "signed paper sheet"


@pytest.mark.parametrize(
    ("period", "score", "reason"),
    [
        ("2023-10", "90", "on record in floorbot"),  # recording began 2023-10-01
        ("2022-12", "90", "outside the contract's term"),  # 一、6: from 2023-01-01
        ("2023-05", "106", "not between 0 and 105"),  # 表1 合计 105
        ("2023-05", "90.123", "more decimals"),  # the rulebook keeps 0.01
        ("2023-05..2023-06", "90", "covers 2 assessment periods"),
    ],
)
async def test_a_given_score_that_cannot_be_is_refused(
    factory: SessionFactory, period: str, score: str, reason: str
) -> None:
    await _hall(factory, dt.date(2023, 10, 1))
    with pytest.raises(InvalidInputError, match=reason):
        async with write_session(factory) as session:
            await give_score(
                session=session,
                contract_id="hall",
                book=HAIKOU,
                period_text=period,
                score=Decimal(score),
                source="paper",
                actor="cli:test",
                now=NOW,
            )
    async with factory() as session:
        assert list(await given_scores(session=session, contract_id="hall")) == []


async def test_a_given_score_is_changed_only_on_purpose(factory: SessionFactory) -> None:
    await _hall(factory, dt.date(2023, 10, 1))

    async def give(score: str, replace: bool) -> None:
        async with write_session(factory) as session:
            await give_score(
                session=session,
                contract_id="hall",
                book=HAIKOU,
                period_text="2023-03",
                score=Decimal(score),
                source="paper",
                actor="cli:test",
                now=NOW,
                replace=replace,
            )

    await give("88", replace=False)
    with pytest.raises(InvalidInputError, match="add --replace"):
        await give("92", replace=False)
    await give("92", replace=True)
    async with factory() as session:
        [row] = await given_scores(session=session, contract_id="hall")
    assert (row.period, row.score) == ("2023-03", Decimal("92"))


async def test_recording_can_be_moved_to_an_earlier_day(factory: SessionFactory) -> None:
    await _hall(factory, dt.date(2023, 10, 1))
    async with write_session(factory) as session:
        await set_recording_since(
            session=session,
            contract_id="hall",
            since=dt.date(2023, 1, 1),
            actor="cli:test",
            now=NOW,
        )
    async with factory() as session:
        assert (await record_of(session=session, contract_id="hall")).since == dt.date(2023, 1, 1)


async def test_the_period_is_cut_at_the_term_so_that_outside_records_are_counted(
    factory: SessionFactory,
) -> None:
    async with write_session(factory) as session:
        await make_contract(session)
        for when in (local(2026, 6, 10, 9), local(2026, 6, 16, 23, 59), local(2026, 6, 17, 9)):
            await record_entry(
                session=session, contract_id="c1", event=Event("dress_code", when), now=NOW
            )
    june = parse_period(HAIDIAN, "2026-06")
    async with factory() as session:
        events = await events_for_period(
            session=session, contract_id="c1", book=HAIDIAN, period=june
        )
    result = assess(HAIDIAN, events, june, now=NOW)
    # 七、1: the term begins 2026-06-17 0时: one dress-code fault counts (0.1), two are left out
    assert result.line("dress_code").count == 1
    assert result.score == Decimal("99.9")
    assert [(x.reason, x.count) for x in result.excluded] == [("before_term", 2)]


async def test_a_kpi_window_reads_measurements_from_before_its_last_month(
    factory: SessionFactory,
) -> None:
    async with write_session(factory) as session:
        await make_contract(session)
        report = Event("half_year_report", local(2023, 5, 20, 10), value="0")
        await record_entry(session=session, contract_id="c1", event=report, now=NOW)
    async with factory() as session:
        for label, count in (("2023-07", 1), ("2023-06", 0)):
            period = parse_period(CHAOYANG, label)
            events = await events_for_period(
                session=session, contract_id="c1", book=CHAOYANG, period=period
            )
            line = assess(CHAOYANG, events, period, now=NOW).line("half_year_report")
            assert line.count == count
    # 一（二） 半年报: the window 2023-01-23..2023-07-22 ends in July; not delivered → 500
    july = parse_period(CHAOYANG, "2023-07")
    async with factory() as session:
        events = await events_for_period(
            session=session, contract_id="c1", book=CHAOYANG, period=july
        )
    assert assess(CHAOYANG, events, july, now=NOW).line("half_year_report").amount == 500


async def test_fact_records_are_kept_one_by_one(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        await make_contract(session)
        for persons in (3, 2):
            vacancy = Event("staff_vacancy", local(2026, 7, 8, 10), Decimal(persons), "12")
            await record_entry(session=session, contract_id="c1", event=vacancy, now=NOW)
    july = parse_period(HAIDIAN, "2026-07")
    async with factory() as session:
        events = await events_for_period(
            session=session, contract_id="c1", book=HAIDIAN, period=july
        )
    assert sorted(e.quantity for e in events) == [2, 3]  # not one record of 5
    assert assess(HAIDIAN, events, july, now=NOW).warnings == ()  # 六、4/六、6 need 5 at once


CSV = (
    "occurred_at,item\n"
    "2026-07-03T09:00,dress_code\n"
    "2025-12-31T23:59,dress_code\n"  # the day before the storage-test term
    "2026-07-04T09:00,dress_code\n"
)


async def test_an_import_refuses_or_skips_rows_outside_the_term(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        await make_contract(session)

    async def run(skip: bool) -> object:
        async with write_session(factory) as session:
            return await import_events(
                session=session,
                contract=await get_contract(session=session, contract_id="c1"),
                book=storage_book(),
                data=CSV.encode(),
                source_name="july.csv",
                now=NOW,
                actor="cli:test",
                skip_outside_term=skip,
            )

    with pytest.raises(Exception, match="line 3: occurred_at 2025-12-31T23:59:00"):
        await run(skip=False)
    async with factory() as session:
        assert (await session.exec(select(Entry))).all() == []
    result = await run(skip=True)
    assert (result.rows_read, result.recorded, result.outside_term) == (3, 2, (3,))  # type: ignore[attr-defined]


async def test_contracts_before_the_migration_record_from_the_day_they_were_added(
    empty_database_url: str,
) -> None:
    engine: AsyncEngine = create_engine(empty_database_url)
    try:
        await upgrade(engine, "0003")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO contracts (id, rulebook_id, client, vendor, timezone, schedule, "
                    "created_at) VALUES ('old', 'storage-test', 'C', 'V', 'Asia/Shanghai', '{}', "
                    ":at)"
                ),
                {"at": dt.datetime(2026, 3, 31, 17, 0)},  # UTC: 1 April 01:00 in Shanghai
            )
        await upgrade(engine)
        async with engine.connect() as conn:
            since = (
                await conn.execute(text("SELECT recording_since FROM contracts WHERE id = 'old'"))
            ).scalar_one()
        assert str(since) == "2026-04-01"
    finally:
        await engine.dispose()
