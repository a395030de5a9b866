"""Two webhook processes behind one reverse proxy, sharing one PostgreSQL database.

Each update is handled once, by whichever process the proxy picks; the guided report's form,
an album's photos and the pending choices live in the database, so the steps of one report
can land on different processes; exactly one process leads the scheduled jobs and does the
digest work (the other's jobs are skipped, as its DEBUG log shows), and when it dies the other
takes over and sends the digest that became due meanwhile. At the end, the same hand-over
with two Applications in this process and a controlled clock: a contract's 18:00 job that
fires on a process not leading yet is skipped, and that process sends the digest once it
takes the lead. Skipped without FLOORBOT_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import signal
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import col, select

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.jobs import job_name
from bot.services.digests.schedule import DAILY
from bot.services.registry import Services
from storage.db import create_engine, session_factory, write_session
from storage.digest_queries import set_schedule
from storage.models import Contract, DigestDelivery, Role
from tests.bot.conftest import Running, bot_settings, start_bot, stop_bot
from tests.bot.world import INSPECTOR, INSPECTOR_EN, MANAGER, TZ, A, B, Row, add_member
from tests.digests.conftest import pg_world  # noqa: F401 (fixture)
from tests.digests.world import BOSS, local, sent_before
from tests.digests.world import MANAGER_B as ENGLISH_MANAGER
from tests.fakebot import FakeTelegram, FakeUser, JsonDict
from tests.hardening import procs
from tests.hardening.ledger import entries_at, evidence_at
from tests.hardening.proxy import RoundRobin

pytestmark = pytest.mark.postgres

SECRET = "s3cret-Token_for-tests"
DROP_BUTTONS = ("editMessageReplyMarkup",)
MANAGER_B = FakeUser(1011, "Mgr B", "zh")
OFF = {"daily_digest": "off", "period_assessment": "off"}
# The sweep runs at start-up and when a process takes the lead, and otherwise only hourly: a
# digest the processes send in this test was sent by one of those two sweeps.
SETTINGS = {"leader_check_seconds": "0.3", "digest_poll_seconds": "3600"}
TICK = "floorbot.jobs: digest tick"
SKIPPED = "job _sweep skipped: another process leads"
ELECTED = "this process now leads the scheduled jobs"


@dataclass
class Pair:
    fake: FakeTelegram
    proxy: RoundRobin
    ports: list[int]
    processes: list[asyncio.subprocess.Process]
    url: str
    logs: list[Path]

    async def say(self, user: FakeUser, text: str) -> JsonDict:
        await self.fake.send_text(user, text)
        return await self.next(user)

    async def tap(self, user: FakeUser, message: JsonDict, label: str) -> JsonDict:
        await self.fake.press_button(user, message, label)
        return await self.next(user)

    async def next(self, user: FakeUser) -> JsonDict:
        return await self.fake.wait_for_message(
            user.chat_id, timeout=procs.START_TIMEOUT, skip_methods=DROP_BUTTONS
        )

    async def health(self, index: int) -> dict[str, object]:
        _, body = await procs.get_json(f"http://127.0.0.1:{self.ports[index]}/health")
        return dict(body)

    async def leader(self) -> int:
        leading = [bool((await self.health(i))["leader"]) for i in range(len(self.ports))]
        assert sorted(leading) == [False, True]
        return leading.index(True)

    def received(self, user: FakeUser) -> list[JsonDict]:
        """Every message the bot sent to the user (edits left out)."""
        events = self.fake.events
        return [e.message for e in events if e.chat_id == user.chat_id and e.kind == "send"]


def _minute_ago() -> str:
    """A daily digest time that has just passed (local time of the contracts)."""
    return (dt.datetime.now(TZ) - dt.timedelta(minutes=1)).strftime("%H:%M")


async def _set_schedules(
    fake: FakeTelegram, url: str, schedules: Mapping[str, dict[str, str]]
) -> None:
    """Store contracts' digest schedules (as /schedule would), and a manager for contract B."""
    services = build_services(bot_settings(fake, url))
    now = dt.datetime.now(dt.UTC)
    try:
        async with write_session(services.sessions) as session:
            for contract_id, schedule in schedules.items():
                contract = await session.get(Contract, contract_id)
                assert contract is not None
                await set_schedule(
                    session=session, contract=contract, schedule=schedule, actor="test", now=now
                )
    finally:
        await services.engine.dispose()


async def _add_manager_of_b(fake: FakeTelegram, url: str) -> None:
    services = build_services(bot_settings(fake, url))
    try:
        async with write_session(services.sessions) as session:
            await add_member(session, MANAGER_B, B, Role.MANAGER, dt.datetime.now(dt.UTC))
    finally:
        await services.engine.dispose()
    fake.know(MANAGER_B)
    fake.know(MANAGER)


async def _deliveries(url: str) -> list[tuple[int, str, str]]:
    """Every digest delivery: (chat, contract, state), in the order they were made."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            statement = select(DigestDelivery).order_by(col(DigestDelivery.id))
            rows = (await session.exec(statement)).all()
    finally:
        await engine.dispose()
    return [(r.chat_id, r.contract_id, r.state) for r in rows]


@pytest.fixture
async def pair(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    seeded_pg: str,
    processes: list[asyncio.subprocess.Process],
) -> AsyncIterator[Pair]:
    await _add_manager_of_b(fake_telegram, seeded_pg)
    # Contract A's daily digest became due a minute ago; B sends nothing (until later).
    daily_a = {**OFF, "daily_digest": _minute_ago()}
    await _set_schedules(fake_telegram, seeded_pg, {A: daily_a, B: OFF})
    ports = [procs.free_port(), procs.free_port()]
    logs = [tmp_path / f"bot{n}.log" for n in range(len(ports))]
    proxy = await RoundRobin([f"http://127.0.0.1:{p}" for p in ports]).start()
    env = procs.bot_env(fake_telegram, seeded_pg, **SETTINGS)
    for port, log in zip(ports, logs, strict=True):
        args = ("--webhook", proxy.url("hook"), "--port", str(port), "--secret-token", SECRET)
        args += ("--log-level", "DEBUG")
        processes.append(await procs.start(tmp_path, env, "run", *args, log=log))
    for port in ports:
        await procs.until_listening(port)
    await fake_telegram.wait_for_call(
        "setWebhook",
        lambda _: len(fake_telegram.calls_to("setWebhook")) == len(ports),
        timeout=procs.START_TIMEOUT,
    )
    try:
        yield Pair(fake_telegram, proxy, ports, processes, seeded_pg, logs)
    finally:
        await proxy.stop()


async def test_two_processes_share_one_database(pair: Pair) -> None:
    """One pair of processes (starting them is the slow part), five scenarios in turn."""
    await _only_the_leader_does_the_digest_work(pair)
    await _one_report_across_two_processes(pair)
    await _an_album_split_over_both_processes_is_one_report(pair)
    await _a_redelivered_update_is_handled_once_whichever_process_gets_it(pair)
    await _exactly_one_process_leads_and_the_other_takes_over(pair)


async def _only_the_leader_does_the_digest_work(pair: Pair) -> None:
    leader = await pair.leader()
    follower = 1 - leader
    digest = await pair.fake.wait_for_message(MANAGER.chat_id, timeout=procs.START_TIMEOUT)
    assert digest["text"].startswith("📊 每日考核简报")
    # The leader's start-up sweep made the digest and sent it; the other's sweep was skipped.
    [tick] = await procs.until_logged(pair.logs[leader], TICK)
    assert tick.endswith("digest tick (sweep): 1 made, 1 sent")
    await procs.until_logged(pair.logs[follower], SKIPPED)
    assert procs.log_lines(pair.logs[follower], TICK) == []
    await pair.fake.expect_silence(MANAGER.chat_id, within=0.5)
    assert pair.received(MANAGER) == [digest]
    assert await _deliveries(pair.url) == [(MANAGER.chat_id, A, "sent")]


async def _new_rows(pair: Pair, before: int) -> list[Row]:
    return (await entries_at(pair.url))[before:]


async def _one_report_across_two_processes(pair: Pair) -> None:
    user = INSPECTOR_EN
    card = await pair.say(user, "/report")
    items = await pair.tap(user, card, "Attendance")
    staff = await pair.tap(user, items, "Late arrival")
    value = await pair.tap(user, staff, "李四")
    assert value["text"] == "Late arrival\nType the Minutes late (≥ 0)"
    photo_step = await pair.say(user, "60")
    content = b"clock shows 09:00" * 40
    await pair.fake.send_photo(user, content)
    more = await pair.next(user)
    summary = await pair.tap(user, more, "Done")
    done = await pair.tap(user, summary, "Confirm")
    [row] = await _new_rows(pair, 0)
    assert (row.contract, row.item, row.staff, row.value) == (A, "late_arrival", "李四", "60")
    assert done["text"].startswith(f"✅ Recorded #{row.id}: Late arrival")
    [kept] = await evidence_at(pair.url, row.id)
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert photo_step["message_id"] != card["message_id"]
    assert set(pair.proxy.served) == {0, 1}  # the steps were handled by both processes


async def _an_album_split_over_both_processes_is_one_report(pair: Pair) -> None:
    before = len(await entries_at(pair.url))
    await pair.fake.send_photo(INSPECTOR, b"first" * 30, media_group_id="al1")
    await pair.fake.send_photo(
        INSPECTOR, b"second" * 30, media_group_id="al1", caption="/dress 李四"
    )
    confirmation = await pair.next(INSPECTOR)
    await pair.fake.send_photo(INSPECTOR, b"third" * 30, media_group_id="al1")
    [row] = await _new_rows(pair, before)
    assert confirmation["text"].startswith(f"✅ 已记录 #{row.id}")
    for _ in range(50):
        if len(await evidence_at(pair.url, row.id)) == 3:
            break
        await asyncio.sleep(0.1)
    assert len(await evidence_at(pair.url, row.id)) == 3
    assert pair.proxy.served[-3:] in ([0, 1, 0], [1, 0, 1])


async def _a_redelivered_update_is_handled_once_whichever_process_gets_it(pair: Pair) -> None:
    before = len(await entries_at(pair.url))
    pair.fake.skip_to_end(INSPECTOR.chat_id)
    sent_before = len(pair.fake.calls_to("sendMessage"))
    message = await pair.fake.send_text(INSPECTOR, "/late 张三 25")
    await pair.next(INSPECTOR)
    update = _update_of(pair.fake, message)
    await pair.fake.redeliver(update)  # the proxy hands it to the other process
    twice = {**update, "update_id": update["update_id"] + 1000}
    twice["message"] = {**update["message"], "message_id": message["message_id"] + 1000}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as client:  # one update to both processes at once
        posts = [
            client.post(f"http://127.0.0.1:{port}/hook", json=twice, headers=headers)
            for port in pair.ports
        ]
        answers = await asyncio.gather(*posts)
        assert [a.status for a in answers] == [200, 200]  # answered once handled, by both
    rows = await _new_rows(pair, before)
    assert [r.value for r in rows] == ["25", "25"]
    # The second confirmation may wait for an outbox round: the first one's arrival, recorded
    # by the process that sent it, holds the chat back until it is written (in order per chat).
    await pair.next(INSPECTOR)
    await pair.fake.expect_silence(INSPECTOR.chat_id, within=1.0)
    assert len(pair.fake.calls_to("sendMessage")) - sent_before == 2  # two confirmations


def _update_of(fake: FakeTelegram, message: JsonDict) -> JsonDict:
    """The update that carried this message (FakeTelegram.update_of ignores the chat)."""
    key = (message["chat"]["id"], message["message_id"])
    for update in fake.injected:
        sent = update.get("message", {})
        if (sent.get("chat", {}).get("id"), sent.get("message_id")) == key:
            return update
    raise KeyError(key)


async def _exactly_one_process_leads_and_the_other_takes_over(pair: Pair) -> None:
    leader = await pair.leader()
    other = 1 - leader
    # B's digest becomes due while the leader lives; it sweeps only hourly, so it waits.
    await _set_schedules(pair.fake, pair.url, {B: {**OFF, "daily_digest": _minute_ago()}})
    await pair.fake.expect_silence(MANAGER_B.chat_id, within=0.5)
    pair.processes[leader].send_signal(signal.SIGKILL)
    await pair.processes[leader].wait()
    for _ in range(100):
        if (await pair.health(other))["leader"]:
            break
        await asyncio.sleep(0.1)
    assert (await pair.health(other))["leader"] is True
    # Taking the lead, the other process swept at once and sent B's digest, once.
    digest = await pair.fake.wait_for_message(MANAGER_B.chat_id, timeout=procs.START_TIMEOUT)
    assert digest["text"].startswith("📊 每日考核简报")
    await procs.until_logged(pair.logs[other], ELECTED)
    [tick] = await procs.until_logged(pair.logs[other], TICK)
    assert tick.endswith("digest tick (sweep): 1 made, 1 sent")
    reply = await pair.say(INSPECTOR, "/late 王五 12")  # the proxy skips the dead process
    assert reply["text"].startswith("✅")
    assert pair.received(MANAGER_B) == [digest]
    assert len(pair.received(MANAGER)) == 1  # A's digest is not sent again by the new leader
    assert await _deliveries(pair.url) == [
        (MANAGER.chat_id, A, "sent"),
        (MANAGER_B.chat_id, B, "sent"),
    ]


# -- the lead handed over, in one process ------------------------------------------------------

DUE = local(2026, 7, 15, 18, 0)  # the digest world's daily digest (contracts A and B)
LEADER_CHECK = 0.2


async def _started(world: Services, fake: FakeTelegram) -> Running:
    """An Application on the world's database, started (no tick run for it by the test)."""
    settings = world.settings.model_copy(update={"leader_check_seconds": LEADER_CHECK})
    services = build_services(settings, world.clock, dict(world.rulebooks))
    app = build_application(services)
    await start_bot(app)
    return Running(app, services, fake, world.clock)


async def _until_fired(bot: Running, *names: str) -> None:
    """Wait until the one-off jobs ``names`` have run (a run job leaves the queue)."""
    queue = bot.app.job_queue
    assert queue is not None
    for _ in range(100):
        if not any(queue.get_jobs_by_name(name) for name in names):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"jobs {names} never ran")


async def test_a_digest_skipped_by_a_process_not_leading_yet_is_sent_when_it_takes_the_lead(
    pg_world: Services,  # noqa: F811
    fake_telegram: FakeTelegram,
    clock: OffsetClock,
) -> None:
    await sent_before(pg_world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=5))
    first = await _started(pg_world, fake_telegram)
    second: Running | None = None
    try:
        assert first.app.bot_data.leader.is_leader
        assert first.app.job_queue is not None
        await first.app.job_queue.stop()  # the leader hangs: none of its jobs fires again
        clock.set(DUE - dt.timedelta(seconds=1))
        second = await _started(pg_world, fake_telegram)
        assert not second.app.bot_data.leader.is_leader
        daily = [job_name(contract, DAILY) for contract in (A, B)]
        await _until_fired(second, *daily)  # 18:00 on the second process: skipped
        await fake_telegram.expect_silence(MANAGER.chat_id, within=0.3)
        await stop_bot(first.app)  # the lock is given back: the second process takes the lead
        digest = await fake_telegram.wait_for_message(MANAGER.chat_id)
        assert digest["text"].startswith("📊 每日考核简报 2026-07-15")
        assert second.app.bot_data.leader.is_leader
        await fake_telegram.wait_for_message(BOSS.chat_id)
        await fake_telegram.wait_for_message(ENGLISH_MANAGER.chat_id)
        for user in (MANAGER, BOSS, ENGLISH_MANAGER):
            await fake_telegram.expect_silence(user.chat_id, within=0.3)
        assert second.app.job_queue is not None  # and its jobs are set for tomorrow again
        assert all(second.app.job_queue.get_jobs_by_name(name) for name in daily)
    finally:
        for bot in (first, second):
            if bot is not None and bot.app.running:
                await stop_bot(bot.app)
            if bot is not None:
                await bot.services.engine.dispose()
