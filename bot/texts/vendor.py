"""The texts of /score, /deductions, /history and disputes, composed from
bot.texts.messages_vendor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.decisions import Decided
from bot.services.disputes import Opened
from bot.services.drafts import Cost, cost_of
from bot.services.findings import Case, Detail, Outcome
from bot.services.permissions import Action, Actor
from bot.services.scores import History, Ledger, Request, ScoreReport, contract_ref
from bot.texts.assessment_facts import claim_text, excluded_lines, lacking_text, missing_lines
from bot.texts.i18n import number, show, t
from bot.texts.messages_vendor import OUTCOME_LABELS
from bot.texts.reports import cost_text
from scoring.rulebook import ItemKind
from scoring.thresholds import describe, distances
from storage.dispute_queries import EntryView
from storage.models import Dispute, DisputeStatus

HUNDRED = Decimal(100)
LINE_TIME = "%m-%d %H:%M"


def local(moment: dt.datetime, timezone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(timezone))


def percent(ratio: Decimal) -> str:
    return number(ratio * HUNDRED)


# -- /score -----------------------------------------------------------------------------------


def score_text(lang: str, report: ScoreReport) -> str:
    """Score, points, money, grade, warnings, distances to the lines, and how final it is."""
    a, book = report.assessment, report.book
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
    if report.disputes:
        ids = [f"#{d.dispute.id}" for d in report.disputes]
        lines.append(t(lang, "score_disputes", count=len(ids), ids=ids))
    return "\n".join(lines)


def _status(lang: str, report: ScoreReport) -> str:
    period = report.assessment.period.label
    closed = report.closed
    if closed is not None:
        when = local(closed.closed_at, report.book.contract.timezone)
        if report.disputes:
            count = len(report.disputes)
            return t(lang, "score_closed_disputed", period=period, closed=when, count=count)
        return t(lang, "score_closed", period=period, closed=when)
    if report.assessment.provisional:
        return t(lang, "score_open", period=period)
    return t(lang, "score_over", period=period)


def _money(lang: str, report: ScoreReport) -> list[str]:
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


def state_text(lang: str, view: EntryView) -> str:
    return t(lang, f"state_{view.state.value}")


# -- /deductions ---------------------------------------------------------------------------------


def ledger_text(lang: str, ledger: Ledger, page: int, size: int) -> str:
    """One page of the period's findings, one line each."""
    views = ledger.views
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
    return "\n".join([header, *(entry_line(lang, ledger, v) for v in shown)])


def pages_of(count: int, size: int) -> int:
    return max(1, -(-count // size))


def entry_line(lang: str, ledger: Ledger, view: EntryView) -> str:
    """``#42 07-15 08:40 迟到 — 张三 ×1 扣 0.5 分 [异议中]``."""
    entry, book = view.entry, ledger.book
    item = book.item(entry.item)
    when = local(entry.occurred_at, book.contract.timezone).strftime(LINE_TIME)
    staff = f" — {entry.staff}" if entry.staff else ""
    cost = cost_of(book, item, view.value, view.quantity)
    figure = t(lang, "ded_not_counted") if view.voided else cost_short(lang, cost)
    photos = " 📷" if view.photos else ""
    quantity = f" ×{number(view.quantity)}"
    label = item.label.get(lang)
    return f"#{view.id} {when} {label}{staff}{quantity} {figure}{photos} [{state_text(lang, view)}]"


# -- one finding ----------------------------------------------------------------------------------


def case_lines(lang: str, case: Case, *, notes: bool, names: Mapping[int, str]) -> list[str]:
    """The finding: item and band, staff, value, quantity, time, cost, inspector, note."""
    view, item, book = case.view, case.item, case.book
    entry = view.entry
    cost = case.cost()
    tier = f" — {cost.tier.label.get(lang)}" if cost.tier is not None and cost.tier.label else ""
    lines = [f"{item.label.get(lang)}{tier}"]
    if entry.staff:
        lines.append(f"👤 {entry.staff}")
    if item.value is not None and view.value is not None:
        was = _was(lang, entry.value, view.value)
        lines.append(f"📏 {item.value.label.get(lang)}: {view.value}{was}")
    if view.quantity != 1 or entry.quantity != 1:
        was = _was(lang, number(entry.quantity), number(view.quantity))
        lines.append("🔢 " + t(lang, "quantity_n", quantity=view.quantity) + was)
    lines.append(f"🕒 {show(lang, local(entry.occurred_at, book.contract.timezone))}")
    lines.append("💰 " + cost_text(lang, cost, item) + _was_cost(lang, case))
    inspector = names.get(entry.reported_by_id or 0) or entry.inspector
    if inspector:
        lines.append(t(lang, "det_inspector", name=inspector))
    if entry.note and notes:
        lines.append(f"📝 {entry.note}")
    return lines


def _was(lang: str, old: str | None, new: str | None) -> str:
    return t(lang, "det_was", old=old) if old is not None and old != new else ""


def _was_cost(lang: str, case: Case) -> str:
    if not case.view.corrected:
        return ""
    return _was(lang, cost_short(lang, case.original_cost()), cost_short(lang, case.cost()))


def detail_text(lang: str, detail: Detail, now: dt.datetime) -> str:
    """The finding in full, its state, its dispute and its objection window."""
    case = detail.case
    lines = [t(lang, "det_title", entry=case.view.id, contract=case.contract_id)]
    lines += case_lines(lang, case, notes=detail.notes, names=detail.names)
    if case.view.photos:
        lines.append("📷 " + t(lang, "photos_n", count=case.view.photos))
    lines.append(t(lang, "det_state", state=state_text(lang, case.view)))
    dispute = case.view.dispute
    if dispute is not None:
        lines += dispute_lines(lang, dispute, case, detail.names)
    elif case.item.kind is not ItemKind.BONUS and not case.view.voided:
        key = "det_window_open" if now < case.deadline else "det_window_closed"
        lines.append(t(lang, key, last_day=case.last_day))
    return "\n".join(lines)


def dispute_lines(lang: str, dispute: Dispute, case: Case, names: Mapping[int, str]) -> list[str]:
    zone = case.book.contract.timezone
    opened = local(dispute.opened_at, zone)
    by = names.get(dispute.opened_by_id, "—")
    lines = [t(lang, "det_dispute", dispute=dispute.id, by=by, at=opened, reason=dispute.reason)]
    if dispute.status != DisputeStatus.OPEN.value and dispute.resolved_at is not None:
        lines.append(
            t(
                lang,
                "det_decision",
                outcome=OUTCOME_LABELS[DisputeStatus(dispute.status)],
                reason=dispute.resolution or "",
                by=names.get(dispute.resolved_by_id or 0, "—"),
                at=local(dispute.resolved_at, zone),
            )
        )
    return lines


# -- disputes --------------------------------------------------------------------------------


def dispute_card(lang: str, opened: Opened) -> str:
    """What each manager gets: who disputes what, why, and the finding in full."""
    case = opened.case
    detail = "\n".join(case_lines(lang, case, notes=True, names={}))
    return t(
        lang,
        "dsp_card",
        dispute=opened.dispute.id,
        contract=case.contract_id,
        by=opened.opener,
        entry=case.view.id,
        reason=opened.dispute.reason,
        detail=detail,
    )


def change_text(lang: str, decided: Decided) -> str:
    """``扣 0.5 分 → 扣 0.1 分``; ``it no longer counts``; ``it stands``."""
    before = cost_short(lang, decided.before)
    if decided.after is None:
        return t(lang, "change_withdrawn", cost=before)
    after = cost_short(lang, decided.after)
    if decided.dispute.status == DisputeStatus.ADJUSTED.value or after != before:
        return t(lang, "change_reduced", old=before, new=after)
    return t(lang, "change_upheld", cost=before)


def decision_text(lang: str, key: str, decided: Decided) -> str:
    """The decision for the manager, the vendor lead or the inspector (``key``)."""
    return t(
        lang,
        key,
        dispute=decided.dispute.id,
        entry=decided.case.view.id,
        item=decided.case.item,
        outcome=OUTCOME_LABELS[DisputeStatus(decided.dispute.status)],
        change=change_text(lang, decided),
        reason=decided.reason,
        by=decided.decider,
    )


# -- /history --------------------------------------------------------------------------------


def history_text(lang: str, history: History) -> str:
    """``2026-06: 99.5`` per period, oldest first; the running one marked provisional."""
    lines = [t(lang, "history_header", contract=history.contract_id, count=len(history.scores))]
    for label, score in history.scores:
        mark = t(lang, "history_provisional") if label == history.period.label else ""
        lines.append(f"{label}: {number(score) if score is not None else '—'}{mark}")
    return "\n".join(lines)


# -- buttons ----------------------------------------------------------------------------------

Rows = list[list[tuple[str, str]]]


def choice_rows(actor: Actor, ask: Action, prefix: str, request: Request) -> Rows:
    """One button per contract to choose from: ``prefix:REF[:PERIOD]``."""
    suffix = f":{request.period}" if request.period else ""
    return [[(c, f"{prefix}:{contract_ref(actor, ask, c)}{suffix}")] for c in request.choices]


def decision_rows(lang: str, dispute_id: int) -> Rows:
    """Uphold / Withdraw / Reduce under a dispute (``dsp:u:7`` …)."""
    return [
        [
            (t(lang, "button_uphold"), f"dsp:{Outcome.UPHOLD.value}:{dispute_id}"),
            (t(lang, "button_withdraw"), f"dsp:{Outcome.WITHDRAW.value}:{dispute_id}"),
            (t(lang, "button_reduce"), f"dsp:{Outcome.REDUCE.value}:{dispute_id}"),
        ]
    ]
