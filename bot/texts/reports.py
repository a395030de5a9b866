"""Composite texts: refusals with examples, report summaries, confirmations, lists, help."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.corrections import Corrected
from bot.services.drafts import Cost, Draft, commands_of
from bot.services.errors import BotError
from bot.services.permissions import Action, Actor
from bot.services.recording import Recorded
from bot.services.reporting import MyReports
from bot.texts.i18n import number, show, t, where
from scoring.rulebook import Item, ItemKind, Label, Rulebook, Tier, ValueSpec

EXAMPLE_STAFF = "张三"
# Shared one-line commands shown first in help, when a contract has them.
COMMON_ALIASES = ("late", "early", "absent", "offpost", "dress", "handover")
TIME_EXAMPLES = ("at 08:40", "yesterday 17:05", "昨天 17:05")
LABEL_WIDTH = 48


# -- refusals ---------------------------------------------------------------------------------


def render_error(lang: str, error: BotError) -> str:
    """A BotError in the user's language, with the example or range it refers to."""
    params = dict(error.params)
    contract = params.get("contract")
    params["where"] = where(lang, contract) if isinstance(contract, str) else ""
    item = params.get("item")
    if isinstance(item, Item):
        params.update(item_hints(lang, item))
    for name, value in error.params.items():
        if isinstance(value, BotError):  # the refusal a refusal reports (why an edit fails)
            params[name] = render_error(lang, value)
    field = params.get("field")
    if isinstance(field, str):
        params["field"] = t(lang, f"limit_{field}")
    return t(lang, error.key, **params)


def item_hints(lang: str, item: Item) -> dict[str, str]:
    """The example, value label, range and bands a message about ``item`` may show."""
    spec = item.value
    return {
        "example": example_for(item),
        "value_label": spec.label.get(lang) if spec is not None else "",
        "range": value_range(lang, spec) if spec is not None else "",
        "tiers": tiers_text(lang, item.tiers),
    }


def example_for(item: Item) -> str:
    """A one-line command that would be accepted, e.g. ``/late 张三 25``."""
    parts = [f"/{item.alias or item.code}"]
    if item.unit.value == "person" or item.value is not None:
        parts.append(EXAMPLE_STAFF)
    if item.value is not None:
        parts.append(number(example_value(item)))
    elif item.unit.value not in ("person", "time", "shift"):
        parts.append("2")
    return " ".join(parts)


def example_value(item: Item) -> Decimal:
    """A value inside the item's first band (or its range)."""
    spec = item.value
    bounds = item.tiers[0] if item.tiers else None
    low = _lower(bounds, spec)
    high = _upper(bounds, spec)
    if high is None:
        return low
    middle = (low + high) / 2
    return middle.to_integral_value() if spec is None or spec.integer or middle >= 1 else middle


def _lower(bounds: Tier | None, spec: ValueSpec | None) -> Decimal:
    if bounds is not None and bounds.at_least is not None:
        return bounds.at_least
    if bounds is not None and bounds.more_than is not None:
        return bounds.more_than + 1
    return spec.min if spec is not None and spec.min is not None else Decimal(1)


def _upper(bounds: Tier | None, spec: ValueSpec | None) -> Decimal | None:
    if bounds is not None and bounds.at_most is not None:
        return bounds.at_most
    if bounds is not None and bounds.below is not None:
        return bounds.below - 1
    return spec.max if spec is not None else None


def value_range(lang: str, spec: ValueSpec) -> str:
    if spec.min is not None and spec.max is not None:
        return f"{number(spec.min)}–{number(spec.max)}"
    if spec.min is not None:
        return f"≥ {number(spec.min)}"
    if spec.max is not None:
        return f"≤ {number(spec.max)}"
    return t(lang, "range_any")


def tiers_text(lang: str, tiers: Sequence[Tier]) -> str:
    return "; ".join(tier.label.get(lang) if tier.label else tier.describe() for tier in tiers)


# -- reports ------------------------------------------------------------------------------------


def cost_text(lang: str, cost: Cost, item: Item) -> str:
    """``−0.1 points``, ``300 CNY off the fee``, ``target missed: 200 CNY per missed day``."""
    if cost.kind is ItemKind.DEDUCTION and cost.points is not None:
        return t(lang, "cost_deduction", points=cost.points) + t(lang, "cost_before_caps")
    if cost.kind is ItemKind.BONUS and cost.points is not None:
        return t(lang, "cost_bonus", points=cost.points) + t(lang, "cost_before_caps")
    if cost.kind is ItemKind.FEE and cost.amount is not None:
        return t(lang, "cost_fee", amount=cost.amount)
    if cost.kind is ItemKind.KPI and item.kpi is not None:
        if cost.kpi_met:
            return t(lang, "cost_kpi_met")
        period = t(lang, f"kpi_{item.kpi.period.value}")
        return t(lang, "cost_kpi_miss", amount=cost.amount or Decimal(0), period=period)
    return t(lang, "cost_none")


def report_lines(
    lang: str, book: Rulebook, draft: Draft, cost: Cost, photos: int | None = None
) -> list[str]:
    """The lines describing one report: item, staff, numbers, time, photos, cost."""
    item = book.item(draft.item)
    tier = f" — {cost.tier.label.get(lang)}" if cost.tier is not None and cost.tier.label else ""
    lines = [f"{item.label.get(lang)}{tier}"]
    if draft.staff:
        flag = t(lang, "not_on_roster") if draft.staff_on_roster is False else ""
        lines.append(f"👤 {draft.staff}{flag}")
    if item.value is not None and draft.value is not None:
        lines.append(f"📏 {item.value.label.get(lang)}: {draft.value}")
    if draft.quantity != 1:
        lines.append("🔢 " + t(lang, "quantity_n", quantity=draft.quantity))
    local = draft.occurred_at.astimezone(ZoneInfo(book.contract.timezone))
    lines.append(f"🕒 {show(lang, local)}")
    count = len(draft.photos) if photos is None else photos
    if count:
        lines.append("📷 " + t(lang, "photos_n", count=count))
    if draft.note:
        lines.append(f"📝 {draft.note}")
    lines.append("💰 " + cost_text(lang, cost, item))
    return lines


def short(text: str, width: int = LABEL_WIDTH) -> str:
    """A button label cut to fit."""
    return text if len(text) <= width else text[: width - 1] + "…"


# -- lists and help ---------------------------------------------------------------------------


def confirmation_text(lang: str, recorded: Recorded, undo_minutes: int) -> str:
    """``✅ Recorded #42: …`` with the item, points and how long Undo is offered; or that the
    report was recorded before."""
    if recorded.duplicate:
        return t(lang, "already_recorded", id=recorded.entry_id)
    lines = report_lines(lang, recorded.book, recorded.draft, recorded.cost, photos=recorded.photos)
    text = t(lang, "recorded", id=recorded.entry_id, summary="\n".join(lines))
    return text + "\n" + t(lang, "undo_hint", minutes=undo_minutes)


def my_reports_text(mine: MyReports) -> str:
    """``/myreports``: one line per report, newest first, with its state."""
    lang = mine.lang
    if not mine.reports:
        return t(lang, "myreports_empty")
    lines = [t(lang, "myreports_header")]
    for report in mine.reports:
        label = report.item_label.get(lang) if report.item_label else report.item
        staff = f" — {report.staff}" if report.staff else ""
        photos = " 📷" * min(report.photos, 1)
        when = show(lang, report.occurred_at)
        state = t(lang, "state_" + report.state)
        fixed = ""
        if report.corrected is not None:
            quantity, value, value_label = report.corrected
            fixed = " ✏️ " + figures(lang, value_label, value, quantity)
            state += t(lang, "myreports_corrected")
        lines.append(f"#{report.entry_id} {when} {label}{staff}{photos}{fixed} [{state}]")
    return "\n".join(lines)


def figures(lang: str, value_label: Label | None, value: str | None, quantity: Decimal) -> str:
    """A report's figures, which an edit may correct: ``Minutes late: 35``, ``quantity 7``."""
    parts = []
    if value is not None:
        parts.append(f"{value_label.get(lang)}: {value}" if value_label else value)
    if quantity != 1 or not parts:
        parts.append(t(lang, "quantity_n", quantity=quantity))
    return ", ".join(parts)


def correction_text(corrected: Corrected) -> str:
    """``✏️ Report #42 corrected by your edit: quantity 1 → quantity 7`` and the report now."""
    lang, item = corrected.lang, corrected.item
    label = item.value.label if item.value is not None else None
    before, after = corrected.before, corrected.after
    lines = report_lines(lang, corrected.book, after, corrected.cost, photos=0)
    return t(
        lang,
        "edit_corrected",
        entry=corrected.entry_id,
        before=figures(lang, label, before.value, before.quantity),
        after=figures(lang, label, after.value, after.quantity),
        summary="\n".join(lines),
    )


def help_text(lang: str, actor: Actor, books: Mapping[str, Rulebook]) -> str:
    """What this user may do, with examples."""
    if not actor.registered:
        return t(lang, "help_stranger")
    roles = sorted({t(lang, f"role_{r.value}") for r in actor.all_roles})
    parts = [t(lang, "help_roles", roles=roles)]
    inspected = actor.contracts_for(Action.REPORT)
    if inspected:
        parts.append(_inspector_help(lang, inspected, books))
    if actor.contracts_for(Action.INVITE):
        parts.append(t(lang, "help_manager"))
    if actor.contracts_for(Action.DIGEST):
        parts.append(t(lang, "help_digest"))
    if any(r.value == "vendor_lead" for r in actor.all_roles):
        parts.append(t(lang, "help_vendor_lead"))
    parts.append(t(lang, "help_common"))
    return "\n\n".join(parts)


def _inspector_help(lang: str, contracts: Sequence[str], books: Mapping[str, Rulebook]) -> str:
    examples: list[str] = []
    lines = []
    for contract in contracts:
        book = books[contract]
        examples.extend(example_for(i) for i in common_items(book))
        lines.append(t(lang, "help_commands_of", contract=contract, commands=commands_of(book)))
    text = t(
        lang,
        "help_inspector",
        examples="  ".join(dict.fromkeys(examples)) or "—",
        time_examples=", ".join(TIME_EXAMPLES),
    )
    return text + "\n" + "\n".join(lines)


def common_items(book: Rulebook) -> list[Item]:
    """The rulebook's items behind the shared one-line commands, in the usual order."""
    found = (book.item_by_alias(alias) for alias in COMMON_ALIASES)
    return [item for item in found if item is not None]
