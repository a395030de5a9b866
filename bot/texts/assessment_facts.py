"""What an assessment says beyond its figures, in words: measurements still missing, records
left out (outside the contract's term), pool-year and deposit figures that are provisional,
and what a breach lets the client claim. Pure: an Assessment in, lines of text out; shared by
/score and the digests (the figures themselves come from scoring)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts.i18n import t
from scoring.assessment import Assessment, Warning

# A chat message lists at most this many missing measurements; the rest are counted.
MISSING_SHOWN = 8


def missing_lines(lang: str, a: Assessment) -> list[str]:
    """``⚠️ Not complete …`` and one line per missing measurement (item and month)."""
    if not a.missing:
        return []
    out = [t(lang, "facts_incomplete")]
    out += [t(lang, "facts_missing", text=m) for m in a.missing[:MISSING_SHOWN]]
    if len(a.missing) > MISSING_SHOWN:
        out.append(t(lang, "facts_more_missing", count=len(a.missing) - MISSING_SHOWN))
    return out


def excluded_lines(lang: str, a: Assessment) -> list[str]:
    """One line per reason records were left out (before or after the term)."""
    return [t(lang, "facts_excluded", text=x.label) for x in a.excluded]


def lacking_text(lang: str, periods: Sequence[str]) -> str:
    """`` (provisional: no score yet for 2023-01, 2023-02)`` or nothing."""
    return t(lang, "facts_lacking", periods=list(periods)) if periods else ""


def claim_text(lang: str, warning: Warning) -> str:
    """``; the client may claim 20000 CNY`` (a range, or the amount in words) or nothing."""
    if warning.amount is not None and warning.amount_max is not None:
        amount = t(lang, "facts_amount_range", low=warning.amount, high=warning.amount_max)
    elif warning.amount is not None:
        amount = t(lang, "facts_amount", amount=warning.amount)
    elif warning.amount_note is not None:
        amount = warning.amount_note.get(lang)
    else:
        return ""
    return t(lang, "facts_claim", amount=amount, clause=warning.clause)
