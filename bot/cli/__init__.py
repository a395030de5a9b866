"""The ``floorbot`` command line: one Typer app (bot.cli.main) and a module per command group."""
