"""What people type, read the same whatever width their keyboard wrote it in.

Chinese keyboards type full-width digits, letters, spaces and punctuation (``１７：０５``,
``＃``, the ideographic space U+3000). ``normalised`` (Unicode NFKC) turns them into the
ASCII ones; every command, caption, time, quantity, minutes, CSV number and command-line
number is read through it. ``number_or_refusal`` tells a plain number (``25``, ``-3``,
``0.5``) from a token that only looks like one (``1e3``, ``NaN``, ``inf``, ``0x10``, ``3.``,
``1,000``, digits of another script such as ``١٢``): such a token is a bad number, never a
name. Pure: no Telegram, no database.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Words Python's Decimal (and spreadsheets) read as numbers: never a figure of a report.
_NUMBER_WORDS = frozenset({"nan", "snan", "inf", "infinity"})
# A token that begins like a number: a digit, or a sign or a point before one.
_NUMBER_START = re.compile(r"^[+\-−]?\.?[0-9]")


def normalised(text: str) -> str:
    """``text`` in NFKC: full-width ``２５``, ``：``, ``＃`` and U+3000 become ``25``, ``:``,
    ``#`` and a space; everything else (Chinese characters too) stays as it is."""
    return unicodedata.normalize("NFKC", text)


def plain_number(text: str) -> Decimal | None:
    """``text`` (already normalised) as a Decimal when it is a plain number, else None."""
    return Decimal(text) if PLAIN_NUMBER.fullmatch(text) else None


def looks_numeric(token: str) -> bool:
    """Whether a token (already normalised) is meant as a number although it may not be a
    plain one: it begins like a number, is a word such as ``NaN``, or holds a digit of a
    script other than ASCII."""
    if _NUMBER_START.match(token) or token.lower().lstrip("+-") in _NUMBER_WORDS:
        return True
    return any(unicodedata.category(c) == "Nd" and not "0" <= c <= "9" for c in token)


def is_name(text: str) -> bool:
    """Whether ``text`` can be a person's name: it holds a letter of some script (a Chinese
    character is one). Digits, punctuation or emoji alone are not a name."""
    return any(unicodedata.category(c).startswith("L") for c in text)
