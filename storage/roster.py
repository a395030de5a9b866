"""The vendor's staff roster per contract: read from CSV, stored by staff number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.directory_models import RosterMember
from storage.errors import StorageError
from storage.rows import audit

REQUIRED = ("staff_no", "name")
OPTIONAL = ("role", "active_from", "active_to")
MAX_FIELD = 200


class RosterCsvError(StorageError):
    """A roster file that cannot be used; ``problems`` lists ``(line, reason)``."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {reason}" for line, reason in problems))


@dataclass(frozen=True, slots=True)
class RosterRow:
    staff_no: str
    name: str
    role: str | None
    active_from: dt.date | None
    active_to: dt.date | None


@dataclass(frozen=True, slots=True)
class RosterImport:
    added: int
    updated: int
    unchanged: int


def _date(row: dict[str, str], key: str) -> dt.date | None:
    text = (row.get(key) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{key} {text!r} is not a date (write YYYY-MM-DD)") from None


def _row(row: dict[str, str]) -> RosterRow:
    staff_no, name = (row.get("staff_no") or "").strip(), (row.get("name") or "").strip()
    if not staff_no or not name:
        raise ValueError("staff_no and name must not be empty")
    too_long = [k for k, v in row.items() if v and len(v) > MAX_FIELD]
    if too_long:
        raise ValueError(f"{too_long[0]} is longer than {MAX_FIELD} characters")
    start, end = _date(row, "active_from"), _date(row, "active_to")
    if start and end and end < start:
        raise ValueError("active_to is before active_from")
    return RosterRow(staff_no, name, (row.get("role") or "").strip() or None, start, end)


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        found = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        )
        allowed = ", ".join(REQUIRED + OPTIONAL)
        raise RosterCsvError([(1, "; ".join(found) + f" (columns: {allowed})")])


def read_roster_csv(data: bytes) -> list[RosterRow]:
    """Every row, or RosterCsvError listing every bad line (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterCsvError([(0, "the file is not UTF-8: save it as 'CSV UTF-8'")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    _check_header(header)
    reader.fieldnames = header
    rows: list[RosterRow] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    try:
        for raw in reader:
            line = reader.line_num
            try:
                if None in raw:
                    raise ValueError("more cells than columns")
                row = _row(raw)
            except ValueError as exc:
                problems.append((line, str(exc)))
                continue
            if row.staff_no in seen:
                problems.append(
                    (line, f"staff_no {row.staff_no} is also on line {seen[row.staff_no]}")
                )
                continue
            seen[row.staff_no] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append((reader.line_num, f"not valid CSV: {exc}"))
    if problems:
        raise RosterCsvError(problems)
    return rows


def _same(member: RosterMember, row: RosterRow) -> bool:
    return (member.name, member.role, member.active_from, member.active_to) == (
        row.name,
        row.role,
        row.active_from,
        row.active_to,
    )


async def import_roster(
    *,
    session: AsyncSession,
    contract_id: str,
    rows: Sequence[RosterRow],
    now: dt.datetime,
    actor: str,
) -> RosterImport:
    """Add new staff numbers and update the others; nobody is removed (set active_to)."""
    existing = {m.staff_no: m for m in await list_roster(session=session, contract_id=contract_id)}
    added = updated = 0
    for row in rows:
        member = existing.get(row.staff_no)
        if member is None:
            session.add(RosterMember(contract_id=contract_id, updated_at=now, **_fields(row)))
            added += 1
        elif not _same(member, row):
            for key, value in _fields(row).items():
                setattr(member, key, value)
            member.updated_at = now
            updated += 1
    result = RosterImport(added, updated, len(rows) - added - updated)
    if added or updated:
        await _audit_import(session, contract_id, result, now, actor)
    await session.flush()
    return result


async def _audit_import(
    session: AsyncSession, contract_id: str, result: RosterImport, now: dt.datetime, actor: str
) -> None:
    detail = {"added": result.added, "updated": result.updated, "unchanged": result.unchanged}
    await audit(
        session=session,
        actor=actor,
        action="roster.import",
        subject=f"contract:{contract_id}",
        contract_id=contract_id,
        detail=detail,
        now=now,
    )


def _fields(row: RosterRow) -> dict[str, Any]:
    return {
        "staff_no": row.staff_no,
        "name": row.name,
        "role": row.role,
        "active_from": row.active_from,
        "active_to": row.active_to,
    }


async def list_roster(*, session: AsyncSession, contract_id: str) -> Sequence[RosterMember]:
    statement = select(RosterMember).where(col(RosterMember.contract_id) == contract_id)
    return (await session.exec(statement.order_by(col(RosterMember.staff_no)))).all()
