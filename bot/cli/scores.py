"""``floorbot scores give|list``: the scores of periods assessed on paper, before recording began.

A contract's ledger holds everything from its ``recording since`` day; a period that began
earlier takes the score given for it here (from the signed paper sheet). Until it is given,
the figures that need it (002's pool-year mean, 000's deposit mean) are provisional.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from storage.models import Contract, GivenScore

from bot.cli.common import fail, rulebook, settings
from bot.cli.db import cli_actor, run_on_database

app = typer.Typer(
    help="Scores of periods assessed on paper, before a contract's recording began.",
    no_args_is_help=True,
)
ContractOption = Annotated[
    str, typer.Option("--contract", metavar="CONTRACT", help="contract id (floorbot contract list)")
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="scores")


@app.command("give")
def give(
    contract: ContractOption,
    period: Annotated[
        str, typer.Option("--period", metavar="PERIOD", help="the period, e.g. 2023-03 or 2024Q1")
    ],
    score: Annotated[
        str, typer.Option("--score", metavar="SCORE", help="the score the paper sheet gives")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source", metavar="TEXT", help="where it comes from, e.g. 'signed sheet 2023-03'"
        ),
    ],
    replace: Annotated[bool, typer.Option("--replace", help="change a score given before")] = False,
) -> None:
    """Enter the score of a period that began before recording in floorbot did."""
    from scoring.typed import normalised, plain_number
    from storage.db import session_factory, write_session
    from storage.directory import get_contract
    from storage.record import give_score

    value = plain_number(normalised(score).strip())
    if value is None:
        fail(f"--score {score!r} is not a number: write it like 92.5")

    async def work(engine: AsyncEngine) -> GivenScore:
        async with write_session(session_factory(engine)) as session:
            found = await get_contract(session=session, contract_id=contract)
            return await give_score(
                session=session,
                contract_id=found.id,
                book=rulebook(settings(), found.rulebook_id),
                period_text=period,
                score=value,
                source=source,
                actor=cli_actor(),
                now=dt.datetime.now(dt.UTC),
                replace=replace,
            )

    row = run_on_database(work)  # a refused score: one line saying why (storage.record)
    typer.echo(f"Contract {contract}: {row.period} scores {row.score} (given: {row.source}).")


@app.command("list")
def list_scores(contract: ContractOption) -> None:
    """The recording start, the scores given, and the periods still without one."""

    from scoring.periods import period_of, previous_periods
    from scoring.term import term_of
    from storage.db import session_factory
    from storage.directory import get_contract
    from storage.record import given_scores

    async def work(engine: AsyncEngine) -> tuple[Contract, list[GivenScore]]:
        async with session_factory(engine)() as session:
            found = await get_contract(session=session, contract_id=contract)
            return found, list(await given_scores(session=session, contract_id=found.id))

    found, rows = run_on_database(work)
    book = rulebook(settings(), found.rulebook_id)
    typer.echo(f"{found.id}: recording since {found.recording_since}")
    for row in rows:
        typer.echo(f"{row.period}\t{row.score}\t{row.source}\t{row.entered_by}")
    given = {row.period for row in rows}
    term = term_of(book)
    first = dt.datetime.combine(found.recording_since, dt.time(12), tzinfo=term.start_utc.tzinfo)
    current = period_of(book, first)
    earlier = [*previous_periods(book, current, 36), current]
    lacking = [
        p.label
        for p in earlier
        if term.overlaps(p) and p.start < found.recording_since and p.label not in given
    ]
    if lacking:
        typer.echo(f"no score given yet: {', '.join(lacking)}")
