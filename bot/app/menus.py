"""The command menu each user sees (``setMyCommands`` with scopes), by role and language."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.services.permissions import Action, Actor
from bot.services.table_links import menu_button
from bot.texts.i18n import LANGUAGES, t
from bot.texts.reports import common_items
from scoring.rulebook import Rulebook

logger = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 256


def _command(lang: str, name: str) -> BotCommand:
    return BotCommand(name, t(lang, f"cmd_{name}"))


def stranger_commands(lang: str) -> list[BotCommand]:
    return [_command(lang, name) for name in ("start", "help", "lang")]


def commands_for(actor: Actor, books: Mapping[str, Rulebook]) -> list[BotCommand]:
    """The commands this user may use: reporting for inspectors, invites for managers."""
    lang = actor.language
    commands: list[BotCommand] = []
    inspected = actor.contracts_for(Action.REPORT)
    if inspected:
        commands.append(_command(lang, "report"))
        commands.extend(_alias_commands(lang, [books[c] for c in inspected if c in books]))
        commands += [_command(lang, "myreports"), _command(lang, "cancel")]
    if actor.contracts_for(Action.INVITE):
        commands.append(_command(lang, "invite"))
    if actor.contracts_for(Action.SCORE):
        commands += [_command(lang, name) for name in ("score", "deductions", "history")]
    if actor.contracts_for(Action.DISPUTE):
        commands.append(_command(lang, "dispute"))
    if actor.contracts_for(Action.DIGEST):
        commands += [_command(lang, n) for n in ("digest", "subscribe", "unsubscribe", "schedule")]
    return [*commands, _command(lang, "help"), _command(lang, "lang")]


def _alias_commands(lang: str, books: Sequence[Rulebook]) -> list[BotCommand]:
    seen: dict[str, BotCommand] = {}
    for book in books:
        for item in common_items(book):
            if item.alias and item.alias not in seen:
                label = item.label.get(lang)[:DESCRIPTION_LIMIT]
                seen[item.alias] = BotCommand(item.alias, label)
    return list(seen.values())


async def set_default_menus(bot: Bot) -> None:
    """Strangers' menu in every language (Chinese as the fallback)."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(stranger_commands(LANGUAGES[0]), scope=scope)
    for lang in LANGUAGES[1:]:
        await bot.set_my_commands(stranger_commands(lang), scope=scope, language_code=lang)


async def set_menu(
    bot: Bot, actor: Actor, books: Mapping[str, Rulebook], webapp_url: str | None = None
) -> None:
    """One user's menu, in their language, for their roles, and with a role and a Mini App
    (``webapp_url``) the chat's menu button opening it (failures are only logged)."""
    try:
        await bot.set_my_commands(
            commands_for(actor, books), scope=BotCommandScopeChat(actor.telegram_id)
        )
        if webapp_url is not None and any(actor.roles.values()):
            button = menu_button(webapp_url, actor.language)
            await bot.set_chat_menu_button(chat_id=actor.telegram_id, menu_button=button)
    except TelegramError as exc:
        logger.warning("command menu for user %s not set: %s", actor.telegram_id, exc)
