"""A PNG chart of the score: through the period, and over the last periods.

Rendering is CPU work (a bare matplotlib Figure, no pyplot state): the bot runs it off
the event loop.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.figure import Figure

from scoring.rulebook import Rulebook
from scoring.trend import reference_lines


def score_chart(
    book: Rulebook,
    period_label: str,
    days: Sequence[tuple[dt.date, Decimal | None]],
    history: Sequence[tuple[str, Decimal | None]],
) -> bytes:
    """Two panels: the score day by day this period; the score of the last periods."""
    fig = Figure(figsize=(9, 4), dpi=100)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    xs = [d for d, s in days if s is not None]
    ys = [float(s) for _, s in days if s is not None]
    left.plot(xs, ys, marker="o", markersize=3, linewidth=1.5, color="#1f77b4")
    left.set_title(f"{book.id} {period_label}: score by day")
    left.tick_params(axis="x", labelrotation=45, labelsize=7)
    labels = [label for label, _ in history]
    values = [float(s) if s is not None else 0.0 for _, s in history]
    right.bar(range(len(values)), values, color="#2ca02c")
    right.set_xticks(range(len(labels)), labels, rotation=45, fontsize=7)
    right.set_title("last periods")
    top = float(book.score.max) if book.score is not None else 100.0
    for axis in (left, right):
        axis.set_ylim(0, top * 1.05)
        for line in reference_lines(book):
            axis.axhline(float(line), color="#d62728", linestyle="--", linewidth=0.8)
        axis.grid(alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
