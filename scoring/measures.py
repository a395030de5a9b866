"""The measurements a contract takes each period, and which of them are due in an assessment.

A KPI is measured in its own periods (each day, month, quarter … of the term, or the windows
the rulebook names). A KPI period is assessed in the assessment period in which it ends, from
the measurements recorded anywhere in it; once it has ended, a KPI period without any
measurement is missing. The same holds for an item the rulebook marks ``expected`` (one
record per assessment period) and for 000's monthly headcounts. Nothing missing is taken
as met: the assessment lists it and is not complete until it is entered (as 0 if need be).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from scoring.assessment import MissingInput
from scoring.periods import Period
from scoring.rulebook import Item, KpiPeriod, Label, Rulebook
from scoring.term import Term, term_of


@dataclass(frozen=True, slots=True)
class Bucket:
    """One KPI period, as local days ``[start, end)`` within the term."""

    label: Label
    start: dt.date
    end: dt.date
    timezone: str

    def holds(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def ended(self, now: dt.datetime) -> bool:
        return now >= dt.datetime.combine(self.end, dt.time(0), tzinfo=ZoneInfo(self.timezone))


def _calendar(period: KpiPeriod, day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The calendar KPI period holding ``day``: its label, first day, first day after."""
    if period is KpiPeriod.DAY:
        return day.isoformat(), day, day + dt.timedelta(days=1)
    if period is KpiPeriod.MONTH:
        first, months, label = day.replace(day=1), 1, f"{day:%Y-%m}"
    elif period is KpiPeriod.QUARTER:
        q = (day.month - 1) // 3
        first, months, label = dt.date(day.year, 3 * q + 1, 1), 3, f"{day.year}Q{q + 1}"
    elif period is KpiPeriod.HALF_YEAR:
        h = (day.month - 1) // 6
        first, months, label = dt.date(day.year, 6 * h + 1, 1), 6, f"{day.year}H{h + 1}"
    else:
        first, months, label = dt.date(day.year, 1, 1), 12, f"{day.year}"
    index = first.year * 12 + first.month - 1 + months
    return label, first, dt.date(index // 12, index % 12 + 1, 1)


def kpi_buckets(book: Rulebook, item: Item, period: Period) -> list[Bucket]:
    """The item's KPI periods that end within ``period`` (clipped to the term), in order."""
    assert item.kpi is not None
    term = term_of(book)
    zone = book.contract.timezone
    if item.kpi.windows:
        spans = [
            (w.label, w.first_day, w.last_day + dt.timedelta(days=1)) for w in item.kpi.windows
        ]
    else:
        seen: dict[dt.date, tuple[Label, dt.date, dt.date]] = {}
        day = max(period.start, term.first)
        last = min(period.end, term.end)
        while day < last:
            name, first, end = _calendar(item.kpi.period, day)
            seen.setdefault(first, (Label(zh=name, en=name), first, end))
            day = end
        spans = list(seen.values())
    out = []
    for text, first, end in spans:
        start, stop = max(first, term.first), min(end, term.end)
        if start < stop and period.start < stop <= period.end:
            out.append(Bucket(text, start, stop, zone))
    return out


def evidence_start(book: Rulebook, period: Period) -> dt.date:
    """The first day whose measurements the period's assessment reads (a KPI period ending in
    it may have begun months before)."""
    starts = [
        bucket.start
        for item in book.items
        if item.kpi is not None
        for bucket in kpi_buckets(book, item, period)
    ]
    return min([period.start, *starts])


def ended(period: Period, term: Term, now: dt.datetime) -> bool:
    """Whether the part of ``period`` inside the term is over at ``now``."""
    end = min(period.end, term.end)
    return now >= dt.datetime.combine(end, dt.time(0), tzinfo=period.tz)


# -- what is missing, in words --------------------------------------------------------------


def _days_text(days: list[dt.date]) -> str:
    """``03-01–03-05, 03-08``: runs of consecutive days."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        f"{r[0]:%m-%d}" if len(r) == 1 else f"{r[0]:%m-%d}–{r[-1]:%m-%d}" for r in runs
    )


def kpi_missing(
    item: Item, buckets: list[Bucket], period: Period
) -> tuple[list[MissingInput], list[Label]]:
    """The KPI periods without a measurement: one entry each, and the words for them."""
    assert item.kpi is not None
    entries = [MissingInput(item.code, b.label.en, _kpi_label(item, [b], period)) for b in buckets]
    if not buckets:
        return [], []
    if item.kpi.period is KpiPeriod.DAY and not item.kpi.windows:
        return entries, [_kpi_label(item, buckets, period)]
    return entries, [e.label for e in entries]


def _kpi_label(item: Item, buckets: list[Bucket], period: Period) -> Label:
    assert item.kpi is not None
    if item.kpi.period is KpiPeriod.DAY and not item.kpi.windows:
        days = _days_text([b.start for b in buckets])
        return Label(
            zh=f"{period.label}：“{item.label.zh}”缺少 {len(buckets)} 天的测量值（{days}）"
            f"（{item.clause}）",
            en=f"{period.label}: “{item.label.en}” has no measurement for {len(buckets)} "
            f"day(s) ({days}) ({item.clause})",
        )
    (bucket,) = buckets
    return Label(
        zh=f"{bucket.label.zh}：“{item.label.zh}”未录入测量值（{item.clause}）",
        en=f"{bucket.label.en}: “{item.label.en}” has no measurement ({item.clause})",
    )


def expected_missing(item: Item, period: Period) -> MissingInput:
    return MissingInput(
        item.code,
        period.label,
        Label(
            zh=f"{period.label}：未记录“{item.label.zh}”（每期应有记录，{item.clause}）",
            en=f"{period.label}: no record of “{item.label.en}” (one is due every period, "
            f"{item.clause})",
        ),
    )


def turnover_missing(code: str, month: str, lacks: list[Item], clause: str) -> MissingInput:
    zh = "、".join(i.label.zh for i in lacks)
    en = ", ".join(i.label.en.lower() for i in lacks)
    return MissingInput(
        code,
        month,
        Label(
            zh=f"{month}：缺少{zh}（{clause}；没有的请录入0）",
            en=f"{month}: not recorded: {en} ({clause}; enter 0 where there were none)",
        ),
    )


def recording_gap(period: Period, since: dt.date) -> MissingInput:
    return MissingInput(
        "recording",
        period.label,
        Label(
            zh=f"{period.label}：本系统自 {since} 起记录，此前的记录在纸质考核表上，"
            "本期得分不完整（请录入给定得分）",
            en=f"{period.label}: recording in floorbot began on {since}; what happened before "
            "is on the paper sheets, so this period's figures are not complete (enter the "
            "given score)",
        ),
    )
