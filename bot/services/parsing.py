"""Reading what inspectors type: one-line report commands and times like ``yesterday 17:05``.

Pure functions: no Telegram, no database. What is read is normalised first (scoring.typed:
full-width ``／ｌａｔｅ　张三　２５`` reads as ``/late 张三 25``); a note after ``#`` is kept as
typed. Anything that cannot be read raises a BotError whose message (bot.texts.i18n) shows
an example of what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.drafts import shown
from bot.services.errors import BotError
from scoring.storable import too_long
from scoring.typed import is_name, looks_numeric, normalised, plain_number

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]{3,32}))?$")
_CLOCK = re.compile(r"^(?P<h>[0-9]{1,2})[:：](?P<m>[0-9]{2})$")
_DATE = re.compile(r"^(?:(?P<y>[0-9]{4})-)?(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})$")
_QUANTITY = re.compile(r"^[x×*](?P<n>.+)$", re.IGNORECASE)
_NUMBER_SUFFIXES = ("minutes", "minute", "mins", "min", "分钟", "%")
_AT_WORDS = frozenset({"at", "在", "于"})
_DAY_WORDS = {"today": 0, "今天": 0, "yesterday": 1, "昨天": 1, "前天": 2}
NOTE_MARK = "#"


@dataclass(frozen=True, slots=True)
class When:
    """An explicit time of day, on a day counted back from today or on a date."""

    time: dt.time
    days_back: int = 0
    date: dt.date | None = None
    month_day: tuple[int, int] | None = None

    def resolve(self, now: dt.datetime, timezone: str) -> dt.datetime:
        """The aware instant this means, read in the contract's time zone at ``now``."""
        tz = ZoneInfo(timezone)
        today = now.astimezone(tz).date()
        if self.date is not None:
            day = self.date
        elif self.month_day is not None:
            day = _latest_month_day(today, *self.month_day)
        else:
            day = today - dt.timedelta(days=self.days_back)
        return dt.datetime.combine(day, self.time, tzinfo=tz)


@dataclass(frozen=True, slots=True)
class QuickText:
    """A one-line report, split into its parts (still raw text; the item decides the numbers)."""

    command: str
    staff: str | None = None
    numbers: tuple[Decimal, ...] = ()
    quantity: Decimal | None = None
    when: When | None = None
    note: str | None = None


def command_name(text: str, bot_username: str | None = None) -> str | None:
    """The lower-cased command of a message (``/Late@floorbot 张三`` → ``late``), or None."""
    text = normalised(text).strip()
    first = text.split(maxsplit=1)[0] if text else ""
    match = _COMMAND.match(first)
    if match is None:
        return None
    addressed = match["bot"]
    if addressed and bot_username and addressed.lower() != bot_username.lower():
        return None
    return match["name"].lower()


def parse_quick(text: str) -> QuickText:
    """Split ``/late 张三 25 at 08:40 # note`` into command, staff, numbers, time and note."""
    body, note = split_note(text)
    head, *rest = normalised(body).split() or [""]
    command = head.lstrip("/").split("@", 1)[0].lower()
    tokens, when = take_when(rest)
    staff: list[str] = []
    numbers: list[Decimal] = []
    quantity: Decimal | None = None
    for token in tokens:
        if (match := _QUANTITY.match(token)) is not None and looks_numeric(match["n"]):
            quantity = _number(match["n"])
        elif looks_numeric(token):
            numbers.append(_number(token))
        else:
            staff.append(token)
    return QuickText(
        command=command,
        staff=staff_name(" ".join(staff)) if staff else None,
        numbers=tuple(numbers),
        quantity=quantity,
        when=when,
        note=checked_text("note", note.strip() or None),
    )


def split_note(text: str) -> tuple[str, str]:
    """The text before the first ``#`` (or ``＃``) and the note after it, kept as typed."""
    mark = next((i for i, c in enumerate(text) if normalised(c) == NOTE_MARK), None)
    return (text, "") if mark is None else (text[:mark], text[mark + 1 :])


def staff_name(text: str) -> str:
    """A staff member's name (or staff number) as typed: it must hold a letter of some script
    (a Chinese character is one) and fit the ledger; digits or emoji alone are refused."""
    text = " ".join(normalised(text).split())
    if not is_name(text):
        raise BotError("bad_staff_name", name=shown(text))
    return checked_text("staff", text) or text


def checked_text(field: str, text: str | None) -> str | None:
    """``text`` unchanged, or a refusal naming the field and its limit (scoring.storable)."""
    limit = too_long(field, text)
    if limit is not None and text is not None:
        raise BotError("too_long", field=field, limit=limit, length=len(text))
    return text


def _number(token: str) -> Decimal:
    """A token meant as a number: the number, or a refusal saying it is not a valid one."""
    number = read_number(token)
    if number is None:
        raise BotError("bad_number", text=shown(token))
    return number


def read_number(token: str) -> Decimal | None:
    """A plain number in either width, with or without a unit (``25``, ``２５``, ``25min``,
    ``25分钟``, ``97.5%``); None for anything else."""
    text = normalised(token).strip().lower()
    for suffix in _NUMBER_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text.removesuffix(suffix)
            break
    return plain_number(text)


def parse_when_text(text: str) -> When:
    """A whole message that is only a time (``08:40``, ``yesterday 17:05``, ``07-03 08:40``)."""
    tokens, when = take_when(normalised(text).split())
    if when is None or tokens:
        raise BotError("bad_time", text=shown(text.strip()))
    return when


def take_when(tokens: list[str]) -> tuple[list[str], When | None]:
    """Remove the time expression from the tokens; return the rest and the time (or None)."""
    index = next((i for i, t in enumerate(tokens) if _CLOCK.match(t)), None)
    if index is None:
        if any(t.lower() in _DAY_WORDS for t in tokens):
            raise BotError("day_without_time")
        return tokens, None
    clock = _clock(tokens[index])
    start = index
    day: When = When(clock)
    if start > 0 and tokens[start - 1].lower() in _AT_WORDS:
        start -= 1
    if start > 0 and (found := _day(tokens[start - 1], clock)) is not None:
        start -= 1
        day = found
        if start > 0 and tokens[start - 1].lower() in _AT_WORDS:
            start -= 1
    rest = tokens[:start] + tokens[index + 1 :]
    if any(_CLOCK.match(t) for t in rest):
        raise BotError("two_times")
    if any(t.lower() in _DAY_WORDS for t in rest):
        raise BotError("day_without_time")
    return rest, day


def _clock(token: str) -> dt.time:
    match = _CLOCK.match(token)
    assert match is not None
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        raise BotError("bad_time", text=shown(token))
    return dt.time(hour, minute)


def _day(token: str, clock: dt.time) -> When | None:
    word = token.lower()
    if word in _DAY_WORDS:
        return When(clock, days_back=_DAY_WORDS[word])
    match = _DATE.match(token)
    if match is None:
        return None
    month, day = int(match["mo"]), int(match["d"])
    try:
        if match["y"]:
            return When(clock, date=dt.date(int(match["y"]), month, day))
        dt.date(2000, month, day)  # 2000 is a leap year: 02-29 is a valid month-day
    except ValueError:
        raise BotError("bad_time", text=shown(token)) from None
    return When(clock, month_day=(month, day))


def _latest_month_day(today: dt.date, month: int, day: int) -> dt.date:
    """The most recent date (today or before) with this month and day."""
    year = today.year
    while True:
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            year -= 1
            continue
        if candidate <= today:
            return candidate
        year -= 1


MAX_ROW_ID = 2**63 - 1  # the largest id a database row can have (BIGINT / SQLite INTEGER)


def row_id(text: str) -> int | None:
    """A database row id (``12``, full-width ``１２``) within range, or None."""
    text = normalised(text).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None
