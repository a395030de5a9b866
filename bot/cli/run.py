"""``floorbot run``: start the bot with long polling, or ``--webhook URL`` behind a reverse proxy.

Everything that can be checked before talking to Telegram is checked first (the token's
form, the database, its schema, the rulebooks, that no other bot serves a SQLite file); each
failure is one line on stderr. Serving itself is bot.app.serving.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlparse

import typer

if TYPE_CHECKING:
    from bot.app.context import FloorApp
    from bot.app.instance import InstanceLock
    from bot.app.serving import Polling, Webhook
    from bot.app.settings import Settings
    from bot.services.registry import Services

from bot.cli.common import fail


def register(root: typer.Typer) -> None:
    root.command("run")(run)


def run(
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", metavar="URL", help="public HTTPS URL Telegram posts updates to"),
    ] = None,
    listen: Annotated[
        str | None,
        typer.Option("--listen", metavar="ADDRESS", help="address to listen on (webhook mode)"),
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", metavar="PORT", help="port to listen on (webhook)")
    ] = None,
    secret_token: Annotated[
        str | None,
        typer.Option(
            "--secret-token", metavar="TOKEN", help="secret Telegram sends with each webhook call"
        ),
    ] = None,
    log_level: Annotated[
        str, typer.Option("--log-level", metavar="LEVEL", help="DEBUG, INFO, WARNING")
    ] = "INFO",
) -> None:
    """Run the Telegram bot (long polling unless --webhook is given)."""
    from bot.app.builder import build_application
    from bot.app.logs import configure
    from bot.app.settings import SettingsError

    config = _settings()
    try:
        config.telegram_token()
    except SettingsError as exc:
        fail(str(exc))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        services = _services(config)
        loop.run_until_complete(_check_database(services))
    except BaseException:
        asyncio.set_event_loop(None)
        loop.close()
        raise
    lock = _instance_lock(config)
    configure(log_level.upper(), config.log_format)
    app = build_application(services)
    try:
        _serve(loop, app, config, _mode(config, webhook, listen, port, secret_token))
    finally:
        if lock is not None:
            lock.release()


def _settings() -> Settings:
    from pydantic import ValidationError

    from bot.app.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        fail(f"setting FLOORBOT_{field.upper()}: {error['msg']}")


def _services(config: Settings) -> Services:
    from sqlalchemy.exc import ArgumentError

    from bot.app.builder import build_services
    from scoring.loader import RulebookError

    try:
        return build_services(config)
    except RulebookError as exc:
        fail(f"a rulebook cannot be loaded: {exc}")
    except ArgumentError:
        fail(f"FLOORBOT_DATABASE_URL {config.database_url!r} is not a database URL")


async def _check_database(services: Services) -> None:
    """The database answers and its schema is the latest (else: the command to run)."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from storage.db import check_schema, display_url
    from storage.errors import StorageError

    url = display_url(services.settings.database_url)
    try:
        await check_schema(services.engine)
    except StorageError as exc:
        await services.engine.dispose()
        fail(str(exc))
    except (DBAPIError, OSError, SQLAlchemyError) as exc:
        await services.engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        fail(f"cannot reach the database {url}: {reason[0] if reason else type(exc).__name__}")


def _instance_lock(config: Settings) -> InstanceLock | None:
    """SQLite serves one bot process: refuse to start a second one on the same file."""
    from bot.app.instance import InstanceBusy, acquire

    try:
        return acquire(config.database_url)
    except InstanceBusy as busy:
        who = f" (pid {busy.pid})" if busy.pid else ""
        fail(
            f"another floorbot{who} already serves this SQLite database ({busy.path} is "
            "locked): SQLite serves one bot process; use PostgreSQL to run several"
        )


def _mode(
    config: Settings,
    webhook: str | None,
    listen: str | None,
    port: int | None,
    secret_token: str | None,
) -> Webhook | Polling:
    from bot.app.serving import Polling, Webhook

    webhook = webhook or config.webhook_url
    if webhook is None:
        return Polling(config.poll_timeout_seconds)
    secret = secret_token or (
        config.webhook_secret_token.get_secret_value() if config.webhook_secret_token else None
    )
    return Webhook(
        url=webhook,
        path=urlparse(webhook).path.lstrip("/"),
        listen=listen or config.webhook_listen,
        port=port or config.webhook_port,
        secret_token=secret,
    )


def _serve(
    loop: asyncio.AbstractEventLoop, app: FloorApp, config: Settings, mode: Webhook | Polling
) -> None:
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.app.serving import HttpListener, Webhook, serve
    from storage.errors import StorageError

    listen = mode.listen if isinstance(mode, Webhook) else config.webhook_listen
    health = HttpListener(listen, config.health_port) if config.health_port else None
    if config.webapp_url is not None and health is None and not isinstance(mode, Webhook):
        fail(
            "FLOORBOT_WEBAPP_URL is set, but in polling mode nothing serves the Mini App: set "
            "FLOORBOT_HEALTH_PORT (the port /health and the Mini App listen on), or use --webhook"
        )
    try:
        loop.run_until_complete(
            serve(app, mode, listener=health, max_concurrent=config.max_concurrent_updates)
        )
        loop.close()
    except InvalidToken:
        fail("the Bot API refused FLOORBOT_BOT_TOKEN: check the token @BotFather gave you")
    except NetworkError as exc:
        fail(f"cannot reach the Bot API at {config.api_base_url}: {exc}")
    except StorageError as exc:
        fail(str(exc))
    except TelegramError as exc:
        fail(f"the Bot API refused to start the bot: {exc}")
