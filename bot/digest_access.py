"""Who may read digests, change their times and decide late reports: checked server-side.

Every digest command and button asks here, for the contract it touches (a crafted button
naming another contract is refused like a typed one).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.access import Actor
from bot.errors import BotError
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


def may(actor: Actor, ask: Ask, contract_id: str) -> bool:
    return bool(actor.roles.get(contract_id, frozenset()) & ALLOWED[ask])


def contracts_for(actor: Actor, ask: Ask) -> list[str]:
    """The contracts on which the actor may make this request, sorted."""
    return sorted(c for c in actor.roles if may(actor, ask, c))


def require(actor: Actor, ask: Ask, contract_id: str) -> None:
    """Refuse unless the actor may make this request on the contract."""
    if not actor.registered:
        raise BotError("not_registered")
    if not may(actor, ask, contract_id):
        raise BotError(f"forbidden_{ask.value}", contract=contract_id)


def require_any(actor: Actor, ask: Ask) -> list[str]:
    """The contracts the actor may make this request on; refuse when there is none."""
    if not actor.registered:
        raise BotError("not_registered")
    contracts = contracts_for(actor, ask)
    if not contracts:
        raise BotError(f"forbidden_{ask.value}", contract="")
    return contracts


def commands_for(actor: Actor) -> list[str]:
    """This feature's commands for the user's menu."""
    return (
        ["digest", "subscribe", "unsubscribe", "schedule"]
        if contracts_for(actor, Ask.DIGEST)
        else []
    )
