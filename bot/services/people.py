"""People: registration with an invite code, invites for others, and each person's language.

The module functions take the session (the caller owns the transaction) and ``now``; the
:class:`People` service runs each request in its own unit of work (bot.services.core).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.actors import TelegramUser, actor_of, load_actor
from bot.services.contracts import contract_book, contract_books
from bot.services.core import Asking, Core
from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, require_any
from bot.texts.i18n import LANGUAGES, language_of
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage.directory import (
    create_invite,
    ensure_person,
    parse_role,
    redeem_invite,
)
from storage.errors import InvalidInputError, InviteError
from storage.models import Invite, Role


@dataclass(frozen=True, slots=True)
class Registered:
    contract_id: str
    role: Role
    actor: Actor


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
        session=session,
        telegram_user_id=user.id,
        display_name=user.name,
        now=now,
        language=language_of(None, user.language_code, default_language),
    )
    assert person.id is not None
    try:
        membership = await redeem_invite(
            session=session, code=code.strip(), person_id=person.id, now=now
        )
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
        session=session,
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
        session=session,
        telegram_user_id=user.id,
        display_name=user.name,
        now=now,
        language=language,
    )
    await bq.set_language(session=session, person=person, language=language)
    return language


# -- the requests -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Menu:
    """Who a user is and every contract's rulebook: what their command menu and /help show."""

    actor: Actor
    books: Mapping[str, Rulebook]


@dataclass(frozen=True, slots=True)
class Welcome:
    """A redeemed invite: the new role, the contract's rulebook, and the user's new menu."""

    registered: Registered
    book: Rulebook
    menu: Menu


@dataclass(frozen=True, slots=True)
class InviteMade:
    """An invite code, with its expiry in the bot's time zone, for the inviter (``lang``)."""

    lang: str
    code: str
    role: str
    contract_id: str
    expires: dt.datetime


class People:
    """Registration, invites and each person's language."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def who(self, asking: Asking) -> Actor:
        """The user and their roles."""
        return await self.core.actor(asking)

    async def menu(self, asking: Asking) -> Menu:
        """The user, and the contracts' rulebooks their menu and help draw examples from."""
        async with self.core.read(asking) as uow:
            return Menu(uow.actor, await contract_books(uow.session, self.core.rulebooks))

    async def menus(self) -> list[Menu]:
        """Every registered person's menu (set at start-up: roles may have changed meanwhile)."""
        core = self.core
        async with core.sessions() as session:
            people = await bq.people_with_roles(session=session)
            books = await contract_books(session, core.rulebooks)
        return [Menu(actor_of(found, core.default_language), books) for found in people]

    async def register(self, asking: Asking, *, code: str) -> Welcome:
        """/start CODE: redeem the invite; the user gets its role on its contract."""
        core = self.core
        async with core.work(asking) as uow:
            registered = await register(
                uow.session,
                user=asking.user,
                code=code,
                now=uow.now,
                default_language=core.default_language,
                timezone=core.settings.default_timezone,
            )
            _, book = await contract_book(uow.session, core.rulebooks, registered.contract_id)
            books = await contract_books(uow.session, core.rulebooks)
        return Welcome(registered, book, Menu(registered.actor, books))

    async def invite(
        self, asking: Asking, *, role_text: str | None, contract_id: str | None
    ) -> InviteMade:
        """/invite ROLE [CONTRACT]: a one-time code for someone to register with."""
        settings = self.core.settings
        async with self.core.work(asking) as uow:
            invite = await make_invite(
                uow.session,
                actor=uow.actor,
                role_text=role_text,
                contract_id=contract_id,
                now=uow.now,
                valid_for=dt.timedelta(days=settings.invite_valid_days),
            )
        zone = ZoneInfo(settings.default_timezone)
        expires = invite.expires_at.astimezone(zone)
        return InviteMade(uow.lang, invite.code, invite.role, invite.contract_id, expires)

    async def choose_language(self, asking: Asking, *, language: str) -> Menu:
        """/lang: keep the language the user picked; their menu in it."""
        async with self.core.work(asking) as uow:
            await choose_language(uow.session, user=asking.user, language=language, now=uow.now)
        return await self.menu(asking)
