"""A manager's decision on a late report, and who is to be told about it.

The decision itself is taken once (bot.services.late_reports.decide); afterwards the manager
who tapped sees the outcome, the other managers' copies of the request are brought up to date
(no more buttons, who decided), and the inspector who reported learns it. The function here
reads what those messages need, in the reader's session, after the decision committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.contracts import contract_book
from bot.services.digests.content import period_score
from bot.services.drafts import Cost, cost_of
from bot.services.late_reports import Decision, LateRequest
from bot.texts.i18n import language_of
from scoring.rulebook import Rulebook
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage.models import LateReport, Person


@dataclass(frozen=True, slots=True)
class Reader:
    """Someone to tell: their chat, the message of theirs to bring up to date, their language."""

    chat_id: int
    message_id: int | None
    lang: str


@dataclass(frozen=True, slots=True)
class LateDecided:
    """A late report after a manager's tap (``lang`` is theirs), and everyone else to tell."""

    lang: str
    request: LateRequest
    decided_now: bool  # by this tap (else someone decided it before)
    by: str  # who decided it
    sent: Decimal | None  # the period's score as its assessment was sent
    now: Decimal | None  # the period's score as it stands now
    book: Rulebook
    zone: ZoneInfo
    cost: Cost  # what the report costs
    copies: tuple[Reader, ...]  # the other managers' copies of the request (decided now only)
    inspector: Reader | None  # who reported it (decided now only)


async def decided(
    session: AsyncSession,
    *,
    decision: Decision,
    rulebooks: Mapping[str, Rulebook],
    lang: str,
    asker: int,
    default_language: str,
    now: dt.datetime,
) -> LateDecided:
    """The decision with the period's scores, and (decided now) the copies and the inspector."""
    late = decision.late
    contract, book = await contract_book(session, rulebooks, late.contract_id)
    closed = (await dq.closed_periods(session=session, contract_id=late.contract_id)).get(
        late.period
    )
    current = await period_score(
        session, contract_id=late.contract_id, book=book, label=late.period, now=now
    )
    copies: tuple[Reader, ...] = ()
    inspector = None
    if decision.decided_now:
        copies = await _copies(session, late, skip=asker, default_language=default_language)
        inspector = await _inspector(session, late, default_language)
    return LateDecided(
        lang,
        LateRequest.of(late),
        decision.decided_now,
        decision.by,
        closed.score if closed else None,
        current,
        book,
        ZoneInfo(contract.timezone),
        cost_of(book, book.item(late.item), late.value, late.quantity),
        copies,
        inspector,
    )


async def _copies(
    session: AsyncSession, late: LateReport, *, skip: int, default_language: str
) -> tuple[Reader, ...]:
    """The managers' messages of the request, but the one of the manager who tapped."""
    copies = await dlq.deliveries_of(
        session=session,
        contract_id=late.contract_id,
        kind=dq.KIND_LATE,
        period=f"{dq.LATE_PREFIX}{late.id}",
    )
    out = []
    for copy in copies:
        if copy.message_id is None or copy.chat_id == skip:
            continue
        person = await session.get(Person, copy.person_id)
        if person is not None:
            lang = language_of(person.language, None, default_language)
            out.append(Reader(copy.chat_id, copy.message_id, lang))
    return tuple(out)


async def _inspector(
    session: AsyncSession, late: LateReport, default_language: str
) -> Reader | None:
    """The chat the report came from, in its reporter's language."""
    if late.source_chat_id is None:
        return None
    person = await session.get(Person, late.reported_by_id) if late.reported_by_id else None
    lang = language_of(person.language if person else None, None, default_language)
    return Reader(late.source_chat_id, None, lang)
