"""The ``floorbot`` command: one Typer app; each feature module registers its commands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="floorbot",
    help="floorbot: contract inspection on outsourced service floors, from Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes ``register(app)``; the order here is the order in --help.
COMMAND_MODULES = (
    "bot.cli.rulebooks",
    "bot.cli.report",
    "bot.cli.db",
    "bot.cli.data",
    "bot.cli.scores",
    "bot.cli.run",
    "bot.cli.health",
    "bot.cli.demo",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Console entry point."""
    app()
