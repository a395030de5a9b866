"""Who is asking: a Telegram user, and their person record and roles as an :class:`Actor`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.permissions import Actor
from bot.texts.i18n import language_of
from storage import bot_queries as bq
from storage.models import Role


@dataclass(frozen=True, slots=True)
class TelegramUser:
    """The parts of a Telegram user the bot uses."""

    id: int
    name: str
    language_code: str | None


async def load_actor(session: AsyncSession, user: TelegramUser, default_language: str) -> Actor:
    """The user's person record and roles (a stranger gets an actor without roles)."""
    found = await bq.person_roles(session=session, telegram_user_id=user.id)
    if found is None:
        return Actor(user.id, user.name, language_of(None, user.language_code, default_language))
    return actor_of(found, default_language, user.language_code)


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
