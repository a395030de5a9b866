"""What the ledger can hold: numbers exactly (NUMERIC(QUANTITY_PRECISION, QUANTITY_SCALE)),
and free text up to the length each field allows (TEXT_LIMITS).

The one place these two figures are set; storage.types builds the ledger's column from the
same values (a test keeps the two equal). Pure: no database, no Telegram.
"""

from __future__ import annotations

from decimal import Decimal

QUANTITY_PRECISION = 18  # digits in all
QUANTITY_SCALE = 6  # of which after the decimal point
WHOLE_DIGITS = QUANTITY_PRECISION - QUANTITY_SCALE
# The ledger's short text columns (a measured value, staff, inspector): at most this long.
NAME_LENGTH = 200
# The longest free text a person may give in each field, in characters: checked before any
# write, the same on every database. The short ones are the ledger's VARCHAR(NAME_LENGTH)
# columns; notes and reasons are TEXT columns, bounded here so that every message that
# quotes them still fits in one Telegram message (4096 characters).
TEXT_LIMITS: dict[str, int] = {
    "staff": NAME_LENGTH,
    "value": NAME_LENGTH,
    "inspector": NAME_LENGTH,
    "note": 1000,
    "dispute_reason": 1000,
    "decision_reason": 1000,
}


def too_long(field: str, text: str | None) -> int | None:
    """The limit ``text`` exceeds in ``field`` (TEXT_LIMITS), or None when it fits."""
    limit = TEXT_LIMITS[field]
    return limit if text is not None and len(text) > limit else None


def decimal_places(number: Decimal) -> int:
    """Digits after the point, trailing zeros not counted (``2.50`` → 1); exact for any size."""
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0 or not any(digits):
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing)


def whole_digits(number: Decimal) -> int:
    """Digits before the point (``123.4`` → 3, ``0.5`` → 0); exact for any size."""
    if not number.is_finite() or not number:
        return 0
    return max(0, number.adjusted() + 1)


def storable_problem(number: Decimal) -> str | None:
    """Why the ledger cannot keep ``number`` exactly, or None when it can."""
    if not number.is_finite():
        return "is not a number"
    if whole_digits(number) > WHOLE_DIGITS:
        return f"has more than {WHOLE_DIGITS} digits before the decimal point"
    if decimal_places(number) > QUANTITY_SCALE:
        return f"has more than {QUANTITY_SCALE} decimal places"
    return None
