"""Views of an Assessment that need no recomputation: JSON-ready data and plain text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.assessment import Assessment, Warning
from scoring.ranges import RangeAssessment
from scoring.rulebook import Label, Rulebook


def exact(value: Decimal | None) -> str | None:
    """Exact decimal as a JSON string (no float rounding), or None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def label_data(label: Label | None) -> dict[str, str] | None:
    return None if label is None else {"zh": label.zh, "en": label.en}


def to_data(a: Assessment) -> dict[str, Any]:
    """The assessment as JSON-ready data; numbers are exact decimal strings."""
    m = a.money
    return {
        "contract": a.contract,
        "rulebook_version": a.rulebook_version,
        "period": {
            "label": a.period.label,
            "start": a.period.start.isoformat(),
            "end": a.period.end.isoformat(),
            "timezone": a.period.timezone,
        },
        "term": None
        if a.term is None
        else {
            "from": a.term.first.isoformat(),
            "to": a.term.last.isoformat(),
            "clause": a.term.clause,
        },
        "score": exact(a.score),
        "max_score": exact(a.max_score),
        "points_deducted": exact(a.points_deducted),
        "points_added": exact(a.points_added),
        "complete": a.complete,
        "provisional": a.provisional,
        "events_counted": a.events_counted,
        "lines": [
            {
                "code": ln.code,
                "label": label_data(ln.label),
                "kind": ln.kind,
                "section": ln.section,
                "card": ln.card,
                "clause": ln.clause,
                "count": ln.count,
                "quantity": exact(ln.quantity),
                "raw_points": exact(ln.raw_points),
                "points": exact(ln.points),
                "capped": ln.capped,
                "capped_by": list(ln.capped_by),
                "amount": exact(ln.amount),
                "misses": ln.misses,
            }
            for ln in a.lines
        ],
        "sections": [
            {
                "code": s.code,
                "label": label_data(s.label),
                "card": s.card,
                "depth": s.depth,
                "cap": exact(s.cap),
                "deducted_raw": exact(s.deducted_raw),
                "deducted": exact(s.deducted),
                "added_raw": exact(s.added_raw),
                "added": exact(s.added),
                "capped": s.capped,
            }
            for s in a.sections
        ],
        "components": [
            {
                "code": c.code,
                "label": label_data(c.label),
                "type": c.type,
                "weight": exact(c.weight),
                "score": exact(c.score),
                "points_deducted": exact(c.points_deducted),
                "points_added": exact(c.points_added),
                "detail": c.detail,
            }
            for c in a.components
        ],
        "money": {
            "currency": m.currency,
            "fee_deduction": exact(m.fee_deduction),
            "payout_ratio": exact(m.payout_ratio),
            "pool_amount": exact(m.pool_amount),
            "payout_amount": exact(m.payout_amount),
            "score_deduction": exact(m.score_deduction),
            "item_amounts": exact(m.item_amounts),
            "period_payment": exact(m.period_payment),
            "pool_year": m.pool_year,
            "pool_year_average": exact(m.pool_year_average),
            "pool_year_ratio": exact(m.pool_year_ratio),
            "pool_year_provisional": bool(m.pool_year_lacking),
            "pool_year_lacking": list(m.pool_year_lacking),
            "deposit_refund_ratio": exact(m.deposit_refund_ratio),
            "deposit_refund_amount": exact(m.deposit_refund_amount),
            "deposit_provisional": bool(m.deposit_lacking),
            "deposit_lacking": list(m.deposit_lacking),
            "notes": [label_data(n) for n in m.notes],
        },
        "grade": label_data(a.grade),
        "warnings": [_warning(w) for w in a.warnings],
        "missing": [label_data(x) for x in a.missing],
        "missing_inputs": [
            {"code": x.code, "period": x.period, "label": label_data(x.label)}
            for x in a.missing_inputs
        ],
        "excluded": [
            {"reason": x.reason, "count": x.count, "label": label_data(x.label)} for x in a.excluded
        ],
    }


def _warning(w: Warning) -> dict[str, Any]:
    return {
        "code": w.code,
        "level": w.level,
        "label": label_data(w.label),
        "clause": w.clause,
        "periods": list(w.periods),
        "amount": exact(w.amount),
        "amount_max": exact(w.amount_max),
        "amount_note": label_data(w.amount_note),
        "records": w.records,
    }


def range_data(r: RangeAssessment) -> dict[str, Any]:
    """A range as JSON-ready data: each period in full, then what they come to together."""
    return {
        "contract": r.contract,
        "range": {
            "label": r.period.label,
            "start": r.period.start.isoformat(),
            "end": r.period.end.isoformat(),
            "timezone": r.period.timezone,
        },
        "periods": [to_data(a) for a in r.parts],
        "combined": {
            "scores": {a.period.label: exact(a.score) for a in r.parts},
            "score_mean": exact(r.score_mean),
            "fee_deductions": {a.period.label: exact(a.money.fee_deduction) for a in r.parts},
            "fee_deduction_sum": exact(r.fee_deduction_sum),
            "item_amounts_sum": exact(r.item_amounts_sum),
            "payout_ratio_of_mean": exact(r.payout_ratio_of_mean),
            "rule": label_data(r.rule),
            "rule_clause": r.rule_clause,
        },
        "complete": r.complete,
        "provisional": r.provisional,
        "excluded": [
            {"reason": x.reason, "count": x.count, "label": label_data(x.label)} for x in r.excluded
        ],
        "warnings": [_warning(w) for w in r.warnings],
    }


_TEXT = {
    "title": {"zh": "考核结果", "en": "Assessment"},
    "score": {"zh": "得分", "en": "Score"},
    "provisional": {"zh": "（本期未结束，暂定）", "en": " (period still open: provisional)"},
    "incomplete": {"zh": "数据不全", "en": "Incomplete"},
    "deducted": {"zh": "扣分", "en": "Deducted"},
    "added": {"zh": "加分", "en": "Added"},
    "fee": {"zh": "扣减服务费", "en": "Fee deduction"},
    "payout": {"zh": "绩效金支付比例", "en": "Payout ratio"},
    "deposit": {"zh": "履约保证金退还", "en": "Deposit refund"},
    "pool_year": {"zh": "年度平均分及支付比例", "en": "Year's mean score and payout"},
    "grade": {"zh": "等次", "en": "Grade"},
    "warnings": {"zh": "预警", "en": "Warnings"},
    "lines": {"zh": "扣分明细", "en": "Lines"},
    "none": {"zh": "本期无记录。", "en": "Nothing recorded in this period."},
    "capped": {"zh": "（封顶，未封顶为 {raw}）", "en": " (capped; {raw} before the cap)"},
    "provisional_lacks": {
        "zh": "（暂定，缺 {periods} 的得分）",
        "en": " (provisional: no score for {periods})",
    },
    "claim": {"zh": "，甲方可主张违约金 {amount}", "en": "; the client may claim {amount}"},
    "range_title": {"zh": "考核结果（分期合并）", "en": "Assessment of a range"},
    "range_periods": {"zh": "各期", "en": "Periods"},
    "range_mean": {"zh": "各期平均分", "en": "Mean of the periods' scores"},
    "range_sum": {"zh": "各期扣减服务费合计", "en": "Sum of the periods' fee deductions"},
    "range_rule": {"zh": "合并规则", "en": "How they combine"},
    "range_payout": {"zh": "平均分对应的支付比例", "en": "Payout band of the mean"},
    "triggered": {"zh": "已触发", "en": "triggered"},
    "at_risk": {"zh": "临界", "en": "at risk"},
    "components": {"zh": "分项得分", "en": "Components"},
    "no_data": {"zh": "无数据", "en": "no data"},
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key]["en" if lang == "en" else "zh"]


def to_text(a: Assessment, book: Rulebook, lang: str = "zh") -> str:
    """A readable summary: score, money, grade, warnings, then every line that counted."""
    out = [f"{book.title.get(lang)} — {_t('title', lang)} {a.period.label}"]
    if a.score is not None:
        suffix = _t("provisional", lang) if a.provisional else ""
        out.append(f"{_t('score', lang)}: {exact(a.score)} / {exact(a.max_score)}{suffix}")
    elif book.components:
        out.append(f"{_t('score', lang)}: — ({_t('incomplete', lang)})")
    if a.points_deducted or a.points_added:
        out.append(
            f"{_t('deducted', lang)}: {exact(a.points_deducted)}  "
            f"{_t('added', lang)}: {exact(a.points_added)}"
        )
    for c in a.components:
        if c.type != "card" or len(a.components) > 1:
            shown = exact(c.score) or _t("no_data", lang)
            if c.points_deducted or c.points_added:
                shown += (
                    f" ({_t('deducted', lang)} {exact(c.points_deducted)}, "
                    f"{_t('added', lang)} {exact(c.points_added)})"
                )
            out.append(f"  {c.label.get(lang)} ({exact(c.weight * 100)}%): {shown}")
    m = a.money
    if m.fee_deduction is not None:
        out.append(f"{_t('fee', lang)}: {exact(m.fee_deduction)} {m.currency}")
    if m.payout_ratio is not None:
        out.append(f"{_t('payout', lang)}: {exact(m.payout_ratio * 100)}%")
    if m.pool_year_ratio is not None:
        out.append(
            f"{_t('pool_year', lang)} ({m.pool_year}): {exact(m.pool_year_average)} → "
            f"{exact(m.pool_year_ratio * 100)}%{_lacks(m.pool_year_lacking, lang)}"
        )
    if m.deposit_refund_ratio is not None:
        amount = f" = {exact(m.deposit_refund_amount)} {m.currency}"
        lacks = _lacks(m.deposit_lacking, lang)
        out.append(f"{_t('deposit', lang)}: {exact(m.deposit_refund_ratio * 100)}%{amount}{lacks}")
    if a.grade is not None:
        out.append(f"{_t('grade', lang)}: {a.grade.get(lang)}")
    for note in (*m.notes, *a.missing, *(x.label for x in a.excluded)):
        out.append(f"! {note.get(lang)}")
    if a.warnings:
        out.append(f"{_t('warnings', lang)}:")
        out.extend(warning_text(w, lang) for w in a.warnings)
    counted = [ln for ln in a.lines if ln.count]
    if not counted:
        out.append(_t("none", lang))
        return "\n".join(out)
    out.append(f"{_t('lines', lang)}:")
    for ln in counted:
        figure = f"{exact(ln.amount)} {m.currency}" if ln.amount is not None else exact(ln.points)
        sign = "+" if ln.kind == "bonus" else "-" if ln.kind == "deduction" else ""
        capped = _t("capped", lang).format(raw=exact(ln.raw_points)) if ln.capped else ""
        out.append(
            f"  {ln.code}  {ln.label.get(lang)}  ×{exact(ln.quantity)}  {sign}{figure}{capped}"
        )
    return "\n".join(out)


def _lacks(periods: tuple[str, ...], lang: str) -> str:
    return _t("provisional_lacks", lang).format(periods=", ".join(periods)) if periods else ""


def warning_text(w: Warning, lang: str) -> str:
    """``  [triggered] label (periods); the client may claim 20000 CNY``."""
    claim = ""
    if w.amount is not None:
        amount = (
            exact(w.amount) if w.amount_max is None else f"{exact(w.amount)}–{exact(w.amount_max)}"
        )
        claim = _t("claim", lang).format(amount=f"{amount} CNY")
    elif w.amount_note is not None:
        claim = _t("claim", lang).format(amount=w.amount_note.get(lang))
    return f"  [{_t(w.level, lang)}] {w.label.get(lang)} ({', '.join(w.periods)}){claim}"


def range_text(r: RangeAssessment, book: Rulebook, lang: str = "zh") -> str:
    """The range in a few lines (each period, the mean, the sum, the rule), then each period."""
    out = [f"{book.title.get(lang)} — {_t('range_title', lang)} {r.period.label}"]
    out.append(f"{_t('range_periods', lang)}:")
    for a in r.parts:
        score = exact(a.score) if a.score is not None else "—"
        fee = a.money.fee_deduction
        money = f"  {_t('fee', lang)} {exact(fee)} {a.money.currency}" if fee is not None else ""
        open_ = _t("provisional", lang) if a.provisional else ""
        out.append(f"  {a.period.label}: {score}{money}{open_}")
    if r.score_mean is not None:
        out.append(f"{_t('range_mean', lang)}: {exact(r.score_mean)}")
    if r.payout_ratio_of_mean is not None:
        out.append(f"{_t('range_payout', lang)}: {exact(r.payout_ratio_of_mean * 100)}%")
    if r.fee_deduction_sum is not None:
        out.append(f"{_t('range_sum', lang)}: {exact(r.fee_deduction_sum)} CNY")
    clause = f" [{r.rule_clause}]" if r.rule_clause else ""
    out.append(f"{_t('range_rule', lang)}: {r.rule.get(lang)}{clause}")
    for x in r.excluded:
        out.append(f"! {x.label.get(lang)}")
    for a in r.parts:
        out.append("")
        out.append(to_text(a, book, lang))
    return "\n".join(out)
