"""Hostile CSV files imported into the database: every row recorded as written, or a refusal
with line numbers and the database exactly as it was (encodings, BOM, huge fields, formulas)."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col

import storage.types
from scoring import storable
from scoring.events_csv import EventsCsvError
from scoring.loader import BUILTIN_DIR, load_rulebook
from storage.db import create_engine, session_factory, write_session
from storage.directory import add_contract, get_contract
from storage.importer import import_events
from storage.models import Entry

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Without its plausible ranges (tests/storage/test_importer.py has those): the ledger's own
# bound is what these tests reach.
BOOK = load_rulebook(BUILTIN_DIR / "haidian-dispatch-2026.yaml").model_copy(
    update={"plausible": None}
)
NOW = dt.datetime(2026, 8, 2, tzinfo=dt.UTC)
CONTRACT = "haidian-2026"
HEADER = ["occurred_at", "item", "quantity", "value", "staff", "note", "inspector"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("http://x")']
cells = st.one_of(
    st.text(max_size=20),
    st.sampled_from([*FORMULAS, "", " ", "\x00", "NaN", "1e309", "x" * 5000]),
    st.sampled_from(["late_arrival", "dress_code", "missed_handover", "absence", "no_such"]),
    st.sampled_from(
        ["2026-07-03T08:40", "2026-07-03", "2026-02-30T08:00", "2026-07-03T08:40+08:00"]
    ),
    st.integers(-5, 2000).map(str),
)
names = st.sampled_from([*FORMULAS, "张三", "Zoë", " 李四 ", ""])
valid_rows = st.tuples(
    st.sampled_from(["2026-07-03T08:40", "2026-07-04T09:00:00+08:00", "2026-07-05"]),
    st.sampled_from(["dress_code", "missed_handover"]),
    st.sampled_from(["", "1", "2"]),
    st.just(""),
    names,
    names,
    names,
).map(list)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gbk", "latin-1"])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    """The migrated database with one contract."""
    path = tmp_path_factory.mktemp("import") / "template.db"
    shutil.copy(template_db, path)

    async def contract() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        async with write_session(session_factory(engine)) as session:
            await add_contract(
                session=session,
                contract_id=CONTRACT,
                rulebook_id=BOOK.id,
                client="c",
                vendor="v",
                timezone="Asia/Shanghai",
                now=NOW,
                actor="test",
            )
        await engine.dispose()

    asyncio.run(contract())
    return path


async def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        tables = SQLModel.metadata.sorted_tables
        counts = {
            t.name: (await conn.execute(select(func.count()).select_from(t))).scalar_one()
            for t in tables
        }
    await engine.dispose()
    return counts


async def _import(url: str, data: bytes) -> tuple[int | None, str, list[tuple[str | None, ...]]]:
    """Import; (rows recorded or None when refused, the refusal, the stored text fields)."""
    engine = create_engine(url)
    try:
        return await _import_with(engine, data)
    finally:
        await engine.dispose()


async def _import_with(
    engine: AsyncEngine, data: bytes
) -> tuple[int | None, str, list[tuple[str | None, ...]]]:
    recorded: int | None = None
    refusal = ""
    try:
        async with write_session(session_factory(engine)) as session:
            found = await get_contract(session=session, contract_id=CONTRACT)
            result = await import_events(
                session=session, contract=found, book=BOOK, data=data, source_name="x.csv", now=NOW,
                actor="test",
            )  # fmt: skip
            recorded = result.recorded
    except EventsCsvError as exc:
        refusal = str(exc)
    async with session_factory(engine)() as session:
        statement = select(Entry.staff, Entry.note, Entry.value).order_by(col(Entry.id))
        stored = [tuple(row) for row in (await session.exec(statement)).all()]
    return recorded, refusal, stored


def _as_sent(cell: str, encoding: str) -> str:
    """The cell as it is in the file (characters the encoding lacks became '?')."""
    return cell.encode(encoding, errors="replace").decode(encoding)


@FUZZ
@given(
    rows=st.lists(st.one_of(valid_rows, st.lists(cells, max_size=8)), max_size=6),
    encoding=encodings,
)
def test_an_import_is_whole_or_refused_and_changes_nothing(
    template: Path, tmp_path: Path, rows: list[list[str]], encoding: str
) -> None:
    database = tmp_path / "fuzz.db"
    shutil.copy(template, database)
    url = f"sqlite+aiosqlite:///{database}"
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    data = out.getvalue().encode(encoding, errors="replace")
    before = asyncio.run(_counts(url))
    recorded, refusal, stored = asyncio.run(_import(url, data))
    after = asyncio.run(_counts(url))
    event("recorded" if recorded else "refused" if recorded is None else "nothing new")
    if recorded is None:
        assert refusal and ("line" in refusal or "UTF-8" in refusal), refusal
        assert after == before, "a refused import changed the database"
        return
    assert after["entries"] == before["entries"] + recorded
    written = {_as_sent(cell, encoding).strip() for row in rows for cell in row}
    for staff, note, _ in stored:  # a formula is kept as the very text written, never evaluated
        assert staff is None or staff in written
        assert note is None or note in written


def _one_row(quantity: str, value: str = "", item: str = "missed_handover") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, ["2026-07-03T08:40", item, quantity, value]])
    return out.getvalue().encode()


# The ledger's quantity column is NUMERIC(18, 6): 12 digits before the point, 6 after it.
@pytest.mark.parametrize(
    ("quantity", "value", "item", "reason"),
    [
        ("1" + "0" * 19, "", "missed_handover", "more than 12 digits before the decimal point"),
        ("1000000000000", "", "missed_handover", "more than 12 digits before the decimal point"),
        ("1e999999999", "", "missed_handover", "quantity '1e999999999' is not a plain number"),
        ("0.0000001", "", "missed_handover", "more than 6 decimal places"),
        ("1", "9" * 20, "late_arrival", "value '" + "9" * 20 + "' has more than 12 digits"),
        ("1", "25.0000001", "late_arrival", "value '25.0000001' has more than 6 decimal places"),
    ],
)
def test_a_quantity_the_ledger_cannot_hold_is_refused_with_its_line(
    template: Path, tmp_path: Path, quantity: str, value: str, item: str, reason: str
) -> None:
    database = tmp_path / "huge.db"
    shutil.copy(template, database)
    url = f"sqlite+aiosqlite:///{database}"
    before = asyncio.run(_counts(url))
    recorded, refusal, _ = asyncio.run(_import(url, _one_row(quantity, value, item)))
    assert recorded is None and refusal.startswith("line 2: ") and reason in refusal, refusal
    assert asyncio.run(_counts(url)) == before


def test_the_largest_quantity_the_ledger_holds_is_recorded_exactly(
    template: Path, tmp_path: Path
) -> None:
    database = tmp_path / "edge.db"
    shutil.copy(template, database)
    url = f"sqlite+aiosqlite:///{database}"
    recorded, refusal, _ = asyncio.run(_import(url, _one_row("999999999999.999999")))
    assert (recorded, refusal) == (1, "")
    assert asyncio.run(_quantities(url)) == [Decimal("999999999999.999999")]


def test_the_bound_is_the_ledger_column_s_own() -> None:
    assert (storable.QUANTITY_PRECISION, storable.QUANTITY_SCALE) == (
        storage.types.QUANTITY_PRECISION,
        storage.types.QUANTITY_SCALE,
    )


async def _quantities(url: str) -> list[Decimal]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return list((await session.exec(select(Entry.quantity))).scalars().all())
    finally:
        await engine.dispose()
