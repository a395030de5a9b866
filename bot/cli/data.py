"""Data commands: ``import``, ``roster import|list``, ``contract add|list`` and ``invite``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from scoring.rulebook import Rulebook
    from storage.importer import ImportResult
    from storage.models import Contract, RosterMember
    from storage.roster import (
        RosterImport,
    )

from bot.cli.common import ContractOption, all_rulebooks, fail, read_file, settings
from bot.cli.db import cli_actor, run_on_database


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _book_for(contract: Contract) -> Rulebook:
    books = all_rulebooks(settings())
    book = books.get(contract.rulebook_id)
    if book is None:
        fail(
            f"contract {contract.id} uses rulebook {contract.rulebook_id!r}, which is not "
            "installed: put its file in a folder listed in FLOORBOT_RULEBOOK_DIRS"
        )
    return book


# -- floorbot import ----------------------------------------------------------------------


def import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV of events, the format of `floorbot report`", metavar="FILE")
    ],
    contract: ContractOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check the file and say what would happen")
    ] = False,
    skip_outside_term: Annotated[
        bool,
        typer.Option(
            "--skip-outside-term",
            help="leave out rows outside the contract's term instead of refusing the file",
        ),
    ] = False,
) -> None:
    """Record a CSV of events in a contract's ledger: all rows or none, never twice."""

    from scoring.events_csv import EventsCsvError
    from storage.db import session_factory, write_session
    from storage.directory import get_contract
    from storage.importer import import_events

    data = read_file(file)

    async def work(engine: AsyncEngine) -> ImportResult:
        factory = session_factory(engine)
        async with factory() if dry_run else write_session(factory) as session:
            found = await get_contract(session=session, contract_id=contract)
            return await import_events(
                session=session,
                contract=found,
                book=_book_for(found),
                data=data,
                source_name=file.name,
                now=_now(),
                actor=cli_actor(),
                dry_run=dry_run,
                skip_outside_term=skip_outside_term,
            )

    try:
        result = run_on_database(work)
    except EventsCsvError as exc:
        fail(f"{file}: nothing was imported; correct these rows and import again:\n{exc}")
    typer.echo(_describe_import(result, file, contract))


def _describe_import(result: ImportResult, file: Path, contract: str) -> str:
    text = _import_outcome(result, file, contract)
    if result.outside_term:
        lines = ", ".join(str(line) for line in result.outside_term)
        text += (
            f" {len(result.outside_term)} row(s) outside the contract's term were skipped "
            f"(lines {lines})."
        )
    return text


def _import_outcome(result: ImportResult, file: Path, contract: str) -> str:
    if result.same_file_as is not None:
        earlier = result.same_file_as
        when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC")
        return (
            f"{file.name} was already imported into {contract} on {when} (batch {earlier.id}, "
            f"{earlier.rows_recorded} rows): nothing new was recorded."
        )
    skipped = (
        f"; {result.already_recorded} were already recorded and were skipped"
        if result.already_recorded
        else ""
    )
    if result.dry_run:
        return (
            f"Dry run: all {result.rows_read} rows of {file.name} are valid; "
            f"{result.recorded} would be recorded{skipped}. Nothing was written."
        )
    if result.recorded == 0:
        return (
            f"{file.name}: all {result.rows_read} rows are already recorded for {contract}: "
            "nothing new was recorded."
        )
    batch = result.batch.id if result.batch is not None else "?"
    return (
        f"Recorded {result.recorded} of {result.rows_read} rows from {file.name} "
        f"into {contract} (batch {batch}){skipped}."
    )


# -- floorbot roster ------------------------------------------------------------------------


def roster_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV: staff_no, name[, role, active_from, active_to]", metavar="FILE"),
    ],
    contract: ContractOption,
) -> None:
    """Add or update the vendor's staff of a contract from a CSV (all rows or none)."""
    from storage.db import session_factory, write_session
    from storage.directory import get_contract
    from storage.roster import RosterCsvError, import_roster, read_roster_csv

    try:
        rows = read_roster_csv(read_file(file))
    except RosterCsvError as exc:
        fail(f"{file}: nothing was imported; correct these rows and import again:\n{exc}")

    async def work(engine: AsyncEngine) -> RosterImport:
        async with write_session(session_factory(engine)) as session:
            await get_contract(session=session, contract_id=contract)
            return await import_roster(
                session=session, contract_id=contract, rows=rows, now=_now(), actor=cli_actor()
            )

    result = run_on_database(work)
    typer.echo(
        f"Roster of {contract}: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


def roster_list(contract: ContractOption) -> None:
    """Show the vendor's staff of a contract."""

    from storage.db import session_factory
    from storage.directory import get_contract
    from storage.roster import list_roster

    async def work(engine: AsyncEngine) -> list[RosterMember]:
        async with session_factory(engine)() as session:
            await get_contract(session=session, contract_id=contract)
            return list(await list_roster(session=session, contract_id=contract))

    members = run_on_database(work)
    if not members:
        typer.echo(
            f"The roster of {contract} is empty: "
            f"`floorbot roster import --contract {contract} FILE.csv` adds staff."
        )
        return
    typer.echo("staff_no\tname\trole\tactive_from\tactive_to")
    for m in members:
        fields = (m.staff_no, m.name, m.role, m.active_from, m.active_to)
        typer.echo("\t".join("" if f is None else str(f) for f in fields))


# -- floorbot contract ----------------------------------------------------------------------


def _schedule(pairs: list[str]) -> dict[str, str]:
    schedule: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--schedule {pair!r} must be KEY=VALUE, e.g. --schedule daily_digest=18:00")
        schedule[key.strip()] = value.strip()
    return schedule


def contract_add(
    contract_id: Annotated[
        str, typer.Argument(help="new contract id, e.g. haidian-2026", metavar="CONTRACT")
    ],
    rulebook_id: Annotated[
        str,
        typer.Option(
            "--rulebook", metavar="RULEBOOK", help="rulebook id (floorbot rulebooks list)"
        ),
    ],
    client: Annotated[
        str | None, typer.Option(metavar="NAME", help="client's name (default: the rulebook's)")
    ] = None,
    vendor: Annotated[
        str | None, typer.Option(metavar="NAME", help="vendor's name (default: the rulebook's)")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(metavar="ZONE", help="IANA time zone (default: the rulebook's)")
    ] = None,
    schedule: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=VALUE", help="schedule setting KEY=VALUE (repeatable)"),
    ] = None,
    recording_since: Annotated[
        str | None,
        typer.Option(
            "--recording-since",
            metavar="DATE",
            help="first day (YYYY-MM-DD) the ledger holds everything of; default: today. "
            "Periods that began earlier take given scores (floorbot scores give)",
        ),
    ] = None,
) -> None:
    """Set up a contract assessed by one of the installed rulebooks."""

    from bot.services.digests.schedule import ScheduleError, parse_schedule
    from storage.db import session_factory, write_session
    from storage.directory import add_contract

    books = all_rulebooks(settings())
    book = books.get(rulebook_id)
    if book is None:
        known = ", ".join(sorted(books)) or "none"
        fail(f"unknown rulebook {rulebook_id!r}: installed rulebooks are {known}")
    settings_map = _schedule(schedule or [])
    try:
        parse_schedule(
            settings_map
        )  # the digest times (bot.services.digests.schedule), checked now
    except ScheduleError as exc:
        fail(str(exc))
    since = None if recording_since is None else parse_day(recording_since, "--recording-since")

    async def work(engine: AsyncEngine) -> Contract:
        async with write_session(session_factory(engine)) as session:
            return await add_contract(
                session=session,
                contract_id=contract_id,
                rulebook_id=book.id,
                client=client or book.contract.client.zh,
                vendor=vendor or book.contract.vendor.zh,
                timezone=timezone or book.contract.timezone,
                schedule=settings_map,
                now=_now(),
                actor=cli_actor(),
                recording_since=since,
            )

    made = run_on_database(work)
    typer.echo(
        f"Added contract {made.id} (rulebook {made.rulebook_id}, time zone {made.timezone}), "
        f"recording since {made.recording_since}."
    )
    if made.recording_since > book.contract.valid_from:
        typer.echo(
            f"Periods that began before {made.recording_since} need their scores from the paper "
            f"sheets: floorbot scores give --contract {made.id} --period … --score … "
            "(or import their findings and move the start: floorbot contract recording)."
        )


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option} {text!r} is not a date: write YYYY-MM-DD, e.g. 2026-06-17")


def contract_recording(
    contract: ContractOption,
    since: Annotated[
        str, typer.Option("--since", metavar="DATE", help="the new first day, YYYY-MM-DD")
    ],
) -> None:
    """Move the day a contract's recording began (e.g. after importing earlier findings)."""
    from storage.db import session_factory, write_session
    from storage.record import set_recording_since

    day = parse_day(since, "--since")

    async def work(engine: AsyncEngine) -> Contract:
        async with write_session(session_factory(engine)) as session:
            return await set_recording_since(
                session=session, contract_id=contract, since=day, actor=cli_actor(), now=_now()
            )

    made = run_on_database(work)
    typer.echo(f"Contract {made.id}: recording since {made.recording_since}.")


def contract_list() -> None:
    """Show every contract."""

    from storage.db import session_factory
    from storage.directory import list_contracts

    async def work(engine: AsyncEngine) -> list[Contract]:
        async with session_factory(engine)() as session:
            return list(await list_contracts(session=session))

    contracts = run_on_database(work)
    if not contracts:
        typer.echo("No contracts yet: `floorbot contract add ID --rulebook RULEBOOK` adds one.")
        return
    typer.echo("contract\trulebook\ttimezone\tclient\tvendor\trecording_since")
    for c in contracts:
        fields = (c.id, c.rulebook_id, c.timezone, c.client, c.vendor, c.recording_since)
        typer.echo("\t".join("" if f is None else str(f) for f in fields))


def register(root: typer.Typer) -> None:
    root.command("import")(import_command)
    roster = typer.Typer(help="The vendor's staff roster of a contract.", no_args_is_help=True)
    roster.command("import")(roster_import)
    roster.command("list")(roster_list)
    root.add_typer(roster, name="roster")
    contract = typer.Typer(help="Contracts: add one, list them.", no_args_is_help=True)
    contract.command("add")(contract_add)
    contract.command("list")(contract_list)
    contract.command("recording")(contract_recording)
    root.add_typer(contract, name="contract")
