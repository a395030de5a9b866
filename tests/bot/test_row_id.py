"""Ids in commands and button data: digits (read through NFKC, so full-width ones too) within a
database row's range, or nothing."""

from __future__ import annotations

import pytest

from bot.services.parsing import MAX_ROW_ID, row_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (str(MAX_ROW_ID), MAX_ROW_ID),
        (str(MAX_ROW_ID + 1), None),  # would overflow SQLite INTEGER / BIGINT
        ("0", None),
        ("", None),
        ("-3", None),
        ("１２", 12),  # full-width, as Chinese keyboards type it
        ("²", 2),  # NFKC reads a superscript two as 2, like every number the bot reads
        ("٣", None),  # Arabic-Indic three: not ASCII
        ("9" * 400, None),
    ],
)
def test_row_id(text: str, expected: int | None) -> None:
    assert row_id(text) == expected
