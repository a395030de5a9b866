"""SQLite run inline on the event loop (storage.sqlite_inline): lock waits never stall the loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import sqlite_inline
from storage.db import (
    create_engine,
    display_url,
    session_factory,
    upgrade,
    write_connection,
    write_session,
)
from storage.models import ProcessedUpdate

HOLD_SECONDS = 0.4
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
TICK_SECONDS = 0.01


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    await upgrade(engine)
    yield engine
    await engine.dispose()


def _database(engine: AsyncEngine) -> str:
    database = engine.url.database
    assert database is not None
    return database


def _hold_write_lock(path: str, started: threading.Event, seconds: float) -> None:
    """Another process's writer: BEGIN IMMEDIATE, a row, wait, COMMIT."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO processed_updates (update_id, processed_at) VALUES (1, '2026-11-02')")
    started.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


async def _ticks_while(work: asyncio.Future[object]) -> int:
    ticks = 0
    while not work.done():
        await asyncio.sleep(TICK_SECONDS)
        ticks += 1
    return ticks


async def test_sqlite_urls_run_on_the_inline_driver(engine: AsyncEngine) -> None:
    assert engine.dialect.driver == sqlite_inline.DRIVER
    assert display_url(str(engine.url)).startswith("sqlite+aiosqlite:///")
    async with engine.connect() as conn:
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
        keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
    assert (mode, keys) == ("wal", 1)


async def test_a_writer_in_another_process_is_waited_for_without_stalling_the_loop(
    engine: AsyncEngine,
) -> None:
    started = threading.Event()
    other = threading.Thread(
        target=_hold_write_lock, args=(_database(engine), started, HOLD_SECONDS)
    )
    other.start()
    await asyncio.to_thread(started.wait)
    sessions = session_factory(engine)

    async def write() -> object:
        async with write_session(sessions) as session:
            await session.exec(text("INSERT INTO processed_updates VALUES (2, '2026-11-02')"))
        return None

    begun = time.monotonic()
    work = asyncio.ensure_future(write())
    ticks = await _ticks_while(work)
    await work
    other.join()
    waited = time.monotonic() - begun
    assert waited >= HOLD_SECONDS * 0.5
    # The loop kept running while the write waited: most of the ticks happened.
    assert ticks >= (waited / TICK_SECONDS) * 0.3
    async with sessions() as session:
        ids = (await session.exec(text("SELECT update_id FROM processed_updates"))).all()
    assert sorted(row[0] for row in ids) == [1, 2]


async def test_writers_of_one_loop_take_turns_even_when_one_waits_inside(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    order: list[str] = []

    async def slow() -> None:
        async with write_session(sessions) as session:
            await session.exec(text("INSERT INTO processed_updates VALUES (10, '2026-11-02')"))
            order.append("slow inserted")
            await asyncio.sleep(0.1)  # e.g. an HTTP call inside the transaction
            order.append("slow commits")

    async def quick() -> None:
        await asyncio.sleep(0.01)
        async with write_session(sessions) as session:
            order.append("quick begins")
            await session.exec(text("INSERT INTO processed_updates VALUES (11, '2026-11-02')"))

    await asyncio.wait_for(asyncio.gather(slow(), quick()), timeout=5)
    assert order == ["slow inserted", "slow commits", "quick begins"]


async def test_a_lock_held_longer_than_the_busy_timeout_is_an_error(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_TIMEOUT_SECONDS", 0.1)
    started = threading.Event()
    other = threading.Thread(target=_hold_write_lock, args=(_database(engine), started, 0.5))
    other.start()
    await asyncio.to_thread(started.wait)
    with pytest.raises(OperationalError, match="database is locked"):
        async with write_session(session_factory(engine)) as session:
            await session.exec(text("INSERT INTO processed_updates VALUES (3, '2026-11-02')"))
    other.join()
    async with session_factory(engine)() as session:
        ids = (await session.exec(text("SELECT update_id FROM processed_updates"))).all()
    assert [row[0] for row in ids] == [1]


async def test_a_commit_that_fails_leaves_nothing_and_the_next_write_goes_through(
    engine: AsyncEngine,
) -> None:
    """COMMIT goes to the driver directly (storage.db): its error is SQLAlchemy's, rolled back."""
    sessions = session_factory(engine)
    orphan = text(
        "INSERT INTO audit_log (at, actor, action, subject, detail, contract_id) "
        "VALUES ('2026-11-02 10:00:00', 'test', 'test', 'x', '{}', 'no-such-contract')"
    )
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with write_connection(engine) as conn:
            await conn.execute(text("PRAGMA defer_foreign_keys = ON"))  # fails at COMMIT
            await conn.execute(orphan)
    async with write_session(sessions) as session:
        session.add(ProcessedUpdate(update_id=7, processed_at=NOW))
    async with engine.connect() as conn:
        audit = (await conn.execute(text("SELECT count(*) FROM audit_log"))).scalar_one()
        claimed = (await conn.execute(text("SELECT update_id FROM processed_updates"))).all()
    assert (audit, [tuple(row) for row in claimed]) == (0, [(7,)])


async def test_writers_reuse_one_session_that_starts_clean(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with write_session(sessions) as first:
        first.add(ProcessedUpdate(update_id=8, processed_at=NOW))
    async with write_session(sessions) as second:
        assert second is first
        assert not second.identity_map and not second.new
        assert await second.get(ProcessedUpdate, 8) is not None
    async with write_session(session_factory(engine)) as other:
        assert other is not first


async def _claimed(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT update_id FROM processed_updates ORDER BY 1"))
        return [row[0] for row in rows]


async def test_a_session_never_commits_the_writers_turn_itself(engine: AsyncEngine) -> None:
    """SQLAlchemy's transaction on the writers' connection outlives the turns (storage.db):
    a session joins it, so its commit is not the turn's, and the turn's failure undoes all."""
    sessions = session_factory(engine)
    with pytest.raises(RuntimeError, match="after the session's commit"):
        async with write_session(sessions) as session:
            session.add(ProcessedUpdate(update_id=20, processed_at=NOW))
            await session.commit()
            raise RuntimeError("after the session's commit")
    async with write_session(sessions) as session:
        session.add(ProcessedUpdate(update_id=21, processed_at=NOW))
    assert await _claimed(engine) == [21]


async def test_turns_after_a_failed_one_and_a_rolled_back_savepoint_write_what_they_say(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with write_session(sessions) as session:
        session.add(ProcessedUpdate(update_id=30, processed_at=NOW))
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(ProcessedUpdate(update_id=30, processed_at=NOW))  # taken
        session.add(ProcessedUpdate(update_id=31, processed_at=NOW))
    with pytest.raises(IntegrityError):
        async with write_session(sessions) as session:
            session.add(ProcessedUpdate(update_id=32, processed_at=NOW))
            await session.flush()
            session.add(ProcessedUpdate(update_id=31, processed_at=NOW))  # taken: all undone
    async with write_connection(engine) as conn:
        await conn.execute(text("INSERT INTO processed_updates VALUES (33, '2026-11-02')"))
    assert await _claimed(engine) == [30, 31, 33]
