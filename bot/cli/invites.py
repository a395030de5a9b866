"""``floorbot invite``: one-time invite codes, for one person, N people of one role, or a CSV
of names and roles.

The file is read and checked whole before anything is written (every bad line listed), so
that the codes are made in one transaction: all of them or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import ContractOption, fail, read_file, settings
from bot.cli.db import cli_actor, run_on_database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from storage.models import Contract, Invite, Role

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


DURATION = re.compile(r"^\s*([0-9]+)\s*([mhdw])\s*$")  # after NFKC: ７ｄ is 7d; ٧d is refused
DURATION_UNITS = {
    "m": dt.timedelta(minutes=1),
    "h": dt.timedelta(hours=1),
    "d": dt.timedelta(days=1),
    "w": dt.timedelta(weeks=1),
}
DEFAULT_INVITE_LIFETIME = "7d"


def parse_lifetime(text: str) -> dt.timedelta:
    """``7d``, ``12h``, ``30m`` or ``2w`` as a positive duration."""
    from scoring.typed import normalised
    from storage.errors import InvalidInputError

    match = DURATION.match(normalised(text))
    if match is None or int(match[1]) == 0:
        raise InvalidInputError(
            f"--expires {text!r} is not a duration: write e.g. 7d (days), 12h (hours), "
            "30m (minutes) or 2w (weeks)"
        )
    return int(match[1]) * DURATION_UNITS[match[2]]


def invite(
    contract: ContractOption,
    role: Annotated[
        str | None,
        typer.Option("--role", metavar="ROLE", help="admin, manager, inspector or vendor_lead"),
    ] = None,
    expires: Annotated[
        str,
        typer.Option(
            "--expires", metavar="LIFETIME", help="how long the code is valid: 7d, 12h, 30m, 2w"
        ),
    ] = DEFAULT_INVITE_LIFETIME,
    count: Annotated[
        int | None, typer.Option("--count", metavar="N", help=f"make N codes (up to {MAX_INVITES})")
    ] = None,
    people: Annotated[
        Path | None,
        typer.Option(
            "--csv", metavar="FILE", help="a CSV file name,role: one code per person, named"
        ),
    ] = None,
) -> None:
    """Make one-time invite codes (all in one transaction); one code is the last line printed."""
    from storage.db import session_factory, write_session
    from storage.directory import create_invite, get_contract, parse_role
    from storage.errors import InvalidInputError

    try:
        chosen = None if role is None else parse_role(role)
        lifetime = parse_lifetime(expires)
        invitees = _invitees(chosen, count, people)
    except InvalidInputError as exc:
        fail(str(exc))
    now = dt.datetime.now(dt.UTC)

    async def work(engine: AsyncEngine) -> tuple[list[Invite], Contract]:
        async with write_session(session_factory(engine)) as session:
            made = [
                await create_invite(
                    session=session,
                    contract_id=contract,
                    role=invitee.role,
                    expires_at=now + lifetime,
                    now=now,
                    created_via=cli_actor(),
                )
                for invitee in invitees
            ]
            return made, await get_contract(session=session, contract_id=contract)

    made, found = run_on_database(work)
    until = made[0].expires_at.astimezone(ZoneInfo(found.timezone)).strftime("%Y-%m-%d %H:%M")
    username = (settings().bot_username or "").strip().lstrip("@")
    if people is None and len(made) == 1:
        _print_one(made[0], found, until, username)
        return
    roles = ", ".join(sorted({m.role for m in made}))
    typer.echo(
        f"{len(made)} invites to contract {found.id} as {roles}, single use, valid until "
        f"{until} ({found.timezone}); one line each, tab-separated"
        + (" (name, role, code" if people is not None else " (code")
        + (", link):" if username else "):")
    )
    for invitee, code in zip(invitees, made, strict=True):
        cells = [invitee.name or "", code.role] if people is not None else []
        cells.append(code.code)
        if username:
            cells.append(f"https://t.me/{username}?start={code.code}")
        typer.echo("\t".join(cells))


def _invitees(role: Role | None, count: int | None, people: Path | None) -> list[Invitee]:
    """Whom the codes are for: ``--csv``, or ``--count`` (default one) of ``--role``."""
    from storage.errors import InvalidInputError

    if people is not None:
        if count is not None:
            raise InvalidInputError("give --count or --csv, not both")
        return from_csv(read_file(people), role)
    if role is None:
        raise InvalidInputError("give --role (admin, manager, inspector or vendor_lead)")
    return by_count(role, 1 if count is None else count)


def _print_one(made: Invite, found: Contract, until: str, username: str) -> None:
    typer.echo(
        f"Invite to contract {found.id} as {made.role}, single use, "
        f"valid until {until} ({found.timezone})."
    )
    if username:
        typer.echo(f"Link: https://t.me/{username}?start={made.code}")
    else:
        typer.echo("The person sends /start followed by this code to the bot:")
    typer.echo(made.code)


def register(root: typer.Typer) -> None:
    root.command("invite")(invite)
