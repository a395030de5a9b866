"""Bot benchmark through the fake Bot API: /late → confirmation latency, and a burst of reports.

    .venv/bin/python -m benchmarks.bench_bot [--rounds 200] [--inspectors 50] [--reports 20]

1. Latency: the median time from a user's ``/late 张三 25`` reaching the (fake) Bot API to the
   bot's confirmation reaching it, for floorbot (real Application, SQLite, every check) and
   for a bare python-telegram-bot echo bot measured the same way in the same run. Target:
   floorbot's median ≤ 2.0 × the echo bot's. Commands are sent one at a time, PAUSE apart
   (a person types slower than that; back to back, floorbot's rate limiter would pace the
   replies at Telegram's 30 messages a second and the figure would measure the limiter).
   Beside them, echo bots that first store each message in one transaction (an AsyncSession
   on aiosqlite, SQLAlchemy Core on aiosqlite, SQLModel's sync Session in a worker thread)
   show what the storing costs by itself, driver by driver.
2. Burst: N inspectors each send M one-line reports at once; every report must be recorded
   exactly once (checked in the database) and confirmed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Session, col, func, select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app.builder import build_application, build_services, post_init, post_shutdown
from bot.app.clock import OffsetClock
from bot.app.context import FloorApp
from bot.app.settings import Settings
from bot.services.registry import Services
from scoring.assessment import Event
from storage.db import (
    BEGIN_MODE,
    SessionFactory,
    configure_sqlite,
    create_engine,
    upgrade,
    write_session,
)
from storage.models import Entry, ProcessedUpdate, Role
from storage.queries import ENTRIES, claim_update, record_entry, table_of
from tests.bot.world import NOW, A, add_member, seed
from tests.fakebot import TOKEN, FakeTelegram, FakeUser

POLL_TIMEOUT = 10
TARGET_RATIO = 2.0
WARM_UP = 20
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
PAUSE = 0.05
BURST_TIMEOUT = 600.0


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("✅ " + (update.effective_message.text or ""))


def _durable_echo(sessions: SessionFactory) -> Handler:
    """An echo bot that first stores the message the way floorbot must: one transaction."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        now = dt.datetime.now(dt.UTC)
        async with write_session(sessions) as session:
            await claim_update(session=session, update_id=update.update_id, now=now)
            event = Event("dress_code", NOW, staff="张三")
            await record_entry(session=session, contract_id=A, event=event, now=now)
        await _echo(update, context)

    return handler


def _core_echo(engine: AsyncEngine) -> Handler:
    """The same transaction as _durable_echo in SQLAlchemy Core on a connection (no session)."""
    claim, entry = insert(table_of(ProcessedUpdate)), insert(ENTRIES)

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        now = dt.datetime.now(dt.UTC)
        async with engine.connect() as conn:
            await conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            async with conn.begin():
                await conn.execute(claim, {"update_id": update.update_id, "processed_at": now})
                row = {"contract_id": A, "item": "dress_code", "occurred_at": NOW, "quantity": 1}
                await conn.execute(entry, {**row, "staff": "张三", "created_at": now})
        await _echo(update, context)

    return handler


def _threaded_echo(database: Path) -> tuple[Handler, Callable[[], None]]:
    """The same transaction through SQLModel's sync Session, the unit of work in a worker thread.

    The other way to SQLite on stock libraries (storage.db takes aiosqlite): one thread
    hand-over per transaction instead of several per statement. Returns the handler and the
    engine's disposal.
    """
    engine = create_sync_engine(f"sqlite:///{database}")
    configure_sqlite(engine)
    claim = sqlite_insert(table_of(ProcessedUpdate)).on_conflict_do_nothing()
    entry = insert(ENTRIES).returning(ENTRIES.c.id)
    turn = asyncio.Lock()  # writers take turns, as storage.db's write sessions do

    def store(update_id: int, now: dt.datetime) -> None:
        with Session(engine) as session:
            session.connection(execution_options={BEGIN_MODE: "IMMEDIATE"})
            session.exec(claim, params={"update_id": update_id, "processed_at": now})
            row = {"contract_id": A, "item": "dress_code", "occurred_at": NOW, "quantity": 1}
            session.exec(entry, params={**row, "staff": "张三", "created_at": now}).scalar_one()
            session.commit()

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        async with turn:
            await asyncio.to_thread(store, update.update_id, dt.datetime.now(dt.UTC))
        await _echo(update, context)

    return handler, engine.dispose


async def _start_echo(fake: FakeTelegram, handler: Handler = _echo) -> Application:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, handler))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
    return app


async def _stop(app: Application, after: Callable[[], Awaitable[None]] | None = None) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    if after is not None:
        await after()


async def _start_floorbot(
    fake: FakeTelegram, folder: Path, *, serve: bool = True
) -> tuple[FloorApp, Services]:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        poll_timeout_seconds=POLL_TIMEOUT,
    )
    clock = OffsetClock()
    clock.set(NOW)
    services = build_services(settings, clock)
    await seed(services)
    app = build_application(services)
    if not serve:
        return app, services
    await app.initialize()
    await post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
    return app, services


async def _latency(fake: FakeTelegram, user: FakeUser) -> float:
    """Seconds from the update reaching the Bot API to the bot's answer reaching it."""
    await asyncio.sleep(PAUSE)
    start = time.monotonic()
    await fake.send_text(user, "/late 张三 25")
    event = await fake.wait_for_event(
        user.chat_id, lambda m: m.get("text", "").startswith("✅"), timeout=10
    )
    return event.at - start


async def _latencies(bots: list[FakeTelegram], user: FakeUser, rounds: int) -> list[list[float]]:
    """Each bot's latencies, the bots taking turns round by round (drift hits all alike)."""
    out: list[list[float]] = [[] for _ in bots]
    for _ in range(rounds):
        for fake, times in zip(bots, out, strict=True):
            times.append(await _latency(fake, user))
    return out


async def measure_latency(rounds: int, folder: Path) -> list[float]:
    """Median latencies (s): echo bot; echo bot storing each message (session, Core, sync
    Session in a thread); floorbot.

    The five bots run side by side, each polling its own fake Bot API, and take turns: one
    message to each in every round, so a machine that gets faster or slower during the run
    weighs on all five alike.
    """
    user = FakeUser(7001, "Bench", "zh")
    fakes = [await FakeTelegram().start() for _ in range(5)]
    echo = await _start_echo(fakes[0])
    _, durable_services = await _start_floorbot(fakes[1], folder / "durable", serve=False)
    durable = await _start_echo(fakes[1], _durable_echo(durable_services.sessions))
    _, core_services = await _start_floorbot(fakes[2], folder / "core", serve=False)
    core = await _start_echo(fakes[2], _core_echo(core_services.engine))
    _, threaded_services = await _start_floorbot(fakes[3], folder / "threaded", serve=False)
    await threaded_services.engine.dispose()
    threaded_handler, dispose_threaded = _threaded_echo(folder / "threaded" / "bench.db")
    threaded = await _start_echo(fakes[3], threaded_handler)
    app, services = await _start_floorbot(fakes[4], folder / "latency")
    async with write_session(services.sessions) as session:
        await add_member(session, user, A, Role.INSPECTOR, NOW)
    await _latencies(fakes, user, WARM_UP)
    medians = [statistics.median(times) for times in await _latencies(fakes, user, rounds)]
    for bot in (echo, durable, core, threaded):
        await _stop(bot)
    await _stop(app, lambda: post_shutdown(app))
    for engine in (durable_services.engine, core_services.engine):
        await engine.dispose()
    dispose_threaded()
    for fake in fakes:
        await fake.stop()
    return medians


async def burst(inspectors: int, reports: int, folder: Path) -> tuple[int, int, float]:
    """All inspectors send all their reports at once; (expected, stored, seconds)."""
    fake = await FakeTelegram().start()
    app, services = await _start_floorbot(fake, folder)
    users = [FakeUser(8000 + n, f"Ins {n}", "zh") for n in range(inspectors)]
    async with write_session(services.sessions) as session:
        for user in users:
            await add_member(session, user, A, Role.INSPECTOR, NOW)
    start = time.monotonic()
    await asyncio.gather(
        *(fake.send_text(u, f"/handover {n + 1}") for n in range(reports) for u in users)
    )
    for user in users:
        for _ in range(reports):
            await fake.wait_for_message(
                user.chat_id, lambda m: m.get("text", "").startswith("✅"), timeout=BURST_TIMEOUT
            )
    elapsed = time.monotonic() - start
    async with services.sessions() as session:
        stored = (await session.exec(select(func.count(col(Entry.id))))).one()
        twice = (
            await session.exec(
                select(col(Entry.source_chat_id), col(Entry.source_message_id))
                .group_by(col(Entry.source_chat_id), col(Entry.source_message_id))
                .having(func.count() > 1)
            )
        ).all()
    await _stop(app, lambda: post_shutdown(app))
    await fake.stop()
    assert not twice, f"reports stored twice: {twice}"
    return inspectors * reports, int(stored), elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--inspectors", type=int, default=50)
    parser.add_argument("--reports", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        names = ("durable", "core", "threaded", "latency", "burst")
        folders = {name: Path(tmp) / name for name in names}
        for folder in folders.values():
            folder.mkdir()
        echo, durable, core, threaded, floorbot = await measure_latency(args.rounds, Path(tmp))
        expected, stored, seconds = await burst(args.inspectors, args.reports, folders["burst"])
    ratio = floorbot / echo
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {platform.system()}, "
        f"Python {platform.python_version()}, {dt.date.today()}"
    )
    print(f"latency /late → confirmation, median of {args.rounds}:")
    print(f"  bare PTB echo bot:                      {echo * 1000:.2f} ms")
    print(f"  echo bot storing each message (1 txn):  {durable * 1000:.2f} ms")
    print(f"  the same in SQLAlchemy Core, no session: {core * 1000:.2f} ms")
    print(f"  the same, sync Session in a thread:     {threaded * 1000:.2f} ms")
    print(f"  floorbot:                               {floorbot * 1000:.2f} ms")
    print(f"  ratio floorbot / echo:                  {ratio:.2f} (target ≤ {TARGET_RATIO})")
    print(f"  ratio storing echo / echo:              {durable / echo:.2f}")
    print(f"  ratio storing echo (Core) / echo:       {core / echo:.2f}")
    print(f"  ratio storing echo (thread) / echo:     {threaded / echo:.2f}")
    print(
        f"burst: {args.inspectors} inspectors × {args.reports} reports = {expected}; "
        f"stored {stored}, each once; all confirmed in {seconds:.1f} s"
    )
    if ratio > TARGET_RATIO or stored != expected:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
