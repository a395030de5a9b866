"""Real ``floorbot`` processes for the hardening tests and scripts: start, wait, stop, read."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.fakebot import TOKEN, FakeTelegram

START_TIMEOUT = 30.0
CLI = "from bot.cli.main import main; main()"


def clean_env(**values: str) -> dict[str, str]:
    """This environment without the developer's FLOORBOT_ settings, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOORBOT_")}
    env.update({f"FLOORBOT_{k.upper()}": v for k, v in values.items()})
    return env


def bot_env(fake: FakeTelegram, url: str, **more: str) -> dict[str, str]:
    """Settings for a bot that talks to the fake Bot API and the database at ``url``."""
    values = {
        "bot_token": TOKEN,
        "database_url": url,
        "api_base_url": fake.base_url,
        "api_file_url": fake.base_file_url,
        "poll_timeout_seconds": "1",
    }
    return clean_env(**{**values, **more})


async def start(
    cwd: Path, env: dict[str, str], *args: str, log: Path | None = None
) -> asyncio.subprocess.Process:
    """``floorbot ARGS`` in the background: output piped, or appended to ``log``."""
    if log is None:
        out: Any = asyncio.subprocess.PIPE
    else:
        out = log.open("ab")  # the child keeps its own copy of the descriptor
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI, *args, env=env, cwd=cwd, stdout=out, stderr=out
        )
    finally:
        if log is not None:
            out.close()


async def run(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """``floorbot ARGS`` to the end: exit code, stdout, stderr."""
    process = await start(cwd, env, *args)
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def interrupt(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGINT, then the exit code and everything the process wrote to stderr."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, (err or b"").decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until_listening(port: int, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
    """Wait until something accepts connections on 127.0.0.1:``port``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"nothing listens on port {port}") from None
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def get_json(url: str) -> tuple[int, Any]:
    """GET ``url``: the status and the JSON body."""
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, json.loads(await response.text())


def log_lines(log: Path, needle: str) -> list[str]:
    """The lines of a process's log file that contain ``needle``."""
    if not log.exists():
        return []
    text = log.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if needle in line]


async def until_logged(log: Path, needle: str, timeout: float = START_TIMEOUT) -> list[str]:  # noqa: ASYNC109
    """Wait until the process's log has a line with ``needle``; those lines."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := log_lines(log, needle)):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{log.name} never logged {needle!r}")
        await asyncio.sleep(0.05)
    return found
