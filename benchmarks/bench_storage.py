"""Storage benchmark: a contract's current-month assessment read from 1,000,000 stored reports.

Targets: with 1,000,000 reports across 100 contracts in SQLite, one contract's
current-month assessment (``events_for_period`` + ``scoring.engine.assess``) takes under
50 ms and within 2x of a bare SQL GROUP BY over the same rows, measured in the same run;
importing 100,000 CSV rows takes under 20 s.

Run: .venv/bin/python -m benchmarks.bench_storage [--db PATH] [--repeat R]

The database is built once (about a minute) and reused when ``--db`` names an existing
file that already holds the reports.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from scoring.engine import assess
from scoring.loader import load_rulebooks
from scoring.periods import Period, period_of
from scoring.rulebook import Item, ItemKind, RatingComponent, Rulebook
from storage import db
from storage.directory import add_contract
from storage.importer import import_events
from storage.models import Contract
from storage.queries import ENTRIES, events_for_period, table_of
from storage.types import UtcDateTime

REPORTS = 1_000_000
CONTRACTS = 100
IMPORT_ROWS = 100_000
HISTORY_DAYS = 365
CHUNK = 50_000
ASSESSED = "bench-001"  # contract 001's rulebook (haidian-dispatch-2026), monthly
# "Now": late on the last day of a month, so the current month is (almost) complete.
NOW = dt.datetime(2026, 7, 31, 12, 0, tzinfo=dt.UTC)
BARE_GROUP_BY = text(
    "SELECT item, value, count(*), sum(quantity) FROM entries "
    "WHERE contract_id = :contract AND occurred_at >= :start AND occurred_at < :end "
    "GROUP BY item, value"
).bindparams(bindparam("start", type_=UtcDateTime()), bindparam("end", type_=UtcDateTime()))


def _value(book: Rulebook, item: Item, rng: random.Random) -> str | None:
    """A valid measured value for the item, or None when it takes none."""
    spec = item.value
    if spec is None:
        return None
    if item.kind is ItemKind.RATING:
        comp = next(c for c in book.components if c.code == item.component)
        assert isinstance(comp, RatingComponent)
        return rng.choice(sorted(comp.scale))
    low = int(spec.min if spec.min is not None else 0)
    high = int(spec.max if spec.max is not None else low + 120)
    return str(rng.randint(low, high))


def _rows(
    contract: str, book: Rulebook, count: int, now: dt.datetime, seed: int
) -> list[dict[str, Any]]:
    """``count`` valid reports of one contract, spread over the year before ``now``."""
    rng = random.Random(seed)
    items = list(book.items)
    span = HISTORY_DAYS * 86_400
    out = []
    for k in range(count):
        item = rng.choice(items)
        out.append(
            {
                "contract_id": contract,
                "item": item.code,
                "occurred_at": now - dt.timedelta(seconds=rng.randrange(span)),
                "quantity": Decimal(rng.randint(1, 3)),
                "value": _value(book, item, rng),
                "staff": f"s{k % 300}",
                "created_at": now,
            }
        )
    return out


def _contract_books(books: dict[str, Rulebook]) -> dict[str, Rulebook]:
    ordered = [books[key] for key in sorted(books)]
    return {f"bench-{n:03d}": ordered[n % len(ordered)] for n in range(CONTRACTS)}


def build(path: Path, now: dt.datetime) -> None:
    """Create the schema, the contracts and the reports with a plain (sync) SQLite connection."""
    asyncio.run(_migrate(path))
    books = _contract_books(load_rulebooks())
    engine = create_engine(f"sqlite:///{path}")
    per_contract = REPORTS // CONTRACTS
    with engine.begin() as conn:
        contracts = [
            {
                "id": cid,
                "rulebook_id": b.id,
                "client": b.contract.client.zh,
                "vendor": b.contract.vendor.zh,
                "timezone": b.contract.timezone,
                "schedule": {},
                "created_at": now,
                # the ledger holds everything from the term's start (no given scores needed)
                "recording_since": b.contract.valid_from,
            }
            for cid, b in books.items()
        ]
        conn.execute(insert(table_of(Contract)), contracts)
    started = time.perf_counter()
    for n, (cid, book) in enumerate(books.items()):
        rows = _rows(cid, book, per_contract, now, seed=n)
        with engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(ENTRIES), rows[start : start + CHUNK])
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"built {REPORTS:,} reports in {time.perf_counter() - started:.1f} s", flush=True)


async def _migrate(path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
    await db.upgrade(engine)
    await engine.dispose()


def _stored(path: Path) -> int:
    if not path.exists():
        return 0
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(ENTRIES)).scalar_one())
    except Exception:
        return 0
    finally:
        engine.dispose()


async def _timed(action: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await action()
    return (time.perf_counter() - started) * 1000


async def measure(
    engine: AsyncEngine, book: Rulebook, period: Period, now: dt.datetime, repeat: int
) -> None:
    factory = db.session_factory(engine)
    bounds = {"contract": ASSESSED, "start": period.start_utc, "end": period.end_utc}

    async def assessment() -> Any:
        async with factory() as session:
            events = await events_for_period(
                session=session, contract_id=ASSESSED, book=book, period=period
            )
        return assess(book, events, period, now=now)

    async def bare() -> Any:
        async with factory() as session:
            return (await (await session.connection()).execute(BARE_GROUP_BY, bounds)).all()

    async def read() -> Any:
        async with factory() as session:
            return await events_for_period(
                session=session, contract_id=ASSESSED, book=book, period=period
            )

    result = await assessment()
    groups = await bare()
    print(
        f"period {period.label} of {ASSESSED} ({book.id}): {result.events_counted} reports, "
        f"{len(groups)} (item, value) groups, score {result.score}"
    )
    for _ in range(5):
        await assessment()
        await bare()
        await read()
    ours, theirs, reads = [], [], []
    for _ in range(repeat):
        ours.append(await _timed(assessment))
        theirs.append(await _timed(bare))
        reads.append(await _timed(read))
    _report("assessment (events_for_period + assess)", ours)
    _report("bare SQL GROUP BY", theirs)
    _report("events_for_period alone", reads)
    bare_median = statistics.median(theirs)
    print(f"assessment / bare GROUP BY (medians): {statistics.median(ours) / bare_median:.2f}x")
    read_ratio = statistics.median(reads) / bare_median
    print(f"events_for_period / bare GROUP BY (medians): {read_ratio:.2f}x")
    async with engine.connect() as conn:
        plan = await conn.execute(text("EXPLAIN QUERY PLAN " + str(BARE_GROUP_BY)), bounds)
        print("bare GROUP BY plan:", "; ".join(str(row[-1]) for row in plan))


def _report(label: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    print(
        f"{label}: median {statistics.median(timings):.2f} ms, p90 {p90:.2f} ms, "
        f"best {ordered[0]:.2f} ms ({len(timings)} runs)"
    )


def _import_csv(path: Path, book: Rulebook, now: dt.datetime) -> None:
    rows = _rows("x", book, IMPORT_ROWS, now, seed=99)
    lines = ["occurred_at,item,quantity,value,staff"]
    for row in rows:
        moment = row["occurred_at"].isoformat()
        lines.append(
            f"{moment},{row['item']},{row['quantity']},{row['value'] or ''},{row['staff']}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def time_import(
    engine: AsyncEngine, csv_path: Path, data: bytes, book: Rulebook, now: dt.datetime
) -> None:
    factory = db.session_factory(engine)
    contract_id = f"bench-import-{int(time.time())}"
    async with db.write_session(factory) as session:
        contract = await add_contract(
            session=session,
            contract_id=contract_id,
            rulebook_id=book.id,
            client="c",
            vendor="v",
            timezone=book.contract.timezone,
            now=now,
            actor="bench",
        )
    started = time.perf_counter()
    async with db.write_session(factory) as session:
        result = await import_events(
            session=session,
            contract=contract,
            book=book,
            data=data,
            source_name=csv_path.name,
            now=now,
            actor="bench",
        )
    elapsed = time.perf_counter() - started
    print(
        f"import of {result.recorded:,} CSV rows (parse + keys + insert, one transaction): "
        f"{elapsed:.2f} s ({result.recorded / elapsed:,.0f} rows/s)"
    )
    started = time.perf_counter()
    async with db.write_session(factory) as session:
        again = await import_events(
            session=session,
            contract=contract,
            book=book,
            data=data,
            source_name=csv_path.name,
            now=now,
            actor="bench",
        )
    print(
        f"re-import of the same file: {again.recorded} recorded in "
        f"{(time.perf_counter() - started) * 1000:.1f} ms"
    )


def time_cli_import(path: Path, csv_path: Path, book: Rulebook) -> None:
    """The same import through `floorbot import`, end to end (start-up included)."""
    env = {**os.environ, "FLOORBOT_DATABASE_URL": f"sqlite:///{path}"}
    floorbot = [str(Path(sys.executable).with_name("floorbot"))]
    contract_id = f"bench-cli-{int(time.time())}"
    subprocess.run(
        [*floorbot, "contract", "add", contract_id, "--rulebook", book.id],
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [*floorbot, "import", "--contract", contract_id, str(csv_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(
        f"`floorbot import` of {IMPORT_ROWS:,} rows, end to end: "
        f"{time.perf_counter() - started:.2f} s — {done.stdout.strip()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", type=Path, help="SQLite file to build or reuse (default: a temp file)"
    )
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--skip-import", action="store_true", help="time the assessment only")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="floorbot-bench-")) / "bench.db"
    now = NOW
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite file {path}"
    )
    if _stored(path) < REPORTS:
        build(path, now)
    books = load_rulebooks()
    book = books[_contract_books(books)[ASSESSED].id]
    period = period_of(book, now)
    asyncio.run(_run(path, book, period, now, args.repeat))
    if args.skip_import:
        return
    csv_path = path.with_name("import-100k.csv")
    _import_csv(csv_path, book, now)
    asyncio.run(_run_import(path, csv_path, csv_path.read_bytes(), book, now))
    time_cli_import(path, csv_path, book)


async def _run(path: Path, book: Rulebook, period: Period, now: dt.datetime, repeat: int) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await measure(engine, book, period, now, repeat)
    finally:
        await engine.dispose()


async def _run_import(
    path: Path, csv_path: Path, data: bytes, book: Rulebook, now: dt.datetime
) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await time_import(engine, csv_path, data, book, now)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
