"""Engine benchmark: one month of 100,000 events for contract 001 (target: under 0.2 s).

Run: .venv/bin/python -m benchmarks.bench_engine [--events N] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import time
from decimal import Decimal

from scoring.assessment import Event
from scoring.engine import assess
from scoring.loader import load_rulebooks
from scoring.periods import parse_period
from scoring.rulebook import ItemKind

CONTRACT = "haidian-dispatch-2026"
PERIOD = "2026-07"


def make_events(n: int, seed: int = 7) -> list[Event]:
    """``n`` valid events spread over July 2026, over every reportable item of 001."""
    book = load_rulebooks()[CONTRACT]
    period = parse_period(book, PERIOD)
    rng = random.Random(seed)
    items = [i for i in book.items if i.kind in (ItemKind.DEDUCTION, ItemKind.FEE)]
    events = []
    for k in range(n):
        item = rng.choice(items)
        value = None
        if item.value is not None:
            low = int(item.value.min or 1)
            high = int(item.value.max or 120)
            value = str(rng.randint(low, high))
        when = dt.datetime.combine(
            period.start + dt.timedelta(days=rng.randrange(31)),
            dt.time(rng.randrange(24), rng.randrange(60)),
            tzinfo=period.tz,
        )
        events.append(
            Event(item.code, when, Decimal(rng.randint(1, 3)), value, staff=f"s{k % 500}")
        )
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    book = load_rulebooks()[CONTRACT]
    period = parse_period(book, PERIOD)
    events = make_events(args.events)
    now = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    timings = []
    result = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = assess(book, events, period, now=now)
        timings.append(time.perf_counter() - start)
    assert result is not None
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"contract {CONTRACT}, period {PERIOD}, {args.events} events, {args.repeat} runs")
    print(f"score {result.score}, fee deduction {result.money.fee_deduction} CNY")
    print(f"median {statistics.median(timings) * 1000:.1f} ms, best {min(timings) * 1000:.1f} ms")
    verdict = "PASS" if statistics.median(timings) < 0.2 else "FAIL"
    print(f"target < 200 ms: {verdict}")


if __name__ == "__main__":
    main()
