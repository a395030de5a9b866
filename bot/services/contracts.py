"""A contract and the rulebook that assesses it, looked up for a request."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import BotError
from scoring.rulebook import Rulebook
from storage.directory import get_contract, list_contracts
from storage.errors import NotFoundError
from storage.models import Contract


async def contract_book(
    session: AsyncSession, rulebooks: Mapping[str, Rulebook], contract_id: str
) -> tuple[Contract, Rulebook]:
    """The contract and the rulebook that assesses it."""
    try:
        contract = await get_contract(session=session, contract_id=contract_id)
    except NotFoundError:
        raise BotError("unknown_contract", contract=contract_id) from None
    book = rulebooks.get(contract.rulebook_id)
    if book is None:
        raise BotError("rulebook_missing", contract=contract_id)
    return contract, book


async def contract_books(
    session: AsyncSession, rulebooks: Mapping[str, Rulebook]
) -> dict[str, Rulebook]:
    """Every contract's rulebook by contract id (contracts without a loaded rulebook left out)."""
    contracts = await list_contracts(session=session)
    return {c.id: rulebooks[c.rulebook_id] for c in contracts if c.rulebook_id in rulebooks}


async def book_of(
    session: AsyncSession, rulebooks: Mapping[str, Rulebook], contract_id: str
) -> Rulebook:
    """The rulebook that assesses the contract."""
    return (await contract_book(session, rulebooks, contract_id))[1]
