"""Inputs and frozen results of the scoring engine.

An :class:`Assessment` holds every figure a view needs (chat reply, JSON,
spreadsheet), so no view recomputes anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.periods import Period
from scoring.rulebook import Label
from scoring.term import Term


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded violation, bonus, vote or measurement.

    ``value`` is the raw measured value as written (``"25"`` minutes, ``"good"``,
    ``"97.5"`` %); the engine reads it by the item's value spec. An aggregated
    event (``count`` > 1) stands for ``count`` events with the same item and value
    whose quantities add up to ``quantity`` (storage pre-aggregates with GROUP BY).
    """

    item: str
    occurred_at: dt.datetime
    quantity: Decimal = Decimal(1)
    value: str | None = None
    staff: str | None = None
    note: str | None = None
    inspector: str | None = None
    ref: str | None = None
    count: int = 1


@dataclass(frozen=True, slots=True)
class PastScore:
    """A previous period's final score, for warnings and deposit bands."""

    period: str
    score: Decimal
    months: int = 1


@dataclass(frozen=True, slots=True)
class Line:
    """One item's total for the period."""

    code: str
    label: Label
    kind: str
    clause: str
    section: str | None
    card: str | None
    count: int  # events
    quantity: Decimal  # Σ quantity
    raw_points: Decimal  # before any cap
    points: Decimal  # what counts, after the item's cap and its sections' caps (both positive)
    capped: bool  # a cap cut the line: points < raw_points
    amount: Decimal | None = None  # money this line costs (fee and kpi items)
    misses: int = 0  # kpi periods missed
    capped_by: tuple[str, ...] = ()  # "item" (its own cap) and the sections whose cap cut it


@dataclass(frozen=True, slots=True)
class SectionResult:
    code: str
    label: Label
    card: str
    depth: int
    cap: Decimal | None
    deducted_raw: Decimal
    deducted: Decimal
    added_raw: Decimal
    added: Decimal
    capped: bool


@dataclass(frozen=True, slots=True)
class ComponentResult:
    code: str
    label: Label
    type: str
    weight: Decimal
    score: Decimal | None  # None: no inputs in the period
    detail: dict[str, str] = field(default_factory=dict)
    points_deducted: Decimal | None = None  # a card's own deductions and bonuses (counted)
    points_added: Decimal | None = None


@dataclass(frozen=True, slots=True)
class MoneyResult:
    currency: str
    fee_deduction: Decimal | None  # CNY off the fee; None where the scheme has none
    payout_ratio: Decimal | None  # share of the pool paid; None where there is no pool
    pool_amount: Decimal | None = None
    payout_amount: Decimal | None = None
    score_deduction: Decimal | None = None  # part of fee_deduction driven by the score
    item_amounts: Decimal = Decimal(0)  # part driven by fee and kpi lines
    period_payment: Decimal | None = None
    pool_year: str | None = None  # the pool year the period is in
    pool_year_average: Decimal | None = None  # mean score of the year's periods so far
    pool_year_ratio: Decimal | None = None  # the band of that mean: what the pool pays
    # Periods of the pool year before this one whose score is not known (before recording
    # began and no figure given): while there are any, the pool-year figure is provisional.
    pool_year_lacking: tuple[str, ...] = ()
    deposit_refund_ratio: Decimal | None = None
    deposit_refund_amount: Decimal | None = None
    deposit_lacking: tuple[str, ...] = ()  # the same, for the deposit's mean of the term
    notes: tuple[Label, ...] = ()


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    level: str  # "triggered" or "at_risk"
    label: Label
    clause: str
    periods: tuple[str, ...]  # the periods below the line that count (or with the record)
    amount: Decimal | None = None  # 违约金 the client may claim (a breach), CNY
    amount_max: Decimal | None = None  # the top of the range the contract gives
    amount_note: Label | None = None  # an amount the rulebook cannot price
    records: int = 0  # the records that establish a breach


@dataclass(frozen=True, slots=True)
class Excluded:
    """Records of the period that were not scored, and why (outside the contract's term)."""

    reason: str  # "before_term" or "after_term"
    count: int
    label: Label


@dataclass(frozen=True, slots=True)
class MissingInput:
    """A measurement the contract takes each period that is not recorded (nor given as 0)."""

    code: str  # the item, or the component, it is missing for
    period: str  # the day, month or KPI period it is missing for
    label: Label


@dataclass(frozen=True, slots=True)
class Assessment:
    contract: str
    rulebook_version: int
    period: Period
    score: Decimal | None
    max_score: Decimal | None
    points_deducted: Decimal
    points_added: Decimal
    lines: tuple[Line, ...]
    sections: tuple[SectionResult, ...]
    components: tuple[ComponentResult, ...]
    money: MoneyResult
    grade: Label | None
    warnings: tuple[Warning, ...]
    complete: bool  # every measurement due is recorded (missing is empty)
    provisional: bool  # the period was not over at ``now``
    events_counted: int
    missing: tuple[Label, ...] = ()  # what is missing, in words (one line per item and month)
    missing_inputs: tuple[MissingInput, ...] = ()  # the same, one entry per measurement
    excluded: tuple[Excluded, ...] = ()
    term: Term | None = None

    def line(self, code: str) -> Line:
        for line in self.lines:
            if line.code == code:
                return line
        raise KeyError(code)
