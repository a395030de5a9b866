"""Views of an Assessment that need no recomputation: JSON-ready data and plain text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.assessment import Assessment
from scoring.rulebook import Label, Rulebook


def _num(value: Decimal | None) -> str | None:
    """Exact decimal as a JSON string (no float rounding), or None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _label(label: Label | None) -> dict[str, str] | None:
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
        "score": _num(a.score),
        "max_score": _num(a.max_score),
        "points_deducted": _num(a.points_deducted),
        "points_added": _num(a.points_added),
        "complete": a.complete,
        "provisional": a.provisional,
        "events_counted": a.events_counted,
        "lines": [
            {
                "code": ln.code,
                "label": _label(ln.label),
                "kind": ln.kind,
                "section": ln.section,
                "card": ln.card,
                "clause": ln.clause,
                "count": ln.count,
                "quantity": _num(ln.quantity),
                "raw_points": _num(ln.raw_points),
                "points": _num(ln.points),
                "capped": ln.capped,
                "amount": _num(ln.amount),
                "misses": ln.misses,
            }
            for ln in a.lines
        ],
        "sections": [
            {
                "code": s.code,
                "label": _label(s.label),
                "card": s.card,
                "depth": s.depth,
                "cap": _num(s.cap),
                "deducted_raw": _num(s.deducted_raw),
                "deducted": _num(s.deducted),
                "added_raw": _num(s.added_raw),
                "added": _num(s.added),
                "capped": s.capped,
            }
            for s in a.sections
        ],
        "components": [
            {
                "code": c.code,
                "label": _label(c.label),
                "type": c.type,
                "weight": _num(c.weight),
                "score": _num(c.score),
                "detail": c.detail,
            }
            for c in a.components
        ],
        "money": {
            "currency": m.currency,
            "fee_deduction": _num(m.fee_deduction),
            "payout_ratio": _num(m.payout_ratio),
            "pool_amount": _num(m.pool_amount),
            "payout_amount": _num(m.payout_amount),
            "score_deduction": _num(m.score_deduction),
            "item_amounts": _num(m.item_amounts),
            "period_payment": _num(m.period_payment),
            "pool_year": m.pool_year,
            "pool_year_average": _num(m.pool_year_average),
            "pool_year_ratio": _num(m.pool_year_ratio),
            "deposit_refund_ratio": _num(m.deposit_refund_ratio),
            "deposit_refund_amount": _num(m.deposit_refund_amount),
            "notes": [_label(n) for n in m.notes],
        },
        "grade": _label(a.grade),
        "warnings": [
            {
                "code": w.code,
                "level": w.level,
                "label": _label(w.label),
                "clause": w.clause,
                "periods": list(w.periods),
            }
            for w in a.warnings
        ],
        "missing": [_label(x) for x in a.missing],
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
    "capped": {"zh": "（封顶）", "en": " (capped)"},
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
        out.append(f"{_t('score', lang)}: {_num(a.score)} / {_num(a.max_score)}{suffix}")
    elif book.components:
        out.append(f"{_t('score', lang)}: — ({_t('incomplete', lang)})")
    if a.points_deducted or a.points_added:
        out.append(
            f"{_t('deducted', lang)}: {_num(a.points_deducted)}  "
            f"{_t('added', lang)}: {_num(a.points_added)}"
        )
    for c in a.components:
        if c.type != "card" or len(a.components) > 1:
            shown = _num(c.score) if c.score is not None else _t("no_data", lang)
            out.append(f"  {c.label.get(lang)} ({_num(c.weight * 100)}%): {shown}")
    m = a.money
    if m.fee_deduction is not None:
        out.append(f"{_t('fee', lang)}: {_num(m.fee_deduction)} {m.currency}")
    if m.payout_ratio is not None:
        out.append(f"{_t('payout', lang)}: {_num(m.payout_ratio * 100)}%")
    if m.pool_year_ratio is not None:
        out.append(
            f"{_t('pool_year', lang)} ({m.pool_year}): {_num(m.pool_year_average)} → "
            f"{_num(m.pool_year_ratio * 100)}%"
        )
    if m.deposit_refund_ratio is not None:
        amount = f" = {_num(m.deposit_refund_amount)} {m.currency}"
        out.append(f"{_t('deposit', lang)}: {_num(m.deposit_refund_ratio * 100)}%{amount}")
    if a.grade is not None:
        out.append(f"{_t('grade', lang)}: {a.grade.get(lang)}")
    for note in (*m.notes, *a.missing):
        out.append(f"! {note.get(lang)}")
    if a.warnings:
        out.append(f"{_t('warnings', lang)}:")
        for w in a.warnings:
            out.append(f"  [{_t(w.level, lang)}] {w.label.get(lang)} ({', '.join(w.periods)})")
    counted = [ln for ln in a.lines if ln.count]
    if not counted:
        out.append(_t("none", lang))
        return "\n".join(out)
    out.append(f"{_t('lines', lang)}:")
    for ln in counted:
        figure = f"{_num(ln.amount)} {m.currency}" if ln.amount is not None else _num(ln.points)
        sign = "+" if ln.kind == "bonus" else "-" if ln.kind == "deduction" else ""
        capped = _t("capped", lang) if ln.capped else ""
        out.append(
            f"  {ln.code}  {ln.label.get(lang)}  ×{_num(ln.quantity)}  {sign}{figure}{capped}"
        )
    return "\n".join(out)
