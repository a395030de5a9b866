"""A manager marked as having blocked the bot by one process, who unblocks it and writes to
another process, gets their digests again; an update from anyone else costs no query.

Two Applications share one database: A polls Telegram first and runs the digest ticks (it
finds the block); B was started before that (its view of the marks is old) and then takes
over the polling. B unmarks at once a user it knows to be marked, and anyone else who wrote to
it at its next reload of the marks (its job, every FLOORBOT_DIGEST_POLL_SECONDS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlmodel import select

from bot.app.builder import build_application, build_services, post_init
from bot.app.clock import OffsetClock
from bot.app.jobs import BLOCKED_JOB, runner_of
from bot.services.registry import Services
from storage.models import BlockedChat
from tests.bot.conftest import POLL_TIMEOUT, Running, stop_bot
from tests.digests.conftest import Launch, settle, tick
from tests.digests.world import INSPECTOR, MANAGER, deliveries, local, sent_before
from tests.fakebot import FakeUser
from tests.statements import statements_sent

DUE = local(2026, 7, 15, 18, 0)
HELP = "您的角色"  # in /help's reply to someone registered


@asynccontextmanager
async def _process_b(world: Services, a: Running) -> AsyncIterator[Running]:
    """A second process on the same database: started now, not polling yet."""
    services = build_services(world.settings, a.clock, dict(world.rulebooks))
    app = build_application(services)
    await app.initialize()
    await post_init(app)
    await app.start()
    b = Running(app, services, a.fake, a.clock)
    try:
        await settle(b)  # its start-up sweep is over: B's view of the marks is as of now
        yield b
    finally:
        await stop_bot(app)
        await services.engine.dispose()


async def _b_takes_the_updates(a: Running, b: Running) -> None:
    """From now on Telegram's updates reach process B (A keeps running its jobs)."""
    assert a.app.updater is not None and b.app.updater is not None
    await a.app.updater.stop()
    await b.app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)


async def _reload_marks(b: Running) -> None:
    """B's reload job, run now by its JobQueue (it runs every FLOORBOT_DIGEST_POLL_SECONDS)."""
    assert b.app.job_queue is not None
    [job] = b.app.job_queue.get_jobs_by_name(BLOCKED_JOB)
    await job.run(b.app)


async def _marked(world: Services) -> int:
    async with world.sessions() as session:
        return len((await session.exec(select(BlockedChat))).all())


async def _digest_day(a: Running, world: Services, day: int) -> str:
    """A runs the day's 18:00 tick; the state of MANAGER's delivery of that day."""
    a.clock.set(DUE + dt.timedelta(days=day, seconds=5))
    await tick(a)
    period = (DUE + dt.timedelta(days=day)).date().isoformat()
    rows = await deliveries(world, "daily")
    found = [r.state for r in rows if (r.chat_id, r.period) == (MANAGER.chat_id, period)]
    return found[0] if found else "none"


async def _help(b: Running, user: FakeUser) -> None:
    b.fake.skip_to_end(user.chat_id)  # the digests they got meanwhile
    reply = await b.say(user, "/help")
    assert HELP in reply["text"]


async def blocked_on_a_unblocked_on_b(world: Services, launch: Launch, clock: OffsetClock) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=1))
    a = await launch()
    async with _process_b(world, a) as b:
        a.fake.block(MANAGER)
        assert await _digest_day(a, world, 0) == "blocked"  # A finds the block and marks it
        runner = runner_of(b.app)
        assert runner is not None and MANAGER.id not in runner.blocked  # B's view is older
        await _b_takes_the_updates(a, b)
        a.fake.blocked.clear()  # the manager unblocks the bot ...
        with statements_sent(b.services.engine) as sent:
            await _help(b, INSPECTOR)  # (someone never marked: no query about marks)
        assert sent and not [s for s in sent if "blocked_chats" in s]
        await _help(b, MANAGER)  # ... and writes to B, which did not know of the mark
        await _reload_marks(b)  # B's next reload unmarks whoever wrote to it since
        assert await _marked(world) == 0
        assert await _digest_day(a, world, 1) == "sent"  # their digest comes again
        a.fake.block(MANAGER)  # blocked again; this time B has reloaded since the mark
        assert await _digest_day(a, world, 2) == "blocked"
        await _reload_marks(b)
        assert MANAGER.id in runner.blocked
        a.fake.blocked.clear()
        await _help(b, MANAGER)
        assert await _marked(world) == 0  # unmarked before B even answered
        assert await _digest_day(a, world, 3) == "sent"


async def test_a_manager_marked_by_one_process_is_unmarked_by_the_other(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await blocked_on_a_unblocked_on_b(world, launch, clock)


@pytest.mark.postgres
async def test_on_postgresql(pg_world: Services, pg_launch: Launch, clock: OffsetClock) -> None:
    await blocked_on_a_unblocked_on_b(pg_world, pg_launch, clock)
