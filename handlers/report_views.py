"""The guided report's card: what each step shows (text, ``rep:`` buttons), sent or edited."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update

from bot.access import Actor
from bot.choices import commonest_first, sections, staff_choices
from bot.context import FloorContext
from bot.guided import Form, Step
from bot.i18n import t
from bot.reports import asks_quantity, cost_of, needs_staff
from bot.texts import item_hints, report_lines, short
from handlers.common import drop_keyboard, edit, keyboard, say
from scoring.rulebook import ItemKind, Rulebook

QUANTITY_BUTTONS = ("1", "2", "3", "4", "5")
STAFF_BUTTONS = 8
ROW = 2

Buttons = list[list[tuple[str, str]]]


def _rows(buttons: list[tuple[str, str]], width: int = ROW) -> Buttons:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _cancel(lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "button_cancel"), "rep:x")]


async def render(
    session: AsyncSession,
    form: Form,
    book: Rulebook | None,
    lang: str,
    person_id: int,
) -> tuple[Step, str, InlineKeyboardMarkup]:
    """The step the form is at, its text and its keyboard."""
    step = form.next_step(book)
    if step is Step.CONTRACT or book is None:
        return step, *_contract(form, lang)
    if step is Step.SECTION and len(sections(book)) == 1:
        form.section = 0
        step = form.next_step(book)
    text, rows = await _STEP_VIEWS[step](session, form, book, lang, person_id)
    return step, text, keyboard(rows)


def _contract(form: Form, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [(c, f"rep:c:{i}") for i, c in enumerate(form.contracts)]
    return t(lang, "rep_contract"), keyboard([*_rows(buttons, 1), _cancel(lang)])


async def _section(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    choices = sections(book)
    buttons = [
        (short(c.label.get(lang) if c.label else t(lang, "rep_other_items")), f"rep:s:{i}")
        for i, c in enumerate(choices)
    ]
    title = f"{form.contract} — {book.title.get(lang)}"
    return t(lang, "rep_section", contract=title), [*_rows(buttons), _cancel(lang)]


async def _item(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    assert form.contract is not None and form.section is not None
    choice = sections(book)[form.section]
    ordered = await commonest_first(
        session, contract_id=form.contract, items=choice.items, now=form.started_at
    )
    index = {item.code: i for i, item in enumerate(book.items)}
    buttons = [(short(i.label.get(lang)), f"rep:i:{index[i.code]}") for i in ordered]
    label = choice.label.get(lang) if choice.label else t(lang, "rep_other_items")
    nav = [(t(lang, "button_back"), "rep:back"), *_cancel(lang)]
    return t(lang, "rep_item", section=label), [*_rows(buttons, 1), nav]


async def _staff(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    assert form.contract is not None and form.item is not None
    item = book.item(form.item)
    local_day = form.started_at.astimezone(ZoneInfo(book.contract.timezone)).date()
    form.staff_options = await staff_choices(
        session, contract_id=form.contract, person_id=person_id, on=local_day, limit=STAFF_BUTTONS
    )
    buttons = [(short(name), f"rep:st:{i}") for i, name in enumerate(form.staff_options)]
    rows = _rows(buttons)
    if not needs_staff(item):
        rows.append([(t(lang, "button_nobody"), "rep:st:-")])
    return t(lang, "rep_staff", item=item.label), [*rows, _cancel(lang)]


async def _value(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    assert form.item is not None
    item = book.item(form.item)
    text = t(lang, "rep_value", item=item.label, **item_hints(lang, item))
    rows: Buttons = []
    if item.kind is ItemKind.KPI:
        rows.append([(t(lang, "button_skip"), "rep:v:-")])
    return text, [*rows, _cancel(lang)]


async def _quantity(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    assert form.item is not None
    item = book.item(form.item)
    buttons = [(n, f"rep:q:{n}") for n in QUANTITY_BUTTONS]
    return t(lang, "rep_quantity", item=item.label), [buttons, _cancel(lang)]


async def _photo(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    if form.photos:
        text = t(lang, "rep_photos_count", count=len(form.photos))
        return text, [[(t(lang, "button_done"), "rep:ph:done")], _cancel(lang)]
    return t(lang, "rep_photo"), [[(t(lang, "button_skip"), "rep:ph:skip")], _cancel(lang)]


async def _confirm(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    draft = form.draft()
    cost = cost_of(book, book.item(draft.item), draft.value, draft.quantity)
    summary = "\n".join(report_lines(lang, book, draft, cost))
    buttons = [
        (t(lang, "button_confirm"), "rep:ok"),
        (t(lang, "button_edit"), "rep:edit"),
        (t(lang, "button_cancel"), "rep:x"),
    ]
    return t(lang, "rep_summary", summary=summary), [buttons]


async def _edit(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    assert form.item is not None
    item = book.item(form.item)
    fields = ["item", "staff"]
    if item.value is not None or asks_quantity(item):
        fields.append("number")
    fields += ["time", "photo"]
    buttons = [(t(lang, f"field_{f}"), f"rep:e:{f}") for f in fields]
    return t(lang, "rep_edit"), [*_rows(buttons), [(t(lang, "button_back"), "rep:e:back")]]


async def _time(
    session: AsyncSession, form: Form, book: Rulebook, lang: str, person_id: int
) -> tuple[str, Buttons]:
    return t(lang, "rep_time"), [[(t(lang, "button_back"), "rep:e:back")], _cancel(lang)]


# -- the card on screen ---------------------------------------------------------------------


def form_of(context: FloorContext) -> Form | None:
    form = context.user_state.draft
    return form if isinstance(form, Form) else None


def book_of(context: FloorContext, form: Form) -> Rulebook | None:
    rulebook_id = form.rulebook_id
    return None if rulebook_id is None else context.services.rulebooks.get(rulebook_id)


async def show(
    update: Update, context: FloorContext, form: Form, actor: Actor, *, new_card: bool
) -> Step:
    """Show the form's next step: edit the card in place, or send a new one below the input."""
    book = book_of(context, form)
    assert actor.person_id is not None
    async with context.services.sessions() as session:
        step, text, markup = await render(session, form, book, actor.language, actor.person_id)
    query = update.callback_query
    if not new_card and query is not None and isinstance(query.message, Message):
        await edit(query.message, text, markup)
        return step
    if form.card_id is not None:
        await drop_keyboard(context.bot, form.chat_id, form.card_id)
    sent = await say(update, text, markup)
    form.card_id = sent.message_id if sent is not None else None
    return step


async def refresh_card(update: Update, context: FloorContext, form: Form, actor: Actor) -> Step:
    """Update the card sent for the first photo of an album instead of sending another."""
    book = book_of(context, form)
    assert actor.person_id is not None and form.card_id is not None
    async with context.services.sessions() as session:
        step, text, markup = await render(session, form, book, actor.language, actor.person_id)
    await context.bot.edit_message_text(text, form.chat_id, form.card_id, reply_markup=markup)
    return step


_STEP_VIEWS = {
    Step.SECTION: _section,
    Step.ITEM: _item,
    Step.STAFF: _staff,
    Step.VALUE: _value,
    Step.QUANTITY: _quantity,
    Step.PHOTO: _photo,
    Step.CONFIRM: _confirm,
    Step.EDIT: _edit,
    Step.TIME: _time,
}
