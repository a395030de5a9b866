"""The guided report's card: what each step shows (text, ``rep:`` buttons), sent or edited.

A step is rendered inside the transaction that changed the form (rendering picks the staff
buttons, which the form keeps), and shown on Telegram once that transaction is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update

from bot.app.context import FloorContext
from bot.services.choices import commonest_first, sections, staff_choices
from bot.services.drafts import asks_quantity, cost_of, needs_staff
from bot.services.guided_form import Form, Step
from bot.services.permissions import Actor
from bot.texts.i18n import t
from bot.texts.reports import item_hints, report_lines, short
from handlers.common import drop_keyboard, edit, keyboard, say
from handlers.conversation import chat_key, set_card
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


@dataclass(frozen=True, slots=True)
class Shown:
    """A step rendered in the form's transaction; ``form.card_id`` is the card on screen then."""

    form: Form
    step: Step
    text: str
    markup: InlineKeyboardMarkup


def book_of(context: FloorContext, form: Form) -> Rulebook | None:
    rulebook_id = form.rulebook_id
    return None if rulebook_id is None else context.services.rulebooks.get(rulebook_id)


async def render_form(
    session: AsyncSession, context: FloorContext, form: Form, actor: Actor
) -> Shown:
    """The form's next step (call before saving the form: rendering may fill some fields)."""
    assert actor.person_id is not None
    book = book_of(context, form)
    step, text, markup = await render(session, form, book, actor.language, actor.person_id)
    return Shown(form, step, text, markup)


async def present(update: Update, context: FloorContext, shown: Shown, *, new_card: bool) -> None:
    """Edit the card in place, or send a new card below the user's input and remember it."""
    query = update.callback_query
    if not new_card and query is not None and isinstance(query.message, Message):
        await edit(query.message, shown.text, shown.markup)
        return
    form = shown.form
    if form.card_id is not None:
        await drop_keyboard(context.bot, form.chat_id, form.card_id)
    sent = await say(update, shown.text, shown.markup)
    if sent is not None:
        await set_card(context, chat_key(update), form.started_at, sent.message_id)


async def refresh_card(context: FloorContext, shown: Shown) -> None:
    """Update the card sent for the first photo of an album instead of sending another."""
    form = shown.form
    assert form.card_id is not None
    await context.bot.edit_message_text(
        shown.text, form.chat_id, form.card_id, reply_markup=shown.markup
    )


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
