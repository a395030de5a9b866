"""A scorecard's caps: each line's own cap, then every section's cap up the tree.

A section's cap limits what its lines and sub-sections together take off (and, separately,
add). Where a cap cuts several lines, the points that count are given to the lines in the
order of the contract's table until the cap is reached, so each line shows the points it
was worth (``raw``) and the points that count (``counted``), and the counted points of a
card add up to what the card loses or gains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scoring.assessment import SectionResult
from scoring.rulebook import CardComponent, Section

ZERO = Decimal(0)
ITEM_CAP = "item"


@dataclass(frozen=True, slots=True)
class LinePoints:
    """What a line brings to its card before the section caps."""

    code: str
    section: str
    bonus: bool
    points: Decimal  # after the item's own cap
    order: int  # the item's place in the table


@dataclass(slots=True)
class CardTotals:
    """A card's sections, totals and the points each line counts for."""

    sections: list[SectionResult] = field(default_factory=list)
    deducted: Decimal = ZERO
    added: Decimal = ZERO
    counted: dict[str, Decimal] = field(default_factory=dict)
    cut_by: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Node:
    section: Section
    depth: int
    lines: list[LinePoints]
    children: list[_Node]
    order: int
    raw: dict[bool, Decimal] = field(default_factory=dict)
    kept: dict[bool, Decimal] = field(default_factory=dict)


def card_totals(card: CardComponent, lines: Mapping[str, list[LinePoints]]) -> CardTotals:
    """The card's sections (parents first) and what counts, from its lines by section."""
    nodes = [_build(s, lines, 0) for s in card.sections]
    totals = CardTotals()
    for node in nodes:
        totals.sections.extend(_results(card, node))
        for bonus in (False, True):
            _share(node, node.kept[bonus], bonus, totals)
        totals.deducted += node.kept[False]
        totals.added += node.kept[True]
    return totals


def _build(section: Section, lines: Mapping[str, list[LinePoints]], depth: int) -> _Node:
    own = sorted(lines.get(section.code, []), key=lambda ln: ln.order)
    children = [_build(s, lines, depth + 1) for s in section.sections]
    orders = [ln.order for ln in own] + [c.order for c in children]
    node = _Node(section, depth, own, children, min(orders, default=1 << 30))
    for bonus in (False, True):
        raw = sum((ln.points for ln in own if ln.bonus is bonus), ZERO)
        raw += sum((c.kept[bonus] for c in children), ZERO)
        node.raw[bonus] = raw
        node.kept[bonus] = raw if section.cap is None else min(raw, section.cap)
    return node


def _results(card: CardComponent, node: _Node) -> list[SectionResult]:
    s = node.section
    deducted_raw, added_raw = node.raw[False], node.raw[True]
    deducted, added = node.kept[False], node.kept[True]
    result = SectionResult(
        code=s.code,
        label=s.label,
        card=card.code,
        depth=node.depth,
        cap=s.cap,
        deducted_raw=deducted_raw,
        deducted=deducted,
        added_raw=added_raw,
        added=added,
        capped=deducted < deducted_raw or added < added_raw,
    )
    out = [result]
    for child in node.children:
        out.extend(_results(card, child))
    return out


def _share(node: _Node, budget: Decimal, bonus: bool, totals: CardTotals) -> None:
    """Give ``budget`` to the node's lines and sub-sections in table order."""
    units: list[tuple[int, LinePoints | _Node]] = [
        (ln.order, ln) for ln in node.lines if ln.bonus is bonus
    ]
    units += [(child.order, child) for child in node.children]
    left = budget
    for _, unit in sorted(units, key=lambda u: u[0]):
        worth = unit.points if isinstance(unit, LinePoints) else unit.kept[bonus]
        given = min(worth, left)
        left -= given
        if isinstance(unit, LinePoints):
            totals.counted[unit.code] = given
            if given < worth:
                totals.cut_by.setdefault(unit.code, []).append(node.section.code)
        else:
            _share(unit, given, bonus, totals)
            if given < worth:
                _mark(unit, bonus, node.section.code, totals)


def _mark(node: _Node, bonus: bool, cap: str, totals: CardTotals) -> None:
    """A parent's cap cut this sub-section: its lines that lost points name that cap too."""
    for line in node.lines:
        if line.bonus is bonus and totals.counted.get(line.code, line.points) < line.points:
            cut = totals.cut_by.setdefault(line.code, [])
            if cap not in cut:
                cut.append(cap)
    for child in node.children:
        _mark(child, bonus, cap, totals)
