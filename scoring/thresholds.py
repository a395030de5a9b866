"""Where a score stands against the lines that matter: warnings, grade and payout bands.

"0.4 points above the 80 line"; "2 points to the 90 band". Pure: reads the rulebook only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scoring.rulebook import Band, Label, Rulebook


@dataclass(frozen=True, slots=True)
class Distance:
    """The score's distance to one line: ``above`` it by ``points``, or ``points`` short of it."""

    line: Decimal
    points: Decimal  # always ≥ 0
    above: bool
    what: Label  # what the line decides
    kind: str  # "warning", "grade", "payout", "money"


def _band_lines(bands: tuple[Band, ...]) -> list[tuple[Decimal, Band]]:
    """Each band's lower edge (at_least / more_than), the line a score must reach for it."""
    out = []
    for band in bands:
        edge = band.bounds.at_least if band.bounds.at_least is not None else band.bounds.more_than
        if edge is not None:
            out.append((edge, band))
    return out


def _money_label(line: Decimal) -> Label:
    return Label(zh=f"低于{line}分开始扣款", en=f"fee deductions start below {line}")


def distances(book: Rulebook, score: Decimal) -> list[Distance]:
    """The nearest line below the score and the nearest above it, for every kind of line."""
    candidates: list[tuple[Decimal, Label, str]] = []
    for rule in book.warnings:
        candidates.append((rule.below, rule.label, "warning"))
    for edge, band in _band_lines(book.grades):
        if band.label is not None:
            candidates.append((edge, band.label, "grade"))
    if book.money.pool is not None:
        for edge, band in _band_lines(book.money.pool.bands):
            ratio = band.ratio if band.ratio is not None else Decimal(0)
            share = f"{ratio * 100:.0f}%"
            candidates.append((edge, band.label or Label(zh=share, en=share), "payout"))
    linear = book.money.linear
    if linear is not None:
        text = Label(
            zh=f"低于{linear.below}分开始扣款", en=f"fee deductions start below {linear.below}"
        )
        candidates.append((linear.below, text, "money"))
    percent = book.money.percent_below
    if percent is not None:
        candidates.append((percent.below, _money_label(percent.below), "money"))
    out: list[Distance] = []
    for kind in ("warning", "money", "payout", "grade"):
        lines = [(line, label) for line, label, k in candidates if k == kind]
        below = [c for c in lines if c[0] <= score]
        above = [c for c in lines if c[0] > score]
        if below:
            line, label = max(below, key=lambda c: c[0])
            out.append(Distance(line, score - line, True, label, kind))
        if above:
            line, label = min(above, key=lambda c: c[0])
            out.append(Distance(line, line - score, False, label, kind))
    return out


def describe(distance: Distance, lang: str) -> str:
    """One line a person reads: "0.4 points above the 80 line (…)"."""
    what = distance.what.get(lang)
    if lang == "en":
        if distance.above:
            return f"{distance.points} points above the {distance.line} line ({what})"
        return f"{distance.points} points to the {distance.line} line ({what})"
    if distance.above:
        return f"高于{distance.line}分线{distance.points}分（{what}）"
    return f"距{distance.line}分线还差{distance.points}分（{what}）"
