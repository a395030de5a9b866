"""A tapped button or a typed answer applied to the guided report's form, checked first."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.choices import resolve_staff, sections
from bot.services.drafts import (
    check_quantity,
    check_time,
    check_value,
    format_number,
    needs_staff,
    shown,
)
from bot.services.errors import BotError
from bot.services.guided_form import EDITABLE, Form, Step
from bot.services.parsing import checked_text, parse_when_text, read_number, staff_name
from scoring.rulebook import ItemKind, Rulebook
from scoring.typed import looks_numeric, normalised


def _index(args: list[str], size: int) -> int:
    """A list index from callback data, refused unless it is one of the offered ones."""
    if len(args) < 2 or not args[1].isdecimal() or int(args[1]) >= size:
        raise BotError("rep_inactive")
    return int(args[1])


def apply_button(form: Form, book: Rulebook, args: list[str]) -> None:
    """Set the field a ``rep:`` button stands for."""
    key = args[0]
    if key == "s":
        form.section = _index(args, len(sections(book)))
    elif key == "i":
        _choose_item(form, book, _index(args, len(book.items)))
    elif key == "back":
        form.section, form.item = None, None
    elif key == "st":
        _choose_staff(form, book, args)
    elif key == "v":
        _skip_value(form, book)
    elif key == "q":
        _choose_quantity(form, book, args)
    elif key == "ph":
        form.photos_done = True
    elif key == "edit":
        form.editing_menu = True
    elif key == "e":
        _edit(form, args)


def _choose_item(form: Form, book: Rulebook, index: int) -> None:
    if form.section is None:
        raise BotError("rep_inactive")
    item = book.items[index]
    if item not in sections(book)[form.section].items:
        raise BotError("rep_inactive")
    form.item = item.code


def _choose_staff(form: Form, book: Rulebook, args: list[str]) -> None:
    assert form.item is not None
    if len(args) > 1 and args[1] == "-":
        if needs_staff(book.item(form.item)):
            raise BotError("rep_inactive")
        form.staff, form.staff_on_roster = None, None
    else:
        form.staff = form.staff_options[_index(args, len(form.staff_options))]
        form.staff_on_roster = True
    form.staff_done = True


def _skip_value(form: Form, book: Rulebook) -> None:
    assert form.item is not None
    if book.item(form.item).kind is not ItemKind.KPI:
        raise BotError("rep_inactive")
    form.value, form.value_done = None, True


def _choose_quantity(form: Form, book: Rulebook, args: list[str]) -> None:
    assert form.item is not None
    number = read_number(args[1]) if len(args) > 1 else None
    if number is None:
        raise BotError("rep_inactive")
    check_quantity(book, book.item(form.item), number)
    form.quantity, form.quantity_done = number, True


def _edit(form: Form, args: list[str]) -> None:
    what = args[1] if len(args) > 1 else ""
    if what == "back":
        form.editing_menu = form.editing_time = False
    elif what in EDITABLE:
        form.edit(what)
    else:
        raise BotError("rep_inactive")


async def apply_text(
    session: AsyncSession, form: Form, book: Rulebook, text: str, now: dt.datetime
) -> None:
    """Set the field the form is asking for from what the user typed."""
    step = form.next_step(book)
    if step is Step.STAFF:
        await _typed_staff(session, form, book, text)
    elif step is Step.VALUE:
        _typed_value(form, book, text)
    elif step is Step.QUANTITY:
        _typed_quantity(form, book, text)
    elif step is Step.TIME:
        await _typed_time(session, form, book, text, now)
    else:
        raise BotError("rep_need_text")


async def _typed_staff(session: AsyncSession, form: Form, book: Rulebook, text: str) -> None:
    assert form.contract is not None
    local_day = form.started_at.astimezone(ZoneInfo(book.contract.timezone)).date()
    typed = checked_text("staff", " ".join(normalised(text).split())) or ""
    staff, on_roster = await resolve_staff(
        session, contract_id=form.contract, text=typed, on=local_day, strict=False
    )
    # A staff number on the roster stands for its member; any other name must be a name.
    form.staff = staff if on_roster else staff_name(staff)
    form.staff_on_roster, form.staff_done = on_roster, True


def _typed_value(form: Form, book: Rulebook, text: str) -> None:
    assert form.item is not None
    item = book.item(form.item)
    number = read_number(text)
    if number is None and looks_numeric(normalised(text).strip()):
        raise BotError("bad_number", text=shown(text.strip()))
    raw = text.strip() if number is None else format_number(number)
    check_value(book, item, raw)
    form.value, form.value_done = raw, True


def _typed_quantity(form: Form, book: Rulebook, text: str) -> None:
    assert form.item is not None
    item = book.item(form.item)
    number = read_number(text)
    if number is None:
        raise BotError("bad_quantity", item=item, value=shown(text.strip()))
    check_quantity(book, item, number)
    form.quantity, form.quantity_done = number, True


async def _typed_time(
    session: AsyncSession, form: Form, book: Rulebook, text: str, now: dt.datetime
) -> None:
    assert form.contract is not None
    when = parse_when_text(text).resolve(now, book.contract.timezone)
    check_time(book, when, now)
    # A time in a closed period is taken: on Confirm the report goes to a manager for approval.
    form.occurred_at, form.editing_time = when, False
