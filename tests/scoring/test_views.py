"""Thresholds, the day-by-day trend and the PNG chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from scoring.assessment import Event
from scoring.chart import score_chart
from scoring.loader import BUILTIN_DIR, load_rulebook
from scoring.periods import parse_period
from scoring.thresholds import describe, distances
from scoring.trend import running_scores

HAIDIAN = load_rulebook(BUILTIN_DIR / "haidian-dispatch-2026.yaml")
HAIKOU = load_rulebook(BUILTIN_DIR / "haikou-hall-2023.yaml")
TZ = ZoneInfo("Asia/Shanghai")


def test_distance_to_the_warning_line_of_001() -> None:
    # 六、6: two consecutive months below 80; 80.4 stands 0.4 above that line.
    found = [d for d in distances(HAIDIAN, Decimal("80.4")) if d.kind == "warning"]
    assert len(found) == 1
    assert (found[0].line, found[0].points, found[0].above) == (Decimal(80), Decimal("0.4"), True)
    assert describe(found[0], "en").startswith("0.4 points above the 80 line")
    assert describe(found[0], "zh").startswith("高于80分线0.4分")


def test_distance_to_the_next_payout_band_of_002() -> None:
    payout = [d for d in distances(HAIKOU, Decimal(88)) if d.kind == "payout"]
    short = next(d for d in payout if not d.above)
    assert (short.line, short.points) == (Decimal(90), Decimal(2))
    assert describe(short, "en").startswith("2 points to the 90 line")
    kept = next(d for d in payout if d.above)
    assert (kept.line, kept.points) == (Decimal(80), Decimal(8))


def test_running_scores_day_by_day_until_today() -> None:
    july = parse_period(HAIDIAN, "2026-07")
    events = [
        Event("dress_code", dt.datetime(2026, 7, 2, 10, tzinfo=TZ)),
        Event("absence", dt.datetime(2026, 7, 4, 23, 59, tzinfo=TZ)),
    ]
    now = dt.datetime(2026, 7, 5, 12, tzinfo=TZ)
    days = running_scores(HAIDIAN, events, july, now=now)
    assert [d.day for d, _ in days] == [1, 2, 3, 4, 5]
    assert [s for _, s in days] == [
        Decimal("100.00"),
        Decimal("99.90"),
        Decimal("99.90"),
        Decimal("98.90"),
        Decimal("98.90"),
    ]


def test_chart_is_a_png() -> None:
    days = [(dt.date(2026, 7, d), Decimal(100 - d)) for d in range(1, 11)]
    history = [(f"2026-{m:02d}", Decimal(90 + m)) for m in range(1, 7)]
    png = score_chart(HAIDIAN, "2026-07", days, history)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000
