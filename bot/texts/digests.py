"""Digest figures as the messages managers read, in their language; the replies to their
subscriptions, to /schedule and to their decisions on late reports.

Pure: figures and views (bot.services.digests) in, text out. A Telegram message holds at most
MESSAGE_LIMIT characters: long lists are cut with a line saying how many were left out
(the attached table always has everything).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.digests.content import (
    Adjustment,
    DailyFigures,
    ReportLine,
    Standing,
)
from bot.services.digests.schedule import Occurrence, Schedule
from bot.services.digests.subscriptions import Choice
from bot.services.digests.timetable import Timetable
from bot.services.drafts import Cost
from bot.services.late_decisions import LateDecided
from bot.services.late_reports import LateRequest
from bot.texts.assessment_facts import claim_text, excluded_lines, lacking_text, missing_lines
from bot.texts.i18n import number, show, t
from scoring.rulebook import Item, ItemKind, Rulebook
from scoring.thresholds import describe

MESSAGE_LIMIT = 4096
# Reports listed per contract in a daily digest; the rest are counted.
REPORT_LINES = 20
HUNDRED = Decimal(100)
TRIGGERED = "triggered"


def score_text(score: Decimal | None) -> str:
    return "—" if score is None else number(score)


def change_text(lang: str, before: Decimal | None, now: Decimal | None) -> str:
    """``−0.3``, ``+1``, or "unchanged"."""
    if before is None or now is None or before == now:
        return t(lang, "dg_unchanged")
    delta = now - before
    return ("+" if delta > 0 else "−") + number(abs(delta))


def cost_short(lang: str, cost: Cost, item: Item) -> str:
    """What one report costs, briefly: ``扣 0.5 分``, ``200 元``, ``target met``."""
    if cost.kind in (ItemKind.DEDUCTION, ItemKind.BONUS) and cost.points is not None:
        key = "cost_deduction" if cost.kind is ItemKind.DEDUCTION else "cost_bonus"
        return t(lang, key, points=cost.points)
    if cost.kind is ItemKind.FEE and cost.amount is not None:
        return t(lang, "cost_fee", amount=cost.amount)
    if cost.kind is ItemKind.KPI and item.kpi is not None:
        if cost.kpi_met:
            return t(lang, "cost_kpi_met")
        period = t(lang, f"kpi_{item.kpi.period.value}")
        return t(lang, "cost_kpi_miss", amount=cost.amount or Decimal(0), period=period)
    return t(lang, "cost_none")


def item_text(lang: str, item: Item, staff: str | None, value: str | None) -> str:
    """``迟到 — 张三 (25)``."""
    text = item.label.get(lang)
    if staff:
        text += f" — {staff}"
    if value is not None and item.value is not None:
        text += f" ({value})"
    return text


def times_text(quantity: Decimal) -> str:
    return "" if quantity == 1 else f" ×{number(quantity)}"


# -- the daily digest ----------------------------------------------------------------------


def report_text(lang: str, report: ReportLine) -> str:
    by = f" — {t(lang, 'dg_by', name=report.inspector)}" if report.inspector else ""
    what = item_text(lang, report.item, report.staff, report.value) + times_text(report.quantity)
    when = f"{report.at:%m-%d %H:%M}"
    return f"• {when} {what}{by} — {cost_short(lang, report.cost, report.item)}"


def _score_lines(lang: str, figures: DailyFigures) -> list[str]:
    result = figures.standing.assessment
    period = result.period.label
    facts = missing_lines(lang, result) + excluded_lines(lang, result)
    lines: list[str]
    if result.score is None and figures.standing.book.score is not None:
        lacking = [c.label.get(lang) for c in result.components if c.score is None]
        missing = "; ".join(lacking or [m.get(lang) for m in result.missing]) or "—"
        return [t(lang, "dg_score_none", period=period, missing=missing), *facts]
    if result.score is None:
        lines = []  # a scheme without a score (004): its money and measurements follow
    elif figures.before == result.score:
        lines = [t(lang, "dg_score_same", period=period, score=result.score)]
    else:
        change = change_text(lang, figures.before, result.score)
        lines = [t(lang, "dg_score", period=period, score=result.score, change=change)]
    money = result.money
    if money.fee_deduction is not None:
        lines.append(t(lang, "dg_fee", amount=money.fee_deduction))
    if money.payout_ratio is not None:
        lines.append(t(lang, "dg_payout", ratio=money.payout_ratio * HUNDRED))
    if money.pool_year_ratio is not None and money.pool_year_lacking:
        lines.append(
            t(lang, "dg_pool_year", year=money.pool_year, average=money.pool_year_average)
            + lacking_text(lang, money.pool_year_lacking)
        )
    return lines + facts


def stakes_lines(lang: str, standing: Standing) -> list[str]:
    """Triggered warnings, what this period decides, and the nearest lines."""
    result = standing.assessment
    out = [
        t(lang, "dg_triggered", label=w.label) + claim_text(lang, w)
        for w in result.warnings
        if w.level == TRIGGERED and result.provisional
    ]
    for risk in standing.risks:
        before = (
            t(lang, "dg_risk_before", periods=list(risk.below_before)) if risk.below_before else ""
        )
        label = risk.label
        out.append(
            t(
                lang,
                "dg_risk",
                period=result.period.label,
                line=risk.line,
                label=label,
                before=before,
            )
        )
    out.extend(t(lang, "dg_line", text=describe(d, lang)) for d in standing.lines)
    return out


def adjustment_text(lang: str, adjustment: Adjustment, zone: ZoneInfo) -> str:
    late = adjustment.late
    what = item_text(lang, adjustment.item, late.staff, late.value) + times_text(late.quantity)
    what += f", {show(lang, late.occurred_at.astimezone(zone))}"
    return t(
        lang,
        "dg_adjustment",
        request=late.id,
        what=what,
        period=late.period,
        cost=cost_short(lang, adjustment.cost, adjustment.item),
        sent=score_text(adjustment.sent),
        now=score_text(adjustment.now),
    )


def contract_daily(lang: str, figures: DailyFigures, zone: ZoneInfo) -> str:
    """One contract's part of a daily digest (one line on a quiet day)."""
    standing = figures.standing
    result = standing.assessment
    contract = standing.contract_id
    quiet = figures.quiet and not result.missing and not result.excluded
    if quiet and figures.before == result.score and result.score is not None:
        return t(
            lang, "dg_quiet", contract=contract, period=result.period.label, score=result.score
        )
    lines = [t(lang, "dg_contract", contract=contract, title=standing.book.title)]
    if figures.reports:
        lines.append(t(lang, "dg_reports", count=len(figures.reports)))
        lines.extend(report_text(lang, r) for r in figures.reports[:REPORT_LINES])
        hidden = len(figures.reports) - REPORT_LINES
        if hidden > 0:
            lines.append(t(lang, "dg_more_reports", count=hidden, contract=contract))
    else:
        lines.append(t(lang, "dg_no_reports"))
    lines.extend(adjustment_text(lang, a, zone) for a in figures.adjustments)
    lines.extend(_score_lines(lang, figures))
    lines.extend(stakes_lines(lang, standing))
    if figures.open_disputes:
        lines.append(t(lang, "dg_disputes", count=figures.open_disputes))
    return "\n".join(lines)


def daily_message(
    lang: str,
    parts: Sequence[tuple[DailyFigures, ZoneInfo]],
    *,
    late_due: dt.datetime | None,
) -> list[str]:
    """One message for all of a manager's contracts (split only when it is too long)."""
    day = parts[0][0].day.isoformat()
    head = [t(lang, "dg_daily_header", day=day)]
    if late_due is not None:
        head.append(t(lang, "dg_late_note", due=late_due))
    sections = [contract_daily(lang, figures, zone) for figures, zone in parts]
    return pack("\n".join(head), sections)


def pack(head: str, sections: Sequence[str]) -> list[str]:
    """The head and sections in as few messages as fit MESSAGE_LIMIT, sections kept whole."""
    messages: list[str] = []
    current = head
    for section in sections:
        section = section[: MESSAGE_LIMIT - len(head) - 2]
        candidate = f"{current}\n\n{section}"
        if len(candidate) > MESSAGE_LIMIT:
            messages.append(current)
            candidate = f"{head}\n\n{section}"
        current = candidate
    messages.append(current)
    return messages


# -- reminders, late reports, schedules ---------------------------------------------------------


def reminder_message(lang: str, day: str, contracts: Sequence[str]) -> str:
    return t(lang, "reminder_text", day=day, contracts=list(contracts))


def late_what(lang: str, book: Rulebook, late: LateRequest) -> str:
    return item_text(lang, book.item(late.item), late.staff, late.value) + times_text(late.quantity)


def late_request_message(
    lang: str, book: Rulebook, late: LateRequest, cost: Cost, sent: Decimal | None, zone: ZoneInfo
) -> str:
    extra = t(lang, "late_photos", count=late.photo_count) if late.photo_count else ""
    if late.note:
        extra += t(lang, "late_note", note=late.note)
    return t(
        lang,
        "late_request",
        request=late.id,
        contract=late.contract_id,
        period=late.period,
        sent=score_text(sent),
        inspector=late.inspector or "—",
        what=late_what(lang, book, late),
        when=late.occurred_at.astimezone(zone),
        cost=cost_short(lang, cost, book.item(late.item)),
        extra=extra,
    )


def schedule_message(
    lang: str, contract: str, zone: str, schedule: Schedule, upcoming: Sequence[Occurrence]
) -> str:
    off = t(lang, "sch_off")
    daily = off if schedule.daily is None else f"{schedule.daily:%H:%M}"
    period = (
        off
        if schedule.assessment_time is None
        else t(
            lang,
            "sch_assessment",
            day=schedule.assessment_day,
            time=f"{schedule.assessment_time:%H:%M}",
        )
    )
    days = t(lang, f"sch_days_{schedule.reminder_days}")
    reminder = (
        off
        if schedule.reminder is None
        else t(lang, "sch_reminder", time=f"{schedule.reminder:%H:%M}", days=days)
    )
    lines = [t(lang, "sch_next", kind=t(lang, f"kind_{o.kind}"), when=o.due) for o in upcoming]
    return t(
        lang,
        "sch_show",
        contract=contract,
        zone=zone,
        daily=daily,
        period=period,
        reminder=reminder,
        next="\n".join(lines) or t(lang, "sch_none"),
    )


def timetable_text(found: Timetable) -> str:
    """/schedule's reply: the times (said to be new when the request changed them)."""
    lang = found.lang
    text = schedule_message(lang, found.contract_id, found.timezone, found.schedule, found.upcoming)
    return t(lang, "sch_set") + "\n" + text if found.changed else text


# -- subscriptions ----------------------------------------------------------------------------


def subscription_line(lang: str, choice: Choice) -> str:
    """``A：每日简报 开，考核结果 关``."""
    mark = {True: t(lang, "sub_on"), False: t(lang, "sub_off")}
    return t(
        lang,
        "sub_line",
        contract=choice.contract,
        daily=mark[choice.daily],
        period=mark[choice.period],
    )


def subscriptions_text(lang: str, choices: Sequence[Choice]) -> str:
    """The panel's text: the person's digests on each contract."""
    return "\n".join([t(lang, "sub_header"), *(subscription_line(lang, c) for c in choices)])


def subscription_buttons(lang: str, choice: Choice) -> tuple[str, str]:
    """The labels of the two switches of a contract: its daily digest, its assessment."""
    mark = {True: t(lang, "sub_on"), False: t(lang, "sub_off")}
    return (
        t(lang, "sub_button_daily", contract=choice.contract, mark=mark[choice.daily]),
        t(lang, "sub_button_period", contract=choice.contract, mark=mark[choice.period]),
    )


def subscriptions_changed(lang: str, choices: Sequence[Choice]) -> str:
    """/subscribe's or /unsubscribe's reply: the digests now, on each contract named."""
    return t(lang, "sub_done", line="\n".join(subscription_line(lang, c) for c in choices))


# -- decisions on late reports ------------------------------------------------------------------


def late_outcome(lang: str, found: LateDecided) -> str:
    """Who decided the late report, and (approved) the period's score as sent and as now."""
    late = found.request
    if not found.decided_now:
        status = t(lang, f"late_status_{late.status}")
        return t(lang, "late_already", request=late.id, name=found.by, status=status)
    if late.approved:
        return t(
            lang,
            "late_approved_by",
            name=found.by,
            entry=late.entry_id,
            period=late.period,
            sent=score_text(found.sent),
            now=score_text(found.now),
        )
    return t(lang, "late_rejected_by", name=found.by)


def late_copy_text(lang: str, found: LateDecided) -> str:
    """Another manager's copy of the request, decided: the request and its outcome."""
    request = late_request_message(
        lang, found.book, found.request, found.cost, found.sent, found.zone
    )
    return request + "\n\n" + late_outcome(lang, found)


def late_told_text(lang: str, found: LateDecided) -> str:
    """What the inspector who reported is told."""
    late = found.request
    return t(
        lang,
        "late_told_approved" if late.approved else "late_told_rejected",
        period=late.period,
        request=late.id,
        what=late_what(lang, found.book, late),
        name=found.by,
        entry=late.entry_id or "—",
    )
