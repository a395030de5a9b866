"""Reading one-line reports and times (pure functions, no bot)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.services.errors import BotError
from bot.services.parsing import command_name, parse_quick, parse_when_text, read_number
from tests.bot.world import TZ

NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "staff", "numbers", "quantity"),
    [
        ("/late 张三 25", "张三", ("25",), None),
        ("/late@floorbot_test_bot 张三 25min", "张三", ("25",), None),
        ("/dress 李四", "李四", (), None),
        ("/handover 3", None, ("3",), None),
        ("/late Zhang San 25", "Zhang San", ("25",), None),
        ("/vacancy 3 x2", None, ("3",), "2"),
        ("/late 张三 25分钟", "张三", ("25",), None),
    ],
)
def test_quick_parts(
    text: str, staff: str | None, numbers: tuple[str, ...], quantity: str | None
) -> None:
    parsed = parse_quick(text)
    assert parsed.staff == staff
    assert parsed.numbers == tuple(Decimal(n) for n in numbers)
    assert parsed.quantity == (Decimal(quantity) if quantity else None)


def test_note_after_hash_is_kept_apart() -> None:
    parsed = parse_quick("/dress 李四 # no name badge")
    assert (parsed.staff, parsed.note) == ("李四", "no name badge")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/late 张三 25 at 08:40", dt.datetime(2026, 7, 15, 8, 40, tzinfo=TZ)),
        ("/late 张三 25 08:40", dt.datetime(2026, 7, 15, 8, 40, tzinfo=TZ)),
        ("/late 张三 25 yesterday 17:05", dt.datetime(2026, 7, 14, 17, 5, tzinfo=TZ)),
        ("/late 张三 25 昨天 17:05", dt.datetime(2026, 7, 14, 17, 5, tzinfo=TZ)),
        ("/late 张三 25 前天 9：05", dt.datetime(2026, 7, 13, 9, 5, tzinfo=TZ)),
        ("/late 张三 25 07-01 08:00", dt.datetime(2026, 7, 1, 8, 0, tzinfo=TZ)),
        ("/late 张三 25 12-31 08:00", dt.datetime(2025, 12, 31, 8, 0, tzinfo=TZ)),
        ("/late 张三 25 2026-06-30 08:00", dt.datetime(2026, 6, 30, 8, 0, tzinfo=TZ)),
    ],
)
def test_times_are_read_in_the_contract_zone(text: str, expected: dt.datetime) -> None:
    parsed = parse_quick(text)
    assert parsed.when is not None
    assert parsed.when.resolve(NOW, "Asia/Shanghai") == expected
    assert parsed.staff == "张三"
    assert parsed.numbers == (Decimal(25),)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("/late 张三 25 at 25:00", "bad_time"),
        ("/late 张三 25 yesterday", "day_without_time"),
        ("/late 张三 25 08:40 09:00", "two_times"),
        ("/late 张三 25 02-30 08:00", "bad_time"),
    ],
)
def test_unreadable_times_are_refused(text: str, key: str) -> None:
    with pytest.raises(BotError) as caught:
        parse_quick(text)
    assert caught.value.key == key


def test_a_whole_message_time() -> None:
    when = parse_when_text("yesterday 17:05").resolve(NOW, "Asia/Shanghai")
    assert when == dt.datetime(2026, 7, 14, 17, 5, tzinfo=TZ)
    with pytest.raises(BotError):
        parse_when_text("soon")


def test_commands_for_another_bot_are_not_ours() -> None:
    assert command_name("/late@other_bot 张三", "floorbot_test_bot") is None
    assert command_name("/Late 张三", "floorbot_test_bot") == "late"
    assert command_name("late 张三", "floorbot_test_bot") is None


@pytest.mark.parametrize(
    ("token", "expected"), [("25", "25"), ("97.5%", "97.5"), ("abc", None), ("1e3", None)]
)
def test_numbers(token: str, expected: str | None) -> None:
    assert read_number(token) == (Decimal(expected) if expected else None)
