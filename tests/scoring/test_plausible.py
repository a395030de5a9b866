"""Plausible ranges for one report: every shipped rulebook states them with a reason, and a
rulebook that states them badly is refused at load naming the file and the field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.loader import BUILTIN_DIR, RulebookError, load_rulebook, load_rulebooks
from scoring.rulebook import ItemKind, ValueKind

HAIDIAN = BUILTIN_DIR / "haidian-dispatch-2026.yaml"


def test_every_item_of_every_shipped_rulebook_has_a_quantity_range_and_a_bounded_value() -> None:
    for book in load_rulebooks().values():
        for item in book.items:
            quantity = book.quantity_range(item)
            assert quantity is not None and quantity.reason.zh and quantity.reason.en, item.code
            assert not quantity.contains(Decimal("999999999999")), item.code
            spec = item.value
            if spec is None or spec.kind is ValueKind.LEVEL:
                continue
            value = book.value_range(item)
            assert spec.max is not None or value is not None, item.code


def test_minutes_late_within_a_day_and_a_shifts_tickets() -> None:
    book = load_rulebooks()["haidian-dispatch-2026"]
    late, handover = book.item("late_arrival"), book.item("missed_handover")
    assert book.value_range(late) is not None
    assert book.value_range(late).contains(Decimal(1440))  # type: ignore[union-attr]
    assert not book.value_range(late).contains(Decimal(1441))  # type: ignore[union-attr]
    assert book.quantity_range(handover).describe() == "≤ 500"  # type: ignore[union-attr]
    assert late.kind is ItemKind.DEDUCTION


def _write(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(HAIDIAN.read_text(encoding="utf-8"))
    data["plausible"] = {**data["plausible"], **change}
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (
            {"quantity": {"ticket": {"at_most": 500, "reason": {"zh": "班", "en": "shift"}}}},
            "(rulebook)",
            "plausible gives no quantity range for person",
        ),
        (
            {"value": {"minutes": {"at_least": 0, "reason": {"zh": "天", "en": "day"}}}},
            "plausible.value.minutes",
            "a plausible range needs an upper side: at_most or below",
        ),
        (
            {"value": {"level": {"at_most": 1, "reason": {"zh": "级", "en": "level"}}}},
            "plausible.value",
            "a rating level is not a number",
        ),
        (
            {"value": {"minutes": {"at_most": 1440}}},
            "plausible.value.minutes.reason",
            "Field required",
        ),
    ],
)
def test_a_bad_plausible_section_is_refused_naming_the_field(
    tmp_path: Path, change: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(_write(tmp_path, change))
    message = str(caught.value)
    assert str(tmp_path / "book.yaml") in message
    assert reason in message, message
    if field != "(rulebook)":
        assert field in message, message
