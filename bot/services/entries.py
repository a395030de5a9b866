"""Storing one report: its entry row and its photos (inspectors' reports, approved late ones)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.drafts import Photo
from scoring.assessment import Event
from storage.queries import add_evidence, record_entry


async def store_report(
    session: AsyncSession,
    *,
    contract_id: str,
    event: Event,
    photos: Sequence[Photo],
    now: dt.datetime,
    reported_by_id: int | None,
    source: tuple[int | None, int | None],
) -> int:
    """The entry, with the Telegram message it came from, and its photos as evidence; its id."""
    entry_id = await record_entry(
        session=session,
        contract_id=contract_id,
        event=event,
        now=now,
        reported_by_id=reported_by_id,
        source_chat_id=source[0],
        source_message_id=source[1],
    )
    for photo in photos:
        await add_photo(session, entry_id, photo, now)
    return entry_id


async def add_photo(session: AsyncSession, entry_id: int, photo: Photo, now: dt.datetime) -> None:
    """One photo as evidence of an entry."""
    await add_evidence(
        session=session,
        entry_id=entry_id,
        telegram_file_id=photo.file_id,
        telegram_file_unique_id=photo.file_unique_id,
        sha256=photo.sha256,
        now=now,
    )
