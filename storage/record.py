"""When a contract's recording began, and the scores given for the periods before it.

The ledger holds everything from a contract's ``recording_since`` day on. A period that began
earlier was assessed on paper: its score can be entered as a given figure, which the
pool-year and deposit means then use (scoring.history). Every change is audited; the caller
owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.history import Record
from scoring.periods import PeriodError, parse_period
from scoring.rulebook import Rulebook
from scoring.storable import storable_problem
from scoring.term import term_of
from storage.directory import get_contract
from storage.errors import InvalidInputError
from storage.models import Contract, GivenScore
from storage.rows import add_row, audit

SOURCE_LENGTH = 2000


async def record_of(*, session: AsyncSession, contract_id: str) -> Record:
    """What scoring.history needs: when recording began and the scores given before it."""
    contract = await get_contract(session=session, contract_id=contract_id)
    given = await given_scores(session=session, contract_id=contract_id)
    return Record(contract.recording_since, {g.period: g.score for g in given})


async def given_scores(*, session: AsyncSession, contract_id: str) -> Sequence[GivenScore]:
    """The contract's given scores, by period."""
    statement = select(GivenScore).where(col(GivenScore.contract_id) == contract_id)
    return (await session.exec(statement.order_by(col(GivenScore.period)))).all()


async def give_score(
    *,
    session: AsyncSession,
    contract_id: str,
    book: Rulebook,
    period_text: str,
    score: Decimal,
    source: str,
    actor: str,
    now: dt.datetime,
    replace: bool = False,
) -> GivenScore:
    """Enter the score of a period before recording began (InvalidInputError saying why not)."""
    contract = await get_contract(session=session, contract_id=contract_id)
    if book.score is None:
        raise InvalidInputError(f"contract {contract_id} has no score to give (rulebook {book.id})")
    try:
        period = parse_period(book, period_text)
    except PeriodError as exc:
        raise InvalidInputError(str(exc)) from None
    term = term_of(book)
    if not term.overlaps(period):
        raise InvalidInputError(f"{period.label} is outside the contract's term ({term.text().en})")
    if max(period.start, term.first) >= contract.recording_since:
        raise InvalidInputError(
            f"{period.label} is on record in floorbot (recording since "
            f"{contract.recording_since}): its score comes from the recorded events"
        )
    _check_score(book, score)
    source = source.strip()
    if not source or len(source) > SOURCE_LENGTH:
        raise InvalidInputError(
            f"say where the score comes from (e.g. the signed paper sheet), in 1 to "
            f"{SOURCE_LENGTH} characters"
        )
    statement = select(GivenScore).where(
        col(GivenScore.contract_id) == contract_id, col(GivenScore.period) == period.label
    )
    existing = (await session.exec(statement)).first()
    if existing is not None and not replace:
        raise InvalidInputError(
            f"{period.label} already has the given score {existing.score} ({existing.source}): "
            "add --replace to change it"
        )
    detail = {"period": period.label, "score": str(score), "source": source}
    if existing is not None:
        detail["was"] = str(existing.score)
        existing.score, existing.source = score, source
        existing.entered_by, existing.entered_at = actor, now
        session.add(existing)
        row = existing
    else:
        row = await add_row(
            session=session,
            row=GivenScore(
                contract_id=contract_id,
                period=period.label,
                score=score,
                source=source,
                entered_by=actor,
                entered_at=now,
            ),
        )
    await audit(
        session=session,
        actor=actor,
        action="score.give",
        subject=f"contract:{contract_id}",
        contract_id=contract_id,
        detail=detail,
        now=now,
    )
    await session.flush()
    return row


def _check_score(book: Rulebook, score: Decimal) -> None:
    assert book.score is not None
    low, high = book.score.min, book.score.max
    if not score.is_finite() or not low <= score <= high:
        raise InvalidInputError(f"the score {score} is not between {low} and {high}")
    if storable_problem(score) is not None or score != score.quantize(book.score.quantum):
        raise InvalidInputError(
            f"the score {score} has more decimals than the rulebook keeps ({book.score.quantum})"
        )


async def set_recording_since(
    *, session: AsyncSession, contract_id: str, since: dt.date, actor: str, now: dt.datetime
) -> Contract:
    """Move the day recording began (earlier once the paper months' findings are imported)."""
    contract = await get_contract(session=session, contract_id=contract_id)
    was = contract.recording_since
    contract.recording_since = since
    session.add(contract)
    await audit(
        session=session,
        actor=actor,
        action="contract.recording_since",
        subject=f"contract:{contract_id}",
        contract_id=contract_id,
        detail={"since": since.isoformat(), "was": was.isoformat()},
        now=now,
    )
    await session.flush()
    return contract
