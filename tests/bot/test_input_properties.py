"""Property tests of the command, time and number readers over full-width, mixed-width and
random Unicode input: no crash, numbers read the same in either width, and a refusal is always
a BotError that renders in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from bot.services.errors import BotError
from bot.services.parsing import command_name, parse_quick, parse_when_text, read_number, row_id
from bot.texts.i18n import LANGUAGES
from bot.texts.reports import render_error

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.:-#xX"}
digits = st.text(alphabet="0123456789", min_size=1, max_size=12)
widths = st.lists(st.booleans(), min_size=1, max_size=40)


def mixed(text: str, wide: list[bool]) -> str:
    """``text`` with the characters flagged in ``wide`` (cycled) typed full-width."""
    return "".join(FULL_WIDTH.get(c, c) if wide[i % len(wide)] else c for i, c in enumerate(text))


def _refusal_renders(error: BotError) -> None:
    for lang in LANGUAGES:
        assert render_error(lang, error)


@given(number=digits, decimals=st.none() | digits, wide=widths)
def test_a_number_reads_the_same_in_either_width(
    number: str, decimals: str | None, wide: list[bool]
) -> None:
    text = number if decimals is None else f"{number}.{decimals}"
    assert read_number(mixed(text, wide)) == Decimal(text)
    quick = parse_quick(f"/handover {mixed(text, wide)}")
    assert quick.numbers == (Decimal(text),) and quick.staff is None


@given(count=digits, wide=widths)
def test_a_quantity_and_a_name_read_the_same_in_either_width(count: str, wide: list[bool]) -> None:
    plain = parse_quick(f"/handover x{count} 张三")
    typed = parse_quick(mixed(f"/handover x{count}", wide) + "\u3000张三")
    assert typed == plain
    assert (typed.quantity, typed.staff) == (Decimal(count), "张三")


@given(hour=st.integers(0, 23), minute=st.integers(0, 59), wide=widths)
def test_a_time_reads_the_same_in_either_width(hour: int, minute: int, wide: list[bool]) -> None:
    clock = f"{hour:02d}:{minute:02d}"
    for day, back in (("", 0), ("昨天 ", 1), ("yesterday ", 1)):
        when = parse_when_text(day + mixed(clock, wide))
        assert (when.time, when.days_back) == (dt.time(hour, minute), back)


@given(text=st.text(max_size=300))
@example("/late 张三 1e3")
@example("/late ＮａＮ")
@example("/late 张三 25 ＃")
@example("/late \x00 ١٢ 😀")
def test_any_command_text_is_read_or_refused(text: str) -> None:
    for candidate in (text, f"/late {text}", f"/handover {text} 张三"):
        command_name(candidate)
        row_id(candidate)
        try:
            parse_quick(candidate if candidate.split() else "/late")
        except BotError as refusal:
            _refusal_renders(refusal)


@given(text=st.text(max_size=80))
@example("昨天 ２４：００")
@example("０７-３２ ０８：４０")
@example("99999-01-01 08:40")
def test_any_time_text_is_read_or_refused(text: str) -> None:
    try:
        parse_when_text(text)
    except BotError as refusal:
        _refusal_renders(refusal)


@given(text=st.text(max_size=40))
def test_any_token_is_a_plain_number_or_none(text: str) -> None:
    number = read_number(text)
    assert number is None or number.is_finite()
