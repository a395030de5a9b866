"""What the operator sees: `floorbot health`, `/health`, JSON logs, one process per SQLite."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app as cli
from storage.db import write_session
from storage.directory import add_contract
from tests.bot.world import INSPECTOR, NOW, STRANGER
from tests.fakebot import TOKEN, FakeTelegram
from tests.hardening import procs

Started = list[asyncio.subprocess.Process]


def _health(env: dict[str, str], *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["health", *args], env=env)
    return result.exit_code, result.stdout.strip().splitlines()


def test_health_of_a_good_deployment(seeded_sqlite: str) -> None:
    code, lines = _health(procs.clean_env(database_url=seeded_sqlite))
    assert code == 0
    assert [line.split(":")[0] for line in lines] == [
        "ok    database",
        "ok    schema",
        "ok    rulebooks",
        "ok    contracts",
    ]
    assert lines[3] == "ok    contracts: 2, each with its rulebook"


def test_health_names_what_is_wrong(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    code, lines = _health(procs.clean_env(database_url=f"sqlite:///{missing}"))
    assert code == 1
    assert lines[0] == (
        f"FAIL  database: sqlite+aiosqlite:///{missing}: the file {missing} does not exist"
    )
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    code, lines = _health(procs.clean_env(database_url=f"sqlite:///{empty}"))
    assert code == 1
    assert "FAIL  schema: not set up; this floorbot needs" in lines[1]
    assert lines[1].endswith("run `floorbot db upgrade`")


def test_health_finds_a_contract_without_its_rulebook_and_a_bad_rulebook(
    seeded_sqlite: str, tmp_path: Path
) -> None:
    async def orphan() -> None:
        from bot.app.builder import build_services
        from bot.app.settings import Settings

        services = build_services(Settings(_env_file=None, database_url=seeded_sqlite))
        async with write_session(services.sessions) as session:
            await add_contract(
                session=session,
                contract_id="gone-2026",
                rulebook_id="no-such-rulebook",
                client="c",
                vendor="v",
                timezone="Asia/Shanghai",
                now=NOW,
                actor="test",
            )
        await services.engine.dispose()

    asyncio.run(orphan())
    code, lines = _health(procs.clean_env(database_url=seeded_sqlite))
    assert code == 1
    assert lines[3] == "FAIL  contracts: rulebook not loaded for gone-2026 (no-such-rulebook)"
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    env = procs.clean_env(database_url=seeded_sqlite, rulebook_dirs=str(tmp_path))
    code, lines = _health(env)
    assert code == 1
    assert lines[2].startswith("FAIL  rulebooks: cannot be loaded:")


async def test_webhook_process_serves_health_and_json_logs(
    tmp_path: Path, fake_telegram: FakeTelegram, seeded_sqlite: str, processes: Started
) -> None:
    port = procs.free_port()
    url = f"http://127.0.0.1:{port}/hook"
    env = procs.bot_env(fake_telegram, seeded_sqlite, log_format="json")
    process = await procs.start(tmp_path, env, "run", "--webhook", url, "--port", str(port))
    processes.append(process)
    await fake_telegram.wait_for_call("setWebhook", timeout=procs.START_TIMEOUT)
    status, body = await procs.get_json(f"http://127.0.0.1:{port}/health")
    assert status == 200
    assert (body["status"], body["mode"], body["leader"]) == ("ok", "webhook", True)
    assert body["checks"]["schema"]["ok"] is True
    fake_telegram.fail_next("getFile", 400, "Bad Request: boom")  # refused: not retried
    await fake_telegram.send_photo(INSPECTOR, b"evidence" * 10, caption="/dress 李四")
    reply = await fake_telegram.wait_for_message(INSPECTOR.chat_id, timeout=procs.START_TIMEOUT)
    assert reply["text"] == "抱歉，系统出错了，本次没有记录任何内容。请稍后再试。"
    result = await asyncio.to_thread(
        _health,
        procs.clean_env(database_url=seeded_sqlite),
        "--http",
        f"http://127.0.0.1:{port}/health",
    )
    assert result[0] == 0 and result[1][-1].startswith("ok    bot: ")
    code, err = await procs.interrupt(process)
    assert code == 0
    records = [json.loads(line) for line in err.strip().splitlines()]
    assert {"time", "level", "logger", "message", "pid"} <= set(records[0])
    assert any(r["message"] == "bot @floorbot_test_bot is ready" for r in records)
    failures = [r for r in records if r["logger"] == "floorbot.errors"]
    assert failures and "Traceback" in failures[0]["exception"]
    assert TOKEN not in err and TOKEN.split(":")[1] not in err


async def test_polling_process_serves_health_on_its_own_port(
    tmp_path: Path, fake_telegram: FakeTelegram, seeded_sqlite: str, processes: Started
) -> None:
    port = procs.free_port()
    env = procs.bot_env(fake_telegram, seeded_sqlite, health_port=str(port))
    process = await procs.start(tmp_path, env, "run")
    processes.append(process)
    await fake_telegram.wait_for_call("getUpdates", timeout=procs.START_TIMEOUT)
    await procs.until_listening(port)
    status, body = await procs.get_json(f"http://127.0.0.1:{port}/health")
    assert status == 200 and body["mode"] == "polling"
    await fake_telegram.send_text(STRANGER, "/help")
    reply = await fake_telegram.wait_for_message(STRANGER.chat_id, timeout=procs.START_TIMEOUT)
    assert reply["text"].startswith("我记录合同考核中的违规情况。")
    code, _ = await procs.interrupt(process)
    assert code == 0


async def test_a_second_bot_on_the_same_sqlite_file_is_refused(
    tmp_path: Path, fake_telegram: FakeTelegram, seeded_sqlite: str, processes: Started
) -> None:
    env = procs.bot_env(fake_telegram, seeded_sqlite)
    first = await procs.start(tmp_path, env, "run")
    processes.append(first)
    await fake_telegram.wait_for_call("getUpdates", timeout=procs.START_TIMEOUT)
    code, _, err = await procs.run(tmp_path, env, "run")
    assert code == 1
    assert err.strip() == (
        f"error: another floorbot (pid {first.pid}) already serves this SQLite database "
        f"({seeded_sqlite.removeprefix('sqlite+aiosqlite:///')}.lock is locked): SQLite serves "
        "one bot process; use PostgreSQL to run several"
    )
    assert (await procs.interrupt(first))[0] == 0


async def test_sigterm_stops_cleanly(
    tmp_path: Path, fake_telegram: FakeTelegram, seeded_sqlite: str, processes: Started
) -> None:
    """`docker stop` sends SIGTERM: the bot finishes what it holds and exits 0."""
    process = await procs.start(tmp_path, procs.bot_env(fake_telegram, seeded_sqlite), "run")
    processes.append(process)
    await fake_telegram.wait_for_call("getUpdates", timeout=procs.START_TIMEOUT)
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), procs.START_TIMEOUT)
    assert process.returncode == 0
