"""One Settings object, read from the environment (prefix FLOORBOT_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///floorbot.db"


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

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept plain sqlite:// and postgresql:// URLs and pick the async driver."""
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        return value

    @property
    def extra_rulebook_dirs(self) -> list[Path]:
        return [Path(p) for p in self.rulebook_dirs.split(":") if p.strip()]


def get_settings() -> Settings:
    """Build the settings once at start-up; callers pass the object on."""
    return Settings()
