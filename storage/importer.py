"""Importing a CSV of events into a contract's ledger: all rows or none, never twice.

Each row gets a natural key: the SHA-256 of its normalised fields (time in UTC, item,
quantity, value, staff, note, inspector) and of how many identical rows came before it in
the file. A row whose key the contract already has is skipped, so importing the same
file again, or a longer export that repeats it, records only what is new. The file's
own SHA-256 is kept with the batch, so an identical file is recognised at once. A row
outside the contract's term refuses the file, unless the caller asks to skip such rows: they
are then left out, and the result names their lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from scoring.assessment import Event
from scoring.events_csv import read_events
from scoring.rulebook import Rulebook
from storage.models import Contract, Entry, ImportBatch
from storage.queries import ENTRIES, entry_row
from storage.rows import add_row, audit
from storage.types import canonical_decimal

KEY_LOOKUP_CHUNK = 1000
INSERT_CHUNK = 10_000
_FIELD_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    rows_read: int
    recorded: int
    already_recorded: int
    dry_run: bool
    batch: ImportBatch | None = None  # the new batch; None when nothing was recorded
    same_file_as: ImportBatch | None = None  # an earlier import of this very file
    outside_term: tuple[int, ...] = ()  # lines skipped: outside the contract's term


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _row_text(contract_id: str, event: Event) -> str:
    moment = event.occurred_at.astimezone(dt.UTC).isoformat()
    parts = (
        contract_id,
        moment,
        event.item,
        str(canonical_decimal(event.quantity)),
        event.value or "",
        event.staff or "",
        event.note or "",
        event.inspector or "",
    )
    return _FIELD_SEPARATOR.join(parts)


def natural_keys(contract_id: str, events: Sequence[Event]) -> list[str]:
    """One key per row; the n-th identical row in a file gets its own key."""
    seen: Counter[str] = Counter()
    keys = []
    for event in events:
        text = _row_text(contract_id, event)
        seen[text] += 1
        keys.append(hashlib.sha256(f"{text}{_FIELD_SEPARATOR}{seen[text]}".encode()).hexdigest())
    return keys


async def _known_keys(session: AsyncSession, contract_id: str, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
        chunk = keys[start : start + KEY_LOOKUP_CHUNK]
        statement = select(Entry.import_key).where(
            col(Entry.contract_id) == contract_id, col(Entry.import_key).in_(chunk)
        )
        known.update(k for k in (await session.exec(statement)).all() if k is not None)
    return known


async def _previous_import(
    session: AsyncSession, contract_id: str, digest: str
) -> ImportBatch | None:
    statement = select(ImportBatch).where(
        col(ImportBatch.contract_id) == contract_id, col(ImportBatch.sha256) == digest
    )
    return (await session.exec(statement)).first()


async def import_events(
    *,
    session: AsyncSession,
    contract: Contract,
    book: Rulebook,
    data: bytes,
    source_name: str,
    now: dt.datetime,
    actor: str,
    dry_run: bool = False,
    skip_outside_term: bool = False,
) -> ImportResult:
    """Record the file's new rows; EventsCsvError (with line numbers) when any row is bad."""
    # Nothing is written on a dry run, when a row is bad, or when every row is already
    # recorded. The caller owns the transaction, so a failure part-way leaves nothing.
    digest = file_digest(data)
    earlier = await _previous_import(session, contract.id, digest)
    if earlier is not None:
        rows = earlier.rows_read
        return ImportResult(rows, 0, rows, dry_run, same_file_as=earlier)
    read = read_events(data, book, skip_outside_term=skip_outside_term)
    events = read.events
    skipped = tuple(line for line, _ in read.outside_term)
    rows_read = len(events) + len(skipped)
    keys = natural_keys(contract.id, events)
    known = await _known_keys(session, contract.id, keys)
    fresh = [(event, key) for event, key in zip(events, keys, strict=True) if key not in known]
    already = len(events) - len(fresh)
    if dry_run or not fresh:
        return ImportResult(rows_read, len(fresh), already, dry_run, outside_term=skipped)
    batch = ImportBatch(
        contract_id=contract.id,
        source_name=source_name,
        sha256=digest,
        rows_read=rows_read,
        rows_recorded=len(fresh),
        created_by=actor,
        created_at=now,
    )
    await add_row(session=session, row=batch)
    assert batch.id is not None
    await _insert_entries(session, contract.id, fresh, batch.id, now)
    detail = {
        "batch": batch.id,
        "file": source_name,
        "recorded": len(fresh),
        "skipped": already,
        "outside_term": len(skipped),
    }
    await audit(
        session=session,
        actor=actor,
        action="entries.import",
        subject=f"import_batch:{batch.id}",
        contract_id=contract.id,
        detail=detail,
        now=now,
    )
    await session.flush()
    return ImportResult(rows_read, len(fresh), already, dry_run, batch=batch, outside_term=skipped)


async def _insert_entries(
    session: AsyncSession,
    contract_id: str,
    fresh: list[tuple[Event, str]],
    batch_id: int,
    now: dt.datetime,
) -> None:
    conn = await session.connection()
    for start in range(0, len(fresh), INSERT_CHUNK):
        chunk = fresh[start : start + INSERT_CHUNK]
        rows = [
            entry_row(contract_id, event, now, import_batch_id=batch_id, import_key=key)
            for event, key in chunk
        ]
        await conn.execute(insert(ENTRIES), rows)
