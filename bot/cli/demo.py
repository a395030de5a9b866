"""``floorbot demo``: the whole bot in a browser, on loopback, with no token and no internet."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import fail

DEFAULT_CONTRACT = "haidian-dispatch-2026"


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)


def demo(
    lang: Annotated[str, typer.Option("--lang", help="zh or en", metavar="LANG")] = "zh",
    contract: Annotated[
        str,
        typer.Option(
            "--contract", metavar="CONTRACT", help="a shipped rulebook id (floorbot rulebooks list)"
        ),
    ] = DEFAULT_CONTRACT,
    database: Annotated[
        Path | None,
        typer.Option(
            "--database",
            help="a SQLite file to keep the demo in (default: a temporary folder)",
            metavar="FILE",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="the page's port (0: any free one)")
    ] = 8080,
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="the address to serve on")
    ] = "127.0.0.1",
) -> None:
    """Try the bot in a browser: a chat page (and the Mini App) for the demo's four people."""
    from bot.demo.run import DemoOptions, Started, run_demo
    from scoring.loader import load_rulebooks

    if lang not in ("zh", "en"):
        fail(f"--lang must be zh or en, not {lang!r}")
    known = load_rulebooks(())
    if contract not in known:
        fail(f"no shipped rulebook {contract!r}; one of: {', '.join(sorted(known))}")

    def ready(started: Started) -> None:
        if started.seeded is not None:
            seeded = started.seeded
            typer.echo(
                f"demo contract {seeded.contract_id!r} ({contract}): {seeded.reports} reports, "
                f"{seeded.photos} photos, an open dispute"
            )
        typer.echo(f"floorbot demo: open {started.url}  (Ctrl-C stops it)", err=False)

    with tempfile.TemporaryDirectory(prefix="floorbot-demo-") as folder:
        path = database or Path(folder) / "demo.db"
        options = DemoOptions(path, contract, lang, host, port)
        try:
            asyncio.run(run_demo(options, books=known, ready=ready))
        except OSError as exc:
            fail(f"cannot serve the demo on {host}:{port}: {exc.strerror or exc}")
    typer.echo("floorbot demo: stopped")
