"""Helpers shared by the CLI modules: settings, rulebooks, and clean failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from bot.app.settings import Settings
    from scoring.rulebook import Rulebook


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line (or block) to stderr and exit non-zero; never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


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
