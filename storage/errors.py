"""Storage errors whose messages are safe to show a user and say what to do."""

from __future__ import annotations


class StorageError(Exception):
    """A request the database cannot honour; the message says what to do instead."""


class SchemaError(StorageError):
    """The database's schema is not the one this code needs."""


class NotFoundError(StorageError):
    """An unknown contract, entry, invite ..."""


class InvalidInputError(StorageError):
    """A value that cannot be stored (bad role, bad id, naive time ...)."""


class InviteError(StorageError):
    """An invite code that is unknown, used or expired."""
