"""``floorbot health``: database, schema, rulebooks and contracts, one line each; exit 0 or 1.

With ``--http URL`` it also asks a running bot's ``/health`` endpoint (for container health
checks: the process is up and reaches the database).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.app import health
    from bot.app.settings import Settings

from bot.cli.common import fail

HTTP_TIMEOUT_SECONDS = 5.0


def register(root: typer.Typer) -> None:
    root.command("health")(health_command)


def health_command(
    http: Annotated[
        str | None,
        typer.Option(
            "--http",
            metavar="URL",
            help="also ask a running bot, e.g. http://127.0.0.1:8080/health",
        ),
    ] = None,
) -> None:
    """Check the deployment: database reachable, schema current, rulebooks load (exit 0 or 1)."""
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError

    from bot.app.settings import Settings

    try:
        config = Settings()
    except ValidationError as exc:
        fail(f"the settings cannot be read: {exc.errors()[0]['msg']}")
    try:
        checks = asyncio.run(_checks(config))
    except ArgumentError:
        fail(f"FLOORBOT_DATABASE_URL {config.database_url!r} is not a database URL")
    if http is not None:
        checks.append(_http(http))
    for check in checks:
        typer.echo(check.line())
    if not all(check.ok for check in checks):
        raise typer.Exit(1)


async def _checks(config: Settings) -> list[health.Check]:
    from bot.app import health
    from storage.db import create_engine

    engine = create_engine(config.database_url)
    try:
        return await health.everything(engine, config.extra_rulebook_dirs)
    finally:
        await engine.dispose()


def _http(url: str) -> health.Check:
    """The running bot's own answer: 200 and status ok."""
    import json
    import urllib.error
    import urllib.request

    from bot.app import health

    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as response:
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return health.Check("bot", False, f"{url} answered {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return health.Check("bot", False, f"{url} does not answer: {exc}")
    role = "leads scheduled jobs" if body.get("leader") else "does not lead scheduled jobs"
    return health.Check("bot", body.get("status") == "ok", f"{url}: {body.get('status')}, {role}")
