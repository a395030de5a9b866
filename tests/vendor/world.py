"""People, findings and look-ups the vendor-lead tests share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlmodel import col, select

from scoring.assessment import Event
from storage.bot_queries import person_by_telegram_id
from storage.db import write_session
from storage.models import AuditRecord, Dispute, Role
from storage.queries import add_evidence, record_entry
from tests.bot.conftest import Running
from tests.bot.world import (
    ADMIN,
    BOTH,
    INSPECTOR,
    INSPECTOR_B,
    INSPECTOR_EN,
    MANAGER,
    VENDOR,
    A,
    B,
)
from tests.fakebot import FakeUser, JsonDict

MANAGER_2 = FakeUser(2001, "Mgr A2", "en")
VENDOR_B = FakeUser(2002, "Vendor B", "zh")
MANAGER_B = FakeUser(2003, "Mgr B", "zh")
VENDOR_EN = FakeUser(2004, "Vendor En", "en")

EXTRA_MEMBERS: Sequence[tuple[FakeUser, str, Role]] = (
    (MANAGER_2, A, Role.MANAGER),
    (VENDOR_B, B, Role.VENDOR_LEAD),
    (MANAGER_B, B, Role.MANAGER),
    (VENDOR_EN, A, Role.VENDOR_LEAD),
)
KNOWN = (
    INSPECTOR,
    INSPECTOR_EN,
    INSPECTOR_B,
    MANAGER,
    VENDOR,
    ADMIN,
    BOTH,
    MANAGER_2,
    VENDOR_B,
    MANAGER_B,
    VENDOR_EN,
)


async def finding(
    bot: Running,
    contract: str,
    item: str,
    *,
    value: str | None = None,
    quantity: str = "1",
    staff: str | None = "张三",
    note: str | None = None,
    reporter: FakeUser = INSPECTOR,
    ago: dt.timedelta = dt.timedelta(minutes=30),
    photos: Sequence[bytes] = (),
) -> int:
    """A finding stored as if ``reporter`` had recorded it ``ago`` (photos known to Telegram)."""
    now = bot.clock.now()
    async with write_session(bot.services.sessions) as session:
        person = await person_by_telegram_id(session=session, telegram_user_id=reporter.id)
        event = Event(
            item,
            now - ago,
            Decimal(quantity),
            value,
            staff,
            note,
            reporter.first_name,
        )
        entry_id = await record_entry(
            session=session,
            contract_id=contract,
            event=event,
            now=now - ago,
            reported_by_id=person.id if person else None,
        )
        for content in photos:
            largest = bot.fake.add_photo(content)[-1]
            await add_evidence(
                session=session,
                entry_id=entry_id,
                telegram_file_id=largest["file_id"],
                telegram_file_unique_id=largest["file_unique_id"],
                sha256="0" * 64,
                now=now - ago,
            )
    return entry_id


async def disputes(bot: Running) -> list[Dispute]:
    async with bot.services.sessions() as session:
        return list((await session.exec(select(Dispute).order_by(col(Dispute.id)))).all())


async def audit_actions(bot: Running, subject: str) -> list[str]:
    """The audit log's actions about one subject (``entry:42``, ``dispute:1``), in order."""
    async with bot.services.sessions() as session:
        statement = (
            select(AuditRecord)
            .where(col(AuditRecord.subject) == subject)
            .order_by(col(AuditRecord.id))
        )
        return [r.action for r in (await session.exec(statement)).all()]


async def settle(bot: Running) -> None:
    """Let the bot finish what it was sent (it handles updates in order)."""
    probe = FakeUser(9999, "Probe", "zh")
    await bot.say(probe, "/help")


def photo_ids(bot: Running, chat_id: int) -> list[str]:
    """The file ids of the photos the bot sent to a chat (largest size), in order."""
    return [
        call.params["photo"]
        for call in bot.fake.calls_to("sendPhoto")
        if int(call.params["chat_id"]) == chat_id
    ]


def texts(bot: Running, chat_id: int) -> list[str]:
    """Everything the bot has shown in a chat (texts and captions), in order."""
    return [
        e.message.get("text") or e.message.get("caption") or ""
        for e in bot.fake.events
        if e.chat_id == chat_id
    ]


async def fresh(bot: Running, user: FakeUser, text: str) -> JsonDict:
    """The user sends ``text``; the bot's reply, skipping what it had sent them before."""
    bot.fake.skip_to_end(user.chat_id)
    return await bot.say(user, text)


async def card(bot: Running, manager: FakeUser) -> JsonDict:
    """The dispute a manager was sent (the evidence photos after it are skipped)."""
    found = await next_text(
        bot, manager, "异议 #" if manager.language_code == "zh" else "dispute #"
    )
    bot.fake.skip_to_end(manager.chat_id)
    return found


async def next_text(bot: Running, user: FakeUser, needle: str, timeout: float = 5.0) -> JsonDict:  # noqa: ASYNC109
    """The bot's next message to the user containing ``needle``."""
    return await bot.fake.wait_for_message(
        user.chat_id,
        lambda m: needle in (m.get("text") or m.get("caption") or ""),
        timeout=timeout,
    )
