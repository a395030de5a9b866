"""Every message exists in Chinese and English, with the same placeholders, and every key used."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.texts import en, zh
from bot.texts.i18n import CATALOGUES, LANGUAGES, language_of, t

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/*.py")]
_KEY_USE = re.compile(r"""(?:\bt\(\s*[\w.]+,\s*|BotError\(\s*)["']([a-z_]+)["']\s*[,)]""")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_a_catalogue_with_the_same_keys() -> None:
    assert set(CATALOGUES) == set(LANGUAGES)
    assert set(zh.MESSAGES) == set(en.MESSAGES)


@pytest.mark.parametrize("key", sorted(zh.MESSAGES))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    assert _placeholders(zh.MESSAGES[key]) == _placeholders(en.MESSAGES[key])


def test_every_key_the_code_uses_exists() -> None:
    used = {key for path in SOURCES for key in _KEY_USE.findall(path.read_text("utf-8"))}
    assert used, "the pattern found no message keys: it is out of date"
    assert used - set(zh.MESSAGES) == set()


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [
        (None, "en-US", "en"),
        (None, "zh-hans", "zh"),
        (None, "de", "zh"),
        ("en", "zh", "en"),
        (None, None, "zh"),
    ],
)
def test_language_choice(chosen: str | None, telegram: str | None, expected: str) -> None:
    assert language_of(chosen, telegram, "zh") == expected


# "a" before a filled-in word cannot agree with it ("a inspector", "a admin"); nor "a" before a
# vowel in the text itself.
ARTICLE_BEFORE_PLACEHOLDER = re.compile(r"\b[Aa]n? \{")
A_BEFORE_VOWEL = re.compile(r"\b[Aa] [aeiouAEIOU]\w")


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_no_english_article_that_cannot_agree(key: str) -> None:
    template = en.MESSAGES[key]
    assert not ARTICLE_BEFORE_PLACEHOLDER.search(template), template
    assert not A_BEFORE_VOWEL.search(template), template


@pytest.mark.parametrize("role", ["inspector", "admin", "manager", "vendor_lead"])
def test_invites_and_welcomes_read_right_for_every_role(role: str) -> None:
    shown = t("en", f"role_{role}")
    invite = t(
        "en", "invite_made", role=shown, contract="c1", expires="2026-07-22", code="X", link=""
    )
    refusal = t("en", "forbidden_invite_role", role=shown, contract="c1")
    welcome = t("en", "welcome", name="Li", role=shown, contract="c1", title="T")
    assert invite.startswith(f"Invite as {shown} on contract c1")
    assert refusal == f"You may not invite anyone as {shown} to contract c1."
    assert welcome == f"Welcome, Li! Your role on contract c1 (T): {shown}."
