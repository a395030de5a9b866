"""The bot's key scenarios again on PostgreSQL (skipped unless FLOORBOT_TEST_POSTGRES_URL is set).

On PostgreSQL, double taps from two processes are kept apart by an advisory lock per chat and
the update-id claim waits on the other transaction's row: these scenarios exercise that path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.bot import test_edits, test_quick, test_report, test_robustness, test_start
from tests.bot.conftest import Running

Scenario = Callable[[Running], Awaitable[None]]

SCENARIOS: list[Scenario] = [
    test_quick.test_handover_counts_tickets_and_dress_names_a_person,
    test_quick.test_a_time_in_a_closed_period_is_refused,
    test_quick.test_an_album_belongs_to_one_report,
    test_report.test_guided_report_end_to_end,
    test_report.test_double_tapped_confirm_records_once,
    test_report.test_commonest_items_and_recent_staff_come_first,
    test_robustness.test_a_redelivered_update_records_nothing_twice,
    test_robustness.test_inspectors_reporting_at_once_are_all_recorded_once,
    test_robustness.test_double_tapped_undo_voids_once,
    test_start.test_a_valid_code_gives_the_role_and_shows_how_to_report,
    test_edits.test_an_edit_within_the_window_corrects_the_report,
    test_edits.test_an_edited_value_corrects_it_and_later_edits_correct_again,
    test_edits.test_an_edit_after_the_window_is_answered_and_writes_nothing,
    test_edits.test_a_redelivered_edit_corrects_once,
]


@pytest.mark.postgres
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_on_postgresql(pg_bot: Running, scenario: Scenario) -> None:
    await scenario(pg_bot)
