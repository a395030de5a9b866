"""Which bot process runs the scheduled jobs (digests, clean-ups): exactly one, the leader.

Every process schedules the same jobs; a job wrapped in :func:`on_leader` does its work only
on the leading process.

- PostgreSQL (several processes): the leader is the process that holds a session-level
  advisory lock, on a connection of its own. When that process dies the server drops the
  lock with the connection, and another process takes it at its next check (every
  ``FLOORBOT_LEADER_CHECK_SECONDS``). A leader that has not confirmed its lock within two
  checks stops calling itself leader, so a cut connection never leaves two leaders for long —
  and jobs must still be idempotent (e.g. a digest delivery recorded once per manager and
  period), because "exactly one" cannot be promised across a network partition.
- SQLite: one process serves a database (bot.app.instance refuses a second), so it leads.

Becoming the leader runs the callbacks given to ``when_elected`` (bot.app.jobs: a catch-up sweep
at once), so work whose job fired while this process did not lead yet — the old leader had
just died — is done on election rather than at the next regular sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import asyncpg
from sqlalchemy import make_url

if TYPE_CHECKING:
    from bot.app.settings import Settings

logger = logging.getLogger("floorbot.leader")

_KEY = int.from_bytes(hashlib.sha256(b"floorbot.leader").digest()[:8], "big", signed=True)
CONNECTION_NAME = {"application_name": "floorbot-leader"}
# How many check intervals a leader may go without confirming its lock.
STALE_AFTER_CHECKS = 3
# What a lost or cut connection raises.
_FAULTS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


class Leadership(Protocol):
    """Whether this process leads; started in post_init and stopped in post_shutdown."""

    @property
    def is_leader(self) -> bool: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def when_elected(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` each time this process becomes the leader from now on."""
        ...


class Elections:
    """The ``when_elected`` callbacks, called on each election (a failing one is logged)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], object]] = []

    def when_elected(self, callback: Callable[[], object]) -> None:
        self._callbacks.append(callback)

    def _elected(self) -> None:
        for callback in self._callbacks:
            try:
                callback()
            except Exception:
                logger.exception("a callback on taking the lead failed")


class NotStarted(Elections):
    """Before post_init: nobody leads (a job never runs on a process that was not started)."""

    is_leader = False

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class SoleProcess(Elections):
    """SQLite: the one process that serves the database leads, from its start."""

    is_leader = True

    async def start(self) -> None:
        logger.info("this process leads the scheduled jobs (SQLite: one process)")
        self._elected()

    async def stop(self) -> None:
        return None


class AdvisoryLock(Elections):
    """PostgreSQL: the process holding the advisory lock leads."""

    def __init__(self, dsn: str, check_seconds: float) -> None:
        super().__init__()
        self._dsn = dsn
        self._check = check_seconds
        self._conn: asyncpg.Connection | None = None
        self._held = False
        self._confirmed = 0.0
        self._task: asyncio.Task[None] | None = None

    @property
    def is_leader(self) -> bool:
        fresh = time.monotonic() - self._confirmed <= STALE_AFTER_CHECKS * self._check
        return self._held and fresh

    async def start(self) -> None:
        await self._attempt()
        self._task = asyncio.create_task(self._watch(), name="floorbot-leader")

    async def stop(self) -> None:
        """Give the lock back at once: the next process need not wait for the server to notice."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._release()
        await self._close()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._check)
            await self._attempt()

    async def _attempt(self) -> None:
        """Take the lock if it is free, or confirm that this process still holds it."""
        try:
            if self._conn is None or self._conn.is_closed():
                self._held = False
                self._conn = await asyncpg.connect(
                    self._dsn, timeout=self._check, server_settings=CONNECTION_NAME
                )
            if self._held:
                await self._conn.fetchval("SELECT 1", timeout=self._check)
            else:
                query = "SELECT pg_try_advisory_lock($1)"
                self._held = bool(await self._conn.fetchval(query, _KEY, timeout=self._check))
                if self._held:
                    self._confirmed = time.monotonic()
                    logger.info("this process now leads the scheduled jobs")
                    self._elected()
            self._confirmed = time.monotonic()
        except _FAULTS as exc:
            if self._held:
                logger.warning("lost the lead of the scheduled jobs: %s", exc)
            await self._close()

    async def _release(self) -> None:
        conn = self._conn
        if not self._held or conn is None or conn.is_closed():
            return
        self._held = False
        with contextlib.suppress(*_FAULTS):
            await conn.fetchval("SELECT pg_advisory_unlock($1)", _KEY, timeout=self._check)
        logger.info("this process gave up the lead of the scheduled jobs")

    async def _close(self) -> None:
        self._held = False
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await conn.close(timeout=self._check)


def leadership_for(settings: Settings) -> Leadership:
    """The advisory lock on PostgreSQL; the sole process on SQLite."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        return SoleProcess()
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return AdvisoryLock(dsn, settings.leader_check_seconds)


JobCallback = TypeVar("JobCallback", bound=Callable[[Any], Awaitable[None]])


def on_leader(callback: JobCallback) -> JobCallback:
    """Wrap a job callback (``async def job(context)``) so it works only on the leading process."""

    @functools.wraps(callback)
    async def wrapper(context: Any) -> None:
        if not context.bot_data.leader.is_leader:
            logger.debug("job %s skipped: another process leads", callback.__name__)
            return
        await callback(context)

    return cast(JobCallback, wrapper)
