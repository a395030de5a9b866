"""Two webhook processes behind one reverse proxy, sharing one PostgreSQL database.

Each update is handled once, by whichever process the proxy picks; the guided report's form,
an album's photos and the pending choices live in the database, so the steps of one report
can land on different processes; exactly one process leads the scheduled jobs, and when it
dies the other takes over. Skipped without FLOORBOT_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.bot.world import INSPECTOR, INSPECTOR_EN, A, Row
from tests.fakebot import FakeTelegram, FakeUser
from tests.fakebot.objects import JsonDict
from tests.hardening import procs
from tests.hardening.ledger import entries_at, evidence_at
from tests.hardening.proxy import RoundRobin

pytestmark = pytest.mark.postgres

SECRET = "s3cret-Token_for-tests"
DROP_BUTTONS = ("editMessageReplyMarkup",)


@dataclass
class Pair:
    fake: FakeTelegram
    proxy: RoundRobin
    ports: list[int]
    processes: list[asyncio.subprocess.Process]
    url: str

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


@pytest.fixture
async def pair(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    seeded_pg: str,
    processes: list[asyncio.subprocess.Process],
) -> AsyncIterator[Pair]:
    ports = [procs.free_port(), procs.free_port()]
    proxy = await RoundRobin([f"http://127.0.0.1:{p}" for p in ports]).start()
    env = procs.bot_env(fake_telegram, seeded_pg, leader_check_seconds="0.3")
    for port in ports:
        args = ("--webhook", proxy.url("hook"), "--port", str(port), "--secret-token", SECRET)
        processes.append(await procs.start(tmp_path, env, "run", *args))
    for port in ports:
        await procs.until_listening(port)
    await fake_telegram.wait_for_call(
        "setWebhook",
        lambda _: len(fake_telegram.calls_to("setWebhook")) == len(ports),
        timeout=procs.START_TIMEOUT,
    )
    try:
        yield Pair(fake_telegram, proxy, ports, processes, seeded_pg)
    finally:
        await proxy.stop()


async def test_two_processes_share_one_database(pair: Pair) -> None:
    """One pair of processes (starting them is the slow part), four scenarios in turn."""
    await _one_report_across_two_processes(pair)
    await _an_album_split_over_both_processes_is_one_report(pair)
    await _a_redelivered_update_is_handled_once_whichever_process_gets_it(pair)
    await _exactly_one_process_leads_and_the_other_takes_over(pair)


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
    leading = [bool((await pair.health(i))["leader"]) for i in range(2)]
    assert sorted(leading) == [False, True]
    leader = leading.index(True)
    pair.processes[leader].send_signal(signal.SIGKILL)
    await pair.processes[leader].wait()
    other = 1 - leader
    for _ in range(100):
        if (await pair.health(other))["leader"]:
            break
        await asyncio.sleep(0.1)
    assert (await pair.health(other))["leader"] is True
    reply = await pair.say(INSPECTOR, "/late 王五 12")  # the proxy skips the dead process
    assert reply["text"].startswith("✅")
