"""Crash safety: SIGKILL the bot at random moments while inspectors report; nothing is lost.

    .venv/bin/python -m benchmarks.crash_reports [--mode polling|webhook] [--inspectors 8]
        [--reports 25] [--kills 10] [--postgres URL] [--seed N]

The bot runs as a real ``floorbot run`` process against the fake Bot API (tests/fakebot) and
a SQLite file (or a scratch database on the PostgreSQL server ``--postgres``). Inspectors send
one-line reports — text, captioned photos, and albums whose first photo has no caption — while
the process is killed (SIGKILL) every 0.4–2 s and started again at once. Telegram keeps every
update the bot has not confirmed (getUpdates offset, or a webhook answer) and delivers it
again, as the fake server does. At the end every report must be stored exactly once and whole
(its entry, its audit record, every photo of it), every confirmation the bot sent must name a
stored report, and no report may be confirmed twice. Exit status 1 on any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import re
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import make_url

from benchmarks.crashloop import BotProcess, kill_and_restart
from bot.app.builder import build_services
from bot.app.settings import Settings
from storage.db import create_engine, upgrade, write_session
from storage.models import Role
from tests.bot.world import A, add_member, seed
from tests.fakebot import TOKEN, FakeTelegram, FakeUser
from tests.hardening import procs
from tests.hardening.ledger import ledger_at
from tests.hardening.proxy import RoundRobin

CONFIRMED = re.compile(r"^✅ 已记录 #(\d+)")
PATIENCE_SECONDS = 1.5  # how long an inspector waits for a confirmation before going on
# A kill comes this long (seconds, uniform) after the restarted bot asked Telegram for updates.
KILL_AFTER_READY_SECONDS = (0.05, 1.5)
SETTLE_SECONDS = 120.0


@dataclass
class Sent:
    """What the inspectors sent: each report's source message and its number of photos."""

    photos: dict[tuple[int, int], int] = field(default_factory=dict)


@dataclass
class Outcome:
    """The run's figures and the violations found (none: the bot kept every report)."""

    sent: int
    stored: int
    confirmed: int
    violations: list[str]
    kills: int = 0
    busy_kills: int = 0  # kills while Telegram held updates the bot had not confirmed
    cut_deliveries: int = 0  # webhook calls cut by a kill (delivered again later)

    def summary(self) -> str:
        unconfirmed = self.stored - self.confirmed
        return (
            f"{self.sent} reports sent, {self.stored} stored, {self.confirmed} confirmed "
            f"({unconfirmed} stored whose confirmation was lost in a crash); {self.kills} kills, "
            f"{self.busy_kills} with updates in flight, {self.cut_deliveries} webhook calls cut; "
            f"violations: {len(self.violations)}"
        )


# -- the database ---------------------------------------------------------------------------


async def prepare_database(url: str, fake: FakeTelegram, users: list[FakeUser]) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    settings = Settings(_env_file=None, bot_token=TOKEN, database_url=url)
    services = build_services(settings)
    await seed(services)
    async with write_session(services.sessions) as session:
        for user in users:
            await add_member(session, user, A, Role.INSPECTOR, services.clock.now())
    await services.engine.dispose()


async def scratch_postgres(server: str) -> tuple[str, str]:
    """A new empty database on the server: its URL and name."""
    import asyncpg

    name = f"floorbot_crash_{uuid.uuid4().hex[:10]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    url = make_url(server).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(False), name


async def drop_postgres(server: str, name: str) -> None:
    import asyncpg

    admin = make_url(server).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()


# -- inspectors and the killer ---------------------------------------------------------------


async def _inspector(
    fake: FakeTelegram,
    user: FakeUser,
    reports: int,
    sent: Sent,
    rng: random.Random,
    killing: asyncio.Event,
) -> None:
    """Report (at least ``reports`` times, and until the killer is done), waiting a little for
    each confirmation."""
    n = 0
    while n < reports or not killing.is_set():
        n += 1
        kind = rng.choice(("text", "photo", "album"))
        if kind == "text":
            message = await fake.send_text(user, f"/late 张三 {n + 1}")
            photos = 0
        elif kind == "photo":
            content = f"{user.id}:{n}:photo".encode() * 20
            message = await fake.send_photo(user, content, caption="/dress 李四")
            photos = 1
        else:
            group = f"g{user.id}-{n}"
            await fake.send_photo(user, f"{user.id}:{n}:a".encode() * 20, media_group_id=group)
            content = f"{user.id}:{n}:b".encode() * 20
            message = await fake.send_photo(
                user, content, media_group_id=group, caption="/dress 王五"
            )
            photos = 2
        sent.photos[(user.chat_id, message["message_id"])] = photos
        with contextlib.suppress(AssertionError):  # the bot is down: the report waits
            await fake.wait_for_message(user.chat_id, timeout=PATIENCE_SECONDS)


class Bot(BotProcess):
    """The bot process, which also knows when it is ready and whether a kill cut updates."""

    def __init__(
        self, fake: FakeTelegram, folder: Path, env: dict[str, str], args: list[str]
    ) -> None:
        super().__init__(folder, env, args)
        self.fake = fake
        self.ready_call = "setWebhook" if "--webhook" in args else "getUpdates"
        self.busy_kills = 0

    async def ready(self) -> bool:
        """Wait until this process has asked Telegram for updates (or set its webhook): True."""
        await self.fake.wait_for_call(
            self.ready_call, lambda c: c.at >= self.started, timeout=procs.START_TIMEOUT
        )
        return True

    async def kill(self) -> None:
        """SIGKILL, counted as busy when Telegram holds updates the bot has not confirmed."""
        if self.fake.unconfirmed():
            self.busy_kills += 1
        await super().kill()


async def _killer(bot: Bot, kills: int, rng: random.Random, done: asyncio.Event) -> None:
    await kill_and_restart(
        bot, kills=kills, rng=rng, pause=KILL_AFTER_READY_SECONDS, wait=bot.ready
    )
    done.set()


# -- the checks ----------------------------------------------------------------------------


async def _check(url: str, fake: FakeTelegram, sent: Sent, users: list[FakeUser]) -> Outcome:
    entries, evidence, audit = await ledger_at(url)
    photos = Counter(e.entry_id for e in evidence)
    audited = {r.subject for r in audit if r.action == "entry.report"}
    violations: list[str] = []
    sources = Counter((e.source_chat_id, e.source_message_id) for e in entries)
    for source, count in sources.items():
        if count > 1:
            violations.append(f"report {source} stored {count} times")
        if source not in sent.photos:
            violations.append(f"an entry from {source}, which was never sent as a report")
    for source in sent.photos.keys() - sources.keys():
        violations.append(f"report {source} was sent but never stored")
    for entry in entries:
        source = (entry.source_chat_id, entry.source_message_id)
        expected = sent.photos.get(source)  # type: ignore[arg-type]
        if expected is not None and photos[entry.id] != expected:
            violations.append(f"entry #{entry.id} has {photos[entry.id]} of {expected} photos")
        if f"entry:{entry.id}" not in audited:
            violations.append(f"entry #{entry.id} has no audit record")
    confirmed = _confirmations(fake, users)
    stored = {e.id for e in entries}
    for entry_id, count in confirmed.items():
        if entry_id not in stored:
            violations.append(f"confirmation of #{entry_id}, which is not stored")
        if count > 1:
            violations.append(f"#{entry_id} confirmed {count} times")
    return Outcome(len(sent.photos), len(entries), len(confirmed), violations)


def _confirmations(fake: FakeTelegram, users: list[FakeUser]) -> Counter[int]:
    chats = {u.chat_id for u in users}
    found: Counter[int] = Counter()
    for event in fake.events:
        match = CONFIRMED.match(event.message.get("text", ""))
        if event.chat_id in chats and event.kind == "send" and match:
            found[int(match[1])] += 1
    return found


# -- the run -------------------------------------------------------------------------------


async def run(
    *,
    mode: str = "polling",
    inspectors: int = 8,
    reports: int = 25,
    kills: int = 10,
    postgres: str | None = None,
    seed_value: int = 7,
    folder: Path | None = None,
) -> Outcome:
    """One run; returns what happened and what went wrong."""
    rng = random.Random(seed_value)
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        return await _run(mode, inspectors, reports, kills, postgres, rng, where)


async def _run(
    mode: str,
    inspectors: int,
    reports: int,
    kills: int,
    postgres: str | None,
    rng: random.Random,
    folder: Path,
) -> Outcome:
    fake = await FakeTelegram().start()
    fake.retry_webhook = True
    users = [FakeUser(5000 + n, f"Ins {n}", "zh") for n in range(inspectors)]
    if postgres:
        url, scratch_db = await scratch_postgres(postgres)
    else:
        url, scratch_db = f"sqlite+aiosqlite:///{folder / 'crash.db'}", None
    proxy: RoundRobin | None = None
    try:
        await prepare_database(url, fake, users)
        env = procs.bot_env(fake, url)
        args = ["run", "--log-level", "WARNING"]
        if mode == "webhook":
            port = procs.free_port()
            proxy = await RoundRobin([f"http://127.0.0.1:{port}"]).start()
            args += ["--webhook", proxy.url("hook"), "--port", str(port)]
        bot = Bot(fake, folder, env, args)
        await bot.start()
        await bot.ready()
        sent = await _drive(fake, bot, users, reports, kills, rng)
        await bot.stop()
        checked = await _check(url, fake, sent, users)
        checked.kills, checked.busy_kills = bot.kills, bot.busy_kills
        checked.cut_deliveries = fake.webhook_failures
        return checked
    finally:
        if proxy is not None:
            await proxy.stop()
        await fake.stop()
        if scratch_db is not None and postgres is not None:
            await drop_postgres(postgres, scratch_db)


async def _drive(
    fake: FakeTelegram,
    bot: Bot,
    users: list[FakeUser],
    reports: int,
    kills: int,
    rng: random.Random,
) -> Sent:
    sent = Sent()
    done = asyncio.Event()
    killer = asyncio.create_task(_killer(bot, kills, rng, done))
    await asyncio.gather(*(_inspector(fake, u, reports, sent, rng, done) for u in users))
    await killer
    await fake.settled(SETTLE_SECONDS)
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("polling", "webhook"), default="polling")
    parser.add_argument("--inspectors", type=int, default=8)
    parser.add_argument("--reports", type=int, default=25)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a scratch database on")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # a killed client, expected
    started = time.monotonic()
    outcome = asyncio.run(
        run(
            mode=args.mode,
            inspectors=args.inspectors,
            reports=args.reports,
            kills=args.kills,
            postgres=args.postgres,
            seed_value=args.seed,
        )
    )
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.mode}, {backend}: {outcome.summary()} in {time.monotonic() - started:.0f} s")
    for violation in outcome.violations:
        print("  VIOLATION:", violation)
    if outcome.violations:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
