"""The database goes away and comes back: the bot says it cannot record, then recovers by itself.

A PostgreSQL server of the test's own (.ci/postgres.sh with its own folder, so that stopping
it disturbs no other test) is stopped while the bot runs and started again. Skipped unless
FLOORBOT_TEST_POSTGRES_URL is set (which says PostgreSQL is installed for the tests).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from telegram.error import NetworkError

from bot.app.clock import OffsetClock
from bot.services.outage import is_outage
from scoring.rulebook import Rulebook
from storage.db import create_engine, upgrade
from tests.bot.conftest import POSTGRES_URL
from tests.bot.world import INSPECTOR, STRANGER
from tests.fakebot import FakeTelegram
from tests.hardening.ledger import entries_at
from tests.hardening.serving import served

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "postgres.sh"
START_ATTEMPTS = 3
UNAVAILABLE = "⚠️ 暂时无法记录：数据库连接中断，本次没有记录任何内容。请过几分钟再发送一次。"


def _pg(folder: Path, *args: str) -> str:
    env = {**os.environ, "FLOORBOT_PG_DIR": str(folder)}
    done = subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def own_server() -> Iterator[tuple[str, Path]]:
    """A PostgreSQL server of this test's own: its URL and folder (removed afterwards)."""
    if not POSTGRES_URL:
        pytest.skip('FLOORBOT_TEST_POSTGRES_URL is not set (eval "$(bash .ci/postgres.sh)")')
    folder = Path("/tmp") / f"floorbot-pgfault-{uuid.uuid4().hex[:8]}"
    try:
        yield _start_own(folder), folder
    finally:
        _pg(folder, "stop")


def _start_own(folder: Path) -> str:
    """Start the server; another test run may take the same free port first: try again."""
    for attempt in range(START_ATTEMPTS):
        try:
            line = _pg(folder).strip().splitlines()[-1]
        except subprocess.CalledProcessError:
            if attempt == START_ATTEMPTS - 1:
                raise
            _pg(folder, "stop")
            continue
        return line.split("=", 1)[1]
    raise AssertionError("unreachable")


@pytest.mark.postgres
async def test_the_database_goes_away_and_comes_back(
    own_server: tuple[str, Path],
    fake_telegram: FakeTelegram,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> None:
    url, folder = own_server
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    async with served(fake_telegram, url, clock, rulebooks, leader_check_seconds=0.2) as bot:
        first = await bot.say(INSPECTOR, "/late 张三 25")
        assert first["text"].startswith("✅ 已记录 #1")
        await asyncio.to_thread(_pg, folder, "pause")
        refused = await bot.say(INSPECTOR, "/late 李四 30")
        assert refused["text"] == UNAVAILABLE
        form = await bot.say(INSPECTOR, "/report")
        assert form["text"] == UNAVAILABLE
        help_text = await bot.say(STRANGER, "/help")
        assert help_text["text"] == UNAVAILABLE
        await asyncio.to_thread(_pg, folder)  # started again, on the same port
        again = await bot.say(INSPECTOR, "/late 王五 35")
        assert again["text"].startswith("✅ 已记录 #2")
        for _ in range(50):
            if bot.app.bot_data.leader.is_leader:
                break
            await asyncio.sleep(0.1)
        assert bot.app.bot_data.leader.is_leader  # the lead of the jobs is taken again
    assert [(r.staff, r.value) for r in await entries_at(url)] == [("张三", "25"), ("王五", "35")]


async def test_what_counts_as_the_database_being_away() -> None:
    engine = create_engine("postgresql+asyncpg://floorbot@127.0.0.1:1/floorbot")
    with pytest.raises(OSError) as refused:
        async with engine.connect():
            pass
    await engine.dispose()
    assert is_outage(refused.value)
    assert is_outage(OperationalError("SELECT 1", {}, Exception("database is locked")))
    try:
        raise NetworkError("httpx.ConnectError") from ConnectionRefusedError()
    except NetworkError as telegram_down:
        assert not is_outage(telegram_down)  # the Bot API, not the database
    assert not is_outage(ValueError("a bug"))
