"""Registration: ``/start CODE`` (and the ``t.me/…?start=CODE`` link); ``/invite`` for managers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.menus import set_menu
from bot.services.people import Registered, contract_book, contract_books, make_invite
from bot.services.people import register as redeem
from bot.services.permissions import Action, Actor, public, requires
from bot.texts.i18n import t
from bot.texts.reports import EXAMPLE_STAFF, common_items, example_for
from handlers.common import PRIVATE, default_language, read_actor, say, telegram_user, transact
from scoring.rulebook import Rulebook
from storage.models import Invite, Role


@public("registration: an invite code is how a stranger gets a role; the code is checked")
async def start(update: Update, context: FloorContext) -> None:
    """/start: greet; /start CODE: redeem the invite and welcome the user in their new role."""
    if not context.args:
        await _greet(update, context)
        return
    code = context.args[0]
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> tuple[Registered, Rulebook]:
        registered = await redeem(
            session,
            user=telegram_user(update),
            code=code,
            now=now,
            default_language=default_language(context),
            timezone=context.services.settings.default_timezone,
        )
        _, book = await contract_book(session, context.services.rulebooks, registered.contract_id)
        return registered, book

    done = await transact(update, context, work)
    if done is None:
        return
    registered, book = done.value
    await say(update, _welcome(registered, book))
    await _refresh_menu(context, registered.actor)


def _welcome(registered: Registered, book: Rulebook) -> str:
    lang = registered.actor.language
    text = t(
        lang,
        "welcome",
        name=registered.actor.name,
        role=t(lang, f"role_{registered.role.value}"),
        contract=registered.contract_id,
        title=book.title,
    )
    if registered.role is Role.INSPECTOR:
        items = common_items(book)
        example = example_for(items[0]) if items else f"/report {EXAMPLE_STAFF}"
        return text + "\n" + t(lang, "welcome_inspector", example=example)
    if registered.role in (Role.MANAGER, Role.ADMIN):
        return text + "\n" + t(lang, "welcome_manager")
    return text + "\n" + t(lang, "welcome_other")


async def _greet(update: Update, context: FloorContext) -> None:
    actor = await read_actor(update, context)
    lang = actor.language
    if not actor.registered:
        await say(update, t(lang, "start_stranger"))
        return
    roles = sorted({t(lang, f"role_{r.value}") for r in actor.all_roles})
    await say(update, t(lang, "start_known", name=actor.name, roles=roles))


async def _refresh_menu(context: FloorContext, actor: Actor) -> None:
    async with context.services.sessions() as session:
        books = await contract_books(session, context.services.rulebooks)
    await set_menu(context.bot, actor, books)


@requires(Action.INVITE, sample="inspector")
async def invite(update: Update, context: FloorContext) -> None:
    """/invite ROLE [CONTRACT]: a one-time code (and deep link) for someone to register with."""
    args = context.args or []
    now = context.services.clock.now()
    valid_for = dt.timedelta(days=context.services.settings.invite_valid_days)

    async def work(session: AsyncSession, actor: Actor) -> Invite:
        return await make_invite(
            session,
            actor=actor,
            role_text=args[0] if args else None,
            contract_id=args[1] if len(args) > 1 else None,
            now=now,
            valid_for=valid_for,
        )

    done = await transact(update, context, work)
    if done is None:
        return
    await say(update, _invite_text(context, done.lang, done.value))


def _invite_text(context: FloorContext, lang: str, invite: Invite) -> str:
    zone = ZoneInfo(context.services.settings.default_timezone)
    username = context.bot.username
    url = f"https://t.me/{username}?start={invite.code}"
    return t(
        lang,
        "invite_made",
        role=t(lang, f"role_{invite.role}"),
        contract=invite.contract_id,
        expires=invite.expires_at.astimezone(zone),
        code=invite.code,
        link=t(lang, "invite_link", url=url) if username else "",
    )


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("start", start, filters=PRIVATE))
    app.add_handler(CommandHandler("invite", invite, filters=PRIVATE))
