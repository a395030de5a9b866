"""``floorbot contract add --schedule``: digest times are checked when they are set."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from bot.cli.main import app
from storage.db import create_engine, session_factory
from storage.models import Contract


def _add(database_url: str, *schedule: str) -> tuple[int, str]:
    args = ["contract", "add", "hd-2026", "--rulebook", "haidian-dispatch-2026"]
    for setting in schedule:
        args += ["--schedule", setting]
    result = CliRunner().invoke(app, args, env={"FLOORBOT_DATABASE_URL": database_url})
    return result.exit_code, result.output


def test_a_bad_digest_time_is_refused_and_a_good_one_kept(database_url: str) -> None:
    code, output = _add(database_url, "daily_digest=25:00")
    assert code == 1
    assert "error: schedule daily_digest='25:00': write HH:MM (e.g. 18:00) or off" in output
    code, output = _add(database_url, "daily_digest=18:30", "period_assessment=24 09:00")
    assert code == 0, output
    assert asyncio.run(_schedule(database_url)) == {
        "daily_digest": "18:30",
        "period_assessment": "24 09:00",
    }


async def _schedule(url: str) -> dict[str, object]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            contract = await session.get(Contract, "hd-2026")
            assert contract is not None
            return dict(contract.schedule)
    finally:
        await engine.dispose()
