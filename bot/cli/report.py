"""``floorbot report``: a period's assessment (or a range's) as text, JSON or the official .xlsx."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from scoring.assessment import Assessment, Event
    from scoring.history import PastRecord
    from scoring.periods import Period
    from scoring.ranges import RangeAssessment
    from scoring.rulebook import Rulebook

from bot.cli.common import fail, rulebook, settings
from bot.cli.db import run_on_database


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a report is made of: the rulebook, the periods, the events, the past."""

    book: Rulebook
    span: Period
    parts: list[Period]
    events: list[Event]
    past: PastRecord
    recorded_since: dt.date | None


def register(root: typer.Typer) -> None:
    root.command("report")(report)


def _from_database(contract_id: str, period_text: str, now: dt.datetime) -> Inputs:
    """The contract's rulebook, the periods, their events, the earlier periods' scores."""

    from scoring.history import MAX_PERIODS, past_record
    from scoring.periods import previous_periods
    from storage.db import session_factory
    from storage.directory import get_contract
    from storage.queries import events_for_period
    from storage.record import record_of

    async def work(engine: AsyncEngine) -> Inputs:
        async with session_factory(engine)() as session:
            contract = await get_contract(session=session, contract_id=contract_id)
            book = rulebook(settings(), contract.rulebook_id)
            span, parts = _periods(book, period_text)
            record = await record_of(session=session, contract_id=contract.id)
            cache: dict[str, list[Event]] = {}
            for past in [*previous_periods(book, parts[0], MAX_PERIODS), *parts]:
                cache[past.label] = await events_for_period(
                    session=session, contract_id=contract.id, book=book, period=past
                )
        history = past_record(book, parts[0], lambda p: cache[p.label], now=now, record=record)
        events = [e for p in parts for e in cache[p.label]]
        return Inputs(book, span, parts, events, history, record.since)

    return run_on_database(work)


def _periods(book: Rulebook, text: str) -> tuple[Period, list[Period]]:
    """The period or range, refused where it is no whole periods or lies outside the term."""
    from scoring.periods import PeriodError, parse_periods
    from scoring.term import term_of

    try:
        span, parts = parse_periods(book, text)
    except PeriodError as exc:
        fail(str(exc))
    term = term_of(book)
    outside = [p.label for p in parts if not term.overlaps(p)]
    if outside:
        fail(
            f"{', '.join(outside)} lies outside the term of {book.id} "
            f"({term.text().en}): nothing there is scored"
        )
    return span, parts


def report(
    contract: Annotated[
        str,
        typer.Option("--contract", metavar="CONTRACT", help="contract id, e.g. key-station-2024"),
    ],
    period: Annotated[
        str, typer.Option("--period", metavar="PERIOD", help="YYYY-MM, YYYY-MM..YYYY-MM or 2024Q1")
    ],
    events: Annotated[
        Path | None,
        typer.Option("--events", metavar="FILE", help="CSV of events (default: the database)"),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", metavar="FORMAT", help="text, json or xlsx")
    ] = Format.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="write here instead of standard output"
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="LANG", help="zh or en (text only)")
    ] = None,
    skip_outside_term: Annotated[
        bool,
        typer.Option(
            "--skip-outside-term",
            help="leave out CSV rows outside the contract's term instead of refusing the file",
        ),
    ] = False,
) -> None:
    """Assess one contract for one period (or a range, period by period) from a CSV of events
    or from the database.

    With --events, --contract names a rulebook and the file is taken as the whole record of
    the term; without, a contract in the database (its recording start and given scores).
    """
    from scoring.engine import EngineError, assess
    from scoring.ranges import assess_range

    config = settings()
    now = dt.datetime.now(dt.UTC)
    try:
        if events is not None:
            inputs = _from_csv(events, rulebook(config, contract), period, now, skip_outside_term)
        else:
            inputs = _from_database(contract, period, now)
        result: Assessment | RangeAssessment
        if len(inputs.parts) == 1:
            result = assess(
                inputs.book,
                inputs.events,
                inputs.parts[0],
                now=now,
                history=inputs.past.scores,
                lacking=inputs.past.lacking,
                recorded_since=inputs.recorded_since,
            )
        else:
            result = assess_range(
                inputs.book,
                inputs.events,
                inputs.parts,
                inputs.span,
                now=now,
                history=inputs.past.scores,
                lacking=inputs.past.lacking,
                recorded_since=inputs.recorded_since,
            )
    except EngineError as exc:
        fail(str(exc))
    _emit(result, inputs.book, fmt, output, lang or config.default_language)


def _from_csv(path: Path, book: Rulebook, text: str, now: dt.datetime, skip: bool) -> Inputs:
    from scoring.events_csv import EventsCsvError, read_events
    from scoring.history import Record, history_from_events

    span, parts = _periods(book, text)
    if not path.is_file():
        fail(f"{path}: no such file")
    try:
        read = read_events(path, book, skip_outside_term=skip)
    except EventsCsvError as exc:
        fail(f"{path}: no report produced:\n{exc}")
    if read.outside_term:
        lines = ", ".join(str(line) for line, _ in read.outside_term)
        typer.echo(
            f"note: {len(read.outside_term)} row(s) outside the contract's term were skipped "
            f"(lines {lines}): not scored",
            err=True,
        )
    # The skipped rows go to the engine too: it counts those of the period as left out.
    rows = read.events + [event for _, event in read.outside_term]
    history = history_from_events(book, rows, parts[0], now=now, record=Record())
    return Inputs(book, span, parts, rows, history, None)


def _emit(
    result: Assessment | RangeAssessment,
    book: Rulebook,
    fmt: Format,
    output: Path | None,
    lang: str,
) -> None:
    from scoring.ranges import RangeAssessment
    from scoring.render import range_data, range_text, to_data, to_text
    from scoring.xlsx import assessment_xlsx, range_xlsx

    language = "en" if lang == "en" else "zh"
    if fmt is Format.XLSX:
        if output is None:
            fail("--format xlsx writes a file: add --output PATH.xlsx")
        if isinstance(result, RangeAssessment):
            output.write_bytes(range_xlsx(result, book))
        else:
            output.write_bytes(assessment_xlsx(result, book))
        typer.echo(f"wrote {output}")
        return
    if fmt is Format.JSON:
        data = range_data(result) if isinstance(result, RangeAssessment) else to_data(result)
        text = json.dumps(data, ensure_ascii=False, indent=2)
    elif isinstance(result, RangeAssessment):
        text = range_text(result, book, language)
    else:
        text = to_text(result, book, language)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}")
    else:
        sys.stdout.write(text + "\n")
