"""One-line reports: /late 张三 25, /dress 李四, /handover 3 — tiers, times, refusals, evidence."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import pytest

from storage.db import write_session
from storage.models import ClosedPeriod
from tests.bot.conftest import Running
from tests.bot.world import BOTH, INSPECTOR, INSPECTOR_EN, TZ, A, B, entries, evidence
from tests.fakebot import buttons


@pytest.mark.parametrize(
    ("minutes", "points", "band"),
    [
        ("25", "扣 0.1 分", "迟到（不满1小时）"),
        ("59", "扣 0.1 分", "迟到（不满1小时）"),
        # 附件二 第四章 三、1: 迟到1小时以上 — 以上 includes 60 (Civil Code art. 1259).
        ("60", "扣 0.5 分", "迟到1小时以上"),
    ],
)
async def test_minutes_late_pick_the_tier(
    bot: Running, minutes: str, points: str, band: str
) -> None:
    reply = await bot.say(INSPECTOR, f"/late 张三 {minutes}")
    [row] = await entries(bot.services)
    assert (row.contract, row.item, row.staff, row.value, row.quantity) == (
        A,
        "late_arrival",
        "张三",
        minutes,
        "1",
    )
    assert reply["text"].startswith(f"✅ 已记录 #{row.id}：迟到 — {band}")
    assert points in reply["text"]
    assert buttons(reply) == ["↩️ 撤销"]


async def test_handover_counts_tickets_and_dress_names_a_person(bot: Running) -> None:
    handover = await bot.say(INSPECTOR_EN, "/handover 3")
    dress = await bot.say(INSPECTOR_EN, "/dress 李四")
    first, second = await entries(bot.services)
    assert (first.item, first.quantity, first.staff) == ("missed_handover", "3", None)
    assert (second.item, second.quantity, second.staff) == ("dress_code", "1", "李四")
    # 附件二 第四章 一、3: 0.1 per ticket → 3 tickets cost 0.3.
    assert "−0.3 points" in handover["text"]
    assert "quantity 3" in handover["text"]
    assert "Dress code not kept" in dress["text"]
    assert "−0.1 points" in dress["text"]


@pytest.mark.parametrize(
    ("suffix", "local"),
    [
        ("", "2026-07-15 10:00"),
        ("at 08:40", "2026-07-15 08:40"),
        ("yesterday 17:05", "2026-07-14 17:05"),
        ("昨天 17:05", "2026-07-14 17:05"),
        ("07-01 08:00", "2026-07-01 08:00"),
    ],
)
async def test_report_time_in_the_contract_zone(bot: Running, suffix: str, local: str) -> None:
    reply = await bot.say(INSPECTOR, f"/late 张三 25 {suffix}")
    [row] = await entries(bot.services)
    assert row.occurred_local == local
    assert f"🕒 {local}" in reply["text"]


async def test_yesterday_just_after_midnight_lands_in_the_previous_month(bot: Running) -> None:
    bot.clock.set(dt.datetime(2026, 8, 1, 0, 30, tzinfo=TZ))
    await bot.say(INSPECTOR, "/late 张三 25 yesterday 23:50")
    [row] = await entries(bot.services)
    assert row.occurred_local == "2026-07-31 23:50"


async def test_a_time_in_the_future_is_refused(bot: Running) -> None:
    reply = await bot.say(INSPECTOR, "/late 张三 25 at 10:30")
    assert reply["text"] == "2026-07-15 10:30 还没到，不能报告将来的时间。"
    assert await entries(bot.services) == []


async def test_a_time_in_a_closed_period_is_refused(bot: Running) -> None:
    async with write_session(bot.services.sessions) as session:
        session.add(
            ClosedPeriod(
                contract_id=A,
                period="2026-06",
                rulebook_version=1,
                closed_at=dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.UTC),
            )
        )
    reply = await bot.say(INSPECTOR, "/late 张三 25 06-30 08:40")
    assert "考核期 2026-06 已结算关闭" in reply["text"]
    open_month = await bot.say(INSPECTOR, "/late 张三 25 07-01 08:40")
    assert open_month["text"].startswith("✅")
    assert [r.occurred_local for r in await entries(bot.services)] == ["2026-07-01 08:40"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/late 张三", "“迟到”需要填写迟到分钟数，例如：/late 张三 30"),
        ("/late 张三 -5", "-5 不是“迟到”有效的迟到分钟数（≥ 0）。例如：/late 张三 30"),
        ("/offpost 王五 20", "20 不在“未经批准擅自离岗”的扣分档次内（擅自离岗超过30分钟），"),
        ("/dress", "“未按规定着装”需要写明人员，例如：/dress 张三"),
        ("/dress 张四", "“张四”不在合同 haidian-2026 的人员名单中。您是指：李四, 张三？"),
        ("/handover 0", "数量 0 无效"),
        ("/handover 2.5", "数量 2.5 无效"),
        ("/late 张三 25 5", "数字太多，看不懂。“迟到”的写法例如：/late 张三 30"),
        ("/foo", "没有 /foo 这个命令。发送 /help 查看您可以做什么，例如：/late 张三 25"),
        ("/late 张三 25 at 24:10", "看不懂时间“24:10”"),
    ],
)
async def test_refusals_say_why_with_an_example(bot: Running, text: str, expected: str) -> None:
    reply = await bot.say(INSPECTOR, text)
    assert reply["text"].startswith(expected), reply["text"]
    assert await entries(bot.services) == []


async def test_caption_photo_is_the_report_and_its_evidence(bot: Running) -> None:
    content = b"\xff\xd8 photo of the uniform" * 64
    message = await bot.fake.send_photo(INSPECTOR, content, caption="/dress 李四")
    reply = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    [kept] = await evidence(bot.services, row.id)
    assert row.item == "dress_code" and row.staff == "李四"
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert kept.telegram_file_id == message["photo"][-1]["file_id"]
    assert "📷 照片 1 张" in reply["text"]


async def test_an_album_belongs_to_one_report(bot: Running) -> None:
    photos = [b"first" * 100, b"second" * 100, b"third" * 100]
    await bot.fake.send_photo(INSPECTOR, photos[0], caption="/late 张三 25", media_group_id="g1")
    for content in photos[1:]:
        await bot.fake.send_photo(INSPECTOR, content, media_group_id="g1")
    await bot.next(INSPECTOR)
    await asyncio.sleep(0.3)
    [row] = await entries(bot.services)
    kept = await evidence(bot.services, row.id)
    assert [e.sha256 for e in kept] == [hashlib.sha256(p).hexdigest() for p in photos]


async def test_an_album_without_a_report_is_answered_once_and_its_photos_dropped(
    bot: Running,
) -> None:
    for content in (b"no caption one" * 50, b"no caption two" * 50):
        await bot.fake.send_photo(INSPECTOR, content, media_group_id="g2")
    hint = await bot.next(INSPECTOR)  # once the album has settled, without its report
    assert hint["text"].startswith("要用这张照片报告，请回复这张照片并发送 /report")
    await bot.fake.expect_silence(INSPECTOR.chat_id, within=0.3)
    assert await entries(bot.services) == []
    await bot.fake.send_photo(INSPECTOR, b"late" * 60, caption="/late 张三 25", media_group_id="g2")
    reply = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    assert len(await evidence(bot.services, row.id)) == 1  # the dropped photos are not its own
    assert "📷 照片 1 张" in reply["text"]


async def test_a_contract_choice_is_taken_once(bot: Running) -> None:
    question = await bot.say(BOTH, "/handover 2")
    assert buttons(question) == [A, B]
    confirmation = await bot.tap(BOTH, question, A)
    refusal = await bot.tap(BOTH, question, B)
    [row] = await entries(bot.services)
    assert confirmation["text"].startswith(f"✅ 已记录 #{row.id}")
    assert refusal["text"] == "此选择已失效，请重新发送命令。"
    assert (row.contract, row.quantity) == (A, "2")


DRESS_CODE = "Dress code not kept (uniform, no bare feet, nails, hair, jewellery, tattoos)"


async def test_my_reports_lists_time_item_staff_photos_and_state(bot: Running) -> None:
    await bot.fake.send_photo(INSPECTOR_EN, b"tie" * 80, caption="/dress 李四")
    await bot.next(INSPECTOR_EN)
    confirmation = await bot.say(INSPECTOR_EN, "/late 张三 25 at 08:40")
    await bot.tap(INSPECTOR_EN, confirmation, "Undo")
    listed = await bot.say(INSPECTOR_EN, "/myreports")
    dress, late = await entries(bot.services)
    assert listed["text"].splitlines() == [
        "My recent reports:",
        f"#{late.id} 2026-07-15 08:40 Late arrival — 张三 [void]",
        f"#{dress.id} {dress.occurred_local} {DRESS_CODE} — 李四 📷 [recorded]",
    ]


async def test_command_replying_to_a_photo_takes_it_as_evidence(bot: Running) -> None:
    content = b"left the desk" * 50
    photo = await bot.fake.send_photo(INSPECTOR, content)
    hint = await bot.next(INSPECTOR)
    assert "/report" in hint["text"]
    await bot.fake.send_text(INSPECTOR, "/offpost 王五 45", reply_to=photo)
    reply = await bot.next(INSPECTOR)
    [row] = await entries(bot.services)
    [kept] = await evidence(bot.services, row.id)
    assert (row.item, row.value) == ("off_post", "45")
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert "📷 照片 1 张" in reply["text"]


async def test_a_note_after_hash_is_stored(bot: Running) -> None:
    await bot.say(INSPECTOR, "/dress 李四 # 未佩戴工牌")
    async with bot.services.sessions() as session:
        from storage.models import Entry

        entry = await session.get(Entry, 1)
    assert entry is not None and entry.note == "未佩戴工牌"
