"""The guided report's card: each step's text and ``rep:`` buttons, sent or edited in place.

The step and what it offers come from the service (bot.services.guided_card), built in the
unit of work that changed the form; the card is shown on Telegram once that is committed.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Message, Update

from bot.app.context import FloorContext
from bot.services.guided_card import Card
from bot.services.guided_form import Step
from bot.texts.i18n import t
from bot.texts.reports import item_hints, report_lines, short
from handlers.common import asking, drop_keyboard, edit, keyboard, say

QUANTITY_BUTTONS = ("1", "2", "3", "4", "5")
ROW = 2

Buttons = list[list[tuple[str, str]]]


def _rows(buttons: list[tuple[str, str]], width: int = ROW) -> Buttons:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _cancel(lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "button_cancel"), "rep:x")]


def render(card: Card) -> tuple[str, InlineKeyboardMarkup]:
    """The card's text and keyboard."""
    text, rows = _STEP_VIEWS[card.step](card, card.lang)
    return text, keyboard(rows)


def _contract(card: Card, lang: str) -> tuple[str, Buttons]:
    buttons = [(c, f"rep:c:{i}") for i, c in enumerate(card.contracts)]
    return t(lang, "rep_contract"), [*_rows(buttons, 1), _cancel(lang)]


def _section(card: Card, lang: str) -> tuple[str, Buttons]:
    assert card.book is not None
    buttons = [
        (short(c.label.get(lang) if c.label else t(lang, "rep_other_items")), f"rep:s:{i}")
        for i, c in enumerate(card.sections)
    ]
    title = f"{card.contract} — {card.book.title.get(lang)}"
    return t(lang, "rep_section", contract=title), [*_rows(buttons), _cancel(lang)]


def _item(card: Card, lang: str) -> tuple[str, Buttons]:
    assert card.section is not None
    buttons = [(short(item.label.get(lang)), f"rep:i:{index}") for index, item in card.items]
    label = card.section.label.get(lang) if card.section.label else t(lang, "rep_other_items")
    nav = [(t(lang, "button_back"), "rep:back"), *_cancel(lang)]
    return t(lang, "rep_item", section=label), [*_rows(buttons, 1), nav]


def _staff(card: Card, lang: str) -> tuple[str, Buttons]:
    assert card.item is not None
    buttons = [(short(name), f"rep:st:{i}") for i, name in enumerate(card.staff)]
    rows = _rows(buttons)
    if card.anyone:
        rows.append([(t(lang, "button_nobody"), "rep:st:-")])
    return t(lang, "rep_staff", item=card.item.label), [*rows, _cancel(lang)]


def _value(card: Card, lang: str) -> tuple[str, Buttons]:
    assert card.item is not None
    text = t(lang, "rep_value", item=card.item.label, **item_hints(lang, card.item))
    rows: Buttons = [[(t(lang, "button_skip"), "rep:v:-")]] if card.kpi else []
    return text, [*rows, _cancel(lang)]


def _quantity(card: Card, lang: str) -> tuple[str, Buttons]:
    assert card.item is not None
    buttons = [(n, f"rep:q:{n}") for n in QUANTITY_BUTTONS]
    return t(lang, "rep_quantity", item=card.item.label), [buttons, _cancel(lang)]


def _photo(card: Card, lang: str) -> tuple[str, Buttons]:
    if card.photos:
        text = t(lang, "rep_photos_count", count=card.photos)
        return text, [[(t(lang, "button_done"), "rep:ph:done")], _cancel(lang)]
    return t(lang, "rep_photo"), [[(t(lang, "button_skip"), "rep:ph:skip")], _cancel(lang)]


def _confirm(card: Card, lang: str) -> tuple[str, Buttons]:
    assert card.book is not None and card.draft is not None and card.cost is not None
    summary = "\n".join(report_lines(lang, card.book, card.draft, card.cost))
    buttons = [
        (t(lang, "button_confirm"), "rep:ok"),
        (t(lang, "button_edit"), "rep:edit"),
        (t(lang, "button_cancel"), "rep:x"),
    ]
    return t(lang, "rep_summary", summary=summary), [buttons]


def _edit(card: Card, lang: str) -> tuple[str, Buttons]:
    buttons = [(t(lang, f"field_{f}"), f"rep:e:{f}") for f in card.fields]
    return t(lang, "rep_edit"), [*_rows(buttons), [(t(lang, "button_back"), "rep:e:back")]]


def _time(card: Card, lang: str) -> tuple[str, Buttons]:
    return t(lang, "rep_time"), [[(t(lang, "button_back"), "rep:e:back")], _cancel(lang)]


# -- the card on screen ---------------------------------------------------------------------


async def present(update: Update, context: FloorContext, card: Card, *, new_card: bool) -> None:
    """Edit the card in place, or send a new card below the user's input and remember it."""
    text, markup = render(card)
    query = update.callback_query
    if not new_card and query is not None and isinstance(query.message, Message):
        await edit(query.message, text, markup)
        return
    if card.card_id is not None:
        await drop_keyboard(context.bot, card.chat_id, card.card_id)
    sent = await say(update, text, markup)
    if sent is not None:
        await context.services.guided.card_sent(
            asking(update, context), started_at=card.started_at, card_id=sent.message_id
        )


async def refresh_card(context: FloorContext, card: Card) -> None:
    """Update the card sent for the first photo of an album instead of sending another."""
    assert card.card_id is not None
    text, markup = render(card)
    await context.bot.edit_message_text(text, card.chat_id, card.card_id, reply_markup=markup)


_STEP_VIEWS: dict[Step, Callable[[Card, str], tuple[str, Buttons]]] = {
    Step.CONTRACT: _contract,
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
