"""Who may read digests, change their times and decide late reports: checked server-side.

Every digest command and button asks here, for the contract it touches (a crafted button
naming another contract is refused like a typed one).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.services.permissions import Actor, Permissions
from storage.models import Role


class Ask(StrEnum):
    """The requests of this feature that need a role on a contract."""

    DIGEST = "digest"  # /digest, /subscribe, /unsubscribe, seeing /schedule
    SCHEDULE = "schedule"  # change a contract's digest times
    APPROVE_LATE = "approve_late"  # approve or reject a report for a closed period


CLIENT_LEADS = frozenset({Role.MANAGER, Role.ADMIN})
ALLOWED: Mapping[Ask, frozenset[Role]] = {
    Ask.DIGEST: CLIENT_LEADS,
    Ask.SCHEDULE: CLIENT_LEADS,
    Ask.APPROVE_LATE: CLIENT_LEADS,
}


PERMISSIONS = Permissions(ALLOWED)
may = PERMISSIONS.may
contracts_for = PERMISSIONS.contracts_for
require = PERMISSIONS.require
require_any = PERMISSIONS.require_any


def commands_for(actor: Actor) -> list[str]:
    """This feature's commands for the user's menu."""
    return (
        ["digest", "subscribe", "unsubscribe", "schedule"]
        if contracts_for(actor, Ask.DIGEST)
        else []
    )
