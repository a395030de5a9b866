"""``/deductions [CONTRACT] [PERIOD]``: every finding, paged (``ded:`` buttons); one in detail.

``ded:c:REF[:PERIOD]`` picks a contract, ``ded:p:REF:PERIOD:PAGE`` turns the page (the list is
edited in place), ``ded:e:ID`` shows one finding and sends its evidence photos.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.parsing import row_id
from bot.services.permissions import Action, requires
from bot.services.scores import Asked
from bot.services.table_links import DEDUCTIONS, table_button
from bot.services.vendor_views import Choosing, DetailView, LedgerView
from bot.texts.i18n import t
from bot.texts.vendor import Rows, decision_rows, detail_text, ledger_text, pages_of
from handlers.common import PRIVATE, asking, edit, keyboard, say, with_button
from handlers.contract_choice import from_args, from_button, offer
from handlers.vendor_common import send_photos

PAGE_SIZE = 8
ROW = 4
CHOICE = "ded:c"


# -- the list ---------------------------------------------------------------------------------


@requires(Action.DEDUCTIONS)
async def deductions_command(update: Update, context: FloorContext) -> None:
    """/deductions: the first page of the period's findings, or buttons to choose a contract."""
    await show_list(update, context, from_args(context), 0)


@requires(Action.DEDUCTIONS, sample="ded:c:haidian-2026")
async def on_choice(update: Update, context: FloorContext) -> None:
    """``ded:c:REF[:PERIOD]``: the chosen contract's list."""
    await show_list(update, context, await from_button(update, CHOICE), 0)


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
    await show_list(update, context, Asked(ref=ref, period=period), int(page), target)


async def show_list(
    update: Update,
    context: FloorContext,
    asked: Asked,
    page: int,
    target: Message | None = None,
) -> None:
    """Reply with one page of the list (editing ``target`` when given), or a contract choice."""
    found = await context.services.scores.deductions(asking(update, context), asked=asked)
    if isinstance(found, Choosing):
        await offer(update, found, CHOICE)
        return
    page = min(page, pages_of(len(found.findings), PAGE_SIZE) - 1)
    text = ledger_text(found, page, PAGE_SIZE)
    rows = _list_rows(found, page)
    base = context.services.settings.webapp_url
    table = table_button(base, found.lang, found.contract_id, DEDUCTIONS, found.period.label)
    markup = with_button(keyboard(rows) if rows else None, table)
    if target is not None:
        await edit(target, text, markup)
    else:
        await say(update, text, markup)


def _list_rows(found: LedgerView, page: int) -> Rows:
    shown = found.findings[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [(f"#{f.id}", f"ded:e:{f.id}") for f in shown]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    base = f"ded:p:{found.ref}:{found.period.label}"
    nav = []
    if page > 0:
        nav.append((t(found.lang, "button_prev"), f"{base}:{page - 1}"))
    if (page + 1) * PAGE_SIZE < len(found.findings):
        nav.append((t(found.lang, "button_next"), f"{base}:{page + 1}"))
    return [*rows, nav] if nav else rows


# -- one finding ------------------------------------------------------------------------------


@requires(Action.DEDUCTIONS, sample="ded:e:1")
async def on_entry(update: Update, context: FloorContext) -> None:
    """``ded:e:ID``: the finding in full, with its buttons, then its evidence photos."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    entry_id = row_id((query.data or "").removeprefix("ded:e:"))
    if entry_id is None:
        return
    detail = await context.services.scores.finding(asking(update, context), entry_id=entry_id)
    rows = _detail_rows(detail)
    await say(update, detail_text(detail), keyboard(rows) if rows else None)
    chat = update.effective_chat
    assert chat is not None
    lang, finding = detail.lang, detail.finding
    await send_photos(
        context.bot, chat.id, detail.evidence, lang, "evidence_caption", entry=finding.id
    )
    if finding.dispute is not None:
        await send_photos(
            context.bot,
            chat.id,
            detail.dispute_photos,
            lang,
            "dispute_photo_caption",
            dispute=finding.dispute.id,
        )


def _detail_rows(detail: DetailView) -> Rows:
    rows: Rows = []
    if detail.can_dispute:
        rows.append([(t(detail.lang, "button_dispute"), f"dsp:o:{detail.finding.id}")])
    dispute = detail.finding.dispute
    if detail.can_decide and dispute is not None:
        rows += decision_rows(detail.lang, dispute.id)
    return rows


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("deductions", deductions_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^ded:c:"))
    app.add_handler(CallbackQueryHandler(on_page, pattern=r"^ded:p:"))
    app.add_handler(CallbackQueryHandler(on_entry, pattern=r"^ded:e:"))
