"""/history: the last 12 periods' scores, the running one provisional, with a PNG chart."""

from __future__ import annotations

import datetime as dt

from tests.bot.world import BOTH, TZ, VENDOR, A, B
from tests.fakebot import buttons
from tests.vendor.conftest import Running
from tests.vendor.world import finding, next_text

PNG = b"\x89PNG\r\n\x1a\n"


async def test_the_last_twelve_periods_with_a_chart(vbot: Running) -> None:
    vbot.clock.set(dt.datetime(2027, 6, 10, 10, 0, tzinfo=TZ))
    await finding(vbot, A, "dress_code", ago=dt.timedelta(days=300))  # 2026-08-14
    await finding(vbot, A, "late_arrival", value="75", ago=dt.timedelta(days=2))
    await vbot.fake.send_text(VENDOR, "/history")
    chart = await next_text(vbot, VENDOR, "📈")
    lines = chart["caption"].split("\n")
    assert lines[0] == "📈 haidian-2026 — 近 12 期得分"
    # 2026-06 (the term's first month) is the 13th period back: not shown.
    assert lines[1:4] == ["2026-07: 100", "2026-08: 99.9", "2026-09: 100"]
    # 附件二 第四章 三、1: late 1 hour or more, 0.5.
    assert lines[-1] == "2027-06: 99.5（暂定）"
    assert len(lines) == 13
    largest = chart["photo"][-1]["file_id"]
    assert vbot.fake._file(largest).content.startswith(PNG)  # the uploaded image


async def test_a_choice_of_contract(vbot: Running) -> None:
    choice = await vbot.say(BOTH, "/history")
    assert buttons(choice) == [A, B]
    await vbot.fake.press_button(BOTH, choice, B)
    chart = await next_text(vbot, BOTH, "📈")
    assert chart["caption"].split("\n")[0] == f"📈 {B} — 近 2 期得分"
