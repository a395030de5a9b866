"""Which contract, which item, which staff member: the choices a report offers and checks.

Every function that reads the database takes the session; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.drafts import item_by_command, reportable
from bot.services.errors import BotError
from bot.services.parsing import QuickText
from bot.services.permissions import Actor
from scoring.rulebook import Item, Label, Rulebook, Section, walk_sections
from storage import bot_queries as bq
from storage.models import RosterMember

# How far back "the commonest items" are counted.
COMMON_ITEMS_WINDOW = dt.timedelta(days=90)
# How many "did you mean" names an unknown staff member gets.
STAFF_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class SectionChoice:
    """A section of the scorecard with the reportable items directly under it."""

    code: str | None
    label: Label | None
    items: tuple[Item, ...]


# -- which contract, which item -------------------------------------------------------------


def books_for(
    actor: Actor, rulebooks: Mapping[str, Rulebook], contract_ids: Sequence[str]
) -> dict[str, Rulebook]:
    """The rulebook of each of the actor's contracts."""
    books = {}
    for contract in contract_ids:
        book = rulebooks.get(actor.rulebooks.get(contract, ""))
        if book is None:
            raise BotError("rulebook_missing", contract=contract)
        books[contract] = book
    return books


def contracts_with_command(books: Mapping[str, Rulebook], command: str) -> list[str]:
    """The contracts whose rulebook has an item for this command."""
    return [c for c, book in books.items() if item_by_command(book, command) is not None]


def report_commands(rulebooks: Mapping[str, Rulebook]) -> frozenset[str]:
    """Every command some rulebook takes as a report (``item_by_command`` decides)."""
    return frozenset(
        name
        for book in rulebooks.values()
        for item in book.items
        for name in (item.alias, item.code)
        if name is not None and item_by_command(book, name) is not None
    )


def sections(book: Rulebook) -> list[SectionChoice]:
    """Sections holding reportable items, in table order; items without a section come last."""
    out: list[SectionChoice] = []
    for section in _all_sections(book):
        items = tuple(i for i in book.items if i.section == section.code and reportable(book, i))
        if items:
            out.append(SectionChoice(section.code, section.label, items))
    loose = tuple(i for i in book.items if i.section is None and reportable(book, i))
    if loose:
        out.append(SectionChoice(None, None, loose))
    return out


def _all_sections(book: Rulebook) -> list[Section]:
    return [s for card in book.cards for s in walk_sections(card.sections)]


async def commonest_first(
    session: AsyncSession, *, contract_id: str, items: Sequence[Item], now: dt.datetime
) -> list[Item]:
    """Items ordered by how often they were reported lately, then in table order."""
    counts = await bq.item_counts(
        session=session, contract_id=contract_id, since=now - COMMON_ITEMS_WINDOW
    )
    order = {item.code: index for index, item in enumerate(items)}
    return sorted(items, key=lambda i: (-counts.get(i.code, 0), order[i.code]))


# -- staff ----------------------------------------------------------------------------------


async def staff_choices(
    session: AsyncSession, *, contract_id: str, person_id: int, on: dt.date, limit: int
) -> list[str]:
    """Names to offer: the staff this inspector reported lately first, then the roster."""
    recent = await bq.recent_staff(
        session=session, contract_id=contract_id, person_id=person_id, limit=limit
    )
    roster = [
        m.name for m in await bq.active_roster(session=session, contract_id=contract_id, on=on)
    ]
    names = [n for n in recent if n in roster] + [n for n in roster if n not in recent]
    return list(dict.fromkeys(names))[:limit]


async def resolve_staff(
    session: AsyncSession, *, contract_id: str, text: str, on: dt.date, strict: bool
) -> tuple[str, bool | None]:
    """The staff member a name or staff number means, and whether they are on the roster.

    ``None`` as the second value means the contract has no roster to check against. With
    ``strict`` (one-line commands) a name not on the roster is refused with suggestions.
    """
    found = await bq.roster_match(session=session, contract_id=contract_id, text=text, on=on)
    member = _match(found, text)
    if member is not None:
        return member.name, True
    roster = await bq.active_roster(session=session, contract_id=contract_id, on=on)
    if not roster:
        return text, None
    if strict:
        names = [m.name for m in roster]
        close = difflib.get_close_matches(text, names, n=STAFF_SUGGESTIONS, cutoff=0.3)
        suggestions = close or names[:STAFF_SUGGESTIONS]
        raise BotError("unknown_staff", name=text, suggestions=suggestions, contract=contract_id)
    return text, False


def _match(found: Sequence[bq.StaffMatch], text: str) -> bq.StaffMatch | None:
    """The one member a staff number or name means; two people of that name are refused."""
    by_number = [m for m in found if m.staff_no == text]
    if by_number:
        return by_number[0]
    if len(found) > 1:
        numbers = ", ".join(m.staff_no for m in found)
        raise BotError("staff_ambiguous", name=text, numbers=numbers)
    return found[0] if found else None


async def narrow_by_staff(
    session: AsyncSession,
    books: Mapping[str, Rulebook],
    contracts: list[str],
    parsed: QuickText,
    now: dt.datetime,
) -> list[str]:
    """The contracts whose roster has the named staff member."""
    if parsed.staff is None:
        return []
    found = []
    for contract in contracts:
        today = now.astimezone(ZoneInfo(books[contract].contract.timezone)).date()
        roster = await bq.active_roster(session=session, contract_id=contract, on=today)
        if any(_same_person(m, parsed.staff) for m in roster):
            found.append(contract)
    return found


def _same_person(member: RosterMember, text: str) -> bool:
    wanted = text.strip().casefold()
    return wanted in (member.name.casefold(), member.staff_no.casefold())
