"""The ``floorbot`` command: one Typer app; each feature module registers its commands."""

from __future__ import annotations

import typer

from bot.cli import data, db, demo, health, report, rulebooks, run, scores

app = typer.Typer(
    name="floorbot",
    help="floorbot: contract inspection on outsourced service floors, from Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes ``register(app)``; the order here is the order in --help. The modules
# import what a command needs only when it runs, so that every command starts at once.
for command_module in (rulebooks, report, db, data, scores, run, health, demo):
    command_module.register(app)


def main() -> None:
    """Console entry point."""
    app()
