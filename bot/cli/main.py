"""The ``floorbot`` command: one Typer app; each feature module registers its commands."""

from __future__ import annotations

import gc
from typing import Annotated

import typer

from bot.cli import data, db, demo, health, invites, report, rulebooks, run, scores

app = typer.Typer(
    name="floorbot",
    help="floorbot: contract inspection on outsourced service floors, from Telegram.",
    no_args_is_help=True,
    # --install-completion / --show-completion for bash, zsh, fish and PowerShell
    add_completion=True,
    # Plain help as command-line tools print it: flags without a type, values as METAVARS.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def show_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"floorbot {version('floorbot')}")
        raise typer.Exit


@app.callback()
def floorbot(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """The root command: its one option is --version."""


# Each module exposes ``register(app)``; the order here is the order in --help. The modules
# import what a command needs only when it runs, so that every command starts at once.
for command_module in (rulebooks, report, db, data, invites, scores, run, health, demo):
    command_module.register(app)


def main() -> None:
    """Console entry point."""
    try:
        app()
    finally:
        # The command has run and the process is about to end. Its garbage is collected here, as
        # it would be at exit; what is still alive (the modules of typer, SQLAlchemy, pydantic)
        # is then frozen, so that the interpreter's last collections skip it rather than walk it
        # only for the system to free the memory: about 0.05 s of a command that loaded SQLAlchemy.
        # (Python does not promise to finalize the objects still alive when it exits.)
        gc.collect()
        gc.freeze()
