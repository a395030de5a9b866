"""Every shipped contract's digests can be made and read: the day's and the period's, in
Chinese and English, with the table and the chart (scorecards, weighted components,
KPIs with money per miss, payout pools, quarters)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.services.digests.content import daily_figures, period_figures
from bot.services.drafts import BOT_KINDS
from bot.services.registry import Services
from bot.texts.assessment import period_message
from bot.texts.digests import MESSAGE_LIMIT, daily_message
from bot.texts.i18n import number
from bot.texts.reports import example_value
from scoring.assessment import Event
from scoring.periods import period_of
from scoring.rulebook import Rulebook
from storage.db import write_session
from storage.directory import add_contract
from storage.queries import record_entry

ZONE = ZoneInfo("Asia/Shanghai")


def _events(book: Rulebook, when: dt.datetime) -> list[Event]:
    """One report of every item an inspector reports, with a value its first band takes."""
    out = []
    for item in book.items:
        if item.kind not in BOT_KINDS:
            continue
        value = number(example_value(item)) if item.value is not None else None
        staff = "张三" if item.unit.value == "person" else None
        out.append(Event(item.code, when, Decimal(1), value, staff, inspector="Ins"))
    return out


@pytest.mark.parametrize(
    "rulebook",
    [
        "chaoyang-health-2023",
        "haidian-dispatch-2026",
        "haikou-hall-2023",
        "key-station-2024",
        "qingyundian-2023",
    ],
)
async def test_each_contract_gets_readable_digests(world: Services, rulebook: str) -> None:
    book = world.rulebooks[rulebook]
    when = dt.datetime.combine(
        book.contract.valid_from + dt.timedelta(days=45), dt.time(10), tzinfo=ZONE
    )
    period = period_of(book, when)
    after_period = dt.datetime.combine(period.end, dt.time(9), tzinfo=ZONE)
    async with write_session(world.sessions) as session:
        await add_contract(
            session=session,
            contract_id="c-" + rulebook,
            rulebook_id=rulebook,
            client="client",
            vendor="vendor",
            timezone="Asia/Shanghai",
            now=when - dt.timedelta(days=40),
            actor="test",
        )
        for event in _events(book, when):
            await record_entry(session=session, contract_id="c-" + rulebook, event=event, now=when)
        day = await daily_figures(
            session,
            contract_id="c-" + rulebook,
            book=book,
            zone=ZONE,
            after=when - dt.timedelta(hours=1),
            until=when + dt.timedelta(hours=8),
        )
        assessment = await period_figures(
            session,
            contract_id="c-" + rulebook,
            book=book,
            period=period,
            now=after_period,
            adjustments_after=period.start_utc,
        )
    assert len(day.reports) == len(_events(book, when))
    for lang in ("zh", "en"):
        [text] = daily_message(lang, [(day, ZONE)], late_due=None)
        assert f"c-{rulebook}" in text and len(text) <= MESSAGE_LIMIT
        full = period_message(lang, assessment, ZONE, closing=True, late_due=None)
        assert period.label in full.splitlines()[0] and len(full) <= MESSAGE_LIMIT
    sheet = openpyxl.load_workbook(io.BytesIO(assessment.xlsx)).active
    assert sheet is not None and period.label in str(sheet["A1"].value)
    assert assessment.chart.startswith(b"\x89PNG")
