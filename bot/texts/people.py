"""The texts of registration and invites: greetings, welcomes, invite codes."""

from __future__ import annotations

from bot.services.people import InviteMade, Welcome
from bot.services.permissions import Actor
from bot.texts.i18n import t
from bot.texts.reports import EXAMPLE_STAFF, common_items, example_for
from storage.models import Role


def greeting_text(actor: Actor) -> str:
    """/start without a code: who the user is to the bot."""
    lang = actor.language
    if not actor.registered:
        return t(lang, "start_stranger")
    roles = sorted({t(lang, f"role_{r.value}") for r in actor.all_roles})
    return t(lang, "start_known", name=actor.name, roles=roles)


def welcome_text(welcome: Welcome) -> str:
    """A redeemed invite: welcome, and what to do first in the new role."""
    registered, book = welcome.registered, welcome.book
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


def invite_text(made: InviteMade, bot_username: str | None) -> str:
    """The code, its expiry, and the deep link when the bot's username is known."""
    lang = made.lang
    url = f"https://t.me/{bot_username}?start={made.code}"
    return t(
        lang,
        "invite_made",
        role=t(lang, f"role_{made.role}"),
        contract=made.contract_id,
        expires=made.expires,
        code=made.code,
        link=t(lang, "invite_link", url=url) if bot_username else "",
    )
