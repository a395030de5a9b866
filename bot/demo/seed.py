"""A demo contract with a realistic month: a roster, the demo people, reports, photos, a dispute.

Written straight to the database (as ``floorbot import`` and ``floorbot contract add`` do), so
the bot answers ``/score``, ``/deductions``, ``/digest`` and ``/history`` with something at once.
The same seed (``random.Random(SEED)``) gives the same month every time. Beside it, a second
contract on another shipped rulebook, with a few reports and a vendor lead of its own (who
may see nothing of the first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.demo.people import (
    CONTRACT_ID,
    OTHER_CONTRACT_ID,
    OTHER_INSPECTORS,
    OTHER_STAFF,
    PEOPLE,
    STAFF,
    DemoPerson,
)
from bot.localapi import FakeTelegram
from bot.services.drafts import cost_of
from scoring.assessment import Event
from scoring.rulebook import Item, ItemKind, Rulebook, ValueKind
from scoring.term import term_of
from storage.db import write_session
from storage.directory import add_contract, ensure_person, grant_role
from storage.dispute_queries import add_dispute
from storage.models import Entry, EntryState, Role
from storage.queries import add_evidence, audit, change_state, record_entry
from storage.roster import RosterRow, import_roster

SEED = 20260715
ACTOR = "demo"
REPORTS_A_DAY = (1, 4)  # on a working day, at random within
PHOTOS = 2
# The second contract: the first of these shipped rulebooks (other than the demo's) whose term
# has begun, and the last few reports of its latest month.
OTHER_RULEBOOKS = (
    "qingyundian-2023",
    "key-station-2024",
    "chaoyang-health-2023",
    "haikou-hall-2023",
    "haidian-dispatch-2026",
)
OTHER_REPORTS = 6


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the seed wrote, for the page's start-up line."""

    contract_id: str
    reports: int
    photos: int
    dispute_entry: int | None
    other_contract_id: str | None = None


def demo_now(book: Rulebook, now: dt.datetime) -> dt.datetime:
    """Now, when it falls in the contract's term; else 10:00 on a day late in its first year.

    The shipped contracts of earlier years would otherwise score nothing: an event outside
    the term is left out.
    """
    term = term_of(book)
    zone = ZoneInfo(book.contract.timezone)
    today = now.astimezone(zone).date()
    if term.first <= today < term.end:
        return now
    day = min(term.first + dt.timedelta(days=200), term.end - dt.timedelta(days=1))
    return dt.datetime.combine(day.replace(day=min(day.day, 20)), dt.time(10), zone).astimezone(
        dt.UTC
    )


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    *,
    book: Rulebook,
    now: dt.datetime,
    fake: FakeTelegram,
    lang: str,
    books: Mapping[str, Rulebook] | None = None,
) -> Seeded:
    """The demo contract and its month up to ``now`` (and, given ``books``, the second contract
    and its few reports), in one transaction."""
    rng = random.Random(SEED)
    async with write_session(sessions) as session:
        other = other_rulebook(book, books or {}, now)
        await _contract(session, CONTRACT_ID, book, STAFF, now, lang)
        if other is not None:
            await _contract(session, OTHER_CONTRACT_ID, other, OTHER_STAFF, now, lang)
        ids = {}
        for person in (*PEOPLE, *OTHER_INSPECTORS):
            if person.contract == CONTRACT_ID or other is not None:
                ids[person.key] = await _register(session, person, now, lang)
        # the moments drawn as the reports are (one random sequence: the same month every time)
        moments = _moments(book, now, ZoneInfo(book.contract.timezone), rng)
        recorded = await _reports(session, CONTRACT_ID, moments, STAFF, ids, lang, rng)
        photos = await _photos(session, fake, recorded[-PHOTOS:], now)
        disputed = await _costly(session, book, recorded)
        if disputed is not None:
            entry = await session.get(Entry, disputed)
            assert entry is not None
            reason = "打卡记录显示按时到岗" if lang == "zh" else "The clock-in record shows on time"
            # as the vendor lead's /dispute records it: the dispute, the entry's state, the log
            dispute = await add_dispute(
                session=session,
                entry=entry,
                reason=reason,
                opened_by_id=ids["vendor_lead"],
                now=now,
            )
            await change_state(
                session=session,
                entry_id=disputed,
                state=EntryState.DISPUTED,
                actor_id=ids["vendor_lead"],
                reason=reason,
                now=now,
            )
            await audit(
                session=session,
                actor=f"person:{ids['vendor_lead']}",
                action="dispute.open",
                subject=f"dispute:{dispute.id}",
                contract_id=CONTRACT_ID,
                detail={"reason": reason, "entry": disputed},
                now=now,
            )
        if other is not None:
            other_rng = random.Random(SEED + 1)
            zone = ZoneInfo(other.contract.timezone)
            latest = list(_moments(other, _within_term(other, now), zone, other_rng))
            others = await _reports(
                session,
                OTHER_CONTRACT_ID,
                latest[-OTHER_REPORTS:],
                OTHER_STAFF,
                ids,
                lang,
                other_rng,
            )
            await _photos(session, fake, others[-1:], now)
    return Seeded(
        CONTRACT_ID,
        len(recorded),
        photos,
        disputed,
        OTHER_CONTRACT_ID if other is not None else None,
    )


def other_rulebook(
    book: Rulebook, books: Mapping[str, Rulebook], now: dt.datetime
) -> Rulebook | None:
    """The second contract's rulebook: one of OTHER_RULEBOOKS whose term began by ``now``."""
    for rulebook_id in OTHER_RULEBOOKS:
        found = books.get(rulebook_id)
        if found is not None and found.id != book.id and term_of(found).start_utc <= now:
            return found
    return None


def _within_term(book: Rulebook, now: dt.datetime) -> dt.datetime:
    """Now, in the term; after it, 18:00 on its last day."""
    term = term_of(book)
    if term.where(now) is None:
        return now
    return term.end_utc - dt.timedelta(hours=6)


async def _contract(
    session: AsyncSession,
    contract_id: str,
    book: Rulebook,
    staff: tuple[str, ...],
    now: dt.datetime,
    lang: str,
) -> None:
    """The contract, recording from the start of its term, and its roster."""
    await add_contract(
        session=session,
        contract_id=contract_id,
        rulebook_id=book.id,
        client=book.contract.client.get(lang),
        vendor=book.contract.vendor.get(lang),
        timezone=book.contract.timezone,
        now=now,
        actor=ACTOR,
        recording_since=term_of(book).first,
    )
    prefix = "D" if contract_id == CONTRACT_ID else "E"
    rows = [
        RosterRow(f"{prefix}{n:03d}", name, None, None, None) for n, name in enumerate(staff, 1)
    ]
    await import_roster(session=session, contract_id=contract_id, rows=rows, now=now, actor=ACTOR)


async def _costly(session: AsyncSession, book: Rulebook, recorded: list[int]) -> int | None:
    """The latest report that costs the vendor something: the one the vendor lead disputes."""
    for entry_id in reversed(recorded):
        entry = await session.get(Entry, entry_id)
        assert entry is not None
        cost = cost_of(book, book.item(entry.item), entry.value, entry.quantity)
        if cost.points or cost.amount:
            return entry_id
    return None


async def _reports(
    session: AsyncSession,
    contract_id: str,
    moments: Iterable[tuple[dt.datetime, Item]],
    staff: tuple[str, ...],
    ids: Mapping[str, int],
    lang: str,
    rng: random.Random,
) -> list[int]:
    """One report a moment, by one of the contract's inspectors at random, with its audit line."""
    inspectors = [
        p
        for p in (*PEOPLE, *OTHER_INSPECTORS)
        if p.role is Role.INSPECTOR and p.contract == contract_id
    ]
    recorded: list[int] = []
    for moment, item in moments:
        who = rng.choice(inspectors)
        event = Event(
            item=item.code,
            occurred_at=moment,
            quantity=Decimal(1),
            value=_value(item, rng),
            staff=rng.choice(staff) if item.unit.value == "person" else None,
            inspector=who.name(lang),
        )
        entry_id = await record_entry(
            session=session,
            contract_id=contract_id,
            event=event,
            now=moment,
            reported_by_id=ids[who.key],
        )
        await audit(
            session=session,
            actor=f"demo:{who.key}",
            action="entry.recorded",
            subject=f"entry:{entry_id}",
            now=moment,
            contract_id=contract_id,
        )
        recorded.append(entry_id)
    return recorded


async def _photos(
    session: AsyncSession, fake: FakeTelegram, entries: list[int], now: dt.datetime
) -> int:
    """An evidence photo for each of ``entries``, stored on the local Bot API."""
    for entry_id in entries:
        content = evidence_photo(entry_id)
        largest = fake.add_photo(content)[-1]
        await add_evidence(
            session=session,
            entry_id=entry_id,
            telegram_file_id=largest["file_id"],
            telegram_file_unique_id=largest["file_unique_id"],
            sha256=hashlib.sha256(content).hexdigest(),
            now=now,
        )
    return len(entries)


async def _register(session: AsyncSession, person: DemoPerson, now: dt.datetime, lang: str) -> int:
    found = await ensure_person(
        session=session,
        telegram_user_id=person.user_id,
        display_name=person.name(lang),
        now=now,
        language=lang,
    )
    assert found.id is not None
    await grant_role(
        session=session, person_id=found.id, contract_id=person.contract, role=person.role, now=now
    )
    return found.id


def _items(book: Rulebook) -> list[Item]:
    """What inspectors report most: the deductions with a one-line command (else KPI rows)."""
    reported = [i for i in book.items if i.alias and i.kind is ItemKind.DEDUCTION]
    if reported:
        return reported[:8]
    return [i for i in book.items if i.kind is ItemKind.KPI][:4]


def _moments(
    book: Rulebook, now: dt.datetime, zone: ZoneInfo, rng: random.Random
) -> Iterator[tuple[dt.datetime, Item]]:
    """Working-day reports from the first of last month (local) to now, in time order."""
    items = _items(book)
    local = now.astimezone(zone)
    last_month = (local.date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    first = max(last_month, term_of(book).first)
    day = first
    while day <= local.date():
        if day.weekday() < 5:
            count = rng.randint(*REPORTS_A_DAY)
            times = sorted(rng.randint(8 * 60, 18 * 60) for _ in range(count))
            for minutes in times:
                moment = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), zone)
                if moment < local:
                    yield moment.astimezone(dt.UTC), rng.choice(items)
        day += dt.timedelta(days=1)


def _value(item: Item, rng: random.Random) -> str | None:
    """A plausible measured value for the item's kind, within its bounds."""
    spec = item.value
    if spec is None:
        return None
    low = {ValueKind.MINUTES: 5, ValueKind.PERCENT: 90, ValueKind.SCORE: 85}.get(spec.kind, 1)
    high = {ValueKind.MINUTES: 40, ValueKind.PERCENT: 99, ValueKind.SCORE: 98}.get(spec.kind, 3)
    if spec.max is not None:
        high = min(high, int(spec.max))
        low = min(low, high)
    if spec.min is not None:
        low = max(low, int(spec.min))
        high = max(high, low)
    return str(rng.randint(low, high))


def evidence_photo(number: int) -> bytes:
    """A small JPEG standing in for an inspector's photo of the floor."""
    image = Image.new("RGB", (640, 480), (205, 214, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 300, 600, 440), fill=(120, 132, 148))  # a counter
    draw.rectangle((260, 120, 380, 300), fill=(60, 72, 90))  # an empty chair
    draw.text((48, 40), f"floorbot demo - evidence #{number}", fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
