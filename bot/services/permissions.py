"""Who may do what: one table of the roles that may take each action on their own contract.

Every check on the server side asks here (:func:`require`, :func:`require_any`,
``Actor.may``). Every handler declares next to it the actions it checks (``@requires``) or
why it is open to everyone (``@public``); tests/hardening/test_handler_access.py enumerates
the registered handlers, fails on one without a declaration, and derives from this table the
users each one must refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from bot.services.errors import BotError
from storage.models import Role


class Action(StrEnum):
    """What a user asks the bot to do that needs a role on a contract.

    A refusal names the action: the message ``forbidden_<value>`` (bot.texts).
    """

    REPORT = "report"  # record a violation (guided or one-line), attach evidence
    UNDO = "undo"  # take back one's own report within the undo window
    MY_REPORTS = "myreports"
    INVITE = "invite"  # make an invite code for someone else
    SCORE = "score"  # the period's score so far
    DEDUCTIONS = "deductions"  # every finding of a period, with its evidence
    HISTORY = "history"  # the last periods' scores
    DISPUTE = "dispute"  # object to a deduction
    DECIDE = "decide"  # uphold, withdraw or reduce a disputed deduction
    DIGEST = "digest"  # /digest, /subscribe, /unsubscribe, seeing /schedule
    SCHEDULE = "schedule"  # change a contract's digest times
    APPROVE_LATE = "approve_late"  # approve or reject a report for a closed period


CLIENT_LEADS = frozenset({Role.MANAGER, Role.ADMIN})
# The client's side: the vendor side never sees notes a rulebook marks internal.
CLIENT_SIDE = frozenset({Role.INSPECTOR, Role.MANAGER, Role.ADMIN})
EVERY_ROLE = frozenset(Role)

# The roles that may take each action on a contract they hold the role on.
ALLOWED: Mapping[Action, frozenset[Role]] = {
    Action.REPORT: frozenset({Role.INSPECTOR}),
    Action.UNDO: frozenset({Role.INSPECTOR}),
    Action.MY_REPORTS: frozenset({Role.INSPECTOR}),
    Action.INVITE: CLIENT_LEADS,
    Action.SCORE: EVERY_ROLE,
    Action.DEDUCTIONS: EVERY_ROLE,
    Action.HISTORY: EVERY_ROLE,
    Action.DISPUTE: frozenset({Role.VENDOR_LEAD}),
    Action.DECIDE: frozenset({Role.MANAGER}),
    Action.DIGEST: CLIENT_LEADS,
    Action.SCHEDULE: CLIENT_LEADS,
    Action.APPROVE_LATE: CLIENT_LEADS,
}

# The roles each inviting role may hand out on its contract.
INVITABLE: Mapping[Role, frozenset[Role]] = {
    Role.MANAGER: frozenset({Role.INSPECTOR, Role.VENDOR_LEAD}),
    Role.ADMIN: EVERY_ROLE,
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The user behind an update: their person record (if any) and their roles."""

    telegram_id: int
    name: str
    language: str
    person_id: int | None = None
    roles: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    rulebooks: Mapping[str, str] = field(default_factory=dict)  # contract → rulebook id

    @property
    def registered(self) -> bool:
        return self.person_id is not None and bool(self.roles)

    @property
    def all_roles(self) -> frozenset[Role]:
        return frozenset(role for roles in self.roles.values() for role in roles)

    def may(self, action: Action, contract_id: str) -> bool:
        return bool(self.roles.get(contract_id, frozenset()) & ALLOWED[action])

    def contracts_for(self, action: Action) -> list[str]:
        """The contracts on which this user may take ``action``, sorted."""
        return sorted(c for c in self.roles if self.may(action, c))

    def may_invite(self, contract_id: str, role: Role) -> bool:
        held = self.roles.get(contract_id, frozenset())
        return any(role in INVITABLE.get(mine, frozenset()) for mine in held)

    def on_client_side(self, contract_id: str) -> bool:
        return bool(self.roles.get(contract_id, frozenset()) & CLIENT_SIDE)


def require(actor: Actor, action: Action, contract_id: str) -> None:
    """Refuse unless the actor may take the action on the contract."""
    if not actor.registered:
        raise BotError("not_registered")
    if not actor.may(action, contract_id):
        raise BotError(f"forbidden_{action.value}", contract=contract_id)


def require_any(actor: Actor, action: Action) -> list[str]:
    """The contracts the actor may take the action on; refuse when there is none."""
    if not actor.registered:
        raise BotError("not_registered")
    contracts = actor.contracts_for(action)
    if not contracts:
        raise BotError(f"forbidden_{action.value}", contract="")
    return contracts


# -- what each handler checks ---------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTRIBUTE = "__floorbot_access__"


@dataclass(frozen=True, slots=True)
class Access:
    """A handler's declaration: the actions it checks, or why it is public; ``sample`` is an
    input it takes (command arguments, callback data or message text) for the test that
    drives it as every user the table refuses."""

    actions: frozenset[Action] = frozenset()
    public: str | None = None
    sample: str | None = None

    @property
    def roles(self) -> frozenset[Role]:
        """The roles that pass at least one of the handler's checks."""
        return frozenset(role for action in self.actions for role in ALLOWED[action])


def requires(*actions: Action, sample: str | None = None) -> Callable[[F], F]:
    """Declare the actions a handler's service checks (``require``/``may``) before it acts."""
    if not actions:
        raise ValueError("requires() needs at least one action; use public() for none")
    return _mark(Access(frozenset(actions), None, sample))


def public(reason: str, sample: str | None = None) -> Callable[[F], F]:
    """Declare a handler open to everyone, and why (it changes nothing that needs a role)."""
    return _mark(Access(frozenset(), reason, sample))


def _mark(access: Access) -> Callable[[F], F]:
    def mark(callback: F) -> F:
        setattr(callback, ACCESS_ATTRIBUTE, access)
        return callback

    return mark


def access_of(callback: Callable[..., Any]) -> Access | None:
    """A handler callback's declaration, or None when it has none."""
    found = getattr(callback, ACCESS_ATTRIBUTE, None)
    return found if isinstance(found, Access) else None
