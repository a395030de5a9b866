"""The period assessment as the message managers read, and the table and the chart after it.

Pure: figures (bot.services.digests.content) in, text out; every counted line with its points and
caps, the money, the warnings, open disputes, adjustments. Too long for one message, the
lines are cut with a count (the attached table has them all).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.digests.content import CHART_PERIODS, Disputed, PeriodFigures
from bot.texts.assessment_facts import claim_text, excluded_lines, lacking_text, missing_lines
from bot.texts.digests import (
    HUNDRED,
    MESSAGE_LIMIT,
    TRIGGERED,
    adjustment_text,
    score_text,
    times_text,
)
from bot.texts.i18n import t
from scoring.assessment import Assessment, Line
from scoring.rulebook import ItemKind, Rulebook


def _line_text(lang: str, line: Line) -> str:
    label = line.label.get(lang) + times_text(line.quantity)
    if line.kind == ItemKind.KPI.value:
        figure = t(lang, "as_kpi_line", misses=line.misses, amount=line.amount or Decimal(0))
    elif line.amount is not None:
        figure = t(lang, "cost_fee", amount=line.amount)
    else:
        key = "cost_bonus" if line.kind == ItemKind.BONUS.value else "cost_deduction"
        figure = t(lang, key, points=line.points)
    capped = t(lang, "as_capped", raw=line.raw_points) if line.capped else ""
    return f"• {label}：{figure}{capped}" if lang == "zh" else f"• {label}: {figure}{capped}"


def _money_lines(lang: str, result: Assessment) -> list[str]:
    m = result.money
    out = []
    if m.fee_deduction is not None:
        parts = ""
        if m.score_deduction is not None and m.item_amounts:
            parts = t(lang, "as_fee_parts", score_part=m.score_deduction, items=m.item_amounts)
        out.append(t(lang, "as_fee", amount=m.fee_deduction) + parts)
    if m.payout_ratio is not None:
        out.append(t(lang, "as_payout", ratio=m.payout_ratio * HUNDRED))
    if m.pool_year_ratio is not None and m.pool_year_average is not None:
        ratio = m.pool_year_ratio * HUNDRED
        out.append(
            t(lang, "as_pool_year", year=m.pool_year, average=m.pool_year_average, ratio=ratio)
            + lacking_text(lang, m.pool_year_lacking)
        )
    if m.deposit_refund_ratio is not None:
        amount = m.deposit_refund_amount if m.deposit_refund_amount is not None else "—"
        out.append(
            t(lang, "as_deposit", ratio=m.deposit_refund_ratio * HUNDRED, amount=amount)
            + lacking_text(lang, m.deposit_lacking)
        )
    out.extend(t(lang, "as_note", text=note.get(lang)) for note in m.notes)
    return out


def _score_head(lang: str, figures: PeriodFigures) -> list[str]:
    result = figures.standing.assessment
    if result.score is None:
        if figures.standing.book.score is None:
            return []  # a scheme without a score (004): its money and measurements follow
        lacking = [c.label.get(lang) for c in result.components if c.score is None]
        missing = "; ".join(lacking or [m.get(lang) for m in result.missing]) or "—"
        return [t(lang, "as_score_none", missing=missing)]
    if result.provisional:
        state = t(lang, "as_open")
    elif figures.open_disputes:
        state = t(lang, "as_disputed", count=len(figures.open_disputes))
    else:
        state = t(lang, "as_final")
    head = [t(lang, "as_score", score=result.score, max=result.max_score or "—", state=state)]
    if result.grade is not None:
        head.append(t(lang, "as_grade", grade=result.grade))
    if result.points_deducted or result.points_added:
        head.append(
            t(lang, "as_points", deducted=result.points_deducted, added=result.points_added)
        )
    return head


def _components(lang: str, result: Assessment) -> list[str]:
    if len(result.components) < 2 and all(c.type == "card" for c in result.components):
        return []
    return [
        t(
            lang,
            "as_component",
            label=c.label,
            weight=c.weight * HUNDRED,
            score=score_text(c.score) if c.score is not None else t(lang, "as_no_data"),
        )
        for c in result.components
    ]


def _warnings(lang: str, result: Assessment) -> list[str]:
    return (
        [
            t(
                lang,
                "as_warning_triggered" if w.level == TRIGGERED else "as_warning_at_risk",
                label=w.label,
                periods=list(w.periods),
            )
            + claim_text(lang, w)
            for w in result.warnings
        ]
        + missing_lines(lang, result)
        + excluded_lines(lang, result)
    )


def _dispute_text(lang: str, book: Rulebook, found: Disputed, zone: ZoneInfo) -> str:
    staff = f" — {found.staff}" if found.staff else ""
    return t(
        lang,
        "as_dispute",
        dispute=found.dispute_id,
        entry=found.entry_id,
        item=book.item(found.item).label,
        staff=staff,
        when=found.occurred_at.astimezone(zone),
    )


def _sections_capped(lang: str, result: Assessment) -> list[str]:
    return [
        t(lang, "as_section_capped", section=s.label, points=s.deducted or s.added, cap=s.cap)
        for s in result.sections
        if s.capped and s.cap is not None
    ]


def period_message(
    lang: str,
    figures: PeriodFigures,
    zone: ZoneInfo,
    *,
    closing: bool,
    late_due: dt.datetime | None,
) -> str:
    """The assessment message (the table and chart follow as attachments)."""
    standing = figures.standing
    book, result = standing.book, standing.assessment
    head = [
        t(
            lang,
            "as_header",
            contract=standing.contract_id,
            title=book.title,
            period=result.period.label,
        )
    ]
    if late_due is not None:
        head.append(t(lang, "dg_late_note", due=late_due))
    head += _score_head(lang, figures) + _components(lang, result) + _money_lines(lang, result)
    head += _warnings(lang, result)
    tail = _tail(lang, figures, zone, closing=closing)
    counted = [ln for ln in result.lines if ln.count]
    body = [t(lang, "as_lines") if counted else t(lang, "as_no_lines")]
    body += [_line_text(lang, ln) for ln in counted]
    body += _sections_capped(lang, result)
    return _fit(head, body, tail, lang)


def _tail(lang: str, figures: PeriodFigures, zone: ZoneInfo, *, closing: bool) -> list[str]:
    book = figures.standing.book
    tail = []
    if figures.open_disputes:
        tail.append(t(lang, "as_disputes"))
        tail += [_dispute_text(lang, book, d, zone) for d in figures.open_disputes]
    tail += [adjustment_text(lang, a, zone) for a in figures.adjustments]
    tail += [
        t(lang, "as_changed", period=c.period, sent=score_text(c.sent), now=score_text(c.now))
        for c in figures.changed
    ]
    if closing:
        tail.append(t(lang, "as_closed_now"))
    elif figures.closed is not None:
        closed = figures.closed
        when = closed.closed_at.astimezone(zone)
        tail.append(t(lang, "as_closed_before", closed=when, sent=score_text(closed.score)))
    tail.append(t(lang, "as_attached"))
    return tail


def _fit(head: list[str], body: list[str], tail: list[str], lang: str) -> str:
    """Head, body and tail in one message: body lines dropped (and counted) if too long."""
    keep = len(body)
    while True:
        shown = body[:keep]
        if keep < len(body):
            shown.append(t(lang, "as_more_lines", count=len(body) - keep))
        text = "\n".join([*head, "", *shown, "", *tail])
        if len(text) <= MESSAGE_LIMIT or keep == 0:
            return text[:MESSAGE_LIMIT]
        keep -= 1


# -- the attachments ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent after the assessment message: its name and its caption."""

    filename: str
    caption: str


def attachments(lang: str, figures: PeriodFigures) -> tuple[Attachment, Attachment]:
    """The official table (.xlsx) and the chart (.png) of an assessment."""
    contract = figures.standing.contract_id
    period = figures.standing.assessment.period.label
    names = {"contract": contract, "period": period}
    count = min(len(figures.standing.history) + 1, CHART_PERIODS)
    return (
        Attachment(f"{contract}-{period}.xlsx", t(lang, "as_table_caption", **names)),
        Attachment(f"{contract}-{period}.png", t(lang, "as_chart_caption", count=count, **names)),
    )
