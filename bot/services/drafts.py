"""What a report is and what it costs: items, values, quantities and times checked by the rulebook.

Pure: the rulebook and ``now`` come in as arguments; no Telegram, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.errors import BotError
from scoring.engine import EngineError, matching_tier, parse_value, unit_points
from scoring.rulebook import Item, ItemKind, Rulebook, Tier, Unit
from scoring.storable import storable_problem

# Units whose quantity is a count of whole things (people, tickets, times ...).
WHOLE_UNITS = frozenset(u for u in Unit if u is not Unit.POINT)
# Units where one report is about one person or one occurrence: no quantity step is asked.
SINGLE_UNITS = frozenset({Unit.PERSON, Unit.TIME, Unit.SHIFT})
# Items an inspector reports from the bot; ratings and measured inputs (000's votes and
# headcounts) are a manager's periodic figures and come in through `floorbot import`.
BOT_KINDS = frozenset({ItemKind.DEDUCTION, ItemKind.BONUS, ItemKind.FEE, ItemKind.KPI})
ONE = Decimal(1)
# A refusal quotes a number up to this many characters (a Telegram message holds 4096).
SHOWN_CHARS = 40


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo kept as evidence: the Telegram file and the SHA-256 of the downloaded bytes."""

    file_id: str
    file_unique_id: str | None
    sha256: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A complete report, checked against the rulebook, ready to record."""

    contract_id: str
    item: str
    occurred_at: dt.datetime
    quantity: Decimal = ONE
    value: str | None = None
    staff: str | None = None
    staff_on_roster: bool | None = None
    note: str | None = None
    photos: tuple[Photo, ...] = field(default_factory=tuple)

    def with_photos(self, photos: tuple[Photo, ...]) -> Draft:
        return self if photos == self.photos else replace(self, photos=photos)


@dataclass(frozen=True, slots=True)
class Cost:
    """What one report costs, as the rulebook says (before period caps)."""

    kind: ItemKind
    points: Decimal | None = None
    amount: Decimal | None = None
    tier: Tier | None = None
    kpi_met: bool | None = None


def reportable(book: Rulebook, item: Item) -> bool:
    """Whether the bot takes reports of this item."""
    return item.kind in BOT_KINDS


def item_by_command(book: Rulebook, command: str) -> Item | None:
    """The item a one-line command names: its alias, or its code."""
    item = book.item_by_alias(command) or book.items_by_code.get(command.lower())
    return item if item is not None and reportable(book, item) else None


def needs_staff(item: Item) -> bool:
    """Items counted per person need to say who."""
    return item.unit is Unit.PERSON


def asks_quantity(item: Item) -> bool:
    """Whether the guided flow asks how many (tickets, cases ...), not just one."""
    return item.unit not in SINGLE_UNITS


def read_numbers(
    book: Rulebook, item: Item, numbers: tuple[Decimal, ...], quantity: Decimal | None
) -> tuple[str | None, Decimal]:
    """The measured value and the quantity a one-line report's numbers stand for."""
    takes_value = item.value is not None
    value: Decimal | None = None
    rest = list(numbers)
    if takes_value and rest:
        value = rest.pop(0)
    if rest and quantity is None and asks_quantity(item):
        quantity = rest.pop(0)
    if rest:
        raise BotError("too_many_numbers", item=item)
    if item.needs_value and value is None:
        raise BotError("needs_value", item=item)
    raw = None if value is None else format_number(value)
    check_value(book, item, raw)
    qty = ONE if quantity is None else quantity
    check_quantity(book, item, qty)
    return raw, qty


def check_value(book: Rulebook, item: Item, raw: str | None) -> None:
    """Refuse a value outside the item's range or its plausible range for one report, or one
    that no tier of the item matches."""
    try:
        value = parse_value(item, raw)
    except EngineError:
        raise BotError("value_out_of_range", item=item, value=shown(raw or "")) from None
    if isinstance(value, Decimal) and storable_problem(value) is not None:
        raise BotError("value_out_of_range", item=item, value=shown(raw or ""))
    plausible = book.value_range(item)
    if isinstance(value, Decimal) and plausible is not None and not plausible.contains(value):
        raise BotError(
            "implausible_value",
            item=item,
            value=shown(raw or ""),
            bounds=plausible.describe(),
            reason=plausible.reason,
        )
    tiered = item.tiers and item.kind in (ItemKind.DEDUCTION, ItemKind.BONUS, ItemKind.FEE)
    if tiered and matching_tier(item.tiers, value) is None:
        raise BotError("no_tier", item=item, value=raw or "")


def check_quantity(book: Rulebook, item: Item, quantity: Decimal) -> None:
    """A positive quantity (whole for counted units) that the ledger can hold, within the
    plausible range for one report."""
    whole = quantity == quantity.to_integral_value()
    fits = storable_problem(quantity) is None
    if quantity <= 0 or not fits or (item.unit in WHOLE_UNITS and not whole):
        raise BotError("bad_quantity", item=item, value=shown(format_number(quantity)))
    plausible = book.quantity_range(item)
    if plausible is not None and not plausible.contains(quantity):
        raise BotError(
            "implausible_quantity",
            item=item,
            value=shown(format_number(quantity)),
            bounds=plausible.describe(),
            reason=plausible.reason,
        )


def cost_of(book: Rulebook, item: Item, value: str | None, quantity: Decimal) -> Cost:
    """Points or money one report of ``item`` costs (the engine's own unit rules)."""
    parsed = parse_value(item, value)
    tier = matching_tier(item.tiers, parsed) if item.tiers else None
    if item.kind in (ItemKind.DEDUCTION, ItemKind.BONUS):
        return Cost(item.kind, points=unit_points(item, parsed) * quantity, tier=tier)
    if item.kind is ItemKind.FEE:
        return Cost(item.kind, amount=_fee(item, parsed, quantity, tier), tier=tier)
    if item.kind is ItemKind.KPI and item.kpi is not None:
        met = isinstance(parsed, Decimal) and item.kpi.target.contains(parsed)
        return Cost(item.kind, amount=item.kpi.amount_per_miss, tier=tier, kpi_met=met)
    return Cost(item.kind)


def _fee(item: Item, value: object, quantity: Decimal, tier: Tier | None) -> Decimal | None:
    amount = tier.amount if tier is not None else item.amount
    if amount is None:
        return None
    factor = value if isinstance(value, Decimal) and not item.tiers else ONE
    return amount * quantity * factor


def check_time(book: Rulebook, when: dt.datetime, now: dt.datetime) -> None:
    """Refuse a time in the future or outside the contract's term."""
    local = when.astimezone(ZoneInfo(book.contract.timezone))
    if when > now:
        raise BotError("time_in_future", when=local)
    if not book.contract.valid_from <= local.date() <= book.contract.valid_to:
        raise BotError("outside_term", start=book.contract.valid_from, end=book.contract.valid_to)


def commands_of(book: Rulebook) -> list[str]:
    """The one-line commands of a rulebook (``/late``, ``/dress`` ...), in table order."""
    return [f"/{i.alias}" for i in book.items if i.alias and reportable(book, i)]


def format_number(number: Decimal) -> str:
    """``Decimal('25.0')`` → ``25``; ``Decimal('0.50')`` → ``0.5``; exact however long."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown(text: str) -> str:
    """What the user wrote, cut short (``123…``) when quoting it whole would flood the chat."""
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}…"
