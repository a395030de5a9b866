"""Who ``floorbot invite`` makes codes for: N people of one role, or a CSV of names and roles.

The file is read and checked whole before anything is written (every bad line listed), so
that the codes are made in one transaction: all of them or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.models import Role

MAX_INVITES = 1000  # codes in one call: a floor's whole staff, with room to spare
CSV_COLUMNS = ("name", "role")


@dataclass(frozen=True, slots=True)
class Invitee:
    """Someone a code is made for: their name (from the CSV; only printed) and role."""

    role: Role
    name: str | None = None


def by_count(role: Role, count: int) -> list[Invitee]:
    """``--count N``: N codes for the same role."""
    from storage.errors import InvalidInputError

    if not 1 <= count <= MAX_INVITES:
        raise InvalidInputError(f"--count {count}: make between 1 and {MAX_INVITES} codes a call")
    return [Invitee(role) for _ in range(count)]


def from_csv(data: bytes, default_role: Role | None) -> list[Invitee]:
    """``--csv FILE``: a ``name,role`` header, then one person a line (an empty role takes
    ``--role``); every bad line is listed, or nothing is made."""
    from storage.errors import InvalidInputError

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError("the file is not UTF-8: save it as 'CSV UTF-8'") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(h.strip().lower() for h in (reader.fieldnames or []))
    if "name" not in header or not set(header) <= set(CSV_COLUMNS):
        raise InvalidInputError(
            f"the first line must name the columns name,role (found {','.join(header) or 'none'})"
        )
    reader.fieldnames = list(header)
    people: list[Invitee] = []
    problems: list[str] = []
    try:
        for raw in reader:
            try:
                people.append(_invitee(raw, default_role))
            except InvalidInputError as exc:
                problems.append(f"line {reader.line_num}: {exc}")
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: not valid CSV: {exc}")
    if problems:
        raise InvalidInputError("nothing was made:\n" + "\n".join(problems))
    if not people:
        raise InvalidInputError("the file names nobody: one person a line under name,role")
    if len(people) > MAX_INVITES:
        raise InvalidInputError(f"the file names {len(people)} people: at most {MAX_INVITES}")
    return people


def _invitee(raw: dict[str | None, str | list[str] | None], default_role: Role | None) -> Invitee:
    from scoring.storable import NAME_LENGTH
    from storage.directory import parse_role
    from storage.errors import InvalidInputError

    if None in raw:
        raise InvalidInputError("more cells than columns")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise InvalidInputError("the name is empty")
    if len(name) > NAME_LENGTH:
        raise InvalidInputError(f"the name is longer than {NAME_LENGTH} characters")
    role_text = str(raw.get("role") or "").strip()
    if role_text:
        return Invitee(parse_role(role_text), name)
    if default_role is None:
        raise InvalidInputError(f"no role for {name}: fill in the role column or give --role")
    return Invitee(default_role, name)
