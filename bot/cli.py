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
    "bot.cli_rulebooks",
    "bot.cli_report",
    "bot.cli_db",
    "bot.cli_data",
    "bot.cli_scores",
    "bot.cli_run",
    "bot.cli_health",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Console entry point."""
    app()
