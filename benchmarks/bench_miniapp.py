"""Mini App benchmark: the assessment page of a contract with a year of reports.

Target: the assessment page renders in ≤ 300 ms server time, on the storage benchmark's data
(1,000,000 reports across 100 contracts in SQLite, contract bench-001 with a year of them).
The bot runs as ``floorbot run`` serves it (the real application, its aiohttp server, the
local Bot API), and a manager's phone is played by an HTTP client on loopback sending signed
launch data. What the page asks for when it opens — ``/app/api/me`` and
``/app/api/contracts/bench-001/assessment`` — is timed ``--repeat`` times: the server's own
time from its ``Server-Timing`` header (launch data checked, the score computed, the JSON
written) and the round trip the client sees.

Run: .venv/bin/python -m benchmarks.bench_miniapp [--db PATH] [--repeat R]
(``--db`` reuses the storage benchmark's database: ``python -m benchmarks.bench_storage --db
PATH --skip-import`` builds it in about a minute; without it, a temporary one is built.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from benchmarks.bench_storage import ASSESSED, NOW, REPORTS, _stored, build
from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.serving import HttpListener, Polling, serve
from bot.app.settings import Settings
from bot.localapi import TOKEN, FakeTelegram
from bot.services.webapp_auth import sign_init_data
from scoring.loader import load_rulebooks
from storage.db import write_session
from storage.directory import ensure_person, grant_role
from storage.models import Role

MANAGER_ID = 880001
TARGET_MS = 300.0


async def run(path: Path, repeat: int) -> None:
    fake = await FakeTelegram().start()
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/app/"
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{path}",
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        poll_timeout_seconds=1,
        webapp_url=base,
    )
    clock = OffsetClock()
    clock.set(NOW)
    services = build_services(settings, clock, load_rulebooks())
    async with write_session(services.sessions) as session:
        person = await ensure_person(
            session=session, telegram_user_id=MANAGER_ID, display_name="Bench manager", now=NOW
        )
        assert person.id is not None
        await grant_role(
            session=session, person_id=person.id, contract_id=ASSESSED, role=Role.MANAGER, now=NOW
        )
    stop = asyncio.Event()
    app = build_application(services)
    task = asyncio.create_task(
        serve(
            app,
            Polling(1),
            listener=HttpListener("127.0.0.1", port, sock),
            max_concurrent=8,
            stop=stop,
        )
    )
    try:
        await fake.wait_for_call("getUpdates", timeout=60)
        async with aiohttp.ClientSession() as http:
            for name, path_ in (
                ("me", "api/me"),
                ("assessment", f"api/contracts/{ASSESSED}/assessment"),
            ):
                await _measure(http, base + path_, name, repeat)
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        sock.close()
        await fake.stop()


async def _measure(http: aiohttp.ClientSession, url: str, name: str, repeat: int) -> None:
    server: list[float] = []
    trip: list[float] = []
    for n in range(repeat + 1):
        fields = {
            "auth_date": str(int(NOW.timestamp())),
            "query_id": f"bench{n}",
            "user": json.dumps({"id": MANAGER_ID, "first_name": "Bench", "language_code": "zh"}),
        }
        headers = {"Authorization": f"tma {sign_init_data(fields, TOKEN)}"}
        started = time.perf_counter()
        async with http.get(url, headers=headers) as reply:
            body = await reply.read()
            assert reply.status == 200, body[:300]
            timing = reply.headers["Server-Timing"]
        if n == 0:
            continue  # the first request warms the caches
        trip.append((time.perf_counter() - started) * 1000)
        server.append(float(timing.split("dur=")[1]))
    print(
        f"{name:<11} server median {statistics.median(server):6.1f} ms, "
        f"max {max(server):6.1f} ms; round trip median {statistics.median(trip):6.1f} ms "
        f"({len(body):,} bytes)"
    )
    if name == "assessment":
        verdict = "met" if max(server) <= TARGET_MS else "MISSED"
        print(f"target: ≤ {TARGET_MS:.0f} ms server time (every request): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="the storage benchmark's SQLite file to reuse")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="floorbot-bench-")) / "bench.db"
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite file {path}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    if _stored(path) < REPORTS:
        build(path, NOW)
    asyncio.run(run(path, args.repeat))


if __name__ == "__main__":
    main()
