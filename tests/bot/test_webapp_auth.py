"""Mini App launch data: trusted only when Telegram's signature matches and it is recent."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.services.webapp_auth import InitDataError, sign_init_data, validate_init_data

TOKEN = "123456789:AAExampleTokenFromBotFather_0123456789"
NOW = dt.datetime(2026, 7, 15, 2, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
USER = {"id": 710002, "first_name": "李", "last_name": "经理", "language_code": "zh"}


def launch(**extra: str) -> dict[str, str]:
    fields = {
        "auth_date": str(int(NOW.timestamp())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(USER, ensure_ascii=False, separators=(",", ":")),
    }
    return {**fields, **extra}


def test_launch_data_signed_as_telegram_specifies_is_trusted() -> None:
    fields = launch()
    # The signature worked out from Telegram's description, independently of the code.
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    lines = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    digest = hmac.new(secret, lines.encode(), hashlib.sha256).hexdigest()
    init_data = urlencode({**fields, "hash": digest})
    assert sign_init_data(fields, TOKEN) == init_data
    launched = validate_init_data(init_data, TOKEN, now=NOW, max_age=DAY)
    assert launched.user.id == 710002
    assert launched.user.name == "李 经理"
    assert launched.user.language_code == "zh"


def test_a_changed_user_is_refused() -> None:
    signed = dict(parse_qsl(sign_init_data(launch(), TOKEN)))
    forged = {**signed, "user": json.dumps({**USER, "id": 710003})}
    with pytest.raises(InitDataError, match="launch_forged"):
        validate_init_data(urlencode(forged), TOKEN, now=NOW, max_age=DAY)


def test_data_signed_with_another_bot_s_token_is_refused() -> None:
    other = "987654321:AAAnotherBotsTokenFromBotFather_99999"
    with pytest.raises(InitDataError, match="launch_forged"):
        validate_init_data(sign_init_data(launch(), other), TOKEN, now=NOW, max_age=DAY)


def test_old_launch_data_replayed_after_its_lifetime_is_refused() -> None:
    init_data = sign_init_data(launch(), TOKEN)
    assert validate_init_data(init_data, TOKEN, now=NOW + DAY, max_age=DAY)
    with pytest.raises(InitDataError, match="launch_expired"):
        validate_init_data(init_data, TOKEN, now=NOW + DAY + dt.timedelta(seconds=1), max_age=DAY)


@pytest.mark.parametrize(
    "init_data",
    [
        "",
        "hash=00",
        "x" * 5000,
        "auth_date=1&auth_date=2&hash=ab",
    ],
)
def test_malformed_launch_data_is_refused(init_data: str) -> None:
    with pytest.raises(InitDataError):
        validate_init_data(init_data, TOKEN, now=NOW, max_age=DAY)


def test_signed_data_without_a_user_or_a_date_is_refused() -> None:
    no_user = {k: v for k, v in launch().items() if k != "user"}
    with pytest.raises(InitDataError, match="launch_no_user"):
        validate_init_data(sign_init_data(no_user, TOKEN), TOKEN, now=NOW, max_age=DAY)
    future = launch(auth_date=str(int((NOW + dt.timedelta(hours=1)).timestamp())))
    with pytest.raises(InitDataError, match="launch_future"):
        validate_init_data(sign_init_data(future, TOKEN), TOKEN, now=NOW, max_age=DAY)
