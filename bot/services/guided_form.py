"""The guided report as a form: which field comes next, what editing clears, the finished draft.

Pure: bot.services.guided keeps one :class:`Form` per user and chat (in the database) and
builds the card of the step it asks for (bot.services.guided_card).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from bot.services.drafts import ONE, Draft, Photo, asks_quantity
from scoring.rulebook import Item, Rulebook


class Step(StrEnum):
    """The fields of the form, in the order they are asked."""

    CONTRACT = "contract"
    SECTION = "section"
    ITEM = "item"
    STAFF = "staff"
    VALUE = "value"
    QUANTITY = "quantity"
    PHOTO = "photo"
    CONFIRM = "confirm"
    TIME = "time"
    EDIT = "edit"


# What the Edit menu offers, and which fields each choice clears.
EDITABLE: dict[str, tuple[str, ...]] = {
    "item": ("section", "item", "value", "quantity", "value_done", "quantity_done"),
    "staff": ("staff", "staff_done"),
    "number": ("value", "quantity", "value_done", "quantity_done"),
    "time": (),
    "photo": ("photos", "photos_done"),
}


@dataclass
class Form:
    """One user's report in the making; ``card`` is the bot message that shows it."""

    started_at: dt.datetime
    contracts: list[str]
    rulebooks: dict[str, str]
    chat_id: int
    card_id: int | None = None
    contract: str | None = None
    section: int | None = None
    item: str | None = None
    staff: str | None = None
    staff_on_roster: bool | None = None
    staff_done: bool = False
    staff_options: list[str] = field(default_factory=list)
    value: str | None = None
    value_done: bool = False
    quantity: Decimal | None = None
    quantity_done: bool = False
    photos: list[Photo] = field(default_factory=list)
    photos_done: bool = False
    occurred_at: dt.datetime | None = None
    media_group: str | None = None
    editing_time: bool = False
    editing_menu: bool = False

    def next_step(self, book: Rulebook | None) -> Step:
        """The first field still missing (the summary when none is)."""
        if self.contract is None or book is None:
            return Step.CONTRACT
        if self.editing_menu:
            return Step.EDIT
        if self.editing_time:
            return Step.TIME
        if self.item is None:
            return Step.ITEM if self.section is not None else Step.SECTION
        return self._after_item(book.item(self.item))

    def _after_item(self, item: Item) -> Step:
        if not self.staff_done:
            return Step.STAFF
        if item.value is not None and not self.value_done:
            return Step.VALUE
        if asks_quantity(item) and not self.quantity_done:
            return Step.QUANTITY
        if not self.photos_done:
            return Step.PHOTO
        return Step.CONFIRM

    def choose_contract(self, contract: str) -> None:
        self.contract = contract
        self.section = None
        self.item = None

    @property
    def rulebook_id(self) -> str | None:
        return None if self.contract is None else self.rulebooks.get(self.contract)

    def edit(self, what: str) -> None:
        """Clear the fields an Edit choice asks again."""
        self.editing_menu = False
        if what == "time":
            self.editing_time = True
            return
        defaults = Form(self.started_at, self.contracts, self.rulebooks, self.chat_id)
        for name in EDITABLE[what]:
            setattr(self, name, getattr(defaults, name))

    def draft(self) -> Draft:
        """The finished report (the form must be at the summary)."""
        assert self.contract is not None and self.item is not None
        return Draft(
            contract_id=self.contract,
            item=self.item,
            occurred_at=self.occurred_at or self.started_at,
            quantity=self.quantity or ONE,
            value=self.value,
            staff=self.staff,
            staff_on_roster=self.staff_on_roster,
            photos=tuple(self.photos),
        )
