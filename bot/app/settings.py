"""One Settings object, read from the environment (prefix FLOORBOT_) and an optional .env file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///floorbot.db"
# A Bot API token as @BotFather issues it: the bot's numeric id, a colon, 35 URL-safe characters
# (checked loosely: at least 30, so that test and local Bot API tokens pass too).
TOKEN_PATTERN = re.compile(r"^[0-9]{3,20}:[A-Za-z0-9_-]{30,100}$")
# Where every process serves the Mini App (its public URL ends in it too).
MINI_APP_PATH = "/app/"


class SettingsError(ValueError):
    """A setting that is missing or malformed; the message names it and says what to do."""


class Settings(BaseSettings):
    """Everything floorbot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="FLOORBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    bot_username: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str | None = None
    default_language: Literal["zh", "en"] = "zh"
    default_timezone: str = "Asia/Shanghai"
    rulebook_dirs: str = Field(default="", description="extra rulebook folders, ':'-separated")
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret_token: SecretStr | None = None
    webhook_url: str | None = None
    poll_timeout_seconds: int = Field(default=10, ge=0, le=50)
    undo_window_minutes: int = Field(default=10, ge=1)
    invite_valid_days: int = Field(default=7, ge=1)
    conversation_timeout_minutes: int = Field(default=30, ge=1)
    # Digests: how often missed digests and pending deliveries are looked for, when a
    # digest counts as late, Telegram's pace (messages a second overall, seconds between two
    # messages in a chat), retries (first pause, tries per send, tries in all).
    digest_poll_seconds: float = Field(default=10, gt=0)
    digest_late_after_minutes: int = Field(default=10, ge=1)
    digest_messages_per_second: float = Field(default=30, gt=0)
    digest_chat_interval_seconds: float = Field(default=1.0, ge=0)
    digest_retry_seconds: float = Field(default=1.0, gt=0)
    digest_send_attempts: int = Field(default=4, ge=1)
    digest_max_attempts: int = Field(default=6, ge=1)
    # A delivery claimed (`sending`) and not renewed for this long was cut off by a process that
    # died mid-send: it is sent again (a rare duplicate rather than a missed digest). A live
    # sender renews its claim every third of this, so only a dead one goes unrenewed this long.
    digest_stale_seconds: float = Field(default=300, gt=0)
    # The outbox (report confirmations, dispute notices): how often every process looks for
    # messages to send again, the longest pause between two tries (the pauses double up to it,
    # for as long as Telegram is unreachable), and when a claim left by a process that died
    # mid-send is taken as cut off (longer than a send with all its retries takes).
    outbox_poll_seconds: float = Field(default=2.0, gt=0)
    outbox_retry_max_seconds: float = Field(default=60.0, gt=0)
    outbox_stale_seconds: float = Field(default=120.0, gt=0)
    # Operating the bot: logs, health, several processes, faults.
    log_format: Literal["text", "json"] = "text"
    health_port: int | None = Field(default=None, ge=1, le=65535)
    leader_check_seconds: float = Field(default=5.0, gt=0)
    max_concurrent_updates: int = Field(default=64, ge=1)
    api_timeout_seconds: float = Field(default=5.0, gt=0)
    api_retries: int = Field(default=5, ge=0)
    state_sweep_seconds: float = Field(default=60.0, gt=0)
    # The Mini App (bot.webapp): its public URL (HTTPS, ending in /app/, the path this process
    # serves it at; unset: no Mini App, no menu button) and how long Telegram's signed launch
    # data stays good (a page left open longer asks to be opened again from the chat).
    webapp_url: str | None = None
    webapp_max_age_seconds: int = Field(default=86400, ge=60)
    # Objection window for rulebooks without `objections` (000's clause: 3 working days).
    default_objection_working_days: int = Field(default=3, ge=1, le=60)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept plain sqlite:// and postgresql:// URLs and pick the async driver."""
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        return value

    @field_validator("webapp_url")
    @classmethod
    def _mini_app_url(cls, value: str | None) -> str | None:
        """HTTPS (Telegram opens nothing else), or plain HTTP on loopback (the demo, tests)."""
        if value is None or not value.strip():
            return None
        url = urlparse(value.strip())
        loopback = url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost", "::1")
        if not (url.scheme == "https" or loopback) or not url.hostname:
            raise ValueError(
                "FLOORBOT_WEBAPP_URL must be the app's public HTTPS address, e.g. "
                "https://floor.example.gov/app/ (Telegram opens only HTTPS pages)"
            )
        if not url.path.endswith(MINI_APP_PATH):
            raise ValueError(
                f"FLOORBOT_WEBAPP_URL must end in {MINI_APP_PATH}, the path floorbot serves the "
                "app at, e.g. https://floor.example.gov/app/"
            )
        return value.strip()

    def telegram_token(self) -> str:
        """The bot token, or SettingsError saying what is wrong with it (never the token)."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError(
                "FLOORBOT_BOT_TOKEN is not set: put the token @BotFather gave you in the "
                "environment or in .env"
            )
        if not TOKEN_PATTERN.match(self.bot_token.get_secret_value().strip()):
            raise SettingsError(
                "FLOORBOT_BOT_TOKEN is malformed: expected <bot id>:<secret> as @BotFather "
                "gives it, e.g. 123456789:AAE..."
            )
        return self.bot_token.get_secret_value().strip()

    @property
    def extra_rulebook_dirs(self) -> list[Path]:
        return [Path(p) for p in self.rulebook_dirs.split(":") if p.strip()]


def get_settings() -> Settings:
    """Build the settings once at start-up; callers pass the object on."""
    return Settings()
