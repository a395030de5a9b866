"""Reading events from CSV: the format of ``floorbot report --events`` and ``floorbot import``.

Header row: ``occurred_at`` (ISO 8601; without an offset it is the contract's local
time), ``item``, and optional ``quantity`` (default 1), ``value``, ``staff``, ``note``,
``inspector``. UTF-8 with or without a byte-order mark. Times, quantities, values, staff and
inspectors are read in either width (scoring.typed: ``１７：０５`` is ``17:05``); notes are kept
as written. A quantity or a measured number must fit the ledger (at most 12 digits before
the point and 6 after: scoring.storable) and the rulebook's plausible range for one report;
a text cell must fit its limit (scoring.storable.TEXT_LIMITS).
A row outside the contract's term (scoring.term) is a bad row too, unless the caller asks to
skip such rows (``--skip-outside-term``): they are then returned apart, with their lines.
All rows or none: every bad row is reported with its line number, and no event is returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from scoring.assessment import Event
from scoring.engine import EngineError, parse_value
from scoring.rulebook import Plausible, Rulebook, ValueKind
from scoring.storable import TEXT_LIMITS, storable_problem
from scoring.term import BEFORE, term_of
from scoring.typed import normalised, plain_number

REQUIRED = ("occurred_at", "item")
OPTIONAL = ("quantity", "value", "staff", "note", "inspector")
# The longest cell of a column without a limit of its own in TEXT_LIMITS.
MAX_FIELD = 4096
MAX_ERRORS_SHOWN = 50


class EventsCsvError(ValueError):
    """A CSV that cannot be read; ``problems`` lists ``(line, reason)``."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        shown = [f"line {line}: {reason}" for line, reason in problems[:MAX_ERRORS_SHOWN]]
        if len(problems) > MAX_ERRORS_SHOWN:
            shown.append(f"... and {len(problems) - MAX_ERRORS_SHOWN} more")
        super().__init__("\n".join(shown))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventsCsvError(
            [(0, f"the file is not UTF-8 (byte {exc.start}); save it as 'CSV UTF-8' and retry")]
        ) from None


def parse_time(text: str, tz: ZoneInfo) -> dt.datetime:
    """An ISO 8601 time; without an offset it is local time in ``tz``."""
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _row_event(book: Rulebook, tz: ZoneInfo, row: dict[str, str]) -> Event:
    raw_time = normalised(row.get("occurred_at") or "").strip()
    if not raw_time:
        raise ValueError("occurred_at is empty (write e.g. 2026-07-03T08:40)")
    try:
        occurred = parse_time(raw_time, tz)
    except ValueError:
        raise ValueError(f"occurred_at {raw_time!r} is not an ISO 8601 time") from None
    code = (row.get("item") or "").strip()
    try:
        item = book.item(code)
    except KeyError:
        raise ValueError(f"unknown item {code!r} for contract {book.id}") from None
    quantity = _quantity(normalised(row.get("quantity") or "").strip() or "1")
    _check_plausible("quantity", quantity, book.quantity_range(item))
    value = normalised(row.get("value") or "").strip() or None
    numeric = item.value is not None and item.value.kind is not ValueKind.LEVEL
    if value is not None and numeric and plain_number(value.removesuffix("%")) is None:
        raise ValueError(f"value {value!r} is not a plain number (write e.g. 25 or 97.5)")
    measured = parse_value(item, value)  # EngineError names what is wrong
    if isinstance(measured, Decimal):
        _check_storable("value", value or "", measured)
        _check_plausible("value", measured, book.value_range(item))
    return Event(
        item=item.code,
        occurred_at=occurred,
        quantity=quantity,
        value=value,
        staff=_text(row, "staff"),
        note=_text(row, "note"),
        inspector=_text(row, "inspector"),
    )


def _quantity(raw: str) -> Decimal:
    """A positive quantity the ledger can hold exactly, or a ValueError saying why not."""
    quantity = plain_number(raw)
    if quantity is None:
        raise ValueError(f"quantity {raw!r} is not a plain number (write e.g. 2 or 2.5)")
    if quantity <= 0:
        raise ValueError(f"quantity {raw!r} must be a positive number")
    _check_storable("quantity", raw, quantity)
    return quantity


def _check_plausible(column: str, number: Decimal, plausible: Plausible | None) -> None:
    """Refuse a figure outside the rulebook's plausible range for one report."""
    if plausible is not None and not plausible.contains(number):
        raise ValueError(
            f"{column} {number} is outside the plausible range for one report "
            f"({plausible.describe()}: {plausible.reason.en})"
        )


def _check_storable(column: str, raw: str, number: Decimal) -> None:
    """Refuse a number the ledger's NUMERIC column could not keep exactly (scoring.storable)."""
    problem = storable_problem(number)
    if problem is not None:
        raise ValueError(f"{column} {raw!r} {problem}")


def _text(row: dict[str, str], key: str) -> str | None:
    raw = row.get(key) or ""
    value = (raw if key == "note" else normalised(raw)).strip()
    if len(value) > _limit(key):  # NFKC may lengthen a cell (``㎏`` is ``kg``)
        raise ValueError(f"{key} is longer than {_limit(key)} characters")
    return value or None


@dataclass(frozen=True, slots=True)
class CsvEvents:
    """The file's rows within the term, and (when skipped) those outside it with their line."""

    events: list[Event]
    outside_term: list[tuple[int, Event]]


def read_events_csv(source: Path | str | bytes, book: Rulebook) -> list[Event]:
    """Every row as an Event, or EventsCsvError listing every bad row (and each row outside
    the contract's term)."""
    return read_events(source, book).events


def read_events(
    source: Path | str | bytes, book: Rulebook, *, skip_outside_term: bool = False
) -> CsvEvents:
    """The rows as Events, or EventsCsvError listing every bad row. A row outside the term
    is refused, or with ``skip_outside_term`` set apart (not scored, not recorded)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        reasons = []
        if missing:
            reasons.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            reasons.append(f"unknown column(s) {', '.join(unknown)}")
        allowed = ", ".join(REQUIRED + OPTIONAL)
        raise EventsCsvError([(1, "; ".join(reasons) + f" (columns: {allowed})")])
    reader.fieldnames = header
    tz = ZoneInfo(book.contract.timezone)
    term = term_of(book)
    events: list[Event] = []
    outside: list[tuple[int, Event]] = []
    problems: list[tuple[int, str]] = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append((line, "more cells than columns"))
                continue
            too_long = [k for k, v in row.items() if v is not None and len(v) > _limit(k)]
            if too_long:
                limit = _limit(too_long[0])
                problems.append((line, f"{too_long[0]} is longer than {limit} characters"))
                continue
            try:
                event = _row_event(book, tz, row)
            except (ValueError, EngineError) as exc:
                problems.append((line, str(exc)))
                continue
            where = term.where(event.occurred_at)
            if where is None:
                events.append(event)
            elif skip_outside_term:
                outside.append((line, event))
            else:
                edge = (
                    "before the contract's term begins"
                    if where == BEFORE
                    else ("after the contract's term ends")
                )
                problems.append(
                    (
                        line,
                        f"occurred_at {event.occurred_at.isoformat()} is {edge} "
                        f"({term.text().en}); rows outside the term can be skipped with "
                        "--skip-outside-term",
                    )
                )
    except csv.Error as exc:
        problems.append((reader.line_num, f"not valid CSV: {exc}"))
    if problems:
        raise EventsCsvError(problems)
    return CsvEvents(events, outside)


def _limit(column: str | None) -> int:
    """The longest text a cell of this column may hold (scoring.storable.TEXT_LIMITS)."""
    return TEXT_LIMITS.get(column or "", MAX_FIELD)
