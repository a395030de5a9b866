"""The contract's term: from ``valid_from`` 0:00 to the end (24:00) of ``valid_to``, local time.

Nothing recorded outside the term is scored (001 七、1: "自2026年6月17日0时起，至2027年6月16日
24时终止"). The functions here say where the term's edges fall, whether an instant is inside,
and how a period splits at the edges.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from scoring.periods import Period
from scoring.rulebook import Label, Rulebook

BEFORE = "before_term"
AFTER = "after_term"


@dataclass(frozen=True, slots=True)
class Term:
    """The term as a half-open range of local days ``[first, end)``, with its clause."""

    first: dt.date  # valid_from
    end: dt.date  # the day after valid_to
    timezone: str
    clause: str

    @property
    def start_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=ZoneInfo(self.timezone))

    @property
    def end_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time(0), tzinfo=ZoneInfo(self.timezone))

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def where(self, instant: dt.datetime) -> str | None:
        """``before_term``, ``after_term``, or None when the instant is in the term."""
        if instant < self.start_utc:
            return BEFORE
        if instant >= self.end_utc:
            return AFTER
        return None

    def overlaps(self, period: Period) -> bool:
        return period.start < self.end and period.end > self.first

    def parts(self, period: Period) -> list[tuple[dt.datetime, dt.datetime, bool]]:
        """The period cut at the term's edges: ``(start, end, inside the term)``, in order."""
        cuts = sorted(
            {period.start_utc, period.end_utc}
            | {t for t in (self.start_utc, self.end_utc) if period.start_utc < t < period.end_utc}
        )
        return [(a, b, self.where(a) is None) for a, b in itertools.pairwise(cuts)]

    def text(self) -> Label:
        """``2026-06-17 0:00 – 2027-06-16 24:00 (七、1)``."""
        span = f"{self.first.isoformat()} 0:00 – {self.last.isoformat()} 24:00"
        return Label(zh=f"{span}（{self.clause}）", en=f"{span} ({self.clause})")


def term_of(book: Rulebook) -> Term:
    c = book.contract
    return Term(c.valid_from, c.valid_to + dt.timedelta(days=1), c.timezone, c.term_clause)


def outside_label(book: Rulebook, reason: str, count: int) -> Label:
    """Why ``count`` records were not scored: before the term starts, or after it ends."""
    term = term_of(book)
    if reason == BEFORE:
        return Label(
            zh=f"{count} 条记录早于合同期限开始（{term.first} 0时，{term.clause}），未计分",
            en=f"{count} record(s) before the contract's term begins ({term.first} 0:00, "
            f"{term.clause}) were not scored",
        )
    return Label(
        zh=f"{count} 条记录晚于合同期限结束（{term.last} 24时，{term.clause}），未计分",
        en=f"{count} record(s) after the contract's term ends ({term.last} 24:00, "
        f"{term.clause}) were not scored",
    )
