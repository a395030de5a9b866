"""The pure scoring engine: a rulebook, a period's events and ``now`` in; an Assessment out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from scoring.assessment import (
    Assessment,
    ComponentResult,
    Event,
    Line,
    MoneyResult,
    PastScore,
    SectionResult,
    Warning,
)
from scoring.periods import Period
from scoring.rulebook import (
    Band,
    Bounds,
    CardComponent,
    Item,
    ItemKind,
    KpiPeriod,
    Label,
    RatingComponent,
    Rulebook,
    Section,
    Tier,
    TurnoverComponent,
    ValueKind,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class EngineError(ValueError):
    """An event the rulebook cannot score; the message says which and why."""


# -- reading events -----------------------------------------------------------


def parse_value(item: Item, raw: str | None) -> Decimal | str | None:
    """The event's measured value, read by the item's value spec (or an EngineError)."""
    spec = item.value
    if raw is None or raw.strip() == "":
        if spec is not None and item.kind is not ItemKind.KPI:
            raise EngineError(f"item {item.code} needs a value: {spec.label.en}")
        return None
    raw = raw.strip()
    if spec is None:
        if item.kind is ItemKind.KPI:
            return _number(item, raw)
        raise EngineError(f"item {item.code} takes no value (got {raw!r})")
    if spec.kind is ValueKind.LEVEL:
        return raw
    number = _number(item, raw)
    if spec.integer and number != number.to_integral_value():
        raise EngineError(f"item {item.code}: {spec.label.en} must be a whole number")
    if spec.min is not None and number < spec.min:
        raise EngineError(f"item {item.code}: {spec.label.en} {number} is below {spec.min}")
    if spec.max is not None and number > spec.max:
        raise EngineError(f"item {item.code}: {spec.label.en} {number} is above {spec.max}")
    return number


def _number(item: Item, raw: str) -> Decimal:
    try:
        number = Decimal(raw.removesuffix("%"))
    except InvalidOperation:
        raise EngineError(f"item {item.code}: value {raw!r} is not a number") from None
    if not number.is_finite():
        raise EngineError(f"item {item.code}: value {raw!r} is not a number")
    return number


def matching_tier(tiers: Sequence[Tier], value: Decimal | str | None) -> Tier | None:
    """The first tier whose bounds contain the value."""
    if not isinstance(value, Decimal):
        return None
    return next((t for t in tiers if t.contains(value)), None)


def unit_points(item: Item, value: Decimal | str | None) -> Decimal:
    """Points one unit of a deduction or bonus costs, given the measured value."""
    if item.tiers:
        tier = matching_tier(item.tiers, value)
        return tier.points if tier is not None and tier.points is not None else ZERO
    return item.points or ZERO


@dataclass(frozen=True, slots=True)
class _Read:
    item: Item
    event: Event
    value: Decimal | str | None
    unit: Decimal  # unit_points(item, value)


_RAW_KINDS = (ItemKind.KPI, ItemKind.MEASURE)
READ_MEMO_LIMIT = 10_000


def _read_events(book: Rulebook, events: Iterable[Event], period: Period) -> list[_Read]:
    """Validate every event; keep the period's, pre-aggregated by (item, value) where the
    engine needs no timestamps (KPI and measure items keep each row)."""
    items = book.items_by_code
    bounds: dict[object, tuple[dt.datetime, dt.datetime]] = {}
    # (item, raw value) pairs repeat from one assessment to the next: read each once per
    # rulebook (a bounded memo; a value that fails is never kept).
    memo = book.read_values
    if len(memo) > READ_MEMO_LIMIT:
        memo.clear()
    totals: dict[tuple[str, str | None], tuple[_Read, int, Decimal, int]] = {}
    raw: list[_Read] = []
    for event in events:
        key = (event.item, event.value)
        known = memo.get(key)
        if known is None:
            known = memo[key] = _read_value(book, items, event)
        item, value, unit = known
        if event.quantity < 0 or event.count < 1:
            raise EngineError(f"item {event.item}: quantity must not be negative")
        zone = event.occurred_at.tzinfo
        if zone not in bounds:
            bounds[zone] = _bounds_in(period, event)
        start, end = bounds[zone]
        if not start <= event.occurred_at < end:
            continue
        if item.kind in _RAW_KINDS:
            raw.append(_Read(item, event, value, unit))
            continue
        total = totals.get(key)
        if total is None:
            totals[key] = (_Read(item, event, value, unit), event.count, event.quantity, 1)
        else:
            first, count, quantity, inputs = total
            totals[key] = (first, count + event.count, quantity + event.quantity, inputs + 1)
    for first, count, quantity, inputs in totals.values():
        if inputs > 1:
            e = first.event
            merged = Event(e.item, e.occurred_at, quantity, e.value, count=count)
            first = _Read(first.item, merged, first.value, first.unit)
        raw.append(first)
    return raw


def _read_value(
    book: Rulebook, items: dict[str, Item], event: Event
) -> tuple[Item, Decimal | str | None, Decimal]:
    """An event's item, its value as read, and the points one unit of it costs."""
    value = _checked_value(book, items, event)
    item = items[event.item]
    return item, value, unit_points(item, value)


def _bounds_in(period: Period, event: Event) -> tuple[dt.datetime, dt.datetime]:
    """The period's bounds in the event's own zone: same-zone comparisons are the fast ones."""
    zone = event.occurred_at.tzinfo
    if zone is None:
        raise EngineError(f"item {event.item}: time {event.occurred_at} has no offset")
    return period.start_utc.astimezone(zone), period.end_utc.astimezone(zone)


def _checked_value(book: Rulebook, items: dict[str, Item], event: Event) -> Decimal | str | None:
    item = items.get(event.item)
    if item is None:
        raise EngineError(f"unknown item {event.item!r} for contract {book.id}")
    value = parse_value(item, event.value)
    if item.kind is ItemKind.RATING:
        component = _component(book, item.component)
        assert isinstance(component, RatingComponent)
        if value not in component.scale:
            levels = ", ".join(component.scale)
            raise EngineError(f"item {item.code}: {value!r} is not a level ({levels})")
    return value


def _component(book: Rulebook, code: str | None) -> object:
    return next(c for c in book.components if c.code == code)


# -- lines ------------------------------------------------------------------------


def _point_line(item: Item, reads: list[_Read], card: str | None) -> Line:
    raw = sum((r.unit * r.event.quantity for r in reads), ZERO)
    points = min(raw, item.cap) if item.cap is not None else raw
    return Line(
        code=item.code,
        label=item.label,
        kind=item.kind.value,
        clause=item.clause,
        section=item.section,
        card=card,
        count=sum(r.event.count for r in reads),
        quantity=sum((r.event.quantity for r in reads), ZERO),
        raw_points=raw,
        points=points,
        capped=points < raw,
    )


def _fee_line(item: Item, reads: list[_Read], price: Decimal | None) -> Line:
    total: Decimal | None = ZERO
    for r in reads:
        amount = _tier_or_amount(item.tiers, item.amount, r.value, price)
        if amount is None or total is None:
            total = None
            continue
        factor = r.value if isinstance(r.value, Decimal) and not item.tiers else Decimal(1)
        total += amount * r.event.quantity * factor
    return _money_line(item, reads, total, misses=0)


def _tier_or_amount(
    tiers: Sequence[Tier],
    amount: Decimal | None,
    value: Decimal | str | None,
    price: Decimal | None,
) -> Decimal | None:
    if not tiers:
        return amount
    tier = matching_tier(tiers, value)
    if tier is None:
        return ZERO
    if tier.amount is not None:
        return tier.amount
    if tier.percent_of_price is not None:
        return None if price is None else price * tier.percent_of_price / HUNDRED
    return ZERO


def _money_line(item: Item, reads: list[_Read], amount: Decimal | None, misses: int) -> Line:
    return Line(
        code=item.code,
        label=item.label,
        kind=item.kind.value,
        clause=item.clause,
        section=None,
        card=None,
        count=sum(r.event.count for r in reads),
        quantity=sum((r.event.quantity for r in reads), ZERO),
        raw_points=ZERO,
        points=ZERO,
        capped=False,
        amount=None if amount is None else amount.quantize(CENT, ROUND_HALF_UP),
        misses=misses,
    )


def kpi_bucket(period: KpiPeriod, day: dt.date) -> tuple[int, int]:
    """The KPI period a local date belongs to, as a sortable key."""
    if period is KpiPeriod.DAY:
        return (day.toordinal(), 0)
    if period is KpiPeriod.MONTH:
        return (day.year, day.month)
    if period is KpiPeriod.QUARTER:
        return (day.year, (day.month - 1) // 3)
    if period is KpiPeriod.HALF_YEAR:
        return (day.year, (day.month - 1) // 6)
    return (day.year, 0)


def _kpi_line(item: Item, reads: list[_Read], period: Period, price: Decimal | None) -> Line:
    assert item.kpi is not None
    latest: dict[tuple[int, int], _Read] = {}
    for r in sorted(reads, key=lambda r: r.event.occurred_at):
        local = r.event.occurred_at.astimezone(period.tz).date()
        latest[kpi_bucket(item.kpi.period, local)] = r
    misses = [r for r in latest.values() if not _kpi_met(item.kpi.target, r.value)]
    total: Decimal | None = ZERO
    for r in misses:
        amount = _tier_or_amount(item.tiers, item.kpi.amount_per_miss, r.value, price)
        total = None if amount is None or total is None else total + amount
    return _money_line(item, reads, total, misses=len(misses))


def _kpi_met(target: Bounds, value: Decimal | str | None) -> bool:
    return isinstance(value, Decimal) and target.contains(value)


# -- cards --------------------------------------------------------------------------


def _card_sections(
    card: CardComponent, lines: dict[str, Line], depth: int = 0
) -> tuple[list[SectionResult], Decimal, Decimal]:
    """Every section's result (parents first) and the card's total deductions and bonuses."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for line in lines.values():
        if line.section is not None and line.points:
            deducted, added = sums.get(line.section, (ZERO, ZERO))
            if line.kind == ItemKind.BONUS:
                added += line.points
            else:
                deducted += line.points
            sums[line.section] = (deducted, added)
    results: list[SectionResult] = []
    total_d, total_a = ZERO, ZERO
    for section in card.sections:
        sub, deducted, added = _section(card, section, sums, depth)
        results.extend(sub)
        total_d += deducted
        total_a += added
    return results, total_d, total_a


def _section(
    card: CardComponent, section: Section, sums: dict[str, tuple[Decimal, Decimal]], depth: int
) -> tuple[list[SectionResult], Decimal, Decimal]:
    children: list[SectionResult] = []
    raw_d, raw_a = sums.get(section.code, (ZERO, ZERO))
    for child in section.sections:
        sub, deducted, added = _section(card, child, sums, depth + 1)
        children.extend(sub)
        raw_d += deducted
        raw_a += added
    cap = section.cap
    deducted = min(raw_d, cap) if cap is not None else raw_d
    added = min(raw_a, cap) if cap is not None else raw_a
    result = SectionResult(
        code=section.code,
        label=section.label,
        card=card.code,
        depth=depth,
        cap=cap,
        deducted_raw=raw_d,
        deducted=deducted,
        added_raw=raw_a,
        added=added,
        capped=deducted < raw_d or added < raw_a,
    )
    return [result, *children], deducted, added


# -- components ---------------------------------------------------------------------


def _rating_score(
    comp: RatingComponent, reads: list[_Read]
) -> tuple[Decimal | None, dict[str, str]]:
    votes: dict[str, Decimal] = defaultdict(Decimal)
    for r in reads:
        votes[str(r.value)] += r.event.quantity
    total = sum(votes.values(), ZERO)
    if total == 0:
        return None, {}
    score = sum((votes[level] / total * pct for level, pct in comp.scale.items()), ZERO)
    detail = {level: str(votes.get(level, ZERO)) for level in comp.scale}
    return score, detail


def _turnover_score(
    comp: TurnoverComponent, reads: list[_Read], period: Period
) -> tuple[Decimal | None, dict[str, str], list[Label]]:
    by_month: dict[str, list[_Read]] = defaultdict(list)
    for r in reads:
        by_month[r.event.occurred_at.astimezone(period.tz).strftime("%Y-%m")].append(r)
    scores: list[Decimal] = []
    detail: dict[str, str] = {}
    missing: list[Label] = []
    for month in sorted(by_month):
        rows = sorted(by_month[month], key=lambda r: r.event.occurred_at)
        start = _latest(rows, comp.headcount_start)
        end = _latest(rows, comp.headcount_end)
        leavers = sum(
            (
                r.value * r.event.quantity
                for r in rows
                if r.item.code == comp.leavers and isinstance(r.value, Decimal)
            ),
            ZERO,
        )
        if start is None or end is None or start + end == 0:
            missing.append(
                Label(
                    zh=f"{month} 缺少期初或期末人数",
                    en=f"{month}: headcount at start or end of month missing",
                )
            )
            continue
        rate = leavers / ((start + end) / 2) * HUNDRED
        month_score = max(ZERO, HUNDRED - rate)
        scores.append(month_score)
        detail[month] = f"leavers {leavers}, start {start}, end {end}, turnover {rate:.4f}%"
    if not scores:
        return None, detail, missing
    return sum(scores, ZERO) / len(scores), detail, missing


def _latest(rows: list[_Read], code: str) -> Decimal | None:
    values = [r.value for r in rows if r.item.code == code and isinstance(r.value, Decimal)]
    return values[-1] if values else None


# -- bands, money, warnings ------------------------------------------------------------


def band_for(bands: Sequence[Band], score: Decimal | None) -> Band | None:
    """The first band whose bounds contain the score."""
    if score is None:
        return None
    return next((b for b in bands if b.bounds.contains(score)), None)


def _money(
    book: Rulebook,
    period: Period,
    score: Decimal | None,
    lines: list[Line],
    history: Sequence[PastScore],
) -> MoneyResult:
    rules = book.money
    notes: list[Label] = []
    money_lines = [ln for ln in lines if ln.kind in (ItemKind.FEE, ItemKind.KPI)]
    has_items = any(i.kind in (ItemKind.FEE, ItemKind.KPI) for i in book.items)
    item_amounts = sum((ln.amount for ln in money_lines if ln.amount is not None), ZERO)
    unpriced = [ln for ln in money_lines if ln.amount is None and ln.misses + ln.count > 0]
    for ln in unpriced:
        if ln.kind == ItemKind.KPI and ln.misses == 0:
            continue
        notes.append(Label(zh=f"{ln.label.zh}：合同未规定金额", en=f"{ln.label.en}: no amount set"))

    score_deduction: Decimal | None = None
    period_payment: Decimal | None = None
    if rules.linear is not None and score is not None:
        gap = max(ZERO, rules.linear.below - score)
        steps = (gap / rules.linear.step).to_integral_value(ROUND_FLOOR)
        score_deduction = steps * rules.linear.amount
    if rules.percent_below is not None and score is not None:
        payment = next((p for p in book.contract.payments if p.period == period.label), None)
        if payment is None:
            notes.append(
                Label(
                    zh=f"{period.label} 没有对应的付款节点，无法计算扣款",
                    en=f"no payment is scheduled for {period.label}: "
                    "the deduction cannot be priced",
                )
            )
        else:
            period_payment = payment.amount
            gap = max(ZERO, rules.percent_below.below - score)
            score_deduction = gap * rules.percent_below.percent_per_point / HUNDRED * payment.amount
    has_score_money = rules.linear is not None or rules.percent_below is not None
    fee_deduction: Decimal | None = None
    if (has_score_money or has_items) and not (has_score_money and score is None):
        fee_deduction = (score_deduction or ZERO) + item_amounts
        fee_deduction = fee_deduction.quantize(CENT, ROUND_HALF_UP)

    payout_ratio = pool_amount = payout_amount = None
    if rules.pool is not None:
        band = band_for(rules.pool.bands, score)
        payout_ratio = band.ratio if band is not None else None
        if book.contract.annual_price is not None:
            pool_amount = (book.contract.annual_price * rules.pool.share_of_price).quantize(CENT)
            if payout_ratio is not None:
                payout_amount = (pool_amount * payout_ratio).quantize(CENT, ROUND_HALF_UP)

    year_label, year_average, year_ratio = _pool_year(book, period, score, history)

    refund_ratio = refund_amount = None
    deposit = book.contract.deposit
    if deposit is not None and score is not None:
        scores = [p.score for p in history] + [score]
        mean = sum(scores, ZERO) / len(scores)
        band = band_for(deposit.bands, mean)
        refund_ratio = band.ratio if band is not None else None
        if refund_ratio is not None:
            refund_amount = (deposit.amount * refund_ratio).quantize(CENT, ROUND_HALF_UP)

    return MoneyResult(
        currency=rules.currency,
        fee_deduction=fee_deduction,
        payout_ratio=payout_ratio,
        pool_amount=pool_amount,
        payout_amount=payout_amount,
        score_deduction=None if score_deduction is None else score_deduction.quantize(CENT),
        item_amounts=item_amounts.quantize(CENT, ROUND_HALF_UP),
        period_payment=period_payment,
        pool_year=year_label,
        pool_year_average=year_average,
        pool_year_ratio=year_ratio,
        deposit_refund_ratio=refund_ratio,
        deposit_refund_amount=refund_amount,
        notes=tuple(notes),
    )


def _pool_year(
    book: Rulebook, period: Period, score: Decimal | None, history: Sequence[PastScore]
) -> tuple[str | None, Decimal | None, Decimal | None]:
    """The pool year of the period, the mean score of its periods so far and that mean's band."""
    pool = book.money.pool
    if pool is None or score is None:
        return None, None, None
    month = period.start.strftime("%Y-%m")
    year = next((y for y in pool.years if y.first_month <= month <= y.last_month), None)
    if year is None:
        return None, None, None
    scores = [p.score for p in history if year.first_month <= p.period[:7] <= year.last_month]
    scores.append(score)
    mean = (sum(scores, ZERO) / len(scores)).quantize(book_quantum(book), ROUND_HALF_UP)
    band = band_for(pool.bands, mean)
    return year.label, mean, band.ratio if band is not None else None


def book_quantum(book: Rulebook) -> Decimal:
    return book.score.quantum if book.score is not None else CENT


def warnings_for(
    book: Rulebook, period: Period, score: Decimal | None, history: Sequence[PastScore]
) -> list[Warning]:
    """The rulebook's warnings if ``period`` ends at ``score`` after ``history``."""
    if score is None:
        return []
    sequence = [*history, PastScore(period.label, score, months=len(period.months()))]
    out = []
    for rule in book.warnings:

        def weight(p: PastScore, unit: str = rule.unit) -> int:
            return p.months if unit == "month" else 1

        if rule.mode == "consecutive":
            run: list[PastScore] = []
            for past in reversed(sequence):
                if past.score >= rule.below:
                    break
                run.append(past)
            counted = list(reversed(run))
        else:
            counted = [p for p in sequence if p.score < rule.below]
        total = sum(weight(p) for p in counted)
        level = "triggered" if total >= rule.count else "at_risk" if total == rule.count - 1 else ""
        if level and total > 0:
            out.append(
                Warning(rule.code, level, rule.label, rule.clause, tuple(p.period for p in counted))
            )
    return out


# -- the assessment --------------------------------------------------------------------


def assess(
    book: Rulebook,
    events: Iterable[Event],
    period: Period,
    *,
    now: dt.datetime,
    history: Sequence[PastScore] = (),
) -> Assessment:
    """Score one period of one contract. Pure: the same inputs give the same result."""
    if now.tzinfo is None:
        raise EngineError("now must be an aware datetime")
    reads = _read_events(book, events, period)
    by_item: dict[str, list[_Read]] = defaultdict(list)
    for r in reads:
        by_item[r.item.code].append(r)

    card_of_section = book.card_of_section
    price = book.contract.price
    lines: list[Line] = []
    for item in book.items:
        rows = by_item.get(item.code, [])
        if item.kind in (ItemKind.DEDUCTION, ItemKind.BONUS):
            lines.append(_point_line(item, rows, card_of_section.get(item.section or "")))
        elif item.kind is ItemKind.FEE:
            lines.append(_fee_line(item, rows, price))
        elif item.kind is ItemKind.KPI:
            lines.append(_kpi_line(item, rows, period, price))
    line_map = {ln.code: ln for ln in lines}

    sections: list[SectionResult] = []
    components: list[ComponentResult] = []
    missing: list[Label] = []
    deducted_total, added_total = ZERO, ZERO
    weighted: Decimal | None = ZERO
    for comp in book.components:
        comp_score: Decimal | None
        detail: dict[str, str] = {}
        if isinstance(comp, CardComponent):
            results, deducted, added = _card_sections(comp, line_map)
            sections.extend(results)
            deducted_total += deducted
            added_total += added
            comp_score = max(ZERO, comp.base - deducted + added)
        elif isinstance(comp, RatingComponent):
            rows = [r for r in reads if r.item.component == comp.code]
            comp_score, detail = _rating_score(comp, rows)
        else:
            rows = [r for r in reads if r.item.component == comp.code]
            comp_score, detail, lacks = _turnover_score(comp, rows, period)
            missing.extend(lacks)
        if comp_score is None:
            missing.append(
                Label(zh=f"{comp.label.zh}：本期无数据", en=f"{comp.label.en}: no inputs")
            )
        components.append(
            ComponentResult(comp.code, comp.label, comp.type, comp.weight, comp_score, detail)
        )
        weighted = (
            None if weighted is None or comp_score is None else weighted + comp.weight * comp_score
        )

    score: Decimal | None = None
    if book.score is not None and weighted is not None:
        raw = weighted
        if book.adjustments is not None:
            results, deducted, added = _card_sections(book.adjustments, line_map)
            sections.extend(results)
            deducted_total += deducted
            added_total += added
            raw += added - deducted
        bounded = min(book.score.max, max(book.score.min, raw))
        score = bounded.quantize(book.score.quantum, ROUND_HALF_UP)
    elif book.adjustments is not None:
        results, deducted, added = _card_sections(book.adjustments, line_map)
        sections.extend(results)
        deducted_total += deducted
        added_total += added

    grade_band = band_for(book.grades, score)
    return Assessment(
        contract=book.id,
        rulebook_version=book.version,
        period=period,
        score=score,
        max_score=book.score.max if book.score is not None else None,
        points_deducted=deducted_total,
        points_added=added_total,
        lines=tuple(lines),
        sections=tuple(sections),
        components=tuple(components),
        money=_money(book, period, score, lines, history),
        grade=grade_band.label if grade_band is not None else None,
        warnings=tuple(warnings_for(book, period, score, history)),
        complete=not missing,
        provisional=not period.is_over(now),
        events_counted=sum(r.event.count for r in reads),
        missing=tuple(missing),
    )
