"""Logging set-up: one line per record, and secrets (the bot token) never written anywhere."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

REDACTED = "<redacted>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_installed: set[str] = set()
# The attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


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


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, pid, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        return _redact(json.dumps(out, ensure_ascii=False, default=str), _installed)


def configure(level: str = "INFO", log_format: str = "text") -> None:
    """Log to standard error, as text lines or JSON lines (``FLOORBOT_LOG_FORMAT=json``).

    The HTTP client's per-request lines (they carry URLs) are quieted.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # off anyway: headers
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
