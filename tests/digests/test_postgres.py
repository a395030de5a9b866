"""The digest scenarios again on PostgreSQL (skipped unless FLOORBOT_TEST_POSTGRES_URL is set).

Runs, deliveries and closed periods are made with INSERT … ON CONFLICT DO NOTHING and
claimed with conditional UPDATEs; on PostgreSQL two processes really run side by side.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.app.clock import OffsetClock
from bot.services.registry import Services
from tests.digests import test_daily, test_faults, test_period, test_processes
from tests.digests.conftest import Launch

Scenario = Callable[..., Awaitable[None]]

SCENARIOS: list[Scenario] = [
    test_daily.test_the_daily_digest_goes_out_at_18_local_once,
    test_daily.test_a_digest_missed_while_the_bot_was_down_goes_out_once_marked_late,
    test_faults.test_a_manager_who_blocked_the_bot_is_marked_and_skipped_until_they_write,
    test_period.test_the_assessment_goes_out_at_9_on_the_1st_with_table_and_chart,
    test_period.test_a_late_report_for_a_closed_period_needs_a_manager_and_shows_as_adjustment,
    test_processes.test_two_processes_ticking_at_once_send_each_digest_once,
]


@pytest.mark.postgres
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_on_postgresql(
    pg_world: Services, pg_launch: Launch, clock: OffsetClock, tmp_path: Path, scenario: Scenario
) -> None:
    wants_folder = "tmp_path" in inspect.signature(scenario).parameters
    await scenario(pg_world, pg_launch, clock, **({"tmp_path": tmp_path} if wants_folder else {}))
