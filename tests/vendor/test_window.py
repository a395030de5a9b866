"""The objection window and the reading of a reduction, without the bot.

000 附件2 第三十二条: an objection within 3 working days of being told. As in Civil Code
art. 201 and 203, the day of the notice does not count and the last day ends at 24:00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.services.errors import BotError
from bot.services.findings import Case, objection_days, objection_deadline, read_reduction
from bot.services.permissions import Action, Actor
from bot.services.scores import contract_ref, resolve_ref
from scoring.rulebook import Rulebook
from storage.dispute_queries import EntryView
from storage.models import Entry, Role
from tests.bot.world import TZ

ZONE = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("told", "days", "last_day"),
    [
        # Wednesday: Thursday, Friday, Monday.
        (dt.datetime(2026, 7, 15, 10, 0, tzinfo=TZ), 3, dt.date(2026, 7, 20)),
        # Late on Friday: Monday, Tuesday, Wednesday (the weekend does not count).
        (dt.datetime(2026, 7, 17, 23, 50, tzinfo=TZ), 3, dt.date(2026, 7, 22)),
        # On a Saturday: the next three weekdays.
        (dt.datetime(2026, 7, 18, 9, 0, tzinfo=TZ), 3, dt.date(2026, 7, 22)),
        # One working day from a Friday is the Monday.
        (dt.datetime(2026, 7, 17, 9, 0, tzinfo=TZ), 1, dt.date(2026, 7, 20)),
        # 23:30 UTC on Tuesday is 07:30 on Wednesday in Beijing: counted from Wednesday.
        (dt.datetime(2026, 7, 14, 23, 30, tzinfo=dt.UTC), 3, dt.date(2026, 7, 20)),
    ],
)
def test_the_window_ends_at_midnight_after_the_last_working_day(
    told: dt.datetime, days: int, last_day: dt.date
) -> None:
    deadline = objection_deadline(told, days, ZONE)
    midnight = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    assert deadline == midnight


def test_the_rulebook_sets_the_window_else_the_setting(rulebooks: dict[str, Rulebook]) -> None:
    # key-station-2024 encodes 附件2 第三十二条 (3 working days); haidian-dispatch-2026 has no
    # objection clause, so the setting applies.
    assert objection_days(rulebooks["key-station-2024"], default=5) == 3
    assert objection_days(rulebooks["haidian-dispatch-2026"], default=5) == 5


def _case(book: Rulebook, item: str, value: str | None, quantity: str) -> Case:
    now = dt.datetime(2026, 7, 15, 10, 0, tzinfo=TZ)
    entry = Entry(
        id=1,
        contract_id="c",
        item=item,
        occurred_at=now,
        quantity=Decimal(quantity),
        value=value,
        created_at=now,
    )
    return Case(EntryView(entry, (), None, 0), book, book.item(item), now)


@pytest.mark.parametrize(
    ("item", "value", "quantity", "text", "expected"),
    [
        ("late_arrival", "75", "1", "25 打卡记录核实", ("25", "1", "打卡记录核实")),
        ("late_arrival", "75", "1", "25分钟 核实", ("25", "1", "核实")),
        ("missed_handover", None, "3", "1 只有一张", (None, "1", "只有一张")),
        ("missed_handover", None, "3", "x2 两张", (None, "2", "两张")),
        ("late_dispatch", "30", "4", "30 x2 两张单据", ("30", "2", "两张单据")),
    ],
)
def test_a_reduction_reads_the_new_value_or_quantity_then_the_reason(
    rulebooks: dict[str, Rulebook],
    item: str,
    value: str | None,
    quantity: str,
    text: str,
    expected: tuple[str | None, str, str],
) -> None:
    case = _case(rulebooks["haidian-dispatch-2026"], item, value, quantity)
    found = read_reduction(case, text)
    assert (found.value, str(found.quantity), found.reason) == expected


@pytest.mark.parametrize(
    ("item", "text", "key"),
    [
        ("late_arrival", "核实", "reduce_usage"),
        ("late_arrival", "25", "reason_needed"),
        # 三、1: 0 minutes late is in no band: that is a withdrawal, not a reduction.
        ("late_arrival", "0 没迟到", "no_tier"),
        ("missed_handover", "1.5 半张", "bad_quantity"),
    ],
)
def test_a_reduction_that_cannot_be_read_is_refused(
    rulebooks: dict[str, Rulebook], item: str, text: str, key: str
) -> None:
    value = "75" if item == "late_arrival" else None
    case = _case(rulebooks["haidian-dispatch-2026"], item, value, "3")
    with pytest.raises(BotError) as refused:
        read_reduction(case, text)
    assert refused.value.key == key


def test_long_contract_ids_travel_by_position_in_callback_data() -> None:
    long_id = "a-contract-with-a-rather-long-identifier-2026"
    actor = Actor(1, "V", "zh", 1, {long_id: frozenset({Role.VENDOR_LEAD}), "b": frozenset()})
    ref = contract_ref(actor, Action.SCORE, long_id)
    assert ref == "#0" and len(f"ded:p:{ref}:2026-07..2026-12:99".encode()) <= 64
    assert resolve_ref(actor, Action.SCORE, ref) == long_id
    with pytest.raises(BotError) as stale:
        resolve_ref(actor, Action.SCORE, "#7")
    assert stale.value.key == "choice_expired"
    with pytest.raises(BotError) as other:
        resolve_ref(actor, Action.SCORE, "b")
    assert other.value.key == "forbidden_score"
