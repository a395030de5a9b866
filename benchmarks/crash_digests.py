"""Crash safety of the digest fan-out: SIGKILL the bot while it sends a daily digest to managers.

    .venv/bin/python -m benchmarks.crash_digests [--managers 120] [--contracts 3] [--kills 3]
        [--postgres URL] [--seed N]

The bot runs as a real ``floorbot run`` process against the fake Bot API, which enforces
Telegram's flood limits (30 messages a second overall), so the fan-out to ``--managers``
managers takes a few seconds. Each contract's daily digest is due two minutes ago (its
schedule), so the bot sends it as soon as it starts. The process is SIGKILLed at a random
moment after a digest message has gone out, and started again, ``--kills`` times.

The rule: a missed digest is a failure; a duplicate is not, for a delivery that a
kill cut mid-send (claimed, ``sending``): its message may have left just before the kill, and
the delivery is sent again once its claim goes stale (FLOORBOT_DIGEST_STALE_SECONDS, short
here) — that shows as a delivery claimed twice, and is reported. At the end every manager
must have received the digest, and only such cut deliveries may have arrived twice. Exit
status 1 otherwise; the delivery states recorded in the database are printed either way.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from benchmarks.crash_reports import drop_postgres, scratch_postgres
from benchmarks.crashloop import BotProcess, kill_and_restart
from bot.app.builder import build_services
from bot.app.settings import Settings
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
# A claim left by a killed process goes stale after STALE_SECONDS and is sent again by a sweep
# (every POLL_SECONDS); a live sender renews its claims every third of STALE_SECONDS.
POLL_SECONDS = 1
STALE_SECONDS = 3
# No new digest for this long after the last restart: the fan-out is over (cut deliveries
# have gone stale and been sent again well within it).
QUIET_SECONDS = 8.0
FAN_OUT_LIMIT_SECONDS = 180.0
BOT_SETTINGS = {
    "digest_poll_seconds": str(POLL_SECONDS),
    "digest_stale_seconds": str(STALE_SECONDS),
}
# A cut delivery may arrive once from the killed process and once when it is sent again.
MOST_FOR_A_CUT_DELIVERY = 2


@dataclass
class Outcome:
    managers: int
    received: Counter[int]
    states: Counter[str]
    kills: int
    cut: set[int] = field(default_factory=set)  # managers whose delivery was claimed twice

    @property
    def lost(self) -> list[int]:
        return [chat for chat in range(self.managers) if self.received[chat] == 0]

    @property
    def duplicates(self) -> list[int]:
        """Managers who got the digest twice because a kill cut their delivery (allowed)."""
        most = MOST_FOR_A_CUT_DELIVERY
        return [c for c, n in self.received.items() if 1 < n <= most and c in self.cut]

    @property
    def violations(self) -> list[str]:
        twice = [c for c, n in self.received.items() if n > 1 and c not in self.duplicates]
        out = [f"{len(self.lost)} manager(s) never got the digest"] if self.lost else []
        if twice:
            out.append(f"{len(twice)} manager(s) got it more than once, not cut by a kill")
        left = self.states["sending"]
        return out + ([f"{left} deliveries left mid-send at the end"] if left else [])

    def summary(self) -> str:
        once = sum(1 for n in self.received.values() if n == 1)
        states = ", ".join(f"{state} {n}" for state, n in sorted(self.states.items()))
        return (
            f"{self.managers} managers, {self.kills} kills mid-fan-out: {once} got the digest "
            f"once; {len(self.cut)} deliveries cut mid-send and sent again, "
            f"{len(self.duplicates)} of them arrived twice; deliveries recorded: {states}; "
            f"violations: {len(self.violations)}"
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
                session=session,
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
                session=session, telegram_user_id=user.id, display_name=user.first_name, now=now
            )
            assert person.id is not None
            contract = ids[n % contracts]
            await grant_role(
                session=session,
                person_id=person.id,
                contract_id=contract,
                role=Role.MANAGER,
                now=now,
            )
    await services.engine.dispose()


def _received(fake: FakeTelegram, users: list[FakeUser]) -> Counter[int]:
    index = {u.chat_id: n for n, u in enumerate(users)}
    return Counter(index[e.chat_id] for e in fake.events if e.kind == "send" and e.chat_id in index)


async def _recorded(url: str, users: list[FakeUser]) -> tuple[Counter[str], set[int]]:
    """The deliveries' states, and the managers whose delivery was claimed more than once (a
    kill cut it mid-send and it was sent again: the fake never fails a send here)."""
    index = {u.chat_id: n for n, u in enumerate(users)}
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        rows = (await session.exec(select(DigestDelivery))).all()
    await engine.dispose()
    cut = {index[r.chat_id] for r in rows if r.attempts > 1 and r.chat_id in index}
    return Counter(str(r.state) for r in rows), cut


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
            bot = BotProcess(where, procs.bot_env(fake, url, **BOT_SETTINGS))
            await bot.start()

            async def more_sent() -> bool:
                return await _until_more(fake, users, sum(_received(fake, users).values()))

            await kill_and_restart(
                bot, kills=kills, rng=rng, pause=KILL_AFTER_SECONDS, wait=more_sent
            )
            await _quiet(fake, users)
            await bot.stop()
            states, cut = await _recorded(url, users)
            return Outcome(managers, _received(fake, users), states, bot.kills, cut)
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
    if outcome.duplicates:
        print(f"  reported: {len(outcome.duplicates)} cut deliveries arrived twice (allowed)")
    for violation in outcome.violations:
        print("  VIOLATION:", violation)
    if outcome.violations:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
