"""The one place the bot asks for "now": a clock object that tests can set."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Gives the current time as an aware UTC datetime."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class OffsetClock:
    """The real time shifted by an offset that tests move forward (``advance``)."""

    def __init__(self, offset: dt.timedelta = dt.timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, delta: dt.timedelta) -> None:
        self.offset += delta

    def set(self, moment: dt.datetime) -> None:
        """Make ``now()`` return ``moment`` (then moving on in real time)."""
        self.offset = moment - dt.datetime.now(dt.UTC)
