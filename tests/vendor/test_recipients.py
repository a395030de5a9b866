"""The people a dispute's steps tell without their asking: each in the language they chose,
each once.

Points from haidian-dispatch-2026 (001) 附件二 第四章 二、3: dress code 0.1 per person.
"""

from __future__ import annotations

from storage.db import write_session
from storage.models import Role
from tests.bot.world import INSPECTOR_EN, MANAGER, NOW, VENDOR, A, add_member
from tests.vendor.conftest import Running
from tests.vendor.world import MANAGER_2, VENDOR_EN, card, finding, next_text, texts

DRESS_EN = "Dress code not kept (uniform, no bare feet, nails, hair, jewellery, tattoos)"


async def test_everyone_told_reads_it_in_their_own_language(vbot: Running) -> None:
    chosen = await vbot.say(INSPECTOR_EN, "/lang en")
    assert chosen["text"] == "Language set to English."
    entry_id = await finding(
        vbot, A, "dress_code", reporter=INSPECTOR_EN, photos=[b"inspector" * 50]
    )
    opened = await vbot.say(VENDOR_EN, f"/dispute {entry_id} new uniform that day")
    assert opened["text"].startswith(
        f"⚖️ Dispute #1 on report #{entry_id} ({DRESS_EN}) sent to 2 manager(s)."
    )
    english = await next_text(vbot, MANAGER_2, "New dispute")
    assert english["text"].startswith("⚖️ New dispute #1")
    evidence = await next_text(vbot, MANAGER_2, "Evidence of report")
    assert evidence["caption"] == f"Evidence of report #{entry_id} (1/1)"
    more = await vbot.photo(VENDOR_EN, b"name badge" * 50)
    assert more["text"] == "📷 Added 1 photo(s) to dispute #1 and passed them on to the managers."
    forwarded = await next_text(vbot, MANAGER_2, "vendor's photo")
    assert forwarded["caption"] == "Dispute #1: vendor's photo 1/1"

    await vbot.tap(MANAGER, await card(vbot, MANAGER), "撤回")
    decided = await vbot.say(MANAGER, "着装符合规定")
    assert decided["text"].startswith("✅ 异议 #1 已处理：撤回。该项不再计分（原为 扣 0.1 分）。")
    change = "withdrawn. It no longer counts (it was −0.1 points).\nReason: 着装符合规定"
    lead = await next_text(vbot, VENDOR_EN, "was decided")
    assert lead["text"] == (
        f"⚖️ Your dispute #1 on report #{entry_id} ({DRESS_EN}) was decided: {change}\n"
        "Decided by Mgr A"
    )
    inspector = await next_text(vbot, INSPECTOR_EN, "was disputed")
    assert inspector["text"] == (
        f"⚖️ Your report #{entry_id} ({DRESS_EN}) was disputed (#1) and decided: {change}\n"
        "Decided by Mgr A"
    )


async def test_a_vendor_lead_who_reported_the_finding_is_told_once(vbot: Running) -> None:
    async with write_session(vbot.services.sessions) as session:
        await add_member(session, VENDOR, A, Role.INSPECTOR, NOW)
    entry_id = await finding(vbot, A, "dress_code", reporter=VENDOR)
    await vbot.say(VENDOR, f"/dispute {entry_id} 着装合规")
    await vbot.tap(MANAGER, await card(vbot, MANAGER), "维持")
    decided = await vbot.say(MANAGER, "当日着装不合规")
    assert decided["text"].startswith("✅ 异议 #1 已处理：维持扣分。扣分不变：扣 0.1 分。")
    told = [text for text in texts(vbot, VENDOR.chat_id) if "已处理" in text]
    assert told == [
        f"⚖️ 您对报告 #{entry_id}（未按规定着装）的异议 #1 已处理：维持扣分。扣分不变：扣 0.1 分。\n"
        "理由：当日着装不合规\n处理人：Mgr A"
    ]
