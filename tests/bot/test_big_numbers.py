"""Numbers too big (or too precise) for the ledger: refused with a useful reply, nothing recorded.

The ledger keeps a quantity as NUMERIC(18, 6): at most 12 digits before the point and 6
after it (scoring.storable). A measured value is held to the same bound. The shipped
rulebooks refuse far smaller figures as implausible for one report (tests/bot/test_input.py);
here they run without their plausible ranges, so that the ledger's own bound is what answers.
"""

from __future__ import annotations

import pytest

from scoring.rulebook import Rulebook
from tests.bot.conftest import Running
from tests.bot.world import INSPECTOR, INSPECTOR_EN, entries
from tests.fakebot import JsonDict


@pytest.fixture
def rulebooks(rulebooks: dict[str, Rulebook]) -> dict[str, Rulebook]:
    """The shipped rulebooks without their plausible ranges (only the ledger's bound left)."""
    return {name: book.model_copy(update={"plausible": None}) for name, book in rulebooks.items()}


HANDOVER = 'Quantity {} is not valid: Unreviewed "general" tickets left in the system'
TWENTY_NINES = "9" * 20
FORTY_DIGITS = "1" + "0" * 39  # more digits than decimal arithmetic keeps (28)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        (f"/handover {TWENTY_NINES}", TWENTY_NINES),
        (f"/handover x{TWENTY_NINES}", TWENTY_NINES),
        ("/handover 1000000000000", "1000000000000"),  # 13 digits: one too many
        (f"/handover {FORTY_DIGITS}0000", f"{FORTY_DIGITS}…"),  # quoted cut short
    ],
)
async def test_a_quantity_the_ledger_cannot_hold_is_refused(
    bot: Running, text: str, quoted: str
) -> None:
    reply = await bot.say(INSPECTOR_EN, text)
    assert reply["text"].startswith(HANDOVER.format(quoted)), reply["text"]
    assert await entries(bot.services) == []


async def test_the_largest_quantity_the_ledger_holds_is_recorded(bot: Running) -> None:
    reply = await bot.say(INSPECTOR_EN, "/handover 999999999999")
    [row] = await entries(bot.services)
    assert (row.item, row.quantity) == ("missed_handover", "999999999999")
    assert "quantity 999999999999" in reply["text"]


@pytest.mark.parametrize(
    ("minutes", "quoted"),
    [
        (TWENTY_NINES, TWENTY_NINES),
        (FORTY_DIGITS, FORTY_DIGITS),
        ("0.0000001", "0.0000001"),  # 7 decimal places
    ],
)
async def test_a_measured_value_beyond_the_ledger_bound_is_refused(
    bot: Running, minutes: str, quoted: str
) -> None:
    reply = await bot.say(INSPECTOR_EN, f"/late 张三 {minutes}")
    assert reply["text"].startswith(f"{quoted} is not a valid Minutes late for Late arrival")
    assert await entries(bot.services) == []


async def _quantity_step(bot: Running) -> JsonDict:
    card = await bot.say(INSPECTOR, "/report")
    items = await bot.tap(INSPECTOR, card, "单据审核")
    staff = await bot.tap(INSPECTOR, items, "交接班时未审核")
    return await bot.tap(INSPECTOR, staff, "不涉及具体人员")


async def test_the_guided_quantity_refuses_a_huge_number_and_asks_again(bot: Running) -> None:
    await _quantity_step(bot)
    refused = await bot.say(INSPECTOR, FORTY_DIGITS)
    assert refused["text"].startswith(f"数量 {FORTY_DIGITS} 无效"), refused["text"]
    photo = await bot.say(INSPECTOR, "7")
    summary = await bot.tap(INSPECTOR, photo, "跳过")
    assert "扣 0.7 分" in summary["text"]
    await bot.tap(INSPECTOR, summary, "确认")
    [row] = await entries(bot.services)
    assert (row.item, row.quantity) == ("missed_handover", "7")


async def test_the_guided_value_refuses_a_huge_number(bot: Running) -> None:
    card = await bot.say(INSPECTOR_EN, "/report")
    items = await bot.tap(INSPECTOR_EN, card, "Attendance")
    staff = await bot.tap(INSPECTOR_EN, items, "Late arrival")
    await bot.tap(INSPECTOR_EN, staff, "李四")
    refused = await bot.say(INSPECTOR_EN, TWENTY_NINES)
    assert refused["text"].startswith(f"{TWENTY_NINES} is not a valid Minutes late")
    assert await entries(bot.services) == []
