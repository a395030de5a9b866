"""A user's unfinished work, as it is kept in the database between updates (JSON), and back.

Three kinds here: the guided report's form (one per user and chat), an album's photos (one per
media group) and a one-line report waiting for its contract (one per question asked); and the
kinds of the dispute conversations (their shapes in bot.services.dispute_state). Pure: no
Telegram, no database. A row that no longer decodes (written by an older floorbot with another
shape) reads as no state at all: the user starts that step again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from bot.services.drafts import Photo
from bot.services.guided_form import Form

logger = logging.getLogger(__name__)

FORM = "form"
DISPUTE_REASON = "dispute"  # a vendor lead's dispute waiting for its reason
DISPUTE_PHOTOS = "dispute_photos"  # a dispute just sent, taking more photos until Done
DECISION = "decision"  # a manager's decision on a dispute waiting for its reason
ENCODING = 1  # bump when a stored shape changes incompatibly
_TIMES = frozenset({"started_at", "occurred_at"})
_DECIMALS = frozenset({"quantity"})


def album_kind(media_group: str) -> str:
    return f"album:{media_group}"


def pending_kind(token: str) -> str:
    return f"pending:{token}"


@dataclass
class Album:
    """Photos of one album (media group): the report they belong to, or the ones waiting for it."""

    entry_id: int | None = None
    waiting: list[Photo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Pending:
    """A one-line report waiting for the user to pick its contract."""

    text: str
    photos: tuple[Photo, ...]
    source: tuple[int, int]
    media_group: str | None
    contracts: tuple[str, ...]


# -- encoding ---------------------------------------------------------------------------------


def _photo(data: dict[str, Any]) -> Photo:
    return Photo(str(data["file_id"]), data.get("file_unique_id"), str(data["sha256"]))


def decode_photos(items: list[dict[str, Any]]) -> list[Photo]:
    """Photos kept as JSON (conversation state, late reports) as Photo again."""
    return [_photo(item) for item in items]


def encode_form(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {"v": ENCODING}
    for spec in fields(form):
        value = getattr(form, spec.name)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif spec.name == "photos":
            value = [asdict(p) for p in value]
        data[spec.name] = value
    return data


def decode_form(data: dict[str, Any]) -> Form | None:
    if data.get("v") != ENCODING:
        return None
    try:
        values = {spec.name: data[spec.name] for spec in fields(Form)}
        for name in _TIMES:
            values[name] = None if values[name] is None else dt.datetime.fromisoformat(values[name])
        for name in _DECIMALS:
            values[name] = None if values[name] is None else Decimal(values[name])
        values["photos"] = decode_photos(values["photos"])
        return Form(**values)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        logger.warning("a stored report form could not be read (%s); it is dropped", exc)
        return None


def encode_album(album: Album) -> dict[str, Any]:
    return {
        "v": ENCODING,
        "entry_id": album.entry_id,
        "waiting": [asdict(p) for p in album.waiting],
    }


def decode_album(data: dict[str, Any]) -> Album | None:
    if data.get("v") != ENCODING:
        return None
    try:
        entry = data["entry_id"]
        return Album(None if entry is None else int(entry), decode_photos(data["waiting"]))
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("a stored album could not be read (%s); it is dropped", exc)
        return None


def encode_pending(pending: Pending) -> dict[str, Any]:
    return {
        "v": ENCODING,
        "text": pending.text,
        "photos": [asdict(p) for p in pending.photos],
        "source": list(pending.source),
        "media_group": pending.media_group,
        "contracts": list(pending.contracts),
    }


def decode_pending(data: dict[str, Any]) -> Pending | None:
    if data.get("v") != ENCODING:
        return None
    try:
        chat, message = (int(n) for n in data["source"])
        return Pending(
            str(data["text"]),
            tuple(decode_photos(data["photos"])),
            (chat, message),
            data["media_group"],
            tuple(str(c) for c in data["contracts"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("a stored choice could not be read (%s); it is dropped", exc)
        return None
