"""Who opened the Mini App: Telegram's signed ``initData``, validated as Telegram specifies.

Telegram signs the Mini App's launch data with a key derived from the bot token
(``secret_key = HMAC-SHA256(key="WebAppData", msg=bot_token)``; ``hash = hex(HMAC-SHA256(
key=secret_key, msg=data_check_string))``, the data-check-string being every received field
but ``hash``, sorted by key, as ``key=value`` lines). A request is trusted only when the hash
matches and ``auth_date`` is recent; the user it names is then looked up like any chat user.
:func:`sign_init_data` signs launch data the same way, for the demo (which plays Telegram).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from bot.services.actors import TelegramUser

WEB_APP_DATA = b"WebAppData"
MAX_INIT_DATA = 4096  # Telegram's launch data is a few hundred bytes


class InitDataError(Exception):
    """The launch data cannot be trusted; ``key`` names the message saying why (bot.texts),
    never the data itself."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class WebAppLaunch:
    """Validated launch data: the Telegram user and when Telegram signed it."""

    user: TelegramUser
    auth_date: dt.datetime


def secret_key(bot_token: str) -> bytes:
    return hmac.new(WEB_APP_DATA, bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign_init_data(fields: Mapping[str, str], bot_token: str) -> str:
    """``fields`` as a query string with the ``hash`` Telegram would add."""
    digest = hmac.new(secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256)
    return urlencode({**fields, "hash": digest.hexdigest()})


def validate_init_data(
    init_data: str, bot_token: str, *, now: dt.datetime, max_age: dt.timedelta
) -> WebAppLaunch:
    """The launch's user, or InitDataError: forged, altered, expired, or without a user."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise InitDataError("launch_missing")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("launch_twice")
    given = fields.get("hash", "")
    expected = hmac.new(
        secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise InitDataError("launch_forged")
    try:
        auth_date = dt.datetime.fromtimestamp(int(fields["auth_date"]), dt.UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        raise InitDataError("launch_no_date") from None
    if now - auth_date > max_age:
        raise InitDataError("launch_expired")
    if auth_date - now > dt.timedelta(minutes=5):
        raise InitDataError("launch_future")
    try:
        user = json.loads(fields["user"])
        telegram_id = int(user["id"])
    except (KeyError, ValueError, TypeError):
        raise InitDataError("launch_no_user") from None
    name = " ".join(str(user.get(k, "")) for k in ("first_name", "last_name")).strip()
    language = user.get("language_code")
    return WebAppLaunch(
        TelegramUser(telegram_id, name or str(telegram_id), str(language) if language else None),
        auth_date,
    )
