"""One bot process per SQLite database: an exclusive lock on ``<database>.lock`` while it runs.

SQLite serves one bot process (several processes need PostgreSQL). ``floorbot run`` takes the
lock for its lifetime; the operating system drops it when the process ends, however it ends
(even SIGKILL), so a crashed bot never leaves a stale lock behind. ``floorbot db restore``
refuses to overwrite a database whose lock is held. PostgreSQL URLs need no lock.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import make_url

LOCK_SUFFIX = ".lock"


class InstanceBusy(Exception):
    """Another process holds the database's lock; ``pid`` is the one it wrote, if readable."""

    def __init__(self, path: Path, pid: str | None) -> None:
        super().__init__(str(path))
        self.path = path
        self.pid = pid


@dataclass(slots=True)
class InstanceLock:
    """A held lock; :meth:`release` (or the end of the process) lets the next one take it."""

    path: Path
    handle: IO[str] | None

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def lock_path(url: str) -> Path | None:
    """Where the lock of a SQLite database lives; None for PostgreSQL and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = Path(parsed.database)
    return database.with_name(database.name + LOCK_SUFFIX)


def acquire(url: str) -> InstanceLock | None:
    """Take the database's lock for this process, or raise InstanceBusy; None if none is needed."""
    path = lock_path(url)
    if path is None:
        return None
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or None
        handle.close()
        raise InstanceBusy(path, pid) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return InstanceLock(path, handle)


def in_use(url: str) -> InstanceBusy | None:
    """Whether a bot process holds the database's lock right now (without keeping it)."""
    try:
        held = acquire(url)
    except InstanceBusy as busy:
        return busy
    if held is not None:
        held.release()
    return None
