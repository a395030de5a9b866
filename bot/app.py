"""The one place that builds the bot: services, the Application, its handlers in order, start-up."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any, cast
from zoneinfo import ZoneInfo

from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults

from bot.clock import Clock, SystemClock
from bot.context import BotData, FloorApp, FloorContext, Services, UserData
from bot.logs import install_redaction
from bot.menus import set_default_menus, set_menu
from bot.services import actor_of, contract_books
from bot.settings import Settings
from scoring.loader import load_rulebooks
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage.db import check_schema, create_engine, session_factory

logger = logging.getLogger("floorbot")

# The order matters: the first matching handler in a group wins, so specific commands come
# before the guided report, and the one-line reports (which take any other command) last.
HANDLER_MODULES = (
    "handlers.guard",  # group -1 / 1000: skip redelivered updates, remember handled ones
    "handlers.start",  # /start CODE, /invite
    "handlers.help",  # /help
    "handlers.lang",  # /lang, lang: buttons
    "handlers.myreports",  # /myreports
    "handlers.report",  # /report … guided form, rep: buttons, /cancel
    "handlers.undo",  # undo: buttons
    "handlers.quick",  # /late 张三 25, captions, albums, q: buttons, unknown commands
    "handlers.errors",  # the error handler
)

RATE_LIMIT_RETRIES = 3
CONTEXT_TYPES = ContextTypes(context=FloorContext, bot_data=BotData, user_data=UserData)


def file_url(settings: Settings) -> str:
    """The Bot API file URL: the setting, or the API URL's ``/bot`` turned into ``/file/bot``."""
    if settings.api_file_url:
        return settings.api_file_url
    base = settings.api_base_url
    return base.removesuffix("/bot") + "/file/bot" if base.endswith("/bot") else base


def build_services(
    settings: Settings,
    clock: Clock | None = None,
    rulebooks: Mapping[str, Rulebook] | None = None,
) -> Services:
    """Settings, the database engine and sessions, the rulebooks and the clock."""
    engine = create_engine(settings.database_url)
    if rulebooks is None:
        rulebooks = load_rulebooks(settings.extra_rulebook_dirs)
    return Services(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        rulebooks=rulebooks,
        clock=clock or SystemClock(),
    )


def build_application(services: Services, *, rate_limit: bool = True) -> FloorApp:
    """The Application with every handler registered, in the order of HANDLER_MODULES."""
    settings = services.settings
    token = settings.telegram_token()
    install_redaction(token)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(file_url(settings))
        .defaults(Defaults(tzinfo=ZoneInfo(settings.default_timezone)))
        .context_types(CONTEXT_TYPES)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if rate_limit:
        # Telegram's limits (about 30 messages a second overall); RetryAfter is retried.
        builder = builder.rate_limiter(cast(Any, AIORateLimiter(max_retries=RATE_LIMIT_RETRIES)))
    app: FloorApp = builder.build()
    app.bot_data.services = services
    for name in HANDLER_MODULES:
        importlib.import_module(name).register(app)
    return app


async def post_init(app: FloorApp) -> None:
    """Refuse to run on an old schema; set the command menus."""
    services: Services = app.bot_data.services
    await check_schema(services.engine)
    await set_default_menus(app.bot)
    await refresh_menus(app)
    logger.info("bot @%s is ready", app.bot.username)


async def refresh_menus(app: FloorApp) -> None:
    """Every registered user's command menu, for their roles and language."""
    services: Services = app.bot_data.services
    default = services.settings.default_language
    async with services.sessions() as session:
        people = await bq.people_with_roles(session)
        books = await contract_books(session, services.rulebooks)
    for found in people:
        await set_menu(app.bot, actor_of(found, default), books)


async def post_shutdown(app: FloorApp) -> None:
    """Close the database connections."""
    services: Services = app.bot_data.services
    await services.engine.dispose()
