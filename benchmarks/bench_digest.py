"""Digest benchmark: the daily fan-out to 1,000 managers under Telegram's flood limits, and
building one contract's period assessment with its chart and official table.

    .venv/bin/python -m benchmarks.bench_digest [--managers 1000] [--contracts 10] [--rounds 10]

1. Fan-out: ``--managers`` managers, spread over ``--contracts`` contracts (001's rulebook,
   each manager on one contract, subscribed by default), are due the daily digest of
   15 July 2026, 18:00. The real Application (bot.app.builder: its JobQueue, its rate-limited bot,
   the digest runner) sends it to a fake Bot API on loopback that enforces Telegram's flood
   limits — at most 30 messages in any second overall and one a second per chat, 429 with
   retry_after beyond. Measured: one tick of the runner (making the runs and deliveries,
   the figures, the sends), the spread from the first message to the last, its ratio to the
   limit's minimum (managers / 30 s), the 429s (target: none), and that every manager got
   exactly one message and has one delivery recorded as sent.
2. Assessment: one contract's period assessment as the bot sends it
   (``bot.services.digests.content.period_figures``: the month's events, the earlier months' scores,
   the engine, the score day by day, the PNG chart and the .xlsx table, rendering in a
   worker thread) for May 2027 with ``--reports`` reports a month over the eleven months
   before; median of ``--rounds`` (target: under 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlmodel import col, func, select

from bot.app.builder import build_application, build_services, post_init, post_shutdown
from bot.app.clock import OffsetClock
from bot.app.context import FloorApp
from bot.app.jobs import runner_of
from bot.app.settings import Settings
from bot.services.digests.content import period_figures
from bot.services.registry import Services
from scoring.assessment import Event
from scoring.periods import parse_period
from storage.db import create_engine, upgrade, write_session
from storage.directory import add_contract, ensure_person, grant_role
from storage.models import DigestDelivery, Role
from storage.queries import record_entry
from tests.bot.world import TZ
from tests.fakebot import TOKEN, FakeTelegram, FakeUser

RULEBOOK = "haidian-dispatch-2026"
# The contracts were set up on the day itself, after June's assessment (no catch-up).
SET_UP = dt.datetime(2026, 7, 15, 12, 0, tzinfo=TZ)
DUE = dt.datetime(2026, 7, 15, 18, 0, tzinfo=TZ)
TELEGRAM_RATE = 30  # messages a second overall (the limit the fake enforces)
ASSESSMENT_TARGET = 1.0
ASSESSED = "2027-05"
ASSESSED_AT = dt.datetime(2027, 6, 1, 9, 0, tzinfo=TZ)
ITEMS = ("late_arrival", "dress_code", "missed_handover", "late_reply", "off_task_device")
FIRST_MANAGER_ID = 500_000
POLL = 1


def _settings(fake: FakeTelegram, url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        poll_timeout_seconds=POLL,
        digest_poll_seconds=3600,  # the benchmark runs the tick itself
    )


def _event(rng: random.Random, when: dt.datetime) -> Event:
    item = rng.choice(ITEMS)
    value = str(rng.randint(1, 50)) if item == "late_arrival" else None
    staff = None if item in ("missed_handover", "late_reply") else f"员工{rng.randint(1, 40)}"
    return Event(item, when, Decimal(1), value, staff, inspector="Bench")


async def _seed(services: Services, fake: FakeTelegram, managers: int, contracts: int) -> None:
    rng = random.Random(5)
    async with write_session(services.sessions) as session:
        for c in range(contracts):
            await add_contract(
                session=session,
                contract_id=f"bench-{c:02d}",
                rulebook_id=RULEBOOK,
                client="海淀区城管执法局",
                vendor=f"Vendor {c}",
                timezone="Asia/Shanghai",
                now=SET_UP,
                actor="bench",
            )
            for day in range(1, 16):
                when = dt.datetime(2026, 7, day, 9, 30, tzinfo=TZ)
                await record_entry(
                    session=session, contract_id=f"bench-{c:02d}", event=_event(rng, when), now=when
                )
        for n in range(managers):
            user = FakeUser(FIRST_MANAGER_ID + n, f"Mgr {n}", "zh")
            person = await ensure_person(
                session=session, telegram_user_id=user.id, display_name=user.first_name, now=SET_UP
            )
            assert person.id is not None
            contract = f"bench-{n % contracts:02d}"
            await grant_role(
                session=session,
                person_id=person.id,
                contract_id=contract,
                role=Role.MANAGER,
                now=SET_UP,
            )
            fake.know(user)


async def fan_out(folder: Path, managers: int, contracts: int) -> dict[str, float]:
    """One daily digest to every manager through the limits; the figures of the run."""
    url = f"sqlite+aiosqlite:///{folder / 'fanout.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    fake = await FakeTelegram().start()
    limits = fake.enforce_limits(per_second=TELEGRAM_RATE, chat_gap=1.0)
    clock = OffsetClock()
    clock.set(DUE - dt.timedelta(hours=1))
    services = build_services(_settings(fake, url), clock)
    await _seed(services, fake, managers, contracts)
    app = build_application(services)
    await _start(app)
    runner = runner_of(app)
    assert runner is not None
    await runner.tick()  # the start-up sweep's turn: nothing due yet
    clock.set(DUE + dt.timedelta(seconds=1))
    start = time.monotonic()
    tally = await runner.tick()
    elapsed = time.monotonic() - start
    sends = [e.at for e in fake.events if e.method == "sendMessage"]
    per_chat = {e.chat_id for e in fake.events}
    async with services.sessions() as session:
        sent = (
            await session.exec(
                select(func.count(col(DigestDelivery.id))).where(
                    col(DigestDelivery.state) == "sent"
                )
            )
        ).one()
    await _stop(app)
    await fake.stop()
    assert len(sends) == managers and len(per_chat) == managers, "a manager missed or doubled"
    assert sent == managers == tally.sent, f"{sent} deliveries recorded as sent"
    return {
        "tick": elapsed,
        "spread": max(sends) - min(sends),
        "refused": len(limits.refused),
        "accepted": limits.sent,
    }


async def _start(app: FloorApp) -> None:
    await app.initialize()
    await post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=POLL)


async def _stop(app: FloorApp) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await post_shutdown(app)


async def assessment(folder: Path, reports: int, rounds: int) -> list[float]:
    """Seconds to build one contract's period assessment with chart and table, per round."""
    url = f"sqlite+aiosqlite:///{folder / 'assess.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    fake = await FakeTelegram().start()
    clock = OffsetClock()
    clock.set(ASSESSED_AT)
    services = build_services(_settings(fake, url), clock)
    rng = random.Random(7)
    contract = "bench-assess"
    async with write_session(services.sessions) as session:
        await add_contract(
            session=session,
            contract_id=contract,
            rulebook_id=RULEBOOK,
            client="海淀区城管执法局",
            vendor="Vendor",
            timezone="Asia/Shanghai",
            now=SET_UP,
            actor="bench",
        )
        start = dt.datetime(2026, 6, 17, tzinfo=TZ)
        span = (ASSESSED_AT - start).total_seconds()
        months = 12
        for _ in range(reports * months):
            when = start + dt.timedelta(seconds=rng.uniform(0, span - 1))
            await record_entry(
                session=session, contract_id=contract, event=_event(rng, when), now=when
            )
    book = services.rulebooks[RULEBOOK]
    period = parse_period(book, ASSESSED)
    out = []
    for _ in range(rounds):
        began = time.monotonic()
        async with services.sessions() as session:
            figures = await period_figures(
                session,
                contract_id=contract,
                book=book,
                period=period,
                now=ASSESSED_AT,
                adjustments_after=period.start_utc,
            )
        out.append(time.monotonic() - began)
        assert figures.xlsx.startswith(b"PK") and figures.chart.startswith(b"\x89PNG")
    await services.engine.dispose()
    await fake.stop()
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--contracts", type=int, default=10)
    parser.add_argument("--reports", type=int, default=300, help="reports a month")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = await fan_out(Path(tmp), args.managers, args.contracts)
        times = await assessment(Path(tmp), args.reports, args.rounds)
    minimum = args.managers / TELEGRAM_RATE
    median = statistics.median(times)
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {platform.system()}, "
        f"Python {platform.python_version()}, {dt.date.today()}"
    )
    print(
        f"fan-out: {args.managers} managers on {args.contracts} contracts, one message each: "
        f"tick {figures['tick']:.1f} s, first to last message {figures['spread']:.1f} s; "
        f"limit's minimum {minimum:.1f} s; ratio {figures['tick'] / minimum:.3f} "
        f"(spread {figures['spread'] / minimum:.3f}); 429s: {figures['refused']:.0f}"
    )
    print(
        f"assessment with chart and table ({args.reports} reports a month, 12 months): "
        f"median {median * 1000:.0f} ms, best {min(times) * 1000:.0f} ms, worst "
        f"{max(times) * 1000:.0f} ms over {args.rounds} (target < {ASSESSMENT_TARGET:.0f} s)"
    )
    if figures["refused"] or median >= ASSESSMENT_TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
