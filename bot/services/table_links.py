"""The buttons that open the Mini App (bot.webapp) at a contract's table: under /score,
/deductions and each digest, and as each registered user's chat menu button.

Web-app buttons work only in private chats, which is where the bot sends these. Without
``FLOORBOT_WEBAPP_URL`` there is no Mini App and no button.
"""

from __future__ import annotations

from urllib.parse import urlencode

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

from bot.texts.i18n import t

ASSESSMENT = "assessment"
DEDUCTIONS = "deductions"


def table_url(base: str, contract_id: str, tab: str, period: str | None = None) -> str:
    """The Mini App opened at one contract's tab (and period); Telegram adds its launch data
    to the URL's fragment, so the page is told where to open in the query."""
    query = {"contract": contract_id, "tab": tab} | ({"period": period} if period else {})
    return f"{base}?{urlencode(query)}"


def table_button(
    base: str | None, lang: str, contract_id: str, tab: str, period: str | None = None
) -> InlineKeyboardButton | None:
    if base is None:
        return None
    url = table_url(base, contract_id, tab, period)
    return InlineKeyboardButton(t(lang, "button_open_table"), web_app=WebAppInfo(url))


def table_markup(
    base: str | None, lang: str, contract_id: str, tab: str, period: str | None = None
) -> InlineKeyboardMarkup | None:
    """ "Open the table" alone under a message, or None without a Mini App."""
    button = table_button(base, lang, contract_id, tab, period)
    return InlineKeyboardMarkup([[button]]) if button is not None else None


def menu_button(base: str, lang: str) -> MenuButtonWebApp:
    """The chat's menu button: the Mini App, on its first page."""
    return MenuButtonWebApp(t(lang, "menu_button_table"), WebAppInfo(base))
