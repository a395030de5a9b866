"""SQLite through SQLAlchemy's aiosqlite dialect: its settings, writers' turns and lock waits."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.db import SessionFactory, create_engine, session_factory, upgrade, write_session
from storage.models import ProcessedUpdate
from storage.queries import claim_update
from tests.storage.factories import NOW

HOLD_SECONDS = 0.4
TICK_SECONDS = 0.01
# Another process's writer: BEGIN IMMEDIATE, a row, "locked" on stdout, wait, COMMIT.
OTHER_WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO processed_updates (update_id, processed_at) VALUES (1, '2026-11-02')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'floorbot.db'}")
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def factory(engine: AsyncEngine) -> SessionFactory:
    return session_factory(engine)


def _path(engine: AsyncEngine) -> str:
    database = engine.url.database
    assert database is not None
    return database


async def _claimed(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT update_id FROM processed_updates ORDER BY 1"))
        return [row[0] for row in rows]


def _can_write_now(path: str) -> bool:
    """Whether another connection gets SQLite's write lock at once (no busy wait)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "database is locked" in str(error)
        return False
    finally:
        conn.close()


async def _other_process_holds_the_lock(path: str, seconds: float) -> asyncio.subprocess.Process:
    other = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER_WRITER, path, str(seconds), stdout=asyncio.subprocess.PIPE
    )
    assert other.stdout is not None
    assert await other.stdout.readline() == b"locked\n"
    return other


async def test_connections_use_wal_foreign_keys_and_a_full_sync_on_stock_aiosqlite(
    engine: AsyncEngine,
) -> None:
    assert engine.dialect.driver == "aiosqlite"
    async with engine.connect() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
        keys = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        sync = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar()
    assert (mode, keys, sync) == ("wal", 1, 2)  # 2: FULL


async def test_a_write_session_holds_the_write_lock_from_its_start(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    path = _path(engine)
    async with factory() as reader:  # a read transaction (BEGIN DEFERRED) locks nothing
        await reader.get(ProcessedUpdate, 1)
        assert await asyncio.to_thread(_can_write_now, path)
    async with write_session(factory) as writer:
        await writer.get(ProcessedUpdate, 1)  # only a read so far, yet the lock is taken
        assert not await asyncio.to_thread(_can_write_now, path)
    assert await asyncio.to_thread(_can_write_now, path)


async def test_write_sessions_of_one_process_take_turns_and_all_succeed(
    factory: SessionFactory, engine: AsyncEngine
) -> None:
    order: list[str] = []

    async def slow() -> None:
        async with write_session(factory) as session:
            await session.get(ProcessedUpdate, 11)
            assert await claim_update(session=session, update_id=10, now=NOW)
            order.append("slow claimed")
            await asyncio.sleep(0.1)  # e.g. an HTTP call inside the transaction
            order.append("slow commits")

    async def quick() -> None:
        await asyncio.sleep(0.01)
        async with write_session(factory) as session:
            order.append("quick begins")
            await session.get(ProcessedUpdate, 10)
            assert await claim_update(session=session, update_id=11, now=NOW)

    await asyncio.wait_for(asyncio.gather(slow(), quick()), timeout=5)
    assert order == ["slow claimed", "slow commits", "quick begins"]
    assert await _claimed(engine) == [10, 11]


async def test_another_process_holding_the_lock_is_waited_for_without_stalling_the_loop(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    other = await _other_process_holds_the_lock(_path(engine), HOLD_SECONDS)
    begun = time.monotonic()

    async def write() -> None:
        async with write_session(factory) as session:
            assert await claim_update(session=session, update_id=2, now=NOW)

    work = asyncio.ensure_future(write())
    ticks = 0
    while not work.done():
        await asyncio.sleep(TICK_SECONDS)
        ticks += 1
    await work
    waited = time.monotonic() - begun
    assert await other.wait() == 0
    assert waited >= HOLD_SECONDS * 0.5
    # The loop kept running while the write waited: most of the ticks happened.
    assert ticks >= (waited / TICK_SECONDS) * 0.3
    assert await _claimed(engine) == [1, 2]


async def test_a_lock_held_longer_than_the_busy_timeout_is_an_error_that_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 100)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'floorbot.db'}")
    try:
        await upgrade(engine)
        other = await _other_process_holds_the_lock(_path(engine), 1.0)
        with pytest.raises(OperationalError, match="database is locked"):
            async with write_session(session_factory(engine)) as session:
                await claim_update(session=session, update_id=3, now=NOW)
        assert await other.wait() == 0
        assert await _claimed(engine) == [1]
    finally:
        await engine.dispose()


async def test_a_commit_that_fails_is_sqlalchemys_error_and_the_next_write_goes_through(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    orphan = text(
        "INSERT INTO audit_log (at, actor, action, subject, detail, contract_id) "
        "VALUES ('2026-11-02 10:00:00', 'test', 'test', 'x', '{}', 'no-such-contract')"
    )
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with write_session(factory) as session:
            await claim_update(session=session, update_id=6, now=NOW)
            await session.exec(text("PRAGMA defer_foreign_keys = ON"))  # checked at COMMIT
            await session.exec(orphan)
    async with write_session(factory) as session:
        assert await claim_update(session=session, update_id=7, now=NOW)
    async with engine.connect() as conn:
        audit = (await conn.execute(text("SELECT count(*) FROM audit_log"))).scalar_one()
    assert (audit, await _claimed(engine)) == (0, [7])


async def test_disposing_the_engine_closes_every_connection(
    engine: AsyncEngine, factory: SessionFactory
) -> None:
    async def read() -> None:
        async with factory() as session:
            await session.get(ProcessedUpdate, 1)
            await asyncio.sleep(0.01)

    async with write_session(factory) as session:
        await claim_update(session=session, update_id=8, now=NOW)
    await asyncio.gather(*(read() for _ in range(3)))  # several pooled connections
    wal = Path(_path(engine) + "-wal")
    assert wal.exists()  # noqa: ASYNC240 (a stat, no I/O to wait for)
    await engine.dispose()
    # SQLite removes the write-ahead log when the last connection to the database closes.
    assert not wal.exists()  # noqa: ASYNC240
    async with write_session(factory) as session:  # the engine opens new ones after that
        assert not await claim_update(session=session, update_id=8, now=NOW)
