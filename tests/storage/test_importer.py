"""CSV import: all rows or none, never twice, bad rows by line number, dry runs write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

import storage.importer
from scoring.events_csv import EventsCsvError
from scoring.rulebook import Rulebook
from storage.db import SessionFactory, write_session
from storage.directory import get_contract
from storage.importer import ImportResult, import_events
from storage.models import Entry, ImportBatch
from tests.storage.factories import NOW, dump, make_contract, storage_book

GOOD = (
    "\ufeffoccurred_at,item,quantity,value,staff,note,inspector\n"
    "2026-07-03T09:00,dress_code,,,A01,no badge,Wang\n"
    "2026-07-03T09:00,dress_code,,,A01,no badge,Wang\n"
    "2026-07-06T08:40:00+08:00,late_arrival,1,25,B02,,Wang\n"
    "2026-07-10T02:00:00Z,vacancy_fee,2.5,,,,\n"
)
BAD = (
    "occurred_at,item,quantity,value\n"
    "2026-07-03T09:00,dress_code,1,\n"
    "2026-07-03T09:00,no_such_item,1,\n"
    "yesterday,dress_code,1,\n"
    "2026-07-04T09:00,dress_code,-1,\n"
)


@pytest.fixture
async def contract(factory: SessionFactory) -> None:
    async with write_session(factory) as session:
        await make_contract(session)


async def _import(
    factory: SessionFactory, text: str, *, dry_run: bool = False, name: str = "july.csv"
) -> ImportResult:
    async with write_session(factory) as session:
        return await import_events(
            session=session,
            contract=await get_contract(session=session, contract_id="c1"),
            book=storage_book(),
            data=text.encode(),
            source_name=name,
            now=NOW,
            actor="cli:test",
            dry_run=dry_run,
        )


async def _entries(factory: SessionFactory) -> list[tuple[object, ...]]:
    async with factory() as session:
        rows = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
    return [
        (e.item, e.occurred_at, e.quantity, e.value, e.staff, e.note, e.inspector) for e in rows
    ]


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.usefixtures("contract")
async def test_every_row_is_recorded_as_written(factory: SessionFactory) -> None:
    result = await _import(factory, GOOD)
    assert (result.rows_read, result.recorded, result.already_recorded) == (4, 4, 0)
    assert await _entries(factory) == [
        ("dress_code", _utc("2026-07-03 01:00"), Decimal(1), None, "A01", "no badge", "Wang"),
        ("dress_code", _utc("2026-07-03 01:00"), Decimal(1), None, "A01", "no badge", "Wang"),
        ("late_arrival", _utc("2026-07-06 00:40"), Decimal(1), "25", "B02", None, "Wang"),
        ("vacancy_fee", _utc("2026-07-10 02:00"), Decimal("2.5"), None, None, None, None),
    ]
    async with factory() as session:
        [batch] = (await session.exec(select(ImportBatch))).all()
    assert (batch.source_name, batch.rows_read, batch.rows_recorded) == ("july.csv", 4, 4)


@pytest.mark.usefixtures("contract")
async def test_the_same_file_twice_records_nothing_new(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    first = await _import(factory, GOOD)
    before = await dump(engine)
    again = await _import(factory, GOOD, name="july-again.csv")
    assert again.recorded == 0
    assert first.batch is not None and again.same_file_as is not None
    assert again.same_file_as.id == first.batch.id
    assert await dump(engine) == before


@pytest.mark.usefixtures("contract")
async def test_a_longer_export_records_only_the_new_rows(factory: SessionFactory) -> None:
    await _import(factory, GOOD)
    longer = (
        GOOD + "2026-07-03T09:00,dress_code,,,A01,no badge,Wang\n2026-07-20T09:00,praise,,,,,\n"
    )
    result = await _import(factory, longer, name="july-full.csv")
    # The third identical dress_code row is a new report; the first two were recorded before.
    assert (result.rows_read, result.recorded, result.already_recorded) == (6, 2, 4)
    assert [row[0] for row in await _entries(factory)][-2:] == ["dress_code", "praise"]
    assert (await _import(factory, longer.replace("\ufeff", ""))).recorded == 0


@pytest.mark.usefixtures("contract")
async def test_bad_rows_are_listed_and_nothing_is_recorded(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    before = await dump(engine)
    with pytest.raises(EventsCsvError) as caught:
        await _import(factory, BAD)
    assert [line for line, _ in caught.value.problems] == [3, 4, 5]
    assert "no_such_item" in caught.value.problems[0][1]
    assert await dump(engine) == before


@pytest.mark.usefixtures("contract")
async def test_a_name_longer_than_the_ledger_column_is_refused_with_its_line(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    header = "occurred_at,item,quantity,value,staff,note,inspector\n"
    fits = "2026-07-03T09:00,dress_code,,," + "张" * 200 + ",,Wang\n"
    before = await dump(engine)
    with pytest.raises(EventsCsvError) as caught:
        await _import(factory, header + fits + fits.replace("Wang", "W" * 201))
    assert caught.value.problems == [(3, "inspector is longer than 200 characters")]
    assert await dump(engine) == before
    assert (await _import(factory, header + fits)).recorded == 1
    assert [row[4] for row in await _entries(factory)] == ["张" * 200]


@pytest.mark.usefixtures("contract")
async def test_a_dry_run_writes_nothing(engine: AsyncEngine, factory: SessionFactory) -> None:
    before = await dump(engine)
    result = await _import(factory, GOOD, dry_run=True)
    assert (result.rows_read, result.recorded, result.dry_run) == (4, 4, True)
    assert await dump(engine) == before


@pytest.mark.usefixtures("contract")
async def test_a_failure_part_way_leaves_the_database_unchanged(
    engine: AsyncEngine, factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.importer, "INSERT_CHUNK", 2)
    real_row = storage.importer.entry_row
    made: list[int] = []

    def failing_row(*args: Any, **origin: Any) -> dict[str, Any]:
        made.append(1)
        if len(made) == 3:  # the first chunk of two is already inserted
            raise RuntimeError("disk full")
        return real_row(*args, **origin)

    monkeypatch.setattr(storage.importer, "entry_row", failing_row)
    before = await dump(engine)
    with pytest.raises(RuntimeError, match="disk full"):
        await _import(factory, GOOD)
    assert await dump(engine) == before


PLAUSIBLE = {
    "quantity": {
        unit: {"at_most": 50, "reason": {"zh": "一个班次", "en": "one shift"}}
        for unit in ("time", "person", "vote")
    },
    "value": {
        "minutes": {"at_most": 1440, "reason": {"zh": "一天", "en": "a day"}},
        "count": {"at_most": 1000, "reason": {"zh": "一个站点", "en": "one station"}},
    },
}


@pytest.mark.usefixtures("contract")
async def test_figures_outside_the_plausible_range_are_listed_by_line_and_nothing_is_written(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    book = Rulebook.model_validate({**storage_book().model_dump(), "plausible": PLAUSIBLE})
    rows = (
        "occurred_at,item,quantity,value,staff\n"
        "2026-07-03T09:00,dress_code,50,,A01\n"  # line 2: at the bound, fine
        "2026-07-03T09:00,dress_code,999999999999,,A01\n"  # line 3
        "２０２６-０７-０６T０８：４０,late_arrival,１,99999999,B02\n"  # line 4, full width
        "2026-07-06T08:40,late_arrival,1,1440,B02\n"  # line 5: a whole day late, fine
    )
    before = await dump(engine)
    with pytest.raises(EventsCsvError) as caught:
        async with write_session(factory) as session:
            await import_events(
                session=session,
                contract=await get_contract(session=session, contract_id="c1"),
                book=book,
                data=rows.encode(),
                source_name="july.csv",
                now=NOW,
                actor="cli:test",
            )
    assert caught.value.problems == [
        (
            3,
            "quantity 999999999999 is outside the plausible range for one report (≤ 50: one shift)",
        ),
        (4, "value 99999999 is outside the plausible range for one report (≤ 1440: a day)"),
    ]
    assert await dump(engine) == before
