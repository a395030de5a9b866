"""``floorbot report``: a period's assessment as text, JSON or the official .xlsx table."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_common import fail, rulebook, settings
from scoring.assessment import Assessment, Event
from scoring.engine import EngineError, assess
from scoring.events_csv import EventsCsvError, read_events_csv
from scoring.history import history_from_events
from scoring.periods import PeriodError, parse_period
from scoring.render import to_data, to_text
from scoring.rulebook import Rulebook
from scoring.xlsx import assessment_xlsx


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    XLSX = "xlsx"


def register(root: typer.Typer) -> None:
    root.command("report")(report)


def _events_from_database(book: Rulebook, contract: str, period_label: str) -> list[Event]:
    from bot.cli_storage_bridge import events_for_report

    return events_for_report(settings(), contract, book, period_label)


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
    """Assess one contract for one period from a CSV of events or from the database."""
    config = settings()
    book = rulebook(config, contract)
    try:
        chosen = parse_period(book, period)
    except PeriodError as exc:
        fail(str(exc))
    if events is not None:
        if not events.is_file():
            fail(f"{events}: no such file")
        try:
            rows = read_events_csv(events, book)
        except EventsCsvError as exc:
            fail(f"{events}: no report produced:\n{exc}")
    else:
        rows = _events_from_database(book, contract, chosen.label)
    now = dt.datetime.now(dt.UTC)
    try:
        history = history_from_events(book, rows, chosen, now=now)
        result = assess(book, rows, chosen, now=now, history=history)
    except EngineError as exc:
        fail(str(exc))
    _emit(result, book, fmt, output, lang or config.default_language)


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
