"""Registration: ``/start CODE`` (and the ``t.me/…?start=CODE`` link); ``/invite`` for managers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.menus import set_menu
from bot.services.permissions import Action, public, requires
from bot.texts.people import greeting_text, invite_text, welcome_text
from handlers.common import PRIVATE, asking, say


@public("registration: an invite code is how a stranger gets a role; the code is checked")
async def start(update: Update, context: FloorContext) -> None:
    """/start: greet; /start CODE: redeem the invite and welcome the user in their new role."""
    people = context.services.people
    if not context.args:
        actor = await people.who(asking(update, context))
        await say(update, greeting_text(actor))
        return
    welcome = await people.register(asking(update, context), code=context.args[0])
    await say(update, welcome_text(welcome))
    await set_menu(
        context.bot,
        welcome.menu.actor,
        welcome.menu.books,
        context.services.settings.webapp_url,
    )


@requires(Action.INVITE, sample="inspector")
async def invite(update: Update, context: FloorContext) -> None:
    """/invite ROLE [CONTRACT]: a one-time code (and deep link) for someone to register with."""
    args = context.args or []
    made = await context.services.people.invite(
        asking(update, context),
        role_text=args[0] if args else None,
        contract_id=args[1] if len(args) > 1 else None,
    )
    await say(update, invite_text(made, context.bot.username))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("start", start, filters=PRIVATE))
    app.add_handler(CommandHandler("invite", invite, filters=PRIVATE))
