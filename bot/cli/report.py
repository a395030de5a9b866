"""``floorbot report``: a period's assessment as text, JSON or the official .xlsx table."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.common import fail, rulebook, settings
from bot.cli.db import run_on_database
from scoring.assessment import Assessment, Event, PastScore
from scoring.engine import EngineError, assess
from scoring.events_csv import EventsCsvError, read_events_csv
from scoring.history import MAX_PERIODS, history_from_events, past_scores
from scoring.periods import Period, PeriodError, parse_period, previous_periods
from scoring.render import to_data, to_text
from scoring.rulebook import Rulebook
from scoring.xlsx import assessment_xlsx
from storage.db import session_factory
from storage.directory import get_contract
from storage.queries import events_for_period


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    XLSX = "xlsx"


def register(root: typer.Typer) -> None:
    root.command("report")(report)


def _from_database(
    contract_id: str, period_text: str, now: dt.datetime
) -> tuple[Rulebook, Period, list[Event], list[PastScore]]:
    """The contract's rulebook, the period, its events and the earlier periods' scores."""

    async def work(engine: AsyncEngine) -> tuple[Rulebook, Period, list[Event], list[PastScore]]:
        async with session_factory(engine)() as session:
            contract = await get_contract(session, contract_id)
            book = _book_of(contract.rulebook_id)
            chosen = _period(book, period_text)
            cache: dict[str, list[Event]] = {}
            for past in [*previous_periods(book, chosen, MAX_PERIODS), chosen]:
                cache[past.label] = await events_for_period(
                    session, contract_id=contract.id, book=book, period=past
                )
        history = past_scores(book, chosen, lambda p: cache[p.label], now=now)
        return book, chosen, cache[chosen.label], history

    return run_on_database(work)


def _book_of(book_id: str) -> Rulebook:
    return rulebook(settings(), book_id)


def _period(book: Rulebook, text: str) -> Period:
    try:
        return parse_period(book, text)
    except PeriodError as exc:
        fail(str(exc))


def report(
    contract: Annotated[str, typer.Option("--contract", help="contract id, e.g. key-station-2024")],
    period: Annotated[str, typer.Option("--period", help="YYYY-MM, YYYY-MM..YYYY-MM or 2024Q1")],
    events: Annotated[
        Path | None, typer.Option("--events", help="CSV of events (default: the database)")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text, json or xlsx")] = Format.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of standard output")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (text only)")] = None,
) -> None:
    """Assess one contract for one period from a CSV of events or from the database.

    With --events, --contract names a rulebook; without, a contract in the database.
    """
    config = settings()
    now = dt.datetime.now(dt.UTC)
    try:
        if events is not None:
            book = rulebook(config, contract)
            chosen = _period(book, period)
            rows = _read_csv(events, book)
            history = history_from_events(book, rows, chosen, now=now)
        else:
            book, chosen, rows, history = _from_database(contract, period, now)
        result = assess(book, rows, chosen, now=now, history=history)
    except EngineError as exc:
        fail(str(exc))
    _emit(result, book, fmt, output, lang or config.default_language)


def _read_csv(path: Path, book: Rulebook) -> list[Event]:
    if not path.is_file():
        fail(f"{path}: no such file")
    try:
        return read_events_csv(path, book)
    except EventsCsvError as exc:
        fail(f"{path}: no report produced:\n{exc}")


def _emit(result: Assessment, book: Rulebook, fmt: Format, output: Path | None, lang: str) -> None:
    if fmt is Format.XLSX:
        if output is None:
            fail("--format xlsx writes a file: add --output PATH.xlsx")
        output.write_bytes(assessment_xlsx(result, book))
        typer.echo(f"wrote {output}")
        return
    if fmt is Format.JSON:
        text = json.dumps(to_data(result), ensure_ascii=False, indent=2)
    else:
        text = to_text(result, book, "en" if lang == "en" else "zh")
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}")
    else:
        sys.stdout.write(text + "\n")
