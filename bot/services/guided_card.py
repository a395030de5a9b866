"""What the guided report's card offers at each step: a plain :class:`Card`, built from the form.

Built inside the transaction that changed the form, before the form is saved: building it
decides what the step offers (the section when there is only one, the staff buttons, which
the form keeps so that a tap on one means the name shown) and orders the items by how often
they were reported lately.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.choices import SectionChoice, commonest_first, sections, staff_choices
from bot.services.drafts import Cost, Draft, asks_quantity, cost_of, needs_staff
from bot.services.guided_form import Form, Step
from scoring.rulebook import Item, ItemKind, Rulebook

STAFF_BUTTONS = 8


@dataclass(frozen=True, slots=True)
class Card:
    """One step of a guided report, in ``lang``: the fields it shows, for the handler to render.

    ``started_at`` names the form (a card sent later is kept only for that form); ``card_id``
    is the card on screen when the step was built. Which fields are set depends on ``step``:
    ``contracts`` (CONTRACT), ``book`` and ``sections`` (SECTION), ``section`` and ``items``
    with their index in the rulebook (ITEM), ``item`` (STAFF, VALUE, QUANTITY, EDIT), ``staff``
    and ``anyone`` (STAFF: the names offered, and whether "nobody" may be chosen), ``photos``
    (PHOTO), ``draft`` and ``cost`` (CONFIRM), ``fields`` (EDIT).
    """

    lang: str
    step: Step
    chat_id: int
    started_at: dt.datetime
    card_id: int | None
    contract: str | None = None
    contracts: tuple[str, ...] = ()
    book: Rulebook | None = None
    sections: tuple[SectionChoice, ...] = ()
    section: SectionChoice | None = None
    items: tuple[tuple[int, Item], ...] = ()
    item: Item | None = None
    staff: tuple[str, ...] = ()
    anyone: bool = False
    photos: int = 0
    draft: Draft | None = None
    cost: Cost | None = None
    fields: tuple[str, ...] = ()

    @property
    def kpi(self) -> bool:
        """The item is a KPI (its value may be skipped)."""
        return self.item is not None and self.item.kind is ItemKind.KPI


async def card_of(
    session: AsyncSession, form: Form, book: Rulebook | None, *, lang: str, person_id: int
) -> Card:
    """The step the form is at, with what its card offers (may fill the form's fields)."""
    step = form.next_step(book)
    base = Card(lang, step, form.chat_id, form.started_at, form.card_id, form.contract)
    if step is Step.CONTRACT or book is None:
        return replace(base, step=Step.CONTRACT, contracts=tuple(form.contracts))
    choices = sections(book)
    if step is Step.SECTION and len(choices) == 1:
        form.section = 0
        step = form.next_step(book)
    card = replace(base, step=step, book=book)
    if step is Step.SECTION:
        return replace(card, sections=tuple(choices))
    if step is Step.ITEM:
        return await _items(session, form, book, card)
    assert form.item is not None
    item = book.item(form.item)
    card = replace(card, item=item)
    if step is Step.STAFF:
        return await _staff(session, form, book, card, person_id)
    if step is Step.PHOTO:
        return replace(card, photos=len(form.photos))
    if step is Step.CONFIRM:
        draft = form.draft()
        return replace(card, draft=draft, cost=cost_of(book, item, draft.value, draft.quantity))
    if step is Step.EDIT:
        return replace(card, fields=_editable(item))
    return card  # VALUE, QUANTITY, TIME: the item says it all


async def _items(session: AsyncSession, form: Form, book: Rulebook, card: Card) -> Card:
    assert form.contract is not None and form.section is not None
    choice = sections(book)[form.section]
    ordered = await commonest_first(
        session, contract_id=form.contract, items=choice.items, now=form.started_at
    )
    index = {item.code: i for i, item in enumerate(book.items)}
    return replace(card, section=choice, items=tuple((index[i.code], i) for i in ordered))


async def _staff(
    session: AsyncSession, form: Form, book: Rulebook, card: Card, person_id: int
) -> Card:
    assert form.contract is not None and card.item is not None
    local_day = form.started_at.astimezone(ZoneInfo(book.contract.timezone)).date()
    form.staff_options = await staff_choices(
        session, contract_id=form.contract, person_id=person_id, on=local_day, limit=STAFF_BUTTONS
    )
    return replace(card, staff=tuple(form.staff_options), anyone=not needs_staff(card.item))


def _editable(item: Item) -> tuple[str, ...]:
    """What the Edit menu offers for this item (the number only where there is one)."""
    fields = ["item", "staff"]
    if item.value is not None or asks_quantity(item):
        fields.append("number")
    return (*fields, "time", "photo")
