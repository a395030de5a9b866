"""The one place that builds the bot: services, the Application, its handlers in order, start-up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.app.clock import Clock, SystemClock
from bot.app.context import BotData, FloorApp, FloorContext, UserData
from bot.app.jobs import start_digests
from bot.app.leader import leadership_for
from bot.app.logs import install_redaction
from bot.app.menus import set_default_menus, set_menu
from bot.app.outbox import start_outbox, stop_outbox
from bot.app.settings import Settings
from bot.app.transport import RateLimiter, bot_request, updates_request
from bot.services.choices import report_commands
from bot.services.core import Core
from bot.services.registry import Services
from handlers import (
    decisions,
    deductions,
    digest,
    disputes,
    edits,
    errors,
    guard,
    help,
    history,
    lang,
    late_reports,
    myreports,
    quick,
    report,
    schedule,
    score,
    start,
    state,
    subscribe,
    undo,
)
from scoring.loader import load_rulebooks
from scoring.rulebook import Rulebook
from storage.db import check_schema, create_engine, session_factory

logger = logging.getLogger("floorbot")

# The order matters: the first matching handler in a group wins, so specific commands come
# before the guided report, and the one-line reports (which take any other command) last.
HANDLERS: tuple[Callable[[FloorApp], None], ...] = (
    state.register,  # group -1: skip handled updates, note open forms; expired-state sweep
    guard.register,  # group 1000: remember handled updates
    edits.register,  # edited messages (no other handler takes them): correct a report
    start.register,  # /start CODE, /invite
    help.register,  # /help
    lang.register,  # /lang, lang: buttons
    myreports.register,  # /myreports
    score.register,  # /score, score: buttons
    deductions.register,  # /deductions, ded: buttons (detail and evidence photos)
    history.register,  # /history with its chart, hist: buttons
    disputes.register,  # /dispute, dsp:o: and dsp:done buttons (before report: its /cancel)
    decisions.register,  # dsp:u: / dsp:w: / dsp:r: — a manager decides a dispute
    report.register,  # /report … guided form, rep: buttons, /cancel
    undo.register,  # undo: buttons
    digest.register,  # /digest, dg: buttons; unmark people who blocked the bot (group -2)
    subscribe.register,  # /subscribe, /unsubscribe, sub: buttons
    schedule.register,  # /schedule
    late_reports.register,  # late: buttons (approve or reject a report for a closed period)
    quick.register,  # /late 张三 25, captions, albums, q: buttons, unknown commands
    errors.register,  # the error handler
)

APPLICATION_NAME = "floorbot"
CONTEXT_TYPES = ContextTypes(context=FloorContext, bot_data=BotData, user_data=UserData)


def file_url(settings: Settings) -> str:
    """The Bot API file URL: the setting, or the API URL's ``/bot`` turned into ``/file/bot``."""
    if settings.api_file_url:
        return settings.api_file_url
    base = settings.api_base_url
    return base.removesuffix("/bot") + "/file/bot" if base.endswith("/bot") else base


def engine_options(url: str) -> dict[str, Any]:
    """PostgreSQL: test pooled connections before use (a restarted server left them dead, so
    the bot recovers by itself) and name them, for pg_stat_activity."""
    if not url.startswith("postgresql"):
        return {}
    return {
        "pool_pre_ping": True,
        "connect_args": {"server_settings": {"application_name": APPLICATION_NAME}},
    }


def build_services(
    settings: Settings,
    clock: Clock | None = None,
    rulebooks: Mapping[str, Rulebook] | None = None,
) -> Services:
    """Settings, the database engine and sessions, the rulebooks and the clock."""
    engine = create_engine(settings.database_url, **engine_options(settings.database_url))
    if rulebooks is None:
        rulebooks = load_rulebooks(settings.extra_rulebook_dirs)
    core = Core(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        rulebooks=rulebooks,
        clock=clock or SystemClock(),
    )
    return Services(core)


def build_application(services: Services) -> FloorApp:
    """The Application with every handler registered, in the order of HANDLERS."""
    settings = services.settings
    token = settings.telegram_token()
    install_redaction(token)
    app: FloorApp = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(file_url(settings))
        .context_types(CONTEXT_TYPES)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        # PTB's HTTPXRequest, with PTB's connection pool sizes (bot.app.transport).
        .request(bot_request(settings.api_timeout_seconds))
        .get_updates_request(updates_request(settings.api_timeout_seconds))
        # Telegram's limits (about 30 messages a second overall); RetryAfter is waited out,
        # and 5xx answers, timeouts and cut connections are retried (bot.app.transport).
        .rate_limiter(RateLimiter(network_retries=settings.api_retries))
        .build()
    )
    app.bot_data.services = services
    # One-line reports, the commonest request, are routed first (handlers.quick).
    quick.register_first(app)
    for register in HANDLERS:
        register(app)
    own = frozenset(
        command
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    )
    app.bot_data.report_commands = report_commands(services.rulebooks) - own
    return app


async def post_init(app: FloorApp) -> None:
    """Refuse to run on an old schema; set the command menus."""
    services: Services = app.bot_data.services
    await check_schema(services.engine)
    app.bot_data.leader = leadership_for(services.settings)
    await app.bot_data.leader.start()
    await set_default_menus(app.bot)
    await refresh_menus(app)
    await start_digests(app)  # digest jobs rebuilt from the contracts' schedules (bot.app.jobs)
    start_outbox(app)  # confirmations and notices owed, sent again (bot.app.outbox)
    logger.info("bot @%s is ready", app.bot.username)


async def refresh_menus(app: FloorApp) -> None:
    """Every registered user's command menu, for their roles and language."""
    services: Services = app.bot_data.services
    for menu in await services.people.menus():
        await set_menu(app.bot, menu.actor, menu.books, services.settings.webapp_url)


async def post_shutdown(app: FloorApp) -> None:
    """Write the outbox's last outcomes; give up the lead of the scheduled jobs; close the
    database connections."""
    services: Services = app.bot_data.services
    await stop_outbox(app)
    await app.bot_data.leader.stop()
    await services.engine.dispose()
