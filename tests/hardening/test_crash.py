"""The crash-safety scripts, small: the bot is SIGKILLed while inspectors report, or while it
sends a digest to managers, and restarted.

The full runs (more inspectors, more kills, PostgreSQL) are ``python -m benchmarks.crash_reports``
and ``python -m benchmarks.crash_digests``; see docs/benchmarks.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.crash_digests import run as run_digests
from benchmarks.crash_reports import run


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_every_report_survives_the_kills(tmp_path: Path, mode: str) -> None:
    outcome = await run(mode=mode, inspectors=3, reports=3, kills=2, folder=tmp_path)
    assert outcome.violations == []
    assert outcome.kills == 2
    assert outcome.stored == outcome.sent >= 9
    assert outcome.confirmed <= outcome.stored


async def test_a_digest_fan_out_killed_midway_reaches_every_manager(tmp_path: Path) -> None:
    outcome = await run_digests(managers=45, contracts=2, kills=2, folder=tmp_path)
    assert outcome.kills >= 1
    # Nobody missed it; twice only a manager whose delivery a kill cut mid-send.
    assert outcome.violations == []
    assert len(outcome.received) == outcome.managers
