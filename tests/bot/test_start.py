"""Registration with invite codes (/start CODE and the deep link), /invite, /start and /help."""

from __future__ import annotations

import datetime as dt
import json
import re

from storage.bot_queries import person_roles
from storage.models import Role
from tests.bot.conftest import Running
from tests.bot.world import MANAGER, NOW, STRANGER, VENDOR, A, invite
from tests.fakebot import FakeUser


async def _roles(bot: Running, user: FakeUser) -> dict[str, set[str]]:
    async with bot.services.sessions() as session:
        found = await person_roles(session=session, telegram_user_id=user.id)
    return found.roles if found else {}


async def test_a_valid_code_gives_the_role_and_shows_how_to_report(bot: Running) -> None:
    code = await invite(bot.services, A, Role.INSPECTOR, now=NOW)
    welcome = await bot.say(STRANGER, f"/start {code}")
    assert welcome["text"].startswith(f"欢迎，Stranger！您现在是合同 {A}（海淀区")
    assert "/late 张三 30" in welcome["text"] and "/report" in welcome["text"]
    assert await _roles(bot, STRANGER) == {A: {"inspector"}}
    first = await bot.say(STRANGER, "/late 张三 25")
    assert first["text"].startswith("✅ 已记录")


async def test_registration_sets_the_users_command_menu(bot: Running) -> None:
    code = await invite(bot.services, A, Role.INSPECTOR, now=NOW)
    await bot.say(STRANGER, f"/start {code}")
    call = await bot.fake.wait_for_call(
        "setMyCommands", lambda c: c.params.get("scope") == {"type": "chat", "chat_id": STRANGER.id}
    )
    names = [c["command"] for c in call.params["commands"]]
    assert names[:2] == ["report", "late"] and "myreports" in names and "invite" not in names


async def test_expired_used_and_unknown_codes_are_refused(bot: Running) -> None:
    expired = await invite(bot.services, A, Role.INSPECTOR, now=NOW - dt.timedelta(days=8))
    used = await invite(bot.services, A, Role.INSPECTOR, now=NOW)
    other = FakeUser(3001, "Other", "en")
    await bot.say(other, f"/start {used}")
    refused_expired = await bot.say(STRANGER, f"/start {expired}")
    refused_used = await bot.say(STRANGER, f"/start {used}")
    refused_unknown = await bot.say(STRANGER, "/start NOPE-not-a-code")
    assert refused_expired["text"] == (
        "该邀请码已于 2026-07-14 10:00 过期。请向管理人员索取新的邀请码。"
    )
    assert refused_used["text"] == "该邀请码已被使用。请向管理人员索取新的邀请码。"
    assert refused_unknown["text"].startswith("邀请码无效")
    assert await _roles(bot, STRANGER) == {}


async def test_manager_invites_through_the_deep_link(bot: Running) -> None:
    made = await bot.say(MANAGER, "/invite vendor_lead")
    link = re.search(r"https://t\.me/floorbot_test_bot\?start=(\S+)", made["text"])
    assert link is not None
    newcomer = FakeUser(3002, "Newcomer", "en")
    # Opening t.me/<bot>?start=CODE makes Telegram send "/start CODE".
    welcome = await bot.say(newcomer, f"/start {link[1]}")
    assert welcome["text"].startswith(f"Welcome, Newcomer! Your role on contract {A} (")
    assert "): vendor lead." in welcome["text"].splitlines()[0]
    assert await _roles(bot, newcomer) == {A: {"vendor_lead"}}


async def test_a_person_can_hold_roles_on_several_contracts(bot: Running) -> None:
    from tests.bot.world import B

    code = await invite(bot.services, B, Role.VENDOR_LEAD, now=NOW)
    await bot.say(VENDOR, f"/start {code}")
    assert await _roles(bot, VENDOR) == {A: {"vendor_lead"}, B: {"vendor_lead"}}


async def test_start_without_a_code(bot: Running) -> None:
    stranger = await bot.say(STRANGER, "/start")
    known = await bot.say(MANAGER, "/start")
    assert stranger["text"].startswith("您好！我是合同考核记录机器人。请向管理人员索取邀请码")
    assert known["text"] == "欢迎回来，Mgr A！您的角色：管理人员。发送 /help 查看可用命令。"


async def test_help_lists_what_each_user_may_do(bot: Running) -> None:
    stranger = await bot.say(STRANGER, "/help")
    manager = await bot.say(MANAGER, "/help")
    assert "/start 邀请码" in stranger["text"] and "/report" not in stranger["text"]
    assert "/invite 角色 [合同]" in manager["text"] and "/report" not in manager["text"]


async def test_menus_are_set_per_role_at_start_up(bot: Running) -> None:
    default = bot.fake.commands[(json.dumps({"type": "all_private_chats"}), "")]
    manager = bot.fake.commands[
        (json.dumps({"chat_id": MANAGER.id, "type": "chat"}, sort_keys=True), "")
    ]
    assert [c["command"] for c in default] == ["start", "help", "lang"]
    # a manager invites, reads the score and deductions, and gets digests
    assert [c["command"] for c in manager] == [
        "invite",
        "score",
        "deductions",
        "history",
        "digest",
        "subscribe",
        "unsubscribe",
        "schedule",
        "help",
        "lang",
    ]
