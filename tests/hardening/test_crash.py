"""The crash-safety script, small: the bot is SIGKILLed while inspectors report, and restarted.

The full runs (more inspectors, more kills, PostgreSQL) are ``python -m benchmarks.crash_reports``;
see docs/benchmarks.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.crash_reports import run


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_every_report_survives_the_kills(tmp_path: Path, mode: str) -> None:
    outcome = await run(mode=mode, inspectors=3, reports=3, kills=2, folder=tmp_path)
    assert outcome.violations == []
    assert outcome.kills == 2
    assert outcome.stored == outcome.sent >= 9
    assert outcome.confirmed <= outcome.stored
