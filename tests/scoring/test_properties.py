"""Invariants of the engine over every shipped rulebook (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.assessment import Event
from scoring.engine import assess
from scoring.loader import load_rulebooks
from scoring.periods import Period, period_of
from scoring.rulebook import Item, ItemKind, Rulebook, ValueKind, walk_sections

BOOKS = load_rulebooks()
AFTER = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
POINT_KINDS = (ItemKind.DEDUCTION, ItemKind.BONUS, ItemKind.FEE, ItemKind.KPI)


def _period(book: Rulebook) -> Period:
    """The contract's first assessment period (a month, or 000's first quarter)."""
    start = book.contract.valid_from
    return period_of(book, dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC))


def _value(item: Item) -> st.SearchStrategy[str | None]:
    spec = item.value
    if spec is None:
        if item.kind is ItemKind.KPI:
            return st.one_of(st.none(), st.integers(0, 100).map(str))
        return st.none()
    if spec.kind is ValueKind.LEVEL:
        return st.nothing()
    low = int(spec.min) if spec.min is not None else 0
    high = int(spec.max) if spec.max is not None else low + 500
    return st.integers(low, high).map(str)


@st.composite
def _events(draw: st.DrawFn, book: Rulebook, kinds: tuple[ItemKind, ...]) -> list[Event]:
    items = [i for i in book.items if i.kind in kinds and not _level(i)]
    if not items:
        return []
    period = _period(book)
    days = (period.end - period.start).days
    out = []
    for _ in range(draw(st.integers(0, 40))):
        item = draw(st.sampled_from(items))
        day = period.start + dt.timedelta(days=draw(st.integers(0, days - 1)))
        when = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23))), tzinfo=period.tz)
        qty = Decimal(draw(st.integers(1, 5)))
        out.append(Event(item.code, when, qty, draw(_value(item))))
    return out


def _level(item: Item) -> bool:
    return item.value is not None and item.value.kind is ValueKind.LEVEL


SCORED = [b for b in BOOKS.values() if b.score is not None and b.cards]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("book", SCORED, ids=lambda b: b.id)
@FAST
@given(data=st.data())
def test_score_stays_in_bounds_and_caps_hold(book: Rulebook, data: st.DataObject) -> None:
    events = data.draw(_events(book, POINT_KINDS))
    a = assess(book, events, _period(book), now=AFTER)
    if a.score is None:
        return
    assert book.score is not None
    assert book.score.min <= a.score <= book.score.max
    for line in a.lines:
        cap = book.item(line.code).cap
        if cap is not None:
            assert line.points <= cap
    caps = {s.code: s.cap for card in book.cards for s in walk_sections(card.sections)}
    for section in a.sections:
        if caps[section.code] is not None:
            assert section.deducted <= caps[section.code]
            assert section.added <= caps[section.code]


@pytest.mark.parametrize("book", SCORED, ids=lambda b: b.id)
@FAST
@given(data=st.data())
def test_more_violations_never_raise_the_score_nor_lower_the_money(
    book: Rulebook, data: st.DataObject
) -> None:
    base = data.draw(_events(book, POINT_KINDS))
    extra = data.draw(_events(book, (ItemKind.DEDUCTION, ItemKind.FEE, ItemKind.KPI)))
    period = _period(book)
    before = assess(book, base, period, now=AFTER)
    # the extra violations come after: KPI buckets are decided by their latest measurement
    later = [
        Event(e.item, e.occurred_at, e.quantity, e.value)
        for e in extra
        if book.item(e.item).kind is not ItemKind.KPI
    ]
    after = assess(book, base + later, period, now=AFTER)
    if before.score is None or after.score is None:
        return
    assert after.score <= before.score
    if before.money.fee_deduction is not None:
        assert after.money.fee_deduction is not None
        assert after.money.fee_deduction >= before.money.fee_deduction
    if before.money.payout_ratio is not None and after.money.payout_ratio is not None:
        assert after.money.payout_ratio <= before.money.payout_ratio


@pytest.mark.parametrize("book", [b for b in BOOKS.values() if b.money.linear], ids=lambda b: b.id)
@given(score_a=st.decimals(0, 100, places=2), score_b=st.decimals(0, 100, places=2))
def test_linear_money_never_decreases_as_the_score_falls(
    book: Rulebook, score_a: Decimal, score_b: Decimal
) -> None:
    from scoring.engine import _money

    period = _period(book)
    low, high = sorted((score_a, score_b))
    money_low = _money(book, period, low, [], ())
    money_high = _money(book, period, high, [], ())
    assert money_low.fee_deduction is not None and money_high.fee_deduction is not None
    assert money_low.fee_deduction >= money_high.fee_deduction


@pytest.mark.parametrize("book", [b for b in BOOKS.values() if b.money.pool], ids=lambda b: b.id)
@given(score_a=st.decimals(0, 105, places=2), score_b=st.decimals(0, 105, places=2))
def test_payout_ratio_never_rises_as_the_score_falls(
    book: Rulebook, score_a: Decimal, score_b: Decimal
) -> None:
    from scoring.engine import _money

    period = _period(book)
    low, high = sorted((score_a, score_b))
    ratio_low = _money(book, period, low, [], ()).payout_ratio
    ratio_high = _money(book, period, high, [], ()).payout_ratio
    assert ratio_low is not None and ratio_high is not None
    assert ratio_low <= ratio_high
