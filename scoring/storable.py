"""The numbers the ledger can hold exactly: NUMERIC(QUANTITY_PRECISION, QUANTITY_SCALE).

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
