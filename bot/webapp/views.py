"""The Mini App's JSON: the services' views as the pages read them.

Numbers are exact decimal strings, times ISO 8601 in the contract's time zone, labels
``{"zh": ..., "en": ...}``; the assessment is ``scoring.render.to_data``, the very data that
``floorbot report --format json`` prints. Nothing here reads the database or decides anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.drafts import Cost
from bot.services.vendor_views import (
    DecisionMade,
    DetailView,
    DisputeView,
    FindingView,
    LedgerView,
    Overview,
    ScoreView,
    TrailStep,
    TrendView,
)
from bot.texts.i18n import show, t
from scoring.render import exact, label_data, to_data

JsonDict = dict[str, Any]


def _at(moment: dt.datetime | None, timezone: str) -> str | None:
    return moment.astimezone(ZoneInfo(timezone)).isoformat() if moment is not None else None


def overview(view: Overview, lang: str, texts: Mapping[str, str]) -> JsonDict:
    return {
        "lang": lang,
        "name": view.name,
        "texts": dict(texts),
        "contracts": [
            {
                "id": c.contract_id,
                "title": label_data(c.book.title),
                "roles": sorted(c.roles),
                "periods": list(c.periods),
                "current_period": c.current,
            }
            for c in view.contracts
        ],
    }


def assessment(view: ScoreView) -> JsonDict:
    timezone = view.book.contract.timezone
    return {
        "contract": view.contract_id,
        "title": label_data(view.book.title),
        "period": view.assessment.period.label,
        "final": view.closed_at is not None and not view.open_disputes,
        "closed_at": _at(view.closed_at, timezone),
        "open_disputes": list(view.open_disputes),
        "assessment": to_data(view.assessment),
    }


def trend(view: TrendView, chart: str) -> JsonDict:
    return {
        "contract": view.contract_id,
        "period": view.period,
        "scores": [{"period": p, "score": exact(s)} for p, s in view.scores],
        "days": [{"date": d.isoformat(), "score": exact(s)} for d, s in view.days],
        "lines": [exact(line) for line in view.lines],
        "chart": chart,
    }


def _cost(cost: Cost) -> JsonDict:
    return {"points": exact(cost.points), "amount": exact(cost.amount)}


def dispute(view: DisputeView, timezone: str, names: Mapping[int, str]) -> JsonDict:
    return {
        "id": view.id,
        "status": view.status.value,
        "reason": view.reason,
        "opened_at": _at(view.opened_at, timezone),
        "opened_by": names.get(view.opened_by_id),
        "resolution": view.resolution,
        "resolved_at": _at(view.resolved_at, timezone),
        "resolved_by": names.get(view.resolved_by_id) if view.resolved_by_id else None,
    }


def finding(view: FindingView, names: Mapping[int, str]) -> JsonDict:
    item = view.item
    return {
        "id": view.id,
        "item": {
            "code": item.code,
            "label": label_data(item.label),
            "clause": item.clause,
            "kind": item.kind.value,
        },
        "staff": view.staff,
        "occurred_at": _at(view.occurred_at, view.timezone),
        "value": view.value,
        "quantity": exact(view.quantity),
        **_cost(view.cost),
        "recorded": {
            "value": view.recorded_value,
            "quantity": exact(view.recorded_quantity),
            **_cost(view.recorded_cost),
        },
        "corrected": view.corrected,
        "voided": view.voided,
        "state": view.state.value,
        "photos": view.photos,
        "inspector": view.inspector,
        "note": view.note,
        "dispute": dispute(view.dispute, view.timezone, names) if view.dispute else None,
    }


def ledger(view: LedgerView, everything: LedgerView) -> JsonDict:
    """The filtered findings, with the filters' choices taken from the whole period."""
    every = everything.findings
    items = {f.item.code: f.item for f in every}
    return {
        "contract": view.contract_id,
        "period": view.period.label,
        "filters": {
            "items": [{"code": i.code, "label": label_data(i.label)} for i in items.values()],
            "staff": sorted({f.staff for f in every if f.staff}),
            "inspectors": sorted({f.inspector for f in every if f.inspector}),
            "statuses": sorted({f.state.value for f in every}),
        },
        "findings": [finding(f, {}) for f in view.findings],
    }


def detail(view: DetailView, lang: str, base: str) -> JsonDict:
    entry = view.finding.id
    names = view.names
    return {
        "finding": finding(view.finding, names),
        "window_open": view.window_open,
        "last_day": view.last_day.isoformat(),
        "can_dispute": view.can_dispute,
        "can_decide": view.can_decide,
        "evidence": [f"{base}/findings/{entry}/evidence/{n}" for n in range(len(view.evidence))],
        "dispute_photos": [
            f"{base}/findings/{entry}/dispute-photos/{n}" for n in range(len(view.dispute_photos))
        ],
        "trail": [_step(step, lang, names, view.finding.timezone) for step in view.trail],
    }


def _step(step: TrailStep, lang: str, names: Mapping[int, str], timezone: str) -> JsonDict:
    who = names.get(step.who, "—") if step.who is not None else "CSV"
    reason = step.reason or ""
    if step.action == "recorded":
        text = t(lang, "trail_recorded", who=who)
    elif step.action == "void":
        text = t(lang, "trail_void", who=who, reason=reason)
    elif step.action == "correct":
        figure = step.value if step.value is not None else show(lang, step.quantity)
        text = t(lang, "trail_correct", who=who, figure=figure, reason=reason)
    else:
        state = t(lang, f"state_{step.state.value}") if step.state is not None else ""
        text = t(lang, "trail_state", who=who, state=state, reason=reason)
    return {
        "at": _at(step.at, timezone),
        "who": who,
        "action": step.action,
        "state": step.state.value if step.state is not None else None,
        "reason": step.reason,
        "text": text,
    }


def decision(made: DecisionMade, message: str) -> JsonDict:
    after = made.after
    return {
        "decision": {
            "dispute_id": made.dispute_id,
            "entry_id": made.entry_id,
            "status": made.status.value,
            "before": _cost(made.before),
            "after": _cost(after) if after is not None else None,
        },
        "message": message,
    }
