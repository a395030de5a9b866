"""Messages of the hardening work (issue 7), merged into bot.texts.i18n.MESSAGES."""

from __future__ import annotations

from collections.abc import Mapping

HARDENING_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "db_unavailable": {
        "zh": "⚠️ 暂时无法记录：数据库连接中断，本次没有记录任何内容。请过几分钟再发送一次。",
        "en": "⚠️ Cannot record right now: the database is unreachable, so nothing was "
        "recorded. Please send it again in a few minutes.",
    },
}
