"""The bot's decisions: who the user is, registration, invites, language. Handlers only translate.

Every function takes the session (the caller owns the transaction) and ``now``; refusals are
BotErrors whose text lives in bot.texts.i18n.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, require_any
from bot.texts.i18n import LANGUAGES, language_of
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage.directory import (
    create_invite,
    ensure_person,
    get_contract,
    list_contracts,
    parse_role,
    redeem_invite,
)
from storage.errors import InvalidInputError, InviteError, NotFoundError
from storage.models import Contract, Invite, Role


@dataclass(frozen=True, slots=True)
class TelegramUser:
    """The parts of a Telegram user the bot uses."""

    id: int
    name: str
    language_code: str | None


@dataclass(frozen=True, slots=True)
class Registered:
    contract_id: str
    role: Role
    actor: Actor


async def load_actor(session: AsyncSession, user: TelegramUser, default_language: str) -> Actor:
    """The user's person record and roles (a stranger gets an actor without roles)."""
    found = await bq.person_roles(session, user.id)
    if found is None:
        return Actor(user.id, user.name, language_of(None, user.language_code, default_language))
    return actor_of(found, default_language, user.language_code)


async def contract_book(
    session: AsyncSession, rulebooks: Mapping[str, Rulebook], contract_id: str
) -> tuple[Contract, Rulebook]:
    """The contract and the rulebook that assesses it."""
    try:
        contract = await get_contract(session, contract_id)
    except NotFoundError:
        raise BotError("unknown_contract", contract=contract_id) from None
    book = rulebooks.get(contract.rulebook_id)
    if book is None:
        raise BotError("rulebook_missing", contract=contract_id)
    return contract, book


# -- registration and invites -----------------------------------------------------------


async def register(
    session: AsyncSession,
    *,
    user: TelegramUser,
    code: str,
    now: dt.datetime,
    default_language: str,
    timezone: str,
) -> Registered:
    """Redeem an invite code: the user gets its role on its contract."""
    invite = await session.get(Invite, code.strip())
    _check_invite(invite, now, timezone)
    person = await ensure_person(
        session,
        telegram_user_id=user.id,
        display_name=user.name,
        now=now,
        language=language_of(None, user.language_code, default_language),
    )
    assert person.id is not None
    try:
        membership = await redeem_invite(session, code=code.strip(), person_id=person.id, now=now)
    except InviteError:
        raise BotError("invite_used") from None
    actor = await load_actor(session, user, default_language)
    return Registered(membership.contract_id, Role(membership.role), actor)


def _check_invite(invite: Invite | None, now: dt.datetime, timezone: str) -> None:
    if invite is None:
        raise BotError("invite_unknown")
    if invite.used_at is not None:
        raise BotError("invite_used")
    if invite.expires_at <= now:
        raise BotError("invite_expired", expired=invite.expires_at.astimezone(ZoneInfo(timezone)))


async def make_invite(
    session: AsyncSession,
    *,
    actor: Actor,
    role_text: str | None,
    contract_id: str | None,
    now: dt.datetime,
    valid_for: dt.timedelta,
) -> Invite:
    """A manager's (or admin's) invite for a role on one of their contracts."""
    contracts = require_any(actor, Action.INVITE)
    if role_text is None:
        raise BotError("invite_usage")
    try:
        role = parse_role(role_text)
    except InvalidInputError:
        raise BotError("invite_usage") from None
    if contract_id is None:
        if len(contracts) > 1:
            raise BotError("invite_which_contract", contracts=", ".join(contracts))
        contract_id = contracts[0]
    if not actor.may(Action.INVITE, contract_id):
        raise BotError("forbidden_invite", contract=contract_id)
    if not actor.may_invite(contract_id, role):
        raise BotError("forbidden_invite_role", role=role.value, contract=contract_id)
    return await create_invite(
        session,
        contract_id=contract_id,
        role=role,
        expires_at=now + valid_for,
        now=now,
        created_via=f"telegram:{actor.telegram_id}",
        created_by_id=actor.person_id,
    )


async def choose_language(
    session: AsyncSession, *, user: TelegramUser, language: str, now: dt.datetime
) -> str:
    """Store the language a user picked with /lang (creating their person record if needed)."""
    if language not in LANGUAGES:
        raise BotError("lang_usage")
    person = await ensure_person(
        session, telegram_user_id=user.id, display_name=user.name, now=now, language=language
    )
    await bq.set_language(session, person, language)
    return language


async def contract_books(
    session: AsyncSession, rulebooks: Mapping[str, Rulebook]
) -> dict[str, Rulebook]:
    """Every contract's rulebook by contract id (contracts without a loaded rulebook left out)."""
    contracts = await list_contracts(session)
    return {c.id: rulebooks[c.rulebook_id] for c in contracts if c.rulebook_id in rulebooks}


def actor_of(
    found: bq.PersonRoles, default_language: str, telegram_language: str | None = None
) -> Actor:
    """An Actor from a stored person, their roles and their contracts' rulebooks."""
    roles = {c: frozenset(Role(r) for r in rs) for c, rs in found.roles.items()}
    language = language_of(found.language, telegram_language, default_language)
    return Actor(
        found.telegram_user_id,
        found.display_name,
        language,
        found.person_id,
        roles,
        dict(found.rulebooks),
    )
