"""storage.dispute_queries.open_disputes: what the period assessment lists as still open."""

from __future__ import annotations

import datetime as dt

from scoring.periods import month_period
from storage.bot_queries import person_by_telegram_id
from storage.db import write_session
from storage.dispute_queries import add_dispute, open_disputes, settle
from storage.models import DisputeStatus, Entry
from tests.bot.world import MANAGER, VENDOR, A, B
from tests.vendor.conftest import Running
from tests.vendor.world import VENDOR_B, finding

JULY = month_period(2026, 7, "Asia/Shanghai")


async def test_only_the_periods_open_disputes_of_the_contract(vbot: Running) -> None:
    july_open = await finding(vbot, A, "dress_code")
    july_decided = await finding(vbot, A, "dress_code", staff="李四")
    june_open = await finding(vbot, A, "dress_code", ago=dt.timedelta(days=20))
    other_contract = await finding(vbot, B, "dress_code", staff="赵六")
    now = vbot.clock.now()
    async with write_session(vbot.services.sessions) as session:
        vendor = await person_by_telegram_id(session=session, telegram_user_id=VENDOR.id)
        vendor_b = await person_by_telegram_id(session=session, telegram_user_id=VENDOR_B.id)
        manager = await person_by_telegram_id(session=session, telegram_user_id=MANAGER.id)
        assert vendor and vendor.id and vendor_b and vendor_b.id and manager and manager.id
        made = {}
        for entry_id, opener in (
            (july_open, vendor.id),
            (july_decided, vendor.id),
            (june_open, vendor.id),
            (other_contract, vendor_b.id),
        ):
            entry = await session.get(Entry, entry_id)
            assert entry is not None
            made[entry_id] = await add_dispute(
                session=session, entry=entry, reason="r", opened_by_id=opener, now=now
            )
        decided = made[july_decided].id
        assert decided is not None
        await settle(
            session=session,
            dispute_id=decided,
            status=DisputeStatus.UPHELD,
            resolved_by_id=manager.id,
            resolution="ok",
            now=now,
        )
    async with vbot.services.sessions() as session:
        found = await open_disputes(session=session, contract_id=A, period=JULY)
    assert [(d.dispute.id, d.entry.id) for d in found] == [(made[july_open].id, july_open)]
