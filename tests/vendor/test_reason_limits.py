"""Dispute and decision reasons are bounded (scoring.storable.TEXT_LIMITS): a longer one is
refused naming the field and the limit, and nothing is written."""

from __future__ import annotations

from scoring.storable import TEXT_LIMITS
from tests.bot.world import INSPECTOR, MANAGER, VENDOR
from tests.vendor.conftest import Running
from tests.vendor.world import card, disputes

LIMIT = TEXT_LIMITS["dispute_reason"]


async def _reported(bot: Running) -> int:
    reply = await bot.say(INSPECTOR, "/late 张三 75")
    return int(reply["text"].split("#")[1].split("：")[0])


async def test_a_dispute_reason_over_the_limit_is_refused(vbot: Running) -> None:
    entry_id = await _reported(vbot)
    refused = await vbot.say(VENDOR, f"/dispute {entry_id} {'理' * (LIMIT + 1)}")
    assert refused["text"].startswith(f"申诉理由太长：最多 {LIMIT} 个字符，收到 {LIMIT + 1} 个。")
    assert await disputes(vbot) == []
    opened = await vbot.say(VENDOR, f"/dispute {entry_id} {'理' * LIMIT}")
    assert opened["text"].startswith("⚖️ 已提交异议 #1")


async def test_a_decision_reason_over_the_limit_is_refused(vbot: Running) -> None:
    entry_id = await _reported(vbot)
    await vbot.say(VENDOR, f"/dispute {entry_id} 系统故障")
    await vbot.tap(MANAGER, await card(vbot, MANAGER), "维持")
    limit = TEXT_LIMITS["decision_reason"]
    refused = await vbot.say(MANAGER, "正" * (limit + 1))
    assert refused["text"].startswith(f"裁定理由太长：最多 {limit} 个字符")
    [still_open] = await disputes(vbot)
    assert (still_open.status, still_open.resolution) == ("open", None)
    decided = await vbot.say(MANAGER, "当日系统运行正常")
    assert decided["text"].startswith("✅ 异议 #1 已处理：维持扣分。")
