"""``/deductions [CONTRACT] [PERIOD]``: every finding, paged (``ded:`` buttons); one in detail.

``ded:c:REF[:PERIOD]`` picks a contract, ``ded:p:REF:PERIOD:PAGE`` turns the page (the list is
edited in place), ``ded:e:ID`` shows one finding and sends its evidence photos.
"""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.findings import Detail, entry_detail
from bot.services.parsing import row_id
from bot.services.permissions import Action, Actor, requires
from bot.services.scores import Ledger, contract_ref, ledger
from bot.texts.i18n import t
from bot.texts.vendor import Rows, decision_rows, detail_text, ledger_text, pages_of
from handlers.common import PRIVATE, edit, keyboard, say
from handlers.contract_choice import ContractChoice, RequestOf
from handlers.vendor_common import look_up, send_photos

logger = logging.getLogger(__name__)
PAGE_SIZE = 8
ROW = 4
CHOICE = ContractChoice(Action.DEDUCTIONS, "ded:c")


# -- the list ---------------------------------------------------------------------------------


@requires(Action.DEDUCTIONS)
async def deductions_command(update: Update, context: FloorContext) -> None:
    """/deductions: the first page of the period's findings, or buttons to choose a contract."""
    await show_list(update, context, CHOICE.from_args(context), 0)


@requires(Action.DEDUCTIONS, sample="ded:c:haidian-2026")
async def on_choice(update: Update, context: FloorContext) -> None:
    """``ded:c:REF[:PERIOD]``: the chosen contract's list."""
    await show_list(update, context, await CHOICE.from_button(update), 0)


@requires(Action.DEDUCTIONS, sample="ded:p:haidian-2026:2026-07:1")
async def on_page(update: Update, context: FloorContext) -> None:
    """``ded:p:REF:PERIOD:PAGE``: another page of the list, in the same message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    parts = (query.data or "").removeprefix("ded:p:").split(":")
    if len(parts) != 3 or not parts[2].isascii() or not parts[2].isdigit() or len(parts[2]) > 6:
        return
    ref, period, page = parts
    target = query.message if isinstance(query.message, Message) else None
    await show_list(update, context, CHOICE.chosen(ref, period), int(page), target)


async def show_list(
    update: Update,
    context: FloorContext,
    request_of: RequestOf,
    page: int,
    target: Message | None = None,
) -> None:
    """Reply with one page of the list (editing ``target`` when given), or a contract choice."""
    done = await CHOICE.look_up(update, context, request_of, ledger)
    if done is None:
        return
    found = done.value
    page = min(page, pages_of(len(found.views), PAGE_SIZE) - 1)
    text = ledger_text(done.lang, found, page, PAGE_SIZE)
    rows = _list_rows(done.lang, done.actor, found, page)
    markup = keyboard(rows) if rows else None
    if target is not None:
        await edit(target, text, markup)
    else:
        await say(update, text, markup)


def _list_rows(lang: str, actor: Actor, found: Ledger, page: int) -> Rows:
    shown = found.views[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [(f"#{v.id}", f"ded:e:{v.id}") for v in shown]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    ref = contract_ref(actor, Action.DEDUCTIONS, found.contract_id)
    base = f"ded:p:{ref}:{found.period.label}"
    nav = []
    if page > 0:
        nav.append((t(lang, "button_prev"), f"{base}:{page - 1}"))
    if (page + 1) * PAGE_SIZE < len(found.views):
        nav.append((t(lang, "button_next"), f"{base}:{page + 1}"))
    return [*rows, nav] if nav else rows


# -- one finding ------------------------------------------------------------------------------


@requires(Action.DEDUCTIONS, sample="ded:e:1")
async def on_entry(update: Update, context: FloorContext) -> None:
    """``ded:e:ID``: the finding in full, with its buttons, then its evidence photos."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    entry_text = (query.data or "").removeprefix("ded:e:")
    entry_id = row_id(entry_text)
    if entry_id is None:
        return
    services = context.services
    now = services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Detail:
        return await entry_detail(
            session,
            actor=actor,
            rulebooks=services.rulebooks,
            entry_id=entry_id,
            now=now,
            default_days=services.settings.default_objection_working_days,
        )

    done = await look_up(update, context, work)
    if done is None or update.effective_chat is None:
        return
    detail = done.value
    rows = _detail_rows(done.lang, detail)
    await say(update, detail_text(done.lang, detail, now), keyboard(rows) if rows else None)
    chat_id = update.effective_chat.id
    view = detail.case.view
    await send_photos(
        context.bot, chat_id, detail.evidence, done.lang, "evidence_caption", entry=view.id
    )
    if view.dispute is not None:
        await send_photos(
            context.bot,
            chat_id,
            detail.dispute_photos,
            done.lang,
            "dispute_photo_caption",
            dispute=view.dispute.id,
        )


def _detail_rows(lang: str, detail: Detail) -> Rows:
    rows: Rows = []
    if detail.can_dispute:
        rows.append([(t(lang, "button_dispute"), f"dsp:o:{detail.case.view.id}")])
    dispute = detail.case.view.dispute
    if detail.can_decide and dispute is not None and dispute.id is not None:
        rows += decision_rows(lang, dispute.id)
    return rows


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("deductions", deductions_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^ded:c:"))
    app.add_handler(CallbackQueryHandler(on_page, pattern=r"^ded:p:"))
    app.add_handler(CallbackQueryHandler(on_entry, pattern=r"^ded:e:"))
