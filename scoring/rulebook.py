"""Rulebook models: a contract's assessment scheme as validated data.

A rulebook is a YAML file. Every number the engine uses comes from here, and
every line cites the contract clause it encodes. The models are validated once,
at load; a bad file is refused whole with its path, the field and the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Points = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Ratio = Annotated[Decimal, Field(ge=0, le=1)]
PERIOD_LABEL = r"^\d{4}-(0[1-9]|1[0-2])(\.\.\d{4}-(0[1-9]|1[0-2]))?$|^\d{4}Q[1-4]$"


class Model(BaseModel):
    """Strict, frozen base: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Model):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.zh


class Bounds(Model):
    """A numeric range in the words of Chinese legal usage (Civil Code art. 1259).

    ``at_least`` (以上, 届满) and ``at_most`` (以下, 以内) include the number;
    ``more_than`` (超过) and ``below`` (不满, 低于) exclude it.
    """

    at_least: Decimal | None = None
    more_than: Decimal | None = None
    at_most: Decimal | None = None
    below: Decimal | None = None

    @model_validator(mode="after")
    def _one_side_each(self) -> Bounds:
        if self.at_least is not None and self.more_than is not None:
            raise ValueError("give either at_least or more_than, not both")
        if self.at_most is not None and self.below is not None:
            raise ValueError("give either at_most or below, not both")
        return self

    def contains(self, value: Decimal) -> bool:
        if self.at_least is not None and value < self.at_least:
            return False
        if self.more_than is not None and value <= self.more_than:
            return False
        if self.at_most is not None and value > self.at_most:
            return False
        return not (self.below is not None and value >= self.below)

    def describe(self) -> str:
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {self.at_least}")
        if self.more_than is not None:
            parts.append(f"> {self.more_than}")
        if self.at_most is not None:
            parts.append(f"≤ {self.at_most}")
        if self.below is not None:
            parts.append(f"< {self.below}")
        return " and ".join(parts) or "any"


class ItemKind(StrEnum):
    DEDUCTION = "deduction"  # points off a card, per unit
    BONUS = "bonus"  # points added to a card, per unit
    RATING = "rating"  # one rater's vote on a rating component (value: a scale level)
    MEASURE = "measure"  # a measured input of a formula component (value: a number)
    KPI = "kpi"  # an indicator measured against a target; each missed period costs money
    FEE = "fee"  # money directly: amount x quantity (x value when the item has a value)
    FACT = "fact"  # a recorded fact that costs nothing itself; a breach (Breach) reads it


class ValueKind(StrEnum):
    MINUTES = "minutes"
    PERCENT = "percent"
    COUNT = "count"
    DAYS = "days"
    SCORE = "score"
    PLACES = "places"
    LEVEL = "level"  # one of a rating scale's levels


class Unit(StrEnum):
    PERSON = "person"
    TICKET = "ticket"
    TIME = "time"
    CASE = "case"
    ITEM = "item"
    LOCATION = "location"
    SHIFT = "shift"
    VOTE = "vote"
    REPORT = "report"
    POINT = "point"  # the quantity is the points the client decided (within the cap)


class ValueSpec(Model):
    """The measured value an item needs (minutes late, a rate, a rating level ...)."""

    kind: ValueKind
    label: Label
    min: Decimal | None = None
    max: Decimal | None = None
    integer: bool = False


class Tier(Bounds):
    """Points (or money) chosen by the measured value; the first matching tier wins."""

    points: Points | None = None
    amount: Amount | None = None
    percent_of_price: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    label: Label | None = None
    clause: str | None = None


class Plausible(Bounds):
    """The range one report's figure must fall in to be believed, and why (a typo such as
    ``999999999999`` is refused at intake instead of taking a month's score to 0)."""

    reason: Label

    @model_validator(mode="after")
    def _bounded_above(self) -> Plausible:
        if self.at_most is None and self.below is None:
            raise ValueError("a plausible range needs an upper side: at_most or below")
        return self


class ItemPlausible(Model):
    """An item's own plausible ranges for one report, in place of the rulebook's defaults."""

    quantity: Plausible | None = None
    value: Plausible | None = None


class PlausibleRanges(Model):
    """The rulebook's plausible ranges for one report: quantities by unit, measured values by
    kind. An item's own ``plausible`` wins; a value spec's ``min``/``max`` apply as well."""

    quantity: dict[Unit, Plausible] = {}
    value: dict[ValueKind, Plausible] = {}

    @field_validator("value")
    @classmethod
    def _numeric_kinds(cls, ranges: dict[ValueKind, Plausible]) -> dict[ValueKind, Plausible]:
        if ValueKind.LEVEL in ranges:
            raise ValueError("a rating level is not a number: it takes no plausible range")
        return ranges


class KpiPeriod(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class KpiWindow(Model):
    """One KPI period the contract names itself (e.g. 004's one half-year report of the term)."""

    label: Label
    first_day: dt.date
    last_day: dt.date
    clause: str

    @model_validator(mode="after")
    def _in_order(self) -> KpiWindow:
        if self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        return self


class Kpi(Model):
    """An indicator with a target: each KPI period whose latest measurement misses costs money.

    The KPI periods are the calendar ones of ``period`` (days, months …) within the contract's
    term, or exactly the ``windows`` when the contract names them. A KPI period is assessed in
    the assessment period in which it ends; one without any measurement is listed as missing.
    """

    target: Bounds
    period: KpiPeriod
    amount_per_miss: Amount | None = None
    windows: tuple[KpiWindow, ...] = ()


class Item(Model):
    """One line of the assessment table."""

    code: Code
    kind: ItemKind = ItemKind.DEDUCTION
    label: Label
    section: Code | None = None
    unit: Unit = Unit.TIME
    points: Points | None = None
    amount: Amount | None = None
    value: ValueSpec | None = None
    tiers: tuple[Tier, ...] = ()
    cap: Points | None = None
    kpi: Kpi | None = None
    component: Code | None = None
    alias: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")] | None = None
    clause: str = Field(min_length=1)
    notes: Label | None = None
    # A record is expected in every assessment period of the term (a monthly sample, a
    # periodic check): a period without one is listed as missing, not taken as "all met".
    expected: bool = False
    plausible: ItemPlausible | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        kind = self.kind
        if kind in (ItemKind.DEDUCTION, ItemKind.BONUS):
            if self.section is None:
                raise ValueError(f"a {kind} item needs a section")
            if (self.points is None) == (not self.tiers):
                raise ValueError("give either points or tiers (with points), exactly one")
            if self.tiers and any(t.points is None for t in self.tiers):
                raise ValueError("every tier of a points item needs points")
            if self.tiers and self.value is None:
                raise ValueError("tiers are chosen by a measured value: add value")
        elif kind is ItemKind.RATING:
            if self.component is None:
                raise ValueError("a rating item needs the component it rates")
        elif kind is ItemKind.MEASURE:
            if self.component is None or self.value is None:
                raise ValueError("a measure item needs a component and a value")
        elif kind is ItemKind.KPI:
            if self.kpi is None:
                raise ValueError("a kpi item needs kpi (target, period, amount_per_miss)")
            if self.kpi.amount_per_miss is not None and self.tiers:
                raise ValueError("a kpi item takes amount_per_miss or tiers, not both")
        elif kind is ItemKind.FEE and (self.amount is None) == (not self.tiers):
            raise ValueError("a fee item needs either amount or tiers, exactly one")
        elif kind is ItemKind.FACT:
            priced = (self.points, self.amount, self.section, self.component)
            if any(x is not None for x in priced) or self.tiers:
                raise ValueError("a fact item costs nothing: no points, amount, tiers, section")
        if kind is not ItemKind.KPI and self.kpi is not None:
            raise ValueError("only kpi items take kpi")
        if self.cap is not None and kind not in (ItemKind.DEDUCTION, ItemKind.BONUS):
            raise ValueError("only deduction and bonus items take a cap")
        if self.expected and kind in (ItemKind.KPI, ItemKind.RATING, ItemKind.MEASURE):
            raise ValueError(f"a {kind} item is always expected: leave out expected")
        numeric = self.value is not None and self.value.kind is not ValueKind.LEVEL
        if self.plausible is not None and self.plausible.value is not None and not numeric:
            raise ValueError("only an item with a numeric value takes a plausible value range")
        return self

    @property
    def needs_value(self) -> bool:
        return self.value is not None and self.kind is not ItemKind.KPI


class Section(Model):
    """A section of a scorecard; ``cap`` limits the deductions (and, separately, the bonuses)."""

    code: Code
    label: Label
    cap: Points | None = None
    clause: str | None = None
    sections: tuple[Section, ...] = ()


class CardComponent(Model):
    """A scorecard: base points minus capped deductions plus capped bonuses."""

    type: Literal["card"] = "card"
    code: Code
    label: Label
    weight: Ratio = Decimal(1)
    base: Points = Decimal(100)
    sections: tuple[Section, ...]
    clause: str | None = None


class RatingComponent(Model):
    """A rating scale: Σ share of votes at each level × that level's percentage."""

    type: Literal["rating"] = "rating"
    code: Code
    label: Label
    weight: Ratio
    scale: dict[Code, Annotated[Decimal, Field(ge=0, le=100)]]
    scale_labels: dict[Code, Label]
    clause: str

    @model_validator(mode="after")
    def _labels_match(self) -> RatingComponent:
        if set(self.scale) != set(self.scale_labels):
            raise ValueError("scale and scale_labels must name the same levels")
        return self


class TurnoverComponent(Model):
    """Team stability: 100 − leavers / ((headcount at start + at end) / 2) × 100, per month."""

    type: Literal["turnover"] = "turnover"
    code: Code
    label: Label
    weight: Ratio
    headcount_start: Code
    headcount_end: Code
    leavers: Code
    clause: str


Component = Annotated[
    CardComponent | RatingComponent | TurnoverComponent, Field(discriminator="type")
]


class ScoreRules(Model):
    """How the components combine, and the score's bounds and rounding."""

    min: Decimal = Decimal(0)
    max: Decimal = Decimal(100)
    quantum: Decimal = Decimal("0.01")
    combine: Literal["weighted"] = "weighted"
    clause: str


class Band(Model):
    """A grade or payout band: applies when the score is within ``bounds``."""

    bounds: Bounds = Bounds()
    label: Label | None = None
    ratio: Ratio | None = None
    clause: str | None = None


class LinearMoney(Model):
    """``amount`` CNY for each ``step`` points below ``below`` (001)."""

    below: Decimal
    step: Decimal = Field(gt=0)
    amount: Amount
    clause: str


class PercentBelowMoney(Model):
    """``percent`` % of the period's payment per point below ``below``; fractions count (000)."""

    below: Decimal
    percent_per_point: Annotated[Decimal, Field(gt=0, le=100)]
    clause: str


class PoolYear(Model):
    """A year of the pool: its band is chosen by the mean of the monthly scores in it."""

    label: str
    first_month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    last_month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    clause: str


class PayoutPool(Model):
    """A performance pool (share of the price) paid by score bands (002).

    With ``years``, the band that pays is the one of the year's mean monthly score; each
    period still shows the band its own score falls in.
    """

    share_of_price: Ratio
    bands: tuple[Band, ...]
    years: tuple[PoolYear, ...] = ()
    clause: str


class Money(Model):
    currency: Literal["CNY"] = "CNY"
    linear: LinearMoney | None = None
    percent_below: PercentBelowMoney | None = None
    pool: PayoutPool | None = None


class Payment(Model):
    label: Label
    due: dt.date | None = None
    amount: Amount
    # The assessment period this payment pays for: a period label (2024Q1, 2026-07) or a
    # range of months (2023-09..2023-11); a range equal to one period is that period.
    period: Annotated[str, Field(pattern=PERIOD_LABEL)] | None = None
    clause: str


class Deposit(Model):
    amount: Amount
    bands: tuple[Band, ...]
    clause: str


class Contract(Model):
    """The contract's parties, term, price and payment schedule.

    The term runs from ``valid_from`` 0:00 to the end (24:00) of ``valid_to``, local time, as
    ``term_clause`` writes it; nothing recorded outside it is scored.
    """

    # The contract's file name (or archive number), never a path of one machine.
    file: str = Field(min_length=1, pattern=r"^[^/\\]+$")
    client: Label
    vendor: Label
    service: Label
    valid_from: dt.date
    valid_to: dt.date
    term_clause: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    price: Amount | None = None
    price_clause: str | None = None
    annual_price: Amount | None = None
    payments: tuple[Payment, ...] = ()
    deposit: Deposit | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Contract:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class RangeRule(Model):
    """How the periods of a range (``2023-09..2023-11``) combine, in words, with the clause.

    Each period is assessed on its own (its caps, floors and money); the range shows every
    period, the sum of their money and the mean of their scores. ``label`` says which of
    these figures the contract uses (e.g. 002's yearly mean of the monthly scores, 一、9).
    """

    label: Label
    clause: str | None = None


class PeriodRules(Model):
    """The assessment period: calendar months, or quarters starting in ``first_month``."""

    unit: Literal["month", "quarter"]
    first_month: int = Field(default=1, ge=1, le=12)
    clause: str
    range: RangeRule | None = None


class WarningRule(Model):
    """Scores below ``below``: ``count`` consecutive or cumulative ones trigger the warning.

    With ``unit: month`` a period counts as the number of months it spans (a
    quarter below the line is three months below it).
    """

    code: Code
    below: Decimal
    count: int = Field(ge=1)
    mode: Literal["consecutive", "cumulative"]
    unit: Literal["period", "month"] = "period"
    label: Label
    clause: str


class Breach(Model):
    """A right of the client that one recorded finding establishes (terminate, claim 违约金).

    Triggered in a period when a record of one of ``items`` (within the term) has its
    quantity within ``quantity`` and its value within ``value``. ``amount`` is the 违约金
    the client may claim; with ``amount_max``, the contract gives a range the client decides
    within; ``amount_note`` states an amount the rulebook cannot price (a share of an
    unknown fee).
    """

    code: Code
    items: tuple[Code, ...] = Field(min_length=1)
    quantity: Bounds = Bounds()
    value: Bounds = Bounds()
    amount: Amount | None = None
    amount_max: Amount | None = None
    amount_note: Label | None = None
    label: Label
    clause: str

    @model_validator(mode="after")
    def _amounts(self) -> Breach:
        if self.amount_max is not None and (self.amount is None or self.amount_max < self.amount):
            raise ValueError("amount_max needs an amount no larger than it")
        return self


class Objections(Model):
    working_days: int = Field(ge=1, le=60)
    clause: str


class Rulebook(Model):
    """A contract's whole assessment scheme."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    version: int = Field(ge=1)
    title: Label
    contract: Contract
    period: PeriodRules
    score: ScoreRules | None = None
    components: tuple[Component, ...] = ()
    adjustments: CardComponent | None = None
    items: tuple[Item, ...]
    money: Money = Money()
    grades: tuple[Band, ...] = ()
    warnings: tuple[WarningRule, ...] = ()
    breaches: tuple[Breach, ...] = ()
    objections: Objections | None = None
    notes_internal: bool = False
    plausible: PlausibleRanges | None = None

    @model_validator(mode="after")
    def _references(self) -> Rulebook:
        _check_unique("item code", [i.code for i in self.items])
        _check_unique("alias", [i.alias for i in self.items if i.alias])
        _check_unique("component code", [c.code for c in self.components])
        cards = [c for c in self.components if isinstance(c, CardComponent)]
        if self.adjustments is not None:
            cards.append(self.adjustments)
        section_codes = [s.code for card in cards for s in _walk(card.sections)]
        _check_unique("section code", section_codes)
        components = {c.code: c for c in self.components}
        for item in self.items:
            if item.section is not None and item.section not in section_codes:
                raise ValueError(f"item {item.code}: unknown section {item.section!r}")
            if item.component is not None:
                comp = components.get(item.component)
                if comp is None:
                    raise ValueError(f"item {item.code}: unknown component {item.component!r}")
                want = RatingComponent if item.kind is ItemKind.RATING else TurnoverComponent
                if not isinstance(comp, want):
                    raise ValueError(f"item {item.code}: component {comp.code} is a {comp.type}")
        for comp in self.components:
            if isinstance(comp, TurnoverComponent):
                for ref in (comp.headcount_start, comp.headcount_end, comp.leavers):
                    if ref not in {i.code for i in self.items if i.kind is ItemKind.MEASURE}:
                        raise ValueError(f"component {comp.code}: {ref!r} is not a measure item")
        if self.components:
            if self.score is None:
                raise ValueError("a rulebook with components needs score rules")
            total = sum((c.weight for c in self.components), Decimal(0))
            if total != 1:
                raise ValueError(f"component weights add up to {total}, not 1")
        elif self.score is not None or self.adjustments is not None:
            raise ValueError("score rules and adjustments need at least one component")
        needs_score = self.money.pool is not None or self.grades or self.warnings
        if needs_score and self.score is None:
            raise ValueError("grades, warnings and pools need a score")
        _check_unique(
            "warning code", [w.code for w in self.warnings] + [b.code for b in self.breaches]
        )
        for breach in self.breaches:
            _check_breach(self, breach)
        for item in self.items:
            if item.kpi is not None:
                _check_windows(self.contract, item)
        if self.plausible is not None:
            for item in self.items:
                _check_plausible_covers(self, item)
        return self

    # -- plausible figures for one report ---------------------------------------

    def quantity_range(self, item: Item) -> Plausible | None:
        """The range one report's quantity of ``item`` must fall in (None: no range given)."""
        own = item.plausible.quantity if item.plausible is not None else None
        if own is not None or self.plausible is None:
            return own
        return self.plausible.quantity.get(item.unit)

    def value_range(self, item: Item) -> Plausible | None:
        """The range one report's measured value of ``item`` must fall in (None: none given)."""
        own = item.plausible.value if item.plausible is not None else None
        if own is not None or self.plausible is None or item.value is None:
            return own
        return self.plausible.value.get(item.value.kind)

    # -- look-ups (computed once per loaded rulebook) ---------------------------

    @cached_property
    def items_by_code(self) -> dict[str, Item]:
        return {item.code: item for item in self.items}

    @cached_property
    def items_by_alias(self) -> dict[str, Item]:
        return {item.alias: item for item in self.items if item.alias}

    @cached_property
    def read_values(
        self,
    ) -> dict[tuple[str, str | None], tuple[Item, Decimal | str | None, Decimal]]:
        """scoring.engine's memo: (item, raw value) → (item, value as read, points per unit)."""
        return {}

    @cached_property
    def item_order(self) -> dict[str, int]:
        """Each item's place in the table (the order caps are shared in)."""
        return {item.code: index for index, item in enumerate(self.items)}

    @cached_property
    def period_memo(self) -> dict[tuple[str, str], object]:
        """scoring.engine's memo of what depends on the period only (KPI periods …)."""
        return {}

    @cached_property
    def card_of_section(self) -> dict[str, str]:
        """Each section's card code."""
        return {s.code: card.code for card in self.cards for s in _walk(card.sections)}

    def item(self, code: str) -> Item:
        return self.items_by_code[code]

    def item_by_alias(self, alias: str) -> Item | None:
        return self.items_by_alias.get(alias.lower())

    @property
    def cards(self) -> tuple[CardComponent, ...]:
        cards = [c for c in self.components if isinstance(c, CardComponent)]
        if self.adjustments is not None:
            cards.append(self.adjustments)
        return tuple(cards)

    @property
    def reportable_items(self) -> tuple[Item, ...]:
        """Items an inspector reports (deductions, bonuses, fees), in table order."""
        kinds = (ItemKind.DEDUCTION, ItemKind.BONUS, ItemKind.FEE)
        return tuple(i for i in self.items if i.kind in kinds)


def _walk(sections: tuple[Section, ...]) -> list[Section]:
    out: list[Section] = []
    for section in sections:
        out.append(section)
        out.extend(_walk(section.sections))
    return out


def walk_sections(sections: tuple[Section, ...]) -> list[Section]:
    """Every section of a tree, parents before children."""
    return _walk(sections)


RAW_KINDS = frozenset({ItemKind.KPI, ItemKind.MEASURE, ItemKind.FACT})  # kept record by record


def _check_breach(book: Rulebook, breach: Breach) -> None:
    for code in breach.items:
        item = book.items_by_code.get(code)
        if item is None:
            raise ValueError(f"breach {breach.code}: unknown item {code!r}")
        if breach.quantity != Bounds() and item.kind not in RAW_KINDS:
            # deduction records are summed by value: one record's quantity is not kept
            raise ValueError(
                f"breach {breach.code}: a quantity test needs a fact, kpi or measure item, "
                f"not the {item.kind} item {code}"
            )
        numeric = item.value is not None and item.value.kind is not ValueKind.LEVEL
        if breach.value != Bounds() and not numeric and item.kind is not ItemKind.KPI:
            raise ValueError(f"breach {breach.code}: item {code} has no measured number")


def _check_windows(contract: Contract, item: Item) -> None:
    assert item.kpi is not None
    previous: KpiWindow | None = None
    for window in item.kpi.windows:
        if window.first_day < contract.valid_from or window.last_day > contract.valid_to:
            raise ValueError(
                f"item {item.code}: KPI window {window.label.en!r} is outside the term"
            )
        if previous is not None and window.first_day <= previous.last_day:
            raise ValueError(f"item {item.code}: KPI windows overlap or are out of order")
        previous = window


def _check_plausible_covers(book: Rulebook, item: Item) -> None:
    """A rulebook that states plausible ranges states one for every quantity and every
    measured number without a ``max`` of its own."""
    if book.quantity_range(item) is None:
        raise ValueError(f"item {item.code}: plausible gives no quantity range for {item.unit}")
    spec = item.value
    open_ended = spec is not None and spec.kind is not ValueKind.LEVEL and spec.max is None
    if open_ended and book.value_range(item) is None:
        assert spec is not None
        raise ValueError(f"item {item.code}: plausible gives no value range for {spec.kind}")


def _check_unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
