"""Who may do what: the role a person holds on each contract, checked on the server side."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.services.errors import BotError
from storage.models import Role


class Action(StrEnum):
    """Things a user asks the bot to do that need a role on a contract."""

    REPORT = "report"  # record a violation (guided or quick), attach evidence
    UNDO = "undo"  # take back one's own report within the undo window
    MY_REPORTS = "myreports"
    INVITE = "invite"  # make an invite code for someone else


# The roles that may take each action on a contract.
ALLOWED: Mapping[Action, frozenset[Role]] = {
    Action.REPORT: frozenset({Role.INSPECTOR}),
    Action.UNDO: frozenset({Role.INSPECTOR}),
    Action.MY_REPORTS: frozenset({Role.INSPECTOR}),
    Action.INVITE: frozenset({Role.MANAGER, Role.ADMIN}),
}

# The roles each inviting role may hand out on its contract.
INVITABLE: Mapping[Role, frozenset[Role]] = {
    Role.MANAGER: frozenset({Role.INSPECTOR, Role.VENDOR_LEAD}),
    Role.ADMIN: frozenset(Role),
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
        return REPORTING.may(self, action, contract_id)

    def contracts_for(self, action: Action) -> list[str]:
        """The contracts on which this user may take ``action``, sorted."""
        return REPORTING.contracts_for(self, action)

    def may_invite(self, contract_id: str, role: Role) -> bool:
        held = self.roles.get(contract_id, frozenset())
        return any(role in INVITABLE.get(mine, frozenset()) for mine in held)


AskT = TypeVar("AskT", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Permissions(Generic[AskT]):
    """One feature's table of the roles that may make each request, and the checks on it.

    A refusal names the request: ``forbidden_<request>`` (bot.texts.i18n has a message for each).
    """

    allowed: Mapping[AskT, frozenset[Role]]

    def may(self, actor: Actor, ask: AskT, contract_id: str) -> bool:
        return bool(actor.roles.get(contract_id, frozenset()) & self.allowed[ask])

    def contracts_for(self, actor: Actor, ask: AskT) -> list[str]:
        """The contracts on which the actor may make this request, sorted."""
        return sorted(c for c in actor.roles if self.may(actor, ask, c))

    def require(self, actor: Actor, ask: AskT, contract_id: str) -> None:
        """Refuse unless the actor may make this request on the contract."""
        if not actor.registered:
            raise BotError("not_registered")
        if not self.may(actor, ask, contract_id):
            raise BotError(f"forbidden_{ask.value}", contract=contract_id)

    def require_any(self, actor: Actor, ask: AskT) -> list[str]:
        """The contracts the actor may make this request on; refuse when there is none."""
        if not actor.registered:
            raise BotError("not_registered")
        contracts = self.contracts_for(actor, ask)
        if not contracts:
            raise BotError(f"forbidden_{ask.value}", contract="")
        return contracts


REPORTING = Permissions(ALLOWED)
require = REPORTING.require
require_any = REPORTING.require_any


# -- what each handler checks (issue 7) -------------------------------------------------------
# Every handler callback registered in the Application declares it: the requests whose role it
# checks on the server side before acting, and so the roles that pass (``@checks``), or why it
# is open to everyone (``@public``). tests/hardening/test_handler_access.py enumerates every
# registered handler and fails on one without a declaration, and drives each checked command
# and button as every user whose role does not pass: nothing may change. Handlers whose module
# does not carry the decorators (features with their own request tables) are declared in
# bot.services.access_declared.

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTRIBUTE = "__floorbot_access__"


@dataclass(frozen=True, slots=True)
class Access:
    """A handler's declaration: the requests it checks and the roles that pass, or why it is
    public; ``sample`` is an input it takes (command arguments, callback data or message text)
    for the test that drives it as the wrong user."""

    checks: frozenset[str] = frozenset()
    roles: frozenset[Role] = frozenset()
    public: str | None = None
    sample: str | None = None


def role_check(requests: Iterable[str], roles: Iterable[Role], sample: str | None = None) -> Access:
    """A declaration for a handler that checks ``requests``, passed by ``roles``."""
    return Access(frozenset(requests), frozenset(roles), None, sample)


def checks(*actions: Action, sample: str | None = None) -> Callable[[F], F]:
    """Declare the actions a handler checks (``require``/``may``) before it acts."""
    roles = frozenset(role for action in actions for role in ALLOWED[action])
    return _mark(role_check((a.value for a in actions), roles, sample))


def public(reason: str, sample: str | None = None) -> Callable[[F], F]:
    """Declare a handler open to everyone, and why (it changes nothing that needs a role)."""
    return _mark(Access(frozenset(), frozenset(), reason, sample))


def _mark(access: Access) -> Callable[[F], F]:
    def mark(callback: F) -> F:
        setattr(callback, ACCESS_ATTRIBUTE, access)
        return callback

    return mark


def qualified_name(callback: Callable[..., Any]) -> str:
    return f"{callback.__module__}.{callback.__qualname__}"


def access_of(
    callback: Callable[..., Any], declared: Mapping[str, Access] | None = None
) -> Access | None:
    """A handler callback's declaration: its decorator's, or the one in ``declared``."""
    found = getattr(callback, ACCESS_ATTRIBUTE, None)
    if isinstance(found, Access):
        return found
    return (declared or {}).get(qualified_name(callback))
