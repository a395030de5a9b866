"""Helpers shared by the CLI modules: settings, rulebooks, and clean failure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from bot.app.settings import Settings
    from scoring.rulebook import Rulebook


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line (or block) to stderr and exit non-zero; never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def read_file(path: Path) -> bytes:
    """A file's bytes, or one clear line saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")


def settings() -> Settings:
    from bot.app.settings import Settings

    return Settings()


def all_rulebooks(config: Settings) -> dict[str, Rulebook]:
    from scoring.loader import RulebookError, load_rulebooks

    try:
        return load_rulebooks(config.extra_rulebook_dirs)
    except RulebookError as exc:
        fail(f"a rulebook cannot be loaded:\n{exc}")


def rulebook(config: Settings, book_id: str) -> Rulebook:
    books = all_rulebooks(config)
    if book_id not in books:
        known = ", ".join(sorted(books))
        fail(f"unknown contract rulebook {book_id!r}; known: {known}")
    return books[book_id]


ContractOption = Annotated[
    str, typer.Option("--contract", metavar="CONTRACT", help="contract id (floorbot contract list)")
]
