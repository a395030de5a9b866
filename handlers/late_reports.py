"""Approve / Reject under a late report (``late:ok:<id>``, ``late:no:<id>``): a manager decides.

The first tap decides, once (two managers at the same moment settle it once); the other
managers' copies lose their buttons and say who decided, and the inspector is told.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.contracts import contract_book
from bot.services.digests.content import period_score
from bot.services.drafts import cost_of
from bot.services.late_reports import Decision, decide
from bot.services.parsing import row_id
from bot.services.permissions import Action, Actor, requires
from bot.texts.digests import late_request_message, late_what
from bot.texts.i18n import language_of, t
from handlers.common import edit, transact
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage.models import LateReport, LateReportStatus, Person

logger = logging.getLogger("floorbot.late")
VERBS = {"ok": True, "no": False}


@requires(Action.APPROVE_LATE, sample="late:ok:1")
async def on_decision(update: Update, context: FloorContext) -> None:
    """A manager's Approve or Reject."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, verb, ident = ((query.data or "") + "::").split(":")[:3]
    late_id = row_id(ident)
    if verb not in VERBS or late_id is None:
        return
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Decision:
        return await decide(session, actor=actor, late_id=late_id, approve=VERBS[verb], now=now)

    done = await transact(update, context, work)
    if done is None:
        return
    decision = done.value
    sent, current = await _scores(context, decision.late)
    if isinstance(query.message, Message):
        note = _outcome(done.lang, decision, sent, current)
        await edit(query.message, (query.message.text or "") + "\n\n" + note)
    if decision.decided_now:
        await _tell_managers(context, decision, sent, current, skip=query.from_user.id)
        await _tell_inspector(context, decision)


async def _scores(context: FloorContext, late: LateReport) -> tuple[Decimal | None, Decimal | None]:
    """The late report's period: its score as sent, and as it stands now."""
    services = context.services
    async with services.sessions() as session:
        _, book = await contract_book(session, services.rulebooks, late.contract_id)
        closed = (await dq.closed_periods(session, contract_id=late.contract_id)).get(late.period)
        now = await period_score(
            session,
            contract_id=late.contract_id,
            book=book,
            label=late.period,
            now=services.clock.now(),
        )
    return (closed.score if closed else None), now


def _outcome(lang: str, decision: Decision, sent: Decimal | None, now: Decimal | None) -> str:
    late = decision.late
    if not decision.decided_now:
        status = t(lang, f"late_status_{late.status}")
        return t(lang, "late_already", request=late.id, name=decision.by, status=status)
    if late.status == LateReportStatus.APPROVED.value:
        return t(
            lang,
            "late_approved_by",
            name=decision.by,
            entry=decision.entry_id,
            period=late.period,
            sent="—" if sent is None else sent,
            now="—" if now is None else now,
        )
    return t(lang, "late_rejected_by", name=decision.by)


async def _tell_managers(
    context: FloorContext,
    decision: Decision,
    sent: Decimal | None,
    now: Decimal | None,
    *,
    skip: int,
) -> None:
    """The other managers' copies of the request: no more buttons, and who decided."""
    services = context.services
    late = decision.late
    async with services.sessions() as session:
        contract, book = await contract_book(session, services.rulebooks, late.contract_id)
        copies = await dlq.deliveries_of(
            session,
            contract_id=late.contract_id,
            kind=dq.KIND_LATE,
            period=f"{dq.LATE_PREFIX}{late.id}",
        )
        people = {c.person_id: await session.get(Person, c.person_id) for c in copies}
    zone = ZoneInfo(contract.timezone)
    cost = cost_of(book, book.item(late.item), late.value, late.quantity)
    for copy in copies:
        person = people.get(copy.person_id)
        if copy.message_id is None or copy.chat_id == skip or person is None:
            continue
        lang = language_of(person.language, None, services.settings.default_language)
        text = late_request_message(lang, book, late, cost, sent, zone)
        text += "\n\n" + _outcome(lang, decision, sent, now)
        try:
            await context.bot.edit_message_text(text, copy.chat_id, copy.message_id)
        except TelegramError as exc:
            logger.warning(
                "late report %s: copy in chat %s not updated: %s", late.id, copy.chat_id, exc
            )


async def _tell_inspector(context: FloorContext, decision: Decision) -> None:
    """The inspector who reported learns the decision."""
    services = context.services
    late = decision.late
    if late.source_chat_id is None:
        return
    async with services.sessions() as session:
        _, book = await contract_book(session, services.rulebooks, late.contract_id)
        person = await session.get(Person, late.reported_by_id) if late.reported_by_id else None
    lang = language_of(
        person.language if person else None, None, services.settings.default_language
    )
    approved = late.status == LateReportStatus.APPROVED.value
    text = t(
        lang,
        "late_told_approved" if approved else "late_told_rejected",
        period=late.period,
        request=late.id,
        what=late_what(lang, book, late),
        name=decision.by,
        entry=decision.entry_id or "—",
    )
    try:
        await context.bot.send_message(late.source_chat_id, text)
    except TelegramError as exc:
        logger.warning("late report %s: inspector not told: %s", late.id, exc)


def register(app: FloorApp) -> None:
    app.add_handler(CallbackQueryHandler(on_decision, pattern=r"^late:"))
