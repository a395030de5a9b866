"""Logging set-up: one line per record, and secrets (the bot token) never written anywhere."""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "<redacted>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_installed: set[str] = set()


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def install_redaction(*secrets: str) -> None:
    """Make every log record, including its traceback, free of the given secrets.

    Done in the record factory, so it holds for every logger and handler (also those that
    libraries and test tools add later).
    """
    fresh = {s for s in secrets if s and s not in _installed}
    if not fresh:
        return
    _installed.update(fresh)
    previous = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if any(s in str(record.msg) or s in str(record.args) for s in fresh):
            record.msg = _redact(record.getMessage(), fresh)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _redact(formatter.formatException(record.exc_info), fresh)
        return record

    logging.setLogRecordFactory(factory)


def configure(level: str = "INFO") -> None:
    """Log to standard error; quiet the HTTP client's per-request lines (they carry URLs)."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
