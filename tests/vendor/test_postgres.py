"""The vendor-lead scenarios again on PostgreSQL (skipped without FLOORBOT_TEST_POSTGRES_URL)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.vendor import test_deductions, test_disputes, test_score
from tests.vendor.conftest import Running

Scenario = Callable[[Running], Awaitable[None]]

SCENARIOS: list[Scenario] = [
    test_score.test_the_vendor_lead_sees_the_score_money_and_distances,
    test_score.test_a_closed_period_is_final_until_a_dispute_is_open,
    test_deductions.test_each_line_shows_time_item_staff_quantity_points_and_state,
    test_disputes.test_a_lead_disputes_a_manager_withdraws_the_score_moves_back,
    test_disputes.test_a_reduce_changes_the_points_exactly_as_the_rulebook_says,
    test_disputes.test_late_disputes_are_refused,
    test_disputes.test_two_managers_deciding_at_once_settle_it_once,
    test_disputes.test_photos_come_with_the_dispute_and_after_it,
    test_disputes.test_refusals_and_cancels,
]


@pytest.mark.postgres
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_on_postgresql(pg_vbot: Running, scenario: Scenario) -> None:
    await scenario(pg_vbot)
