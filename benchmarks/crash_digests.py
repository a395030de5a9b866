"""Crash safety of the digest fan-out: SIGKILL the bot while it sends a daily digest to managers.

    .venv/bin/python -m benchmarks.crash_digests [--managers 120] [--contracts 3] [--kills 3]
        [--postgres URL] [--seed N]

The bot runs as a real ``floorbot run`` process against the fake Bot API, which enforces
Telegram's flood limits (30 messages a second overall), so the fan-out to ``--managers``
managers takes a few seconds. Each contract's daily digest is due two minutes ago (its
schedule), so the bot sends it as soon as it starts. The process is SIGKILLed at a random
moment after a digest message has gone out, and started again, ``--kills`` times. At the
end every manager must have received the digest exactly once. Exit status 1 otherwise; the
delivery states recorded in the database are printed either way.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import random
import signal
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from benchmarks.crash_reports import drop_postgres, scratch_postgres
from bot.app import build_services
from bot.settings import Settings
from storage.db import create_engine, session_factory, upgrade, write_session
from storage.directory import add_contract, ensure_person, grant_role
from storage.models import DigestDelivery, Role
from tests.fakebot import TOKEN, FakeTelegram, FakeUser
from tests.hardening import procs

RULEBOOK = "haidian-dispatch-2026"
ZONE = ZoneInfo("Asia/Shanghai")
DUE_AGO = dt.timedelta(minutes=2)
SET_UP_AGO = dt.timedelta(hours=1)
KILL_AFTER_SECONDS = (0.05, 1.5)
QUIET_SECONDS = 8.0  # no new digest for this long after the last restart: the fan-out is over
FAN_OUT_LIMIT_SECONDS = 180.0
BOT_SETTINGS = {"digest_poll_seconds": "1", "digest_stale_minutes": "1"}


@dataclass
class Outcome:
    managers: int
    received: Counter[int]
    states: Counter[str]
    kills: int

    @property
    def violations(self) -> list[str]:
        lost = [chat for chat in range(self.managers) if self.received[chat] == 0]
        twice = [chat for chat, n in self.received.items() if n > 1]
        out = [f"{len(lost)} manager(s) never got the digest"] if lost else []
        return out + ([f"{len(twice)} manager(s) got it more than once"] if twice else [])

    def summary(self) -> str:
        once = sum(1 for n in self.received.values() if n == 1)
        states = ", ".join(f"{state} {n}" for state, n in sorted(self.states.items()))
        return (
            f"{self.managers} managers, {self.kills} kills mid-fan-out: {once} got the digest "
            f"once; deliveries recorded: {states}; violations: {len(self.violations)}"
        )


async def _prepare(url: str, users: list[FakeUser], contracts: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    services = build_services(Settings(_env_file=None, bot_token=TOKEN, database_url=url))
    now = dt.datetime.now(dt.UTC)
    due = (now - DUE_AGO).astimezone(ZONE).strftime("%H:%M")
    schedule = {"daily_digest": due, "period_assessment": "off"}
    ids = [f"crash-{n}" for n in range(contracts)]
    async with write_session(services.sessions) as session:
        for contract in ids:
            await add_contract(
                session,
                contract_id=contract,
                rulebook_id=RULEBOOK,
                client="client",
                vendor="vendor",
                timezone=str(ZONE),
                now=now - SET_UP_AGO,
                actor="crash",
                schedule=schedule,
            )
        for n, user in enumerate(users):
            person = await ensure_person(
                session, telegram_user_id=user.id, display_name=user.first_name, now=now
            )
            assert person.id is not None
            contract = ids[n % contracts]
            await grant_role(
                session, person_id=person.id, contract_id=contract, role=Role.MANAGER, now=now
            )
    await services.engine.dispose()


def _received(fake: FakeTelegram, users: list[FakeUser]) -> Counter[int]:
    index = {u.chat_id: n for n, u in enumerate(users)}
    return Counter(index[e.chat_id] for e in fake.events if e.kind == "send" and e.chat_id in index)


async def _states(url: str) -> Counter[str]:
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        rows = (await session.exec(select(DigestDelivery.state))).all()
    await engine.dispose()
    return Counter(str(state) for state in rows)


class Bot:
    def __init__(self, fake: FakeTelegram, folder: Path, env: dict[str, str]) -> None:
        self.fake, self.folder, self.env = fake, folder, env
        self.process: asyncio.subprocess.Process | None = None
        self.kills = 0

    async def start(self) -> None:
        args = ("run", "--log-level", "WARNING")
        self.process = await procs.start(self.folder, self.env, *args, log=self.folder / "bot.log")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.kills += 1

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            await procs.interrupt(self.process)


async def _until_more(fake: FakeTelegram, users: list[FakeUser], than: int) -> bool:
    """Wait for a digest message beyond the first ``than``; False when none comes (the
    fan-out is over) within QUIET_SECONDS, or the start-up takes FAN_OUT_LIMIT_SECONDS."""
    deadline = time.monotonic() + (QUIET_SECONDS if than else FAN_OUT_LIMIT_SECONDS)
    while sum(_received(fake, users).values()) <= than:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def _quiet(fake: FakeTelegram, users: list[FakeUser]) -> None:
    """Wait until no digest message has come for QUIET_SECONDS (or everyone has one)."""
    last, since = -1, time.monotonic()
    while time.monotonic() - since < QUIET_SECONDS:
        count = sum(_received(fake, users).values())
        if count != last:
            last, since = count, time.monotonic()
        if len(_received(fake, users)) == len(users) and count >= len(users):
            await asyncio.sleep(1.0)  # anything sent twice would come now
            return
        await asyncio.sleep(0.1)


async def run(
    *,
    managers: int = 120,
    contracts: int = 3,
    kills: int = 3,
    postgres: str | None = None,
    seed_value: int = 5,
    folder: Path | None = None,
) -> Outcome:
    rng = random.Random(seed_value)
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        fake = await FakeTelegram().start()
        fake.enforce_limits()
        users = [FakeUser(30_000 + n, f"Mgr {n}", "zh") for n in range(managers)]
        for user in users:
            fake.know(user)
        if postgres:
            url, scratch_db = await scratch_postgres(postgres)
        else:
            url, scratch_db = f"sqlite+aiosqlite:///{where / 'digests.db'}", None
        try:
            await _prepare(url, users, contracts)
            bot = Bot(fake, where, procs.bot_env(fake, url, **BOT_SETTINGS))
            await bot.start()
            for _ in range(kills):
                if not await _until_more(fake, users, sum(_received(fake, users).values())):
                    break
                await asyncio.sleep(rng.uniform(*KILL_AFTER_SECONDS))
                await bot.kill()
                await bot.start()
            await _quiet(fake, users)
            await bot.stop()
            return Outcome(managers, _received(fake, users), await _states(url), bot.kills)
        finally:
            await fake.stop()
            if scratch_db is not None and postgres is not None:
                await drop_postgres(postgres, scratch_db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=120)
    parser.add_argument("--contracts", type=int, default=3)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a scratch database on")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    started = time.monotonic()
    outcome = asyncio.run(
        run(
            managers=args.managers,
            contracts=args.contracts,
            kills=args.kills,
            postgres=args.postgres,
            seed_value=args.seed,
        )
    )
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{backend}: {outcome.summary()} in {time.monotonic() - started:.0f} s")
    for violation in outcome.violations:
        print("  VIOLATION:", violation)
    if outcome.violations:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
