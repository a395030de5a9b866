"""Telling a database that cannot be reached from a bug: the user is told to try again later."""

from __future__ import annotations

import socket

import asyncpg
from sqlalchemy import exc as sa
from telegram.error import TelegramError

# Failures of the connection itself (not of a statement): the server is down, restarting,
# unreachable, refusing connections, or SQLite gave up waiting for its lock.
_DRIVER_OUTAGES: tuple[type[BaseException], ...] = (
    ConnectionError,
    socket.gaierror,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)
_SQLALCHEMY_OUTAGES: tuple[type[BaseException], ...] = (
    sa.OperationalError,
    sa.InterfaceError,
    sa.TimeoutError,
    sa.DisconnectionError,
)


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database is unreachable right now.

    A failure of the Bot API is never one, even when a refused connection caused it.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, TelegramError):
            return False
        if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, _SQLALCHEMY_OUTAGES + _DRIVER_OUTAGES):
            return True
        error = error.__cause__ or error.__context__
    return False
