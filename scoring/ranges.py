"""A range of months: the contract's periods in it assessed one by one, then combined.

Caps, floors and money lines are per assessment period (a month's dress-code cap is a
month's), so a range is never scored as one long period. Each period is assessed with the
periods before it as history; the range shows every period's score and money, the sum of
the money, the mean of the scores, and which of these the contract uses (the rulebook's
``period.range``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.assessment import Assessment, Event, Excluded, PastScore, Warning
from scoring.engine import CENT, ZERO, assess, band_for, book_quantum
from scoring.periods import Period
from scoring.rulebook import Label, Rulebook
from scoring.term import outside_label

NO_RULE = Label(
    zh="合同未规定如何合并多个考核期：各期分别考核、分别计算金额；金额合计为各期之和，"
    "平均分仅供参考",
    en="The contract gives no rule for combining periods: each is assessed and priced on "
    "its own; the money is the sum of the periods', the mean score is for information only",
)


@dataclass(frozen=True, slots=True)
class RangeAssessment:
    """The periods of a range, each assessed on its own, and what they come to together."""

    contract: str
    period: Period  # the whole range
    parts: tuple[Assessment, ...]
    score_mean: Decimal | None  # None: a period without a score, or no score in the scheme
    fee_deduction_sum: Decimal | None  # None: a period without one (or none in the scheme)
    item_amounts_sum: Decimal
    payout_ratio_of_mean: Decimal | None  # the pool band the mean falls in (002)
    rule: Label  # which combined figure the contract uses, in words
    rule_clause: str | None
    complete: bool
    provisional: bool
    excluded: tuple[Excluded, ...]
    warnings: tuple[Warning, ...]


def assess_range(
    book: Rulebook,
    events: Iterable[Event],
    parts: Sequence[Period],
    span: Period,
    *,
    now: dt.datetime,
    history: Sequence[PastScore] = (),
    lacking: Sequence[str] = (),
    recorded_since: dt.date | None = None,
) -> RangeAssessment:
    """Assess each period of the range (earlier ones of the range count as its history)."""
    rows = list(events)
    past = list(history)
    results: list[Assessment] = []
    for period in parts:
        result = assess(
            book,
            rows,
            period,
            now=now,
            history=past,
            lacking=lacking,
            recorded_since=recorded_since,
        )
        results.append(result)
        if result.score is not None:
            past.append(PastScore(period.label, result.score, months=len(period.months())))
    return combine(book, span, results)


def combine(book: Rulebook, span: Period, parts: Sequence[Assessment]) -> RangeAssessment:
    """The range's combined figures from its periods' assessments."""
    scores = [a.score for a in parts]
    mean = None
    if parts and all(s is not None for s in scores):
        known = [s for s in scores if s is not None]
        mean = (sum(known, ZERO) / len(known)).quantize(book_quantum(book), ROUND_HALF_UP)
    fees = [a.money.fee_deduction for a in parts]
    fee_sum = None
    if parts and all(f is not None for f in fees):
        fee_sum = sum((f for f in fees if f is not None), ZERO).quantize(CENT)
    items = sum((a.money.item_amounts for a in parts), ZERO).quantize(CENT)
    pool = book.money.pool
    band = band_for(pool.bands, mean) if pool is not None else None
    outside: Counter[str] = Counter()
    for a in parts:
        for x in a.excluded:
            outside[x.reason] += x.count
    warnings: dict[tuple[str, str, tuple[str, ...]], Warning] = {}
    for a in parts:
        for w in a.warnings:
            warnings.setdefault((w.code, w.level, w.periods), w)
    rule = book.period.range
    return RangeAssessment(
        contract=book.id,
        period=span,
        parts=tuple(parts),
        score_mean=mean,
        fee_deduction_sum=fee_sum,
        item_amounts_sum=items,
        payout_ratio_of_mean=band.ratio if band is not None else None,
        rule=rule.label if rule is not None else NO_RULE,
        rule_clause=rule.clause if rule is not None else None,
        complete=all(a.complete for a in parts),
        provisional=any(a.provisional for a in parts),
        excluded=tuple(
            Excluded(reason, count, outside_label(book, reason, count))
            for reason, count in sorted(outside.items())
        ),
        warnings=tuple(warnings.values()),
    )
