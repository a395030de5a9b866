"""Load: 200 inspectors reporting at once for 60 s; no report lost or doubled; confirmation times.

    .venv/bin/python -m benchmarks.bench_load [--inspectors 200] [--seconds 60]
        [--think 4 12] [--photos 0.2] [--postgres URL [--processes 2]]

The bot runs as real ``floorbot run`` processes against the fake Bot API (tests/fakebot) on
loopback: one polling process on a SQLite file, or on a scratch database of the PostgreSQL
server ``--postgres`` — one polling process, or ``--processes N`` webhook processes behind a
round-robin proxy. All inspectors start at the same moment; each sends a one-line report
(``/late``, ``/handover``, or a photo captioned ``/dress`` for a share ``--photos`` of them),
waits for its confirmation, thinks for a random while (``--think`` seconds, uniform), and
reports again, until the time is up. Then every report must be stored exactly once and
confirmed. Confirmation time: from the update reaching the (fake) Bot API to the bot's
confirmation reaching it. python-telegram-bot's rate limiter keeps each process to Telegram's
30 messages a second, which bounds the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import platform
import random
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.crash_reports import drop_postgres, prepare_database, scratch_postgres
from tests.fakebot import FakeTelegram, FakeUser
from tests.hardening import procs
from tests.hardening.ledger import ledger_at
from tests.hardening.proxy import RoundRobin

CONFIRMED = "✅"
WATCH_SECONDS = 0.002
DRAIN_SECONDS = 300.0
# The first reports all come at once; steady figures leave out what was sent in this window.
OPENING_SECONDS = 15.0
PERCENTILES = (50, 95, 99)


class Confirmations:
    """Watches the fake server's events and wakes the inspector whose confirmation came."""

    def __init__(self, fake: FakeTelegram) -> None:
        self._fake = fake
        self._seen = 0
        self._waiting: dict[int, asyncio.Future[float]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = future
        return future

    async def _watch(self) -> None:
        while True:
            events = self._fake.events
            for event in events[self._seen :]:
                text = str(event.message.get("text", ""))
                future = self._waiting.get(event.chat_id)
                if event.kind == "send" and text.startswith(CONFIRMED) and future is not None:
                    self._waiting.pop(event.chat_id)
                    if not future.done():
                        future.set_result(event.at)
            self._seen = len(events)
            await asyncio.sleep(WATCH_SECONDS)


@dataclass
class Tally:
    """Confirmation times (with when each report was sent), reports sent and unconfirmed."""

    latencies: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    sent: int = 0
    unconfirmed: int = 0

    def after(self, moment: float) -> list[float]:
        return [lat for lat, at in zip(self.latencies, self.sent_at, strict=True) if at >= moment]


async def _inspector(
    fake: FakeTelegram,
    watch: Confirmations,
    user: FakeUser,
    deadline: float,
    args: argparse.Namespace,
    rng: random.Random,
    tally: Tally,
) -> None:
    n = 0
    while time.monotonic() < deadline:
        n += 1
        waiting = watch.expect(user.chat_id)
        sent_at = time.monotonic()
        if rng.random() < args.photos:
            content = f"{user.id}:{n}".encode() * 40
            await fake.send_photo(user, content, caption="/dress 李四")
        elif n % 2:
            await fake.send_text(user, f"/late 张三 {n % 59 + 1}")
        else:
            await fake.send_text(user, f"/handover {n % 5 + 1}")
        tally.sent += 1
        try:
            confirmed_at = await asyncio.wait_for(waiting, DRAIN_SECONDS)
        except TimeoutError:
            tally.unconfirmed += 1
            continue
        tally.latencies.append(confirmed_at - sent_at)
        tally.sent_at.append(sent_at)
        await asyncio.sleep(rng.uniform(*args.think))


def _figures(values: list[float]) -> str:
    shown = [f"p{p} {_percentile(values, p) * 1000:.0f} ms" for p in PERCENTILES]
    mean, worst = statistics.mean(values) * 1000, max(values) * 1000
    return ", ".join([*shown, f"mean {mean:.0f} ms", f"max {worst:.0f} ms"])


def _percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _start_bots(
    fake: FakeTelegram, url: str, folder: Path, processes: int
) -> tuple[list[asyncio.subprocess.Process], RoundRobin | None]:
    env = procs.bot_env(fake, url, poll_timeout_seconds="10")
    base = ["run", "--log-level", "WARNING"]
    if processes == 1:
        bot = await procs.start(folder, env, *base, log=folder / "bot.log")
        await fake.wait_for_call("getUpdates", timeout=procs.START_TIMEOUT)
        return [bot], None
    ports = [procs.free_port() for _ in range(processes)]
    proxy = await RoundRobin([f"http://127.0.0.1:{p}" for p in ports]).start()
    started = []
    for port in ports:
        args = [*base, "--webhook", proxy.url("hook"), "--port", str(port)]
        started.append(await procs.start(folder, env, *args, log=folder / f"bot-{port}.log"))
    for port in ports:
        await procs.until_listening(port)
    await fake.wait_for_call(
        "setWebhook", lambda _: len(fake.calls_to("setWebhook")) == processes, timeout=60
    )
    return started, proxy


async def run(args: argparse.Namespace, folder: Path) -> int:
    fake = await FakeTelegram().start()
    users = [FakeUser(20_000 + n, f"Ins {n}", "zh") for n in range(args.inspectors)]
    if args.postgres:
        url, scratch = await scratch_postgres(args.postgres)
    else:
        url, scratch = f"sqlite+aiosqlite:///{folder / 'load.db'}", None
    proxy = None
    bots: list[asyncio.subprocess.Process] = []
    try:
        await prepare_database(url, fake, users)
        bots, proxy = await _start_bots(fake, url, folder, args.processes)
        watch = Confirmations(fake)
        watch.start()
        tally = Tally()
        rng = random.Random(args.seed)
        started = time.monotonic()
        deadline = started + args.seconds
        await asyncio.gather(
            *(_inspector(fake, watch, u, deadline, args, rng, tally) for u in users)
        )
        elapsed = time.monotonic() - started
        await watch.stop()
        for bot in bots:
            await procs.interrupt(bot)
        steady = tally.after(started + OPENING_SECONDS)
        return await _report(args, url, users, tally, elapsed, steady)
    finally:
        for bot in bots:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
        if proxy is not None:
            await proxy.stop()
        await fake.stop()
        if scratch is not None:
            await drop_postgres(args.postgres, scratch)


async def _report(
    args: argparse.Namespace,
    url: str,
    users: list[FakeUser],
    tally: Tally,
    elapsed: float,
    steady: list[float],
) -> int:
    entries, _, _ = await ledger_at(url)
    chats = {u.chat_id for u in users}
    mine = [e for e in entries if e.source_chat_id in chats]
    sources = Counter((e.source_chat_id, e.source_message_id) for e in mine)
    twice = [source for source, count in sources.items() if count > 1]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    mode = f"{args.processes} webhook processes" if args.processes > 1 else "1 polling process"
    lat = tally.latencies
    think = f"think {args.think[0]:g}–{args.think[1]:g} s, photos {args.photos:.0%}"
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}")
    print(f"date: {dt.date.today()}")
    print(f"{backend}, {mode}: {args.inspectors} inspectors for {args.seconds:g} s ({think})")
    print(
        f"  reports sent {tally.sent}, stored {len(mine)}, stored twice {len(twice)}, "
        f"unconfirmed {tally.unconfirmed}"
    )
    print(f"  throughput {len(lat) / elapsed:.1f} confirmed reports/s over {elapsed:.0f} s")
    for label, values in (("all", lat), (f"after the first {OPENING_SECONDS:g} s", steady)):
        if values:
            print(f"  confirmation time, {label} ({len(values)}): {_figures(values)}")
    ok = len(mine) == tally.sent and not twice and tally.unconfirmed == 0
    print("  result:", "every report stored once and confirmed" if ok else "FAILED")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspectors", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, nargs=2, default=(4.0, 12.0))
    parser.add_argument("--photos", type=float, default=0.2)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a scratch database on")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.processes > 1 and not args.postgres:
        parser.error("several processes need PostgreSQL (--postgres)")
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as folder:
        raise SystemExit(asyncio.run(run(args, Path(folder))))


if __name__ == "__main__":
    main()
