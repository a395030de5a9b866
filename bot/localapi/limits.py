"""Telegram's flood limits, enforced by the fake Bot API (off unless a test turns them on).

Telegram asks bots to send no more than about 30 messages a second overall and one a second
in a chat; beyond that it answers ``429 Too Many Requests`` with ``retry_after``. The fake
counts every message-sending call it accepts, by arrival time, and refuses the ones that
would break either limit, keeping each refusal for the test to look at.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

# The methods that send a message (edits and answers are not counted).
SENDING = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendmediagroup",
        "sendvideo",
        "sendaudio",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A send the fake refused: which rule, in which chat, and when (monotonic seconds)."""

    rule: str  # "overall" or "chat"
    chat_id: int
    at: float


@dataclass
class FloodLimits:
    """At most ``per_second`` sends in any ``window`` seconds, and one per ``chat_gap`` a chat."""

    per_second: int = 30
    window: float = 1.0
    chat_gap: float = 1.0
    accepted: deque[float] = field(default_factory=deque)
    last_in_chat: dict[int, float] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    sent: int = 0

    def check(self, method: str, chat_id: int | None, now: float) -> int | None:
        """None when the send may go through (and it is counted), else the retry_after."""
        if method.lower() not in SENDING:
            return None
        while self.accepted and self.accepted[0] <= now - self.window:
            self.accepted.popleft()
        if len(self.accepted) >= self.per_second:
            self.refused.append(Refusal("overall", chat_id or 0, now))
            return max(1, math.ceil(self.accepted[0] + self.window - now))
        last = self.last_in_chat.get(chat_id or 0)
        if chat_id is not None and last is not None and now - last < self.chat_gap:
            self.refused.append(Refusal("chat", chat_id, now))
            return max(1, math.ceil(last + self.chat_gap - now))
        self.accepted.append(now)
        if chat_id is not None:
            self.last_in_chat[chat_id] = now
        self.sent += 1
        return None
