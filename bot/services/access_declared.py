"""What the handlers of features with their own request tables check (see bot.services.permissions,
"what each handler checks"): digests (bot.services.digests.access) and vendor leads' views and
disputes (bot.services.scores).

Each entry names the handler callback ("module.function"), the requests it checks and the
roles that pass, taken from the feature's own table, so the declaration follows the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from bot.services import scores as vendor
from bot.services.digests import access as digest_access
from bot.services.permissions import Access, role_check
from storage.models import Role

K = TypeVar("K", bound=StrEnum)


def _asks(table: Mapping[K, frozenset[Role]], *asks: K, sample: str | None = None) -> Access:
    return role_check((a.value for a in asks), (r for a in asks for r in table[a]), sample)


def _open(reason: str) -> Access:
    return Access(public=reason)


_D, _V = digest_access, vendor
DIGEST = _D.Ask.DIGEST

DECLARED: dict[str, Access] = {
    # digests and late reports (issue 5)
    "handlers.digest.unblock": _open("marks that a user who writes again can be sent to"),
    "handlers.digest.digest_command": _asks(_D.ALLOWED, DIGEST),
    "handlers.digest.on_choice": _asks(_D.ALLOWED, DIGEST, sample="dg:0:-"),
    "handlers.subscribe.subscribe_command": _asks(_D.ALLOWED, DIGEST),
    "handlers.subscribe.unsubscribe_command": _asks(_D.ALLOWED, DIGEST),
    "handlers.subscribe.on_toggle": _asks(_D.ALLOWED, DIGEST, sample="sub:0:d:0"),
    "handlers.schedule.schedule_command": _asks(
        _D.ALLOWED, DIGEST, _D.Ask.SCHEDULE, sample="daily 08:00"
    ),
    "handlers.late_reports.on_decision": _asks(_D.ALLOWED, _D.Ask.APPROVE_LATE, sample="late:ok:1"),
    # the score, deductions, history, disputes and their decisions (issue 6)
    "handlers.score.score_command": _asks(_V.ALLOWED, _V.Ask.SCORE),
    "handlers.score.on_choice": _asks(_V.ALLOWED, _V.Ask.SCORE, sample="score:haidian-2026"),
    "handlers.deductions.deductions_command": _asks(_V.ALLOWED, _V.Ask.DEDUCTIONS),
    "handlers.deductions.on_choice": _asks(
        _V.ALLOWED, _V.Ask.DEDUCTIONS, sample="ded:c:haidian-2026"
    ),
    "handlers.deductions.on_page": _asks(
        _V.ALLOWED, _V.Ask.DEDUCTIONS, sample="ded:p:haidian-2026:2026-07:1"
    ),
    "handlers.deductions.on_entry": _asks(_V.ALLOWED, _V.Ask.DEDUCTIONS, sample="ded:e:1"),
    "handlers.history.history_command": _asks(_V.ALLOWED, _V.Ask.HISTORY),
    "handlers.history.on_choice": _asks(_V.ALLOWED, _V.Ask.HISTORY, sample="hist:haidian-2026"),
    "handlers.disputes.start_dispute": _asks(_V.ALLOWED, _V.Ask.DISPUTE, sample="1 不同意"),
    "handlers.disputes.on_dispute_button": _asks(_V.ALLOWED, _V.Ask.DISPUTE, sample="dsp:o:1"),
    "handlers.disputes.on_reason": _asks(_V.ALLOWED, _V.Ask.DISPUTE),
    "handlers.disputes.on_photo": _asks(_V.ALLOWED, _V.Ask.DISPUTE),
    "handlers.disputes.on_done": _open("ends the user's own dispute conversation"),
    "handlers.disputes.cancel_dispute": _open("drops the user's own unsent dispute"),
    "handlers.decisions.on_decision_button": _asks(_V.ALLOWED, _V.Ask.DECIDE, sample="dsp:u:1"),
    "handlers.decisions.on_decision_reason": _asks(_V.ALLOWED, _V.Ask.DECIDE),
    "handlers.decisions.cancel_decision": _open("drops the user's own pending decision"),
}
