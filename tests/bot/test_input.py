"""What the bot accepts as Chinese phones type it: full-width input, bad numbers, text limits,
plausible figures for one report, and a button without data — through the fake Bot API."""

from __future__ import annotations

import pytest

from scoring.storable import TEXT_LIMITS
from tests.bot.conftest import Running
from tests.bot.world import INSPECTOR, INSPECTOR_EN, entries


@pytest.fixture(params=["sqlite", "postgresql"])
def either(request: pytest.FixtureRequest) -> Running:
    """The running bot on SQLite, then on PostgreSQL (skipped when no server is set up)."""
    name = "bot" if request.param == "sqlite" else "pg_bot"
    running: Running = request.getfixturevalue(name)
    return running


# -- full width -----------------------------------------------------------------------------


async def test_a_full_width_quantity_is_the_quantity(bot: Running) -> None:
    reply = await bot.say(INSPECTOR_EN, "/handover ２")
    [row] = await entries(bot.services)
    assert (row.item, row.quantity, row.staff) == ("missed_handover", "2", None)
    assert "quantity 2" in reply["text"]


async def test_a_full_width_quantity_before_a_name(bot: Running) -> None:
    await bot.say(INSPECTOR_EN, "/handover ３ 张三")
    [row] = await entries(bot.services)
    assert (row.item, row.quantity, row.staff) == ("missed_handover", "3", "张三")


async def test_full_width_minutes_late(bot: Running) -> None:
    reply = await bot.say(INSPECTOR, "/late 张三 ２５")
    [row] = await entries(bot.services)
    assert (row.item, row.staff, row.value) == ("late_arrival", "张三", "25")
    assert "扣 0.1 分" in reply["text"]


async def test_a_full_width_time_and_ideographic_spaces(bot: Running) -> None:
    await bot.say(INSPECTOR, "/late\u3000张三\u3000２５\u3000昨天\u3000１７：０５")
    [row] = await entries(bot.services)
    assert (row.staff, row.value, row.occurred_local) == ("张三", "25", "2026-07-14 17:05")


async def test_a_full_width_note_mark_starts_the_note_kept_as_typed(bot: Running) -> None:
    await bot.say(INSPECTOR, "/late 张三 ２５ ＃打卡机显示０８：２５，已核实")
    async with bot.services.sessions() as session:
        from sqlmodel import select

        from storage.models import Entry

        [entry] = (await session.exec(select(Entry))).all()
    assert (entry.staff, entry.value, entry.note) == ("张三", "25", "打卡机显示０８：２５，已核实")


# -- bad numbers and names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "quoted"),
    [
        ("1e3", "1e3"),
        ("NaN", "NaN"),
        ("inf", "inf"),
        ("0x10", "0x10"),
        ("3.", "3."),
        ("-inf", "-inf"),
        ("１ｅ３", "1e3"),  # quoted as read
        ("١٢", "١٢"),  # Arabic-Indic digits: not taken for 12
        ("1,000", "1,000"),
        ("x1e3", "1e3"),  # a quantity: its number is quoted
    ],
)
async def test_a_token_that_only_looks_like_a_number_is_refused(
    bot: Running, token: str, quoted: str
) -> None:
    reply = await bot.say(INSPECTOR_EN, f"/handover {token}")
    assert reply["text"].startswith(f"{quoted} is not a valid number"), reply["text"]
    assert "is not a valid number" in reply["text"]
    assert await entries(bot.services) == []


async def test_a_bad_number_after_a_name_is_refused_too(bot: Running) -> None:
    reply = await bot.say(INSPECTOR, "/late 张三 NaN")
    assert reply["text"].startswith("“NaN”不是有效的数字")
    assert await entries(bot.services) == []


@pytest.mark.parametrize("name", ["😀", "😀😀 ✨", "!!!"])
async def test_a_staff_name_without_a_letter_is_refused(bot: Running, name: str) -> None:
    reply = await bot.say(INSPECTOR_EN, f"/dress {name}")
    assert reply["text"].startswith(f"{name} cannot be a staff name"), reply["text"]
    assert await entries(bot.services) == []


# -- text limits, the same on both databases ------------------------------------------------


@pytest.mark.parametrize("length", [TEXT_LIMITS["staff"] + 1, 5000])
async def test_a_staff_name_over_the_limit_is_refused_naming_it(
    either: Running, length: int
) -> None:
    reply = await either.say(INSPECTOR_EN, f"/handover 2 {'张' * length}")
    assert reply["text"] == (
        f"The staff name is too long: at most 200 characters, this one has {length}. "
        "Nothing was recorded; shorten it and send again."
    )
    zh = await either.say(INSPECTOR, f"/handover 2 {'张' * length}")
    assert zh["text"].startswith(f"人员姓名太长：最多 200 个字符，收到 {length} 个。")
    assert await entries(either.services) == []


async def test_a_note_over_the_limit_is_refused_naming_it(either: Running) -> None:
    note = "备" * (TEXT_LIMITS["note"] + 1)
    reply = await either.say(INSPECTOR_EN, f"/handover 2 # {note}")
    assert reply["text"].startswith("The note is too long: at most 1000 characters, this one has")
    assert await entries(either.services) == []
    await either.say(INSPECTOR_EN, f"/handover 2 # {note[:-1]}")
    [row] = await entries(either.services)
    assert row.quantity == "2"


# -- plausible figures for one report -------------------------------------------------------


async def test_a_quantity_beyond_one_shift_is_refused_with_the_range(bot: Running) -> None:
    reply = await bot.say(INSPECTOR_EN, "/handover 999999999999")
    assert reply["text"].startswith(
        "Quantity 999999999999 is outside the plausible range for one report of Unreviewed "
        '"general" tickets left in the system, not handed over at shift change (≤ 500): one '
        "report covers the tickets of one shift, far fewer than 500. Nothing was recorded"
    ), reply["text"]
    assert await entries(bot.services) == []
    await bot.say(INSPECTOR_EN, "/handover 500")
    [row] = await entries(bot.services)
    assert row.quantity == "500"


async def test_minutes_late_beyond_a_day_are_refused_with_the_range(bot: Running) -> None:
    reply = await bot.say(INSPECTOR, "/late 张三 99999999")
    assert reply["text"].startswith(
        "99999999 超出“迟到”一次报告的合理范围（≤ 1440）：一天只有 1440 分钟。"
    ), reply["text"]
    assert await entries(bot.services) == []


async def test_the_guided_quantity_is_held_to_the_plausible_range(bot: Running) -> None:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "单据审核")
    staff = await bot.tap(INSPECTOR, items, "交接班时未审核")
    await bot.tap(INSPECTOR, staff, "不涉及具体人员")
    refused = await bot.say(INSPECTOR, "５０１")
    assert refused["text"].startswith("数量 501 超出"), refused["text"]
    asked = await bot.say(INSPECTOR, "１２")
    summary = await bot.tap(INSPECTOR, asked, "跳过")
    await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    assert (row.item, row.quantity) == ("missed_handover", "12")


# -- a button without data ------------------------------------------------------------------


async def test_a_button_with_empty_data_is_answered_and_ignored(bot: Running) -> None:
    reply = await bot.say(INSPECTOR, "/cancel")
    query = await bot.fake.press(INSPECTOR, reply, "")
    await bot.fake.wait_for_call(
        "answerCallbackQuery", lambda c: c.params["callback_query_id"] == query
    )
    await bot.fake.expect_silence(INSPECTOR.chat_id, within=0.5)
    assert await entries(bot.services) == []


async def test_a_full_width_command_is_the_command(bot: Running) -> None:
    await bot.say(INSPECTOR, "／ｌａｔｅ　张三　２５")
    [row] = await entries(bot.services)
    assert (row.item, row.staff, row.value) == ("late_arrival", "张三", "25")
