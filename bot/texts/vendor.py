"""The texts of /score, /deductions, /history and disputes, composed from
bot.texts.messages_vendor; they read the plain views of bot.services.vendor_views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.drafts import Cost
from bot.services.findings import OUTCOME_LABELS, STATUS_OF, Outcome
from bot.services.vendor_views import (
    Choosing,
    DecisionAsked,
    DecisionMade,
    DetailView,
    DisputeOpened,
    DisputeView,
    FindingView,
    HistoryView,
    LedgerView,
    ScoreView,
)
from bot.texts.assessment_facts import claim_text, excluded_lines, lacking_text, missing_lines
from bot.texts.i18n import number, show, t
from bot.texts.reports import cost_text, example_value
from scoring.rulebook import ItemKind
from scoring.thresholds import describe, distances
from storage.models import DisputeStatus

HUNDRED = Decimal(100)
LINE_TIME = "%m-%d %H:%M"


def local(moment: dt.datetime, timezone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(timezone))


def percent(ratio: Decimal) -> str:
    return number(ratio * HUNDRED)


# -- /score -----------------------------------------------------------------------------------


def score_text(report: ScoreView) -> str:
    """Score, points, money, grade, warnings, distances to the lines, and how final it is."""
    lang, a, book = report.lang, report.assessment, report.book
    lines = [t(lang, "score_title", contract=report.contract_id, title=book.title)]
    lines.append(_status(lang, report))
    if a.score is not None:
        lines.append(t(lang, "score_value", score=a.score, max=a.max_score or ""))
    elif book.score is not None:
        lacking = [c.label for c in a.components if c.score is None] or list(a.missing)
        lines.append(t(lang, "score_none", missing=lacking))
    lines.append(t(lang, "score_points", deducted=a.points_deducted, added=a.points_added))
    lines.extend(_money(lang, report))
    if a.grade is not None:
        lines.append(t(lang, "score_grade", grade=a.grade))
    for warning in a.warnings:
        lines.append(
            t(lang, "score_warning", label=warning.label, periods=list(warning.periods))
            + claim_text(lang, warning)
        )
    lines.extend(missing_lines(lang, a) + excluded_lines(lang, a))
    # The score as written (99.4, not 99.40), so that distances read "19.4 points above".
    if a.score is not None and (found := distances(book, Decimal(number(a.score)))):
        lines.append(t(lang, "score_distances"))
        lines.extend(f"  · {describe(d, lang)}" for d in found)
    if report.open_disputes:
        ids = [f"#{dispute}" for dispute in report.open_disputes]
        lines.append(t(lang, "score_disputes", count=len(ids), ids=ids))
    return "\n".join(lines)


def _status(lang: str, report: ScoreView) -> str:
    period = report.assessment.period.label
    if report.closed_at is not None:
        when = local(report.closed_at, report.book.contract.timezone)
        if report.open_disputes:
            count = len(report.open_disputes)
            return t(lang, "score_closed_disputed", period=period, closed=when, count=count)
        return t(lang, "score_closed", period=period, closed=when)
    if report.assessment.provisional:
        return t(lang, "score_open", period=period)
    return t(lang, "score_over", period=period)


def _money(lang: str, report: ScoreView) -> list[str]:
    money = report.assessment.money
    out = []
    if money.fee_deduction is not None:
        out.append(t(lang, "score_fee", amount=money.fee_deduction))
    if money.payout_ratio is not None:
        amount = money.payout_amount
        extra = t(lang, "score_payout_amount", amount=amount) if amount is not None else ""
        out.append(t(lang, "score_payout", ratio=percent(money.payout_ratio)) + extra)
    if money.pool_year_ratio is not None and money.pool_year_average is not None:
        ratio = percent(money.pool_year_ratio)
        average, year = money.pool_year_average, money.pool_year or ""
        out.append(
            t(lang, "score_pool_year", average=average, ratio=ratio, year=year)
            + lacking_text(lang, money.pool_year_lacking)
        )
    if money.deposit_refund_ratio is not None:
        out.append(
            t(lang, "score_deposit", ratio=percent(money.deposit_refund_ratio))
            + lacking_text(lang, money.deposit_lacking)
        )
    return out


# -- costs and states --------------------------------------------------------------------------


def cost_short(lang: str, cost: Cost) -> str:
    """``扣 0.5 分`` / ``0.5 points``, ``300 元``; a met KPI target: ``达标``."""
    if cost.points is not None:
        key = "short_bonus" if cost.kind is ItemKind.BONUS else "short_points"
        return t(lang, key, points=cost.points)
    if cost.kind is ItemKind.KPI and cost.kpi_met:
        return t(lang, "ded_kpi_met")
    return t(lang, "short_amount", amount=cost.amount or Decimal(0))


def state_text(lang: str, finding: FindingView) -> str:
    return t(lang, f"state_{finding.state.value}")


# -- /deductions ---------------------------------------------------------------------------------


def ledger_text(ledger: LedgerView, page: int, size: int) -> str:
    """One page of the period's findings, one line each."""
    lang, views = ledger.lang, ledger.findings
    if not views:
        return t(lang, "ded_empty", contract=ledger.contract_id, period=ledger.period.label)
    pages = pages_of(len(views), size)
    header = t(
        lang,
        "ded_header",
        contract=ledger.contract_id,
        period=ledger.period.label,
        count=len(views),
        page=page + 1,
        pages=pages,
    )
    shown = views[page * size : (page + 1) * size]
    return "\n".join([header, *(entry_line(lang, v) for v in shown)])


def pages_of(count: int, size: int) -> int:
    return max(1, -(-count // size))


def entry_line(lang: str, finding: FindingView) -> str:
    """``#42 07-15 08:40 迟到 — 张三 ×1 扣 0.5 分 [异议中]``."""
    when = local(finding.occurred_at, finding.timezone).strftime(LINE_TIME)
    staff = f" — {finding.staff}" if finding.staff else ""
    figure = t(lang, "ded_not_counted") if finding.voided else cost_short(lang, finding.cost)
    photos = " 📷" if finding.photos else ""
    quantity = f" ×{number(finding.quantity)}"
    label = finding.item.label.get(lang)
    state = state_text(lang, finding)
    return f"#{finding.id} {when} {label}{staff}{quantity} {figure}{photos} [{state}]"


# -- one finding ----------------------------------------------------------------------------------


def case_lines(lang: str, finding: FindingView, names: Mapping[int, str]) -> list[str]:
    """The finding: item and band, staff, value, quantity, time, cost, inspector, note (when
    the viewer may read it, the view has it)."""
    item, cost = finding.item, finding.cost
    tier = f" — {cost.tier.label.get(lang)}" if cost.tier is not None and cost.tier.label else ""
    lines = [f"{item.label.get(lang)}{tier}"]
    if finding.staff:
        lines.append(f"👤 {finding.staff}")
    if item.value is not None and finding.value is not None:
        was = _was(lang, finding.recorded_value, finding.value)
        lines.append(f"📏 {item.value.label.get(lang)}: {finding.value}{was}")
    if finding.quantity != 1 or finding.recorded_quantity != 1:
        was = _was(lang, number(finding.recorded_quantity), number(finding.quantity))
        lines.append("🔢 " + t(lang, "quantity_n", quantity=finding.quantity) + was)
    lines.append(f"🕒 {show(lang, local(finding.occurred_at, finding.timezone))}")
    lines.append("💰 " + cost_text(lang, cost, item) + _was_cost(lang, finding))
    inspector = names.get(finding.reported_by_id or 0) or finding.inspector
    if inspector:
        lines.append(t(lang, "det_inspector", name=inspector))
    if finding.note:
        lines.append(f"📝 {finding.note}")
    return lines


def _was(lang: str, old: str | None, new: str | None) -> str:
    return t(lang, "det_was", old=old) if old is not None and old != new else ""


def _was_cost(lang: str, finding: FindingView) -> str:
    if not finding.corrected:
        return ""
    return _was(lang, cost_short(lang, finding.recorded_cost), cost_short(lang, finding.cost))


def detail_text(detail: DetailView) -> str:
    """The finding in full, its state, its dispute and its objection window."""
    lang, finding = detail.lang, detail.finding
    lines = [t(lang, "det_title", entry=finding.id, contract=finding.contract_id)]
    lines += case_lines(lang, finding, detail.names)
    if finding.photos:
        lines.append("📷 " + t(lang, "photos_n", count=finding.photos))
    lines.append(t(lang, "det_state", state=state_text(lang, finding)))
    dispute = finding.dispute
    if dispute is not None:
        lines += dispute_lines(lang, dispute, finding.timezone, detail.names)
    elif finding.item.kind is not ItemKind.BONUS and not finding.voided:
        key = "det_window_open" if detail.window_open else "det_window_closed"
        lines.append(t(lang, key, last_day=detail.last_day))
    return "\n".join(lines)


def dispute_lines(
    lang: str, dispute: DisputeView, zone: str, names: Mapping[int, str]
) -> list[str]:
    opened = local(dispute.opened_at, zone)
    by = names.get(dispute.opened_by_id, "—")
    lines = [t(lang, "det_dispute", dispute=dispute.id, by=by, at=opened, reason=dispute.reason)]
    if not dispute.open and dispute.resolved_at is not None:
        lines.append(
            t(
                lang,
                "det_decision",
                outcome=OUTCOME_LABELS[dispute.status],
                reason=dispute.resolution or "",
                by=names.get(dispute.resolved_by_id or 0, "—"),
                at=local(dispute.resolved_at, zone),
            )
        )
    return lines


# -- disputes --------------------------------------------------------------------------------


def dispute_card(lang: str, opened: DisputeOpened) -> str:
    """What each manager gets: who disputes what, why, and the finding in full."""
    finding = opened.finding
    detail = "\n".join(case_lines(lang, finding, {}))
    return t(
        lang,
        "dsp_card",
        dispute=opened.dispute.id,
        contract=finding.contract_id,
        by=opened.opener,
        entry=finding.id,
        reason=opened.dispute.reason,
        detail=detail,
    )


def dispute_opened_text(opened: DisputeOpened, reached: int, *, in_app: bool = False) -> str:
    """What the vendor lead is told: the dispute sent to ``reached`` managers (or to none);
    in chat photos may follow, in the Mini App they came with it."""
    lang = opened.lang
    text = t(
        lang,
        "dispute_opened_in_app" if in_app else "dispute_opened",
        dispute=opened.dispute.id,
        entry=opened.finding.id,
        item=opened.finding.item,
        count=reached,
    )
    if not reached:
        text += "\n" + t(lang, "dispute_no_manager")
    return text


def decision_prompt(asked: DecisionAsked) -> str:
    """Ask for the reason; for a reduction, for the new value or quantity first."""
    lang, finding = asked.lang, asked.finding
    if asked.outcome is not Outcome.REDUCE:
        outcome = OUTCOME_LABELS[STATUS_OF[asked.outcome]]
        return t(lang, "decide_ask_reason", dispute=asked.dispute_id, outcome=outcome)
    item = finding.item
    what = item.value.label.get(lang) if item.value is not None else t(lang, "reduce_what_quantity")
    current = cost_short(lang, finding.cost)
    if item.value is not None and finding.value is not None:
        current = f"{item.value.label.get(lang)} {finding.value} → {current}"
    example = number(example_value(item)) if item.value is not None else "1"
    return t(
        lang, "reduce_ask", dispute=asked.dispute_id, current=current, what=what, example=example
    )


def change_text(lang: str, decided: DecisionMade) -> str:
    """``扣 0.5 分 → 扣 0.1 分``; ``it no longer counts``; ``it stands``."""
    before = cost_short(lang, decided.before)
    if decided.after is None:
        return t(lang, "change_withdrawn", cost=before)
    after = cost_short(lang, decided.after)
    if decided.status is DisputeStatus.ADJUSTED or after != before:
        return t(lang, "change_reduced", old=before, new=after)
    return t(lang, "change_upheld", cost=before)


def decision_text(lang: str, key: str, decided: DecisionMade) -> str:
    """The decision for the manager, the vendor lead or the inspector (``key``)."""
    return t(
        lang,
        key,
        dispute=decided.dispute_id,
        entry=decided.entry_id,
        item=decided.item,
        outcome=OUTCOME_LABELS[decided.status],
        change=change_text(lang, decided),
        reason=decided.reason,
        by=decided.decider,
    )


# -- /history --------------------------------------------------------------------------------


def history_text(history: HistoryView) -> str:
    """``2026-06: 99.5`` per period, oldest first; the running one marked provisional."""
    lang = history.lang
    lines = [t(lang, "history_header", contract=history.contract_id, count=len(history.scores))]
    for label, score in history.scores:
        mark = t(lang, "history_provisional") if label == history.period else ""
        lines.append(f"{label}: {number(score) if score is not None else '—'}{mark}")
    return "\n".join(lines)


# -- buttons ----------------------------------------------------------------------------------

Rows = list[list[tuple[str, str]]]


def choice_rows(prefix: str, choosing: Choosing) -> Rows:
    """One button per contract to choose from: ``prefix:REF[:PERIOD]``."""
    suffix = f":{choosing.period}" if choosing.period else ""
    return [[(contract, f"{prefix}:{ref}{suffix}")] for contract, ref in choosing.options]


def decision_rows(lang: str, dispute_id: int) -> Rows:
    """Uphold / Withdraw / Reduce under a dispute (``dsp:u:7`` …)."""
    return [
        [
            (t(lang, "button_uphold"), f"dsp:{Outcome.UPHOLD.value}:{dispute_id}"),
            (t(lang, "button_withdraw"), f"dsp:{Outcome.WITHDRAW.value}:{dispute_id}"),
            (t(lang, "button_reduce"), f"dsp:{Outcome.REDUCE.value}:{dispute_id}"),
        ]
    ]
