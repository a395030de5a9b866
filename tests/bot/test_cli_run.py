"""``floorbot run``: clean one-line refusals, and the real process polling or on a webhook."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app.builder import build_services
from bot.cli.main import app as cli
from storage.db import create_engine, upgrade
from tests.bot.conftest import bot_settings
from tests.bot.world import STRANGER, seed
from tests.fakebot import TOKEN, FakeTelegram

START_TIMEOUT = 30.0


def _env(**values: str) -> dict[str, str]:
    """A clean environment: none of the developer's FLOORBOT_ settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOORBOT_")}
    env.update({f"FLOORBOT_{k.upper()}": v for k, v in values.items()})
    return env


def _run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **values: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("FLOORBOT_")]:
        monkeypatch.delenv(key)
    result = CliRunner().invoke(cli, ["run"], env=_env(**values))
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("", "error: FLOORBOT_BOT_TOKEN is not set: put the token @BotFather gave you"),
        ("not-a-token", "error: FLOORBOT_BOT_TOKEN is malformed: expected <bot id>:<secret>"),
        ("12345:short", "error: FLOORBOT_BOT_TOKEN is malformed"),
    ],
)
def test_missing_or_malformed_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str, expected: str
) -> None:
    code, err = _run_cli(tmp_path, monkeypatch, bot_token=token)
    assert code == 1
    assert err.startswith(expected)
    assert len(err.strip().splitlines()) == 1
    assert token not in err or not token


def test_unreachable_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://floorbot:secret@127.0.0.1:1/floorbot"
    code, err = _run_cli(tmp_path, monkeypatch, bot_token=TOKEN, database_url=url)
    assert code == 1
    assert err.startswith("error: cannot reach the database postgresql+asyncpg://floorbot:***@")
    assert "secret" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unmigrated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, err = _run_cli(tmp_path, monkeypatch, bot_token=TOKEN, database_url=url)
    assert code == 1
    assert err.strip().endswith("is not set up yet: run `floorbot db upgrade`")
    assert len(err.strip().splitlines()) == 1


# -- the real process ---------------------------------------------------------------------


@pytest.fixture
async def seeded_url(tmp_path: Path, fake_telegram: FakeTelegram) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    services = build_services(bot_settings(fake_telegram, url))
    await seed(services)
    await services.engine.dispose()
    return url


async def _start(tmp_path: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    code = "from bot.cli.main import main; main()"
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        "run",
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.fixture
async def stop_later() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.communicate()


def _bot_env(fake: FakeTelegram, url: str, **more: str) -> dict[str, str]:
    return _env(
        bot_token=TOKEN,
        database_url=url,
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        poll_timeout_seconds="1",
        **more,
    )


async def test_polling_process_answers_and_stops_cleanly(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    seeded_url: str,
    stop_later: list[asyncio.subprocess.Process],
) -> None:
    process = await _start(tmp_path, _bot_env(fake_telegram, seeded_url))
    stop_later.append(process)
    await fake_telegram.wait_for_call("getUpdates", timeout=START_TIMEOUT)
    await fake_telegram.send_text(STRANGER, "/help")
    reply = await fake_telegram.wait_for_message(STRANGER.chat_id, timeout=START_TIMEOUT)
    assert reply["text"].startswith("我记录合同考核中的违规情况。")
    process.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 0
    assert TOKEN not in err.decode()


async def test_a_token_the_api_refuses(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    seeded_url: str,
    stop_later: list[asyncio.subprocess.Process],
) -> None:
    env = _bot_env(fake_telegram, seeded_url)
    env["FLOORBOT_BOT_TOKEN"] = "987654321:AAWrongTokenWrongTokenWrongToken123"
    process = await _start(tmp_path, env)
    stop_later.append(process)
    _, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 1
    assert err.decode().strip().splitlines()[-1] == (
        "error: the Bot API refused FLOORBOT_BOT_TOKEN: check the token @BotFather gave you"
    )
    assert "WrongToken" not in err.decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_process_takes_updates_from_telegram(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    seeded_url: str,
    stop_later: list[asyncio.subprocess.Process],
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/floorbot-hook"
    args = ("--webhook", url, "--listen", "127.0.0.1", "--port", str(port))
    process = await _start(
        tmp_path, _bot_env(fake_telegram, seeded_url), *args, "--secret-token", "s3cret-Token"
    )
    stop_later.append(process)
    call = await fake_telegram.wait_for_call("setWebhook", timeout=START_TIMEOUT)
    assert call.params["url"] == url
    assert call.params["secret_token"] == "s3cret-Token"
    await _until_listening(port)
    await fake_telegram.send_text(STRANGER, "/start")
    reply = await fake_telegram.wait_for_message(STRANGER.chat_id, timeout=START_TIMEOUT)
    assert reply["text"].startswith("您好！我是合同考核记录机器人。")
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 0


async def _until_listening(port: int) -> None:
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"nothing listens on port {port}")


async def _cli(tmp_path: Path, env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli.main import main; main()",
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_set_up_from_the_command_line_then_register_in_chat(
    tmp_path: Path,
    fake_telegram: FakeTelegram,
    stop_later: list[asyncio.subprocess.Process],
) -> None:
    env = _bot_env(fake_telegram, f"sqlite:///{tmp_path / 'fresh.db'}")
    (tmp_path / "roster.csv").write_text("staff_no,name\nS001,张三\n", encoding="utf-8")
    await _cli(tmp_path, env, "db", "upgrade")
    await _cli(tmp_path, env, "contract", "add", "hd-2026", "--rulebook", "haidian-dispatch-2026")
    await _cli(tmp_path, env, "roster", "import", "--contract", "hd-2026", "roster.csv")
    printed = await _cli(tmp_path, env, "invite", "--contract", "hd-2026", "--role", "inspector")
    code = printed.strip().splitlines()[-1]
    process = await _start(tmp_path, env)
    stop_later.append(process)
    await fake_telegram.wait_for_call("getUpdates", timeout=START_TIMEOUT)
    await fake_telegram.send_text(STRANGER, f"/start {code}")
    welcome = await fake_telegram.wait_for_message(STRANGER.chat_id, timeout=START_TIMEOUT)
    assert welcome["text"].startswith("欢迎，Stranger！您现在是合同 hd-2026")
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), START_TIMEOUT)
