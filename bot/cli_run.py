"""``floorbot run``: start the bot with long polling, or ``--webhook URL`` behind a reverse proxy.

Everything that can be checked before talking to Telegram is checked first (the token's
form, the database, its schema, the rulebooks); each failure is one line on stderr.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import urlparse

import typer
from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.app import build_application, build_services
from bot.cli_common import fail
from bot.context import FloorApp, Services
from bot.logs import configure
from bot.settings import Settings, SettingsError
from scoring.loader import RulebookError
from storage.db import check_schema, display_url
from storage.errors import StorageError


def register(root: typer.Typer) -> None:
    root.command("run")(run)


def run(
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", help="public HTTPS URL Telegram posts updates to"),
    ] = None,
    listen: Annotated[
        str | None, typer.Option("--listen", help="address to listen on (webhook mode)")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="port to listen on (webhook)")] = None,
    secret_token: Annotated[
        str | None,
        typer.Option("--secret-token", help="secret Telegram sends with each webhook call"),
    ] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="DEBUG, INFO, WARNING")] = "INFO",
) -> None:
    """Run the Telegram bot (long polling unless --webhook is given)."""
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
    configure(log_level.upper())
    app = build_application(services)
    _serve(app, config, webhook, listen, port, secret_token)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        fail(f"setting FLOORBOT_{field.upper()}: {error['msg']}")


def _services(config: Settings) -> Services:
    try:
        return build_services(config)
    except RulebookError as exc:
        fail(f"a rulebook cannot be loaded: {exc}")
    except ArgumentError:
        fail(f"FLOORBOT_DATABASE_URL {config.database_url!r} is not a database URL")


async def _check_database(services: Services) -> None:
    """The database answers and its schema is the latest (else: the command to run)."""
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


def _serve(
    app: FloorApp,
    config: Settings,
    webhook: str | None,
    listen: str | None,
    port: int | None,
    secret_token: str | None,
) -> None:
    webhook = webhook or config.webhook_url
    try:
        if webhook is None:
            app.run_polling(timeout=config.poll_timeout_seconds)
            return
        secret = secret_token or (
            config.webhook_secret_token.get_secret_value() if config.webhook_secret_token else None
        )
        app.run_webhook(
            listen=listen or config.webhook_listen,
            port=port or config.webhook_port,
            url_path=urlparse(webhook).path.lstrip("/"),
            webhook_url=webhook,
            secret_token=secret,
        )
    except InvalidToken:
        fail("the Bot API refused FLOORBOT_BOT_TOKEN: check the token @BotFather gave you")
    except NetworkError as exc:
        fail(f"cannot reach the Bot API at {config.api_base_url}: {exc}")
    except StorageError as exc:
        fail(str(exc))
    except TelegramError as exc:
        fail(f"the Bot API refused to start the bot: {exc}")
