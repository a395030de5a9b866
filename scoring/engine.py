"""The pure scoring engine: a rulebook, a period's events and ``now`` in; an Assessment out."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from scoring.assessment import (
    Assessment,
    ComponentResult,
    Event,
    Excluded,
    Line,
    MissingInput,
    MoneyResult,
    PastScore,
    SectionResult,
    Warning,
)
from scoring.caps import ITEM_CAP, CardTotals, LinePoints, card_totals
from scoring.measures import (
    Bucket,
    ended,
    expected_missing,
    kpi_buckets,
    kpi_missing,
    recording_gap,
    turnover_missing,
)
from scoring.periods import Period, PeriodError, parse_periods, period_of
from scoring.rulebook import (
    RAW_KINDS,
    Band,
    Bounds,
    CardComponent,
    Item,
    ItemKind,
    Label,
    Payment,
    RatingComponent,
    Rulebook,
    Tier,
    TurnoverComponent,
    ValueKind,
)
from scoring.term import AFTER, BEFORE, Term, outside_label, term_of

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TRIGGERED = "triggered"


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
    in_period: bool = True  # False: a measurement before the period, for a KPI period ending in it


READ_MEMO_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class _Plan:
    """What an assessment of one period needs beyond its events: computed once per period."""

    term: Term
    buckets: dict[str, list[Bucket]]  # each KPI item's KPI periods ending in the period
    evidence: dt.date  # the first day whose KPI measurements are read


def _plan(book: Rulebook, period: Period) -> _Plan:
    memo = book.period_memo
    key = (period.label, period.start.isoformat())
    known = memo.get(key)
    if isinstance(known, _Plan):
        return known
    if len(memo) > READ_MEMO_LIMIT:
        memo.clear()
    own = period_of(book, dt.datetime.combine(period.start, dt.time(12), tzinfo=period.tz))
    if (own.start, own.end) != (period.start, period.end):
        # Caps, floors and money are per assessment period: a range is its periods assessed
        # one by one (scoring.ranges), never one long period.
        raise EngineError(
            f"{period.label} is not one assessment period of {book.id} ({own.label} is): "
            "assess a range period by period (scoring.ranges)"
        )
    buckets = {i.code: kpi_buckets(book, i, period) for i in book.items if i.kpi is not None}
    starts = [b.start for found in buckets.values() for b in found]
    plan = _Plan(term_of(book), buckets, min([period.start, *starts]))
    memo[key] = plan
    return plan


def _read_events(
    book: Rulebook, events: Iterable[Event], period: Period, plan: _Plan
) -> tuple[list[_Read], Counter[str]]:
    """Validate every event; keep the period's that fall within the term, pre-aggregated by
    (item, value) where the engine needs no timestamps (KPI, measure and fact items keep each
    row, and KPI rows from the start of a KPI period ending in this one). The period's events
    outside the term are counted by reason, not scored."""
    items = book.items_by_code
    bounds: dict[object, tuple[dt.datetime, ...]] = {}
    # (item, raw value) pairs repeat from one assessment to the next: read each once per
    # rulebook (a bounded memo; a value that fails is never kept).
    memo = book.read_values
    if len(memo) > READ_MEMO_LIMIT:
        memo.clear()
    totals: dict[tuple[str, str | None], tuple[_Read, int, Decimal, int]] = {}
    raw: list[_Read] = []
    outside: Counter[str] = Counter()
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
            bounds[zone] = _bounds_in(period, plan, event)
        start, end, term_start, term_end, evidence = bounds[zone]
        at = event.occurred_at
        if not start <= at < end:
            if item.kind is ItemKind.KPI and evidence <= at < start and at >= term_start:
                raw.append(_Read(item, event, value, unit, in_period=False))
            continue
        if not term_start <= at < term_end:
            outside[BEFORE if at < term_start else AFTER] += event.count
            continue
        if item.kind in RAW_KINDS:
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
    return raw, outside


def _read_value(
    book: Rulebook, items: dict[str, Item], event: Event
) -> tuple[Item, Decimal | str | None, Decimal]:
    """An event's item, its value as read, and the points one unit of it costs."""
    value = _checked_value(book, items, event)
    item = items[event.item]
    return item, value, unit_points(item, value)


def _bounds_in(period: Period, plan: _Plan, event: Event) -> tuple[dt.datetime, ...]:
    """The period's, the term's and the evidence's bounds in the event's own zone: same-zone
    comparisons are the fast ones."""
    zone = event.occurred_at.tzinfo
    if zone is None:
        raise EngineError(f"item {event.item}: time {event.occurred_at} has no offset")
    evidence = dt.datetime.combine(plan.evidence, dt.time(0), tzinfo=period.tz)
    instants = (period.start_utc, period.end_utc, plan.term.start_utc, plan.term.end_utc, evidence)
    return tuple(t.astimezone(zone) for t in instants)


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
    """A deduction or bonus line after its own cap (scoring.caps applies the sections')."""
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
        capped_by=(ITEM_CAP,) if points < raw else (),
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


def _kpi_line(
    item: Item,
    reads: list[_Read],
    period: Period,
    buckets: list[Bucket],
    price: Decimal | None,
    now: dt.datetime,
) -> tuple[Line, list[Bucket]]:
    """The KPI periods ending in ``period``: in each the latest measurement decides; the line,
    and the KPI periods that have ended without any measurement."""
    assert item.kpi is not None
    latest: dict[int, _Read] = {}
    used: list[_Read] = []
    for r in sorted(reads, key=lambda r: r.event.occurred_at):
        day = r.event.occurred_at.astimezone(period.tz).date()
        index = next((i for i, b in enumerate(buckets) if b.holds(day)), None)
        if index is not None:
            latest[index] = r
            used.append(r)
    misses = [r for r in latest.values() if not _kpi_met(item.kpi.target, r.value)]
    total: Decimal | None = ZERO
    for r in misses:
        amount = _tier_or_amount(item.tiers, item.kpi.amount_per_miss, r.value, price)
        total = None if amount is None or total is None else total + amount
    unmeasured = [b for i, b in enumerate(buckets) if i not in latest and b.ended(now)]
    return _money_line(item, used, total, misses=len(misses)), unmeasured


def _kpi_met(target: Bounds, value: Decimal | str | None) -> bool:
    return isinstance(value, Decimal) and target.contains(value)


def _fact_line(item: Item, reads: list[_Read]) -> Line:
    return _money_line(item, reads, None, misses=0)


# -- cards --------------------------------------------------------------------------


def _card(
    book: Rulebook, card: CardComponent, lines: dict[str, Line]
) -> tuple[CardTotals, dict[str, Line]]:
    """The card's caps (scoring.caps) and its lines with the points that count."""
    order = book.item_order
    by_section: dict[str, list[LinePoints]] = defaultdict(list)
    for line in lines.values():
        if line.card == card.code and line.section is not None and line.points:
            bonus = line.kind == ItemKind.BONUS
            by_section[line.section].append(
                LinePoints(line.code, line.section, bonus, line.points, order[line.code])
            )
    totals = card_totals(card, by_section)
    counted: dict[str, Line] = {}
    for code, points in totals.counted.items():
        line = lines[code]
        cut = tuple(dict.fromkeys([*line.capped_by, *totals.cut_by.get(code, [])]))
        counted[code] = replace(line, points=points, capped=points < line.raw_points, capped_by=cut)
    return totals, counted


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
    book: Rulebook,
    comp: TurnoverComponent,
    reads: list[_Read],
    period: Period,
    term: Term,
    now: dt.datetime,
) -> tuple[Decimal | None, dict[str, str], list[MissingInput]]:
    """附件3 第七条 per month: each month of the period (in the term) needs its headcount at the
    start and at the end and its voluntary leavers (0 written as 0); a month that has ended
    without them is named, and the component is the mean of the months that have them."""
    by_month: dict[str, list[_Read]] = defaultdict(list)
    for r in reads:
        by_month[r.event.occurred_at.astimezone(period.tz).strftime("%Y-%m")].append(r)
    scores: list[Decimal] = []
    detail: dict[str, str] = {}
    missing: list[MissingInput] = []
    codes = (comp.headcount_start, comp.headcount_end, comp.leavers)
    for month in (m for m in period.months() if term.overlaps(m)):
        rows = sorted(by_month.get(month.label, []), key=lambda r: r.event.occurred_at)
        start = _latest(rows, comp.headcount_start)
        end = _latest(rows, comp.headcount_end)
        leaver_rows = [r for r in rows if r.item.code == comp.leavers]
        lacks = [
            book.item(code)
            for code, found in zip(codes, (start, end, leaver_rows or None), strict=True)
            if found is None
        ]
        if lacks or start is None or end is None:
            if ended(month, term, now):
                missing.append(turnover_missing(comp.code, month.label, lacks, comp.clause))
            continue
        leavers = sum(
            (r.value * r.event.quantity for r in leaver_rows if isinstance(r.value, Decimal)),
            ZERO,
        )
        if start + end == 0:
            detail[month.label] = "headcount 0 at start and end: no turnover rate"
            continue
        rate = leavers / ((start + end) / 2) * HUNDRED
        scores.append(max(ZERO, HUNDRED - rate))
        detail[month.label] = f"leavers {leavers}, start {start}, end {end}, turnover {rate:.4f}%"
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


def payment_for(book: Rulebook, period: Period) -> Payment | None:
    """The payment for the period: the same months, however its ``period`` is written."""
    for payment in book.contract.payments:
        if payment.period is None:
            continue
        if payment.period == period.label:
            return payment
        try:
            span, _ = parse_periods(book, payment.period)
        except PeriodError:
            continue
        if (span.start, span.end) == (period.start, period.end):
            return payment
    return None


def _money(
    book: Rulebook,
    period: Period,
    score: Decimal | None,
    lines: list[Line],
    history: Sequence[PastScore],
    lacking: Sequence[str] = (),
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
        payment = payment_for(book, period)
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

    year_label, year_average, year_ratio, year_lacking = _pool_year(
        book, period, score, history, lacking
    )

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
        pool_year_lacking=year_lacking,
        deposit_refund_ratio=refund_ratio,
        deposit_refund_amount=refund_amount,
        deposit_lacking=tuple(lacking) if refund_ratio is not None else (),
        notes=tuple(notes),
    )


def _pool_year(
    book: Rulebook,
    period: Period,
    score: Decimal | None,
    history: Sequence[PastScore],
    lacking: Sequence[str],
) -> tuple[str | None, Decimal | None, Decimal | None, tuple[str, ...]]:
    """The pool year of the period, the mean score of its periods so far, that mean's band,
    and the year's earlier periods whose score is not known (the mean is provisional)."""
    pool = book.money.pool
    if pool is None or score is None:
        return None, None, None, ()
    month = period.start.strftime("%Y-%m")
    year = next((y for y in pool.years if y.first_month <= month <= y.last_month), None)
    if year is None:
        return None, None, None, ()
    scores = [p.score for p in history if year.first_month <= p.period[:7] <= year.last_month]
    scores.append(score)
    mean = (sum(scores, ZERO) / len(scores)).quantize(book_quantum(book), ROUND_HALF_UP)
    band = band_for(pool.bands, mean)
    gaps = tuple(p for p in lacking if year.first_month <= p[:7] <= year.last_month)
    return year.label, mean, band.ratio if band is not None else None, gaps


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


def _breaches(book: Rulebook, period: Period, reads: list[_Read]) -> list[Warning]:
    """The breaches a record of the period (within the term) establishes."""
    out = []
    for breach in book.breaches:
        found = 0
        for r in reads:
            if not r.in_period or r.item.code not in breach.items:
                continue
            if breach.quantity != Bounds() and not breach.quantity.contains(r.event.quantity):
                continue
            if breach.value != Bounds() and not (
                isinstance(r.value, Decimal) and breach.value.contains(r.value)
            ):
                continue
            found += r.event.count
        if found:
            out.append(
                Warning(
                    breach.code,
                    TRIGGERED,
                    breach.label,
                    breach.clause,
                    (period.label,),
                    amount=breach.amount,
                    amount_max=breach.amount_max,
                    amount_note=breach.amount_note,
                    records=found,
                )
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
    lacking: Sequence[str] = (),
    recorded_since: dt.date | None = None,
) -> Assessment:
    """Score one period of one contract. Pure: the same inputs give the same result.

    ``history`` holds the earlier periods' scores, ``lacking`` the earlier periods whose score
    is not known (before ``recorded_since``, the day recording in floorbot began, and no
    figure given): the pool-year and deposit figures that need them are provisional.
    """
    if now.tzinfo is None:
        raise EngineError("now must be an aware datetime")
    plan = _plan(book, period)
    term = plan.term
    reads, outside = _read_events(book, events, period, plan)
    by_item: dict[str, list[_Read]] = defaultdict(list)
    for r in reads:
        by_item[r.item.code].append(r)

    card_of_section = book.card_of_section
    price = book.contract.price
    lines: list[Line] = []
    missing_inputs: list[MissingInput] = []
    missing: list[Label] = []
    if recorded_since is not None and period.start < recorded_since and term.first < recorded_since:
        gap = recording_gap(period, recorded_since)
        missing_inputs.append(gap)
        missing.append(gap.label)
    over = ended(period, term, now) and term.overlaps(period)
    for item in book.items:
        rows = by_item.get(item.code, [])
        if item.kind in (ItemKind.DEDUCTION, ItemKind.BONUS):
            lines.append(_point_line(item, rows, card_of_section.get(item.section or "")))
        elif item.kind is ItemKind.FEE:
            lines.append(_fee_line(item, rows, price))
        elif item.kind is ItemKind.KPI:
            line, unmeasured = _kpi_line(item, rows, period, plan.buckets[item.code], price, now)
            lines.append(line)
            entries, texts = kpi_missing(item, unmeasured, period)
            missing_inputs.extend(entries)
            missing.extend(texts)
        elif item.kind is ItemKind.FACT:
            lines.append(_fact_line(item, rows))
        if item.expected and over and not rows:
            gap = expected_missing(item, period)
            missing_inputs.append(gap)
            missing.append(gap.label)
    line_map = {ln.code: ln for ln in lines}

    sections: list[SectionResult] = []
    components: list[ComponentResult] = []
    deducted_total, added_total = ZERO, ZERO
    weighted: Decimal | None = ZERO
    for comp in book.components:
        comp_score: Decimal | None
        detail: dict[str, str] = {}
        card_d = card_a = None
        if isinstance(comp, CardComponent):
            totals, counted = _card(book, comp, line_map)
            line_map.update(counted)
            sections.extend(totals.sections)
            card_d, card_a = totals.deducted, totals.added
            deducted_total += comp.weight * totals.deducted
            added_total += comp.weight * totals.added
            comp_score = max(ZERO, comp.base - totals.deducted + totals.added)
        elif isinstance(comp, RatingComponent):
            rows = [r for r in reads if r.item.component == comp.code]
            comp_score, detail = _rating_score(comp, rows)
        else:
            rows = [r for r in reads if r.item.component == comp.code]
            comp_score, detail, lacks = _turnover_score(book, comp, rows, period, term, now)
            missing_inputs.extend(lacks)
            missing.extend(m.label for m in lacks)
        if comp_score is None and not any(m.code == comp.code for m in missing_inputs):
            text = Label(zh=f"{comp.label.zh}：本期无数据", en=f"{comp.label.en}: no inputs")
            missing_inputs.append(MissingInput(comp.code, period.label, text))
            missing.append(text)
        components.append(
            ComponentResult(
                comp.code, comp.label, comp.type, comp.weight, comp_score, detail, card_d, card_a
            )
        )
        weighted = (
            None if weighted is None or comp_score is None else weighted + comp.weight * comp_score
        )

    score: Decimal | None = None
    if book.adjustments is not None:
        totals, counted = _card(book, book.adjustments, line_map)
        line_map.update(counted)
        sections.extend(totals.sections)
        deducted_total += totals.deducted
        added_total += totals.added
    if book.score is not None and weighted is not None:
        raw = weighted
        if book.adjustments is not None:
            raw += totals.added - totals.deducted
        bounded = min(book.score.max, max(book.score.min, raw))
        score = bounded.quantize(book.score.quantum, ROUND_HALF_UP)
    lines = [line_map[ln.code] for ln in lines]

    grade_band = band_for(book.grades, score)
    warnings = warnings_for(book, period, score, history) + _breaches(book, period, reads)
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
        money=_money(book, period, score, lines, history, lacking),
        grade=grade_band.label if grade_band is not None else None,
        warnings=tuple(warnings),
        complete=not missing_inputs,
        provisional=not period.is_over(now),
        events_counted=sum(r.event.count for r in reads if r.in_period),
        missing=tuple(missing),
        missing_inputs=tuple(missing_inputs),
        excluded=tuple(
            Excluded(reason, count, outside_label(book, reason, count))
            for reason, count in sorted(outside.items())
        ),
        term=term,
    )
