"""What the period under way decides: warnings that one more period below a line would trigger.

"One more month below 80 lets the client terminate": with June below 80, July decides. Pure:
the rulebook, the period and the earlier periods' scores in; the engine's own warning rules
(consecutive or cumulative, periods or months) decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.assessment import PastScore, Warning
from scoring.engine import warnings_for
from scoring.periods import Period
from scoring.rulebook import Label, Rulebook

TRIGGERED = "triggered"


@dataclass(frozen=True, slots=True)
class Risk:
    """If ``period`` ends below ``line``, the warning ``label`` is triggered."""

    code: str
    line: Decimal
    label: Label
    clause: str
    below_before: tuple[str, ...]  # the earlier periods below the line that count


def _triggered(
    book: Rulebook, period: Period, score: Decimal, history: Sequence[PastScore]
) -> dict[str, Warning]:
    found = warnings_for(book, period, score, history)
    return {w.code: w for w in found if w.level == TRIGGERED}


def at_stake(book: Rulebook, period: Period, history: Sequence[PastScore]) -> list[Risk]:
    """The warnings this period decides: triggered if it ends low, not if it ends high."""
    if book.score is None:
        return []
    if_low = _triggered(book, period, book.score.min, history)
    regardless = _triggered(book, period, book.score.max, history)
    rules = {rule.code: rule for rule in book.warnings}
    return [
        Risk(
            code,
            rules[code].below,
            rules[code].label,
            rules[code].clause,
            tuple(p for p in warning.periods if p != period.label),
        )
        for code, warning in if_low.items()
        if code not in regardless
    ]
