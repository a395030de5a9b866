"""Every message the bot shows, in Chinese and English, and how parameters are put into them.

``t(lang, key, **params)`` fills a message. Parameters may be plain values or rulebook objects:
a Label or an Item shows in the user's language, a Decimal without trailing zeros, a list
joined, a datetime as local ``YYYY-MM-DD HH:MM`` (in the zone it carries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.texts.messages_digest import DIGEST_MESSAGES
from bot.texts.messages_outage import HARDENING_MESSAGES
from bot.texts.messages_vendor import VENDOR_MESSAGES
from scoring.rulebook import Item, Label

LANGUAGES = ("zh", "en")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    # -- general --------------------------------------------------------------------------
    "error_generic": {
        "zh": "抱歉，系统出错了，本次没有记录任何内容。请稍后再试。",
        "en": "Sorry, something went wrong on our side. Nothing was recorded — please try again.",
    },
    "error_after_record": {
        "zh": "报告 #{entry} 已记录，但之后出错了，确认消息可能不完整。发送 /myreports 可查看。",
        "en": "Report #{entry} was recorded, but something went wrong afterwards; /myreports "
        "shows it.",
    },
    "not_registered": {
        "zh": "您还没有注册。请向管理人员索取邀请码，然后发送 /start 邀请码"
        "（或直接打开邀请链接）。",
        "en": "You are not registered yet. Ask your manager for an invite code, then send "
        "/start CODE (or open the invite link).",
    },
    "unknown_command": {
        "zh": "没有 /{command} 这个命令。发送 /help 查看您可以做什么，例如：{example}",
        "en": "There is no command /{command}. Send /help to see what you can do, e.g. {example}",
    },
    "text_hint": {
        "zh": "发送 /help 查看可用的命令，例如：{example}",
        "en": "Send /help to see what you can do, e.g. {example}",
    },
    "photo_hint": {
        "zh": "要用这张照片报告，请回复这张照片并发送 /report，"
        "或发送带命令说明的照片，例如：{example}",
        "en": "To report with this photo, reply to it with /report, or send the photo with a "
        "command as its caption, e.g. {example}",
    },
    "nothing_to_cancel": {"zh": "当前没有进行中的操作。", "en": "There is nothing to cancel."},
    "cancelled": {"zh": "已取消，没有记录任何内容。", "en": "Cancelled. Nothing was recorded."},
    "unknown_contract": {
        "zh": "合同 {contract} 不存在。",
        "en": "There is no contract {contract}.",
    },
    "rulebook_missing": {
        "zh": "合同 {contract} 的考核细则未加载，请联系管理员。",
        "en": "The rulebook of contract {contract} is not loaded; tell your administrator.",
    },
    # -- roles ----------------------------------------------------------------------------
    "forbidden_report": {
        "zh": "只有检查员可以报告违规{where}。",
        "en": "Only inspectors can report violations{where}.",
    },
    "forbidden_undo": {
        "zh": "只有检查员可以撤销自己的报告{where}。",
        "en": "Only inspectors can undo their reports{where}.",
    },
    "forbidden_myreports": {
        "zh": "“我的报告”只对检查员开放{where}。",
        "en": "My reports is for inspectors{where}.",
    },
    "forbidden_invite": {
        "zh": "只有甲方管理人员可以发出邀请{where}。",
        "en": "Only managers can make invites{where}.",
    },
    "forbidden_invite_role": {
        "zh": "您不能邀请 {role} 加入合同 {contract}。",
        "en": "You may not invite a {role} to contract {contract}.",
    },
    "where_contract": {"zh": "（合同 {contract}）", "en": " (contract {contract})"},
    "role_inspector": {"zh": "检查员", "en": "inspector"},
    "role_manager": {"zh": "管理人员", "en": "manager"},
    "role_vendor_lead": {"zh": "乙方项目负责人", "en": "vendor lead"},
    "role_admin": {"zh": "管理员", "en": "administrator"},
    # -- registration -------------------------------------------------------------------------
    "start_stranger": {
        "zh": "您好！我是合同考核记录机器人。请向管理人员索取邀请码，然后发送 /start 邀请码。",
        "en": "Hello! I record contract assessment findings. Ask your manager for an invite "
        "code, then send /start CODE.",
    },
    "start_known": {
        "zh": "欢迎回来，{name}！您的角色：{roles}。发送 /help 查看可用命令。",
        "en": "Welcome back, {name}! Your roles: {roles}. Send /help to see your commands.",
    },
    "invite_unknown": {
        "zh": "邀请码无效。请检查后重试，或向管理人员索取新的邀请码。",
        "en": "This invite code is not known. Check it, or ask your manager for a new one.",
    },
    "invite_used": {
        "zh": "该邀请码已被使用。请向管理人员索取新的邀请码。",
        "en": "This invite code has already been used. Ask your manager for a new one.",
    },
    "invite_expired": {
        "zh": "该邀请码已于 {expired} 过期。请向管理人员索取新的邀请码。",
        "en": "This invite code expired on {expired}. Ask your manager for a new one.",
    },
    "welcome": {
        "zh": "欢迎，{name}！您现在是合同 {contract}（{title}）的{role}。",
        "en": "Welcome, {name}! You are now {role} on contract {contract} ({title}).",
    },
    "welcome_inspector": {
        "zh": "报告违规：发送 /report 按步骤填写，或一行命令，例如 {example}。"
        "也可以发送照片并在说明中写命令。发送 /help 查看全部命令。",
        "en": "To report: send /report for a guided form, or one line such as {example}. "
        "You can also send a photo with such a line as its caption. /help lists everything.",
    },
    "welcome_manager": {
        "zh": "邀请检查员：/invite inspector。发送 /help 查看全部命令。",
        "en": "To invite an inspector: /invite inspector. /help lists everything.",
    },
    "welcome_other": {
        "zh": "发送 /help 查看全部命令。",
        "en": "/help lists everything you can do.",
    },
    "invite_usage": {
        "zh": "用法：/invite 角色 [合同]，例如 /invite inspector。角色：inspector（检查员）、"
        "vendor_lead（乙方负责人）、manager（管理人员）、admin（管理员）。",
        "en": "Usage: /invite ROLE [CONTRACT], e.g. /invite inspector. Roles: inspector, "
        "vendor_lead, manager, admin.",
    },
    "invite_which_contract": {
        "zh": "您管理多个合同，请注明合同，例如 /invite inspector 合同编号。您的合同：{contracts}",
        "en": "You manage several contracts: name one, e.g. /invite inspector CONTRACT. "
        "Yours: {contracts}",
    },
    "invite_made": {
        "zh": "已生成邀请（{role}，合同 {contract}），有效期至 {expires}：\n{code}\n"
        "请对方向我发送 /start {code}{link}",
        "en": "Invite for a {role} on contract {contract}, valid until {expires}:\n{code}\n"
        "They send me /start {code}{link}",
    },
    "invite_link": {"zh": "，或打开链接：{url}", "en": ", or open {url}"},
    # -- language ----------------------------------------------------------------------------
    "lang_choose": {
        "zh": "请选择语言 / Choose your language:",
        "en": "Choose your language / 请选择语言:",
    },
    "lang_usage": {"zh": "用法：/lang zh 或 /lang en", "en": "Usage: /lang en or /lang zh"},
    "lang_set": {"zh": "语言已设为中文。", "en": "Language set to English."},
    # -- help ----------------------------------------------------------------------------------
    "help_stranger": {
        "zh": "我记录合同考核中的违规情况。\n/start 邀请码 — 用管理人员给您的邀请码注册\n"
        "/lang — 切换语言（中文 / English）\n/help — 本帮助",
        "en": "I record violations for contract assessments.\n/start CODE — register with the "
        "invite code your manager gave you\n/lang — change language (中文 / English)\n"
        "/help — this help",
    },
    "help_roles": {"zh": "您的角色：{roles}", "en": "Your roles: {roles}"},
    "help_inspector": {
        "zh": "报告违规：\n/report — 按步骤填写（合同 → 类别 → 项目 → 人员 → 数值 → 照片 → 确认）\n"
        "一行命令：{examples}\n可加时间：{time_examples}\n可加备注：# 备注内容\n"
        "发送照片并在说明中写命令，照片即为证据；回复照片发送 /report 也可以。\n"
        "/myreports — 我最近的报告\n/cancel — 取消正在填写的报告",
        "en": "Reporting:\n/report — guided form (contract → section → item → staff → number "
        "→ photo → confirm)\nOne line: {examples}\nWith a time: {time_examples}\nWith a note: "
        "add # and the note\nSend a photo with such a line as its caption to attach evidence, "
        "or reply to a photo with /report.\n/myreports — my recent reports\n"
        "/cancel — drop the report you are filling in",
    },
    "help_commands_of": {
        "zh": "合同 {contract} 的命令：{commands}",
        "en": "Commands on {contract}: {commands}",
    },
    "help_manager": {
        "zh": "管理：\n/invite 角色 [合同] — 生成邀请码，例如 /invite inspector",
        "en": "Managing:\n/invite ROLE [CONTRACT] — make an invite code, e.g. /invite inspector",
    },
    "help_vendor_lead": {
        "zh": "乙方负责人：查询分数和异议功能即将开放。",
        "en": "Vendor lead: score and dispute commands are coming to this chat.",
    },
    "help_common": {
        "zh": "/lang — 切换语言\n/help — 本帮助",
        "en": "/lang — change language\n/help — this help",
    },
    # -- one-line reports ----------------------------------------------------------------------
    "unknown_item": {
        "zh": "合同 {contract} 没有 /{command} 这一项。可用命令：{commands}",
        "en": "Contract {contract} has no item /{command}. Its commands: {commands}",
    },
    "needs_value": {
        "zh": "“{item}”需要填写{value_label}，例如：{example}",
        "en": "{item} needs the {value_label}, e.g. {example}",
    },
    "value_out_of_range": {
        "zh": "{value} 不是“{item}”有效的{value_label}（{range}）。例如：{example}",
        "en": "{value} is not a valid {value_label} for {item} ({range}). E.g. {example}",
    },
    "no_tier": {
        "zh": "{value} 不在“{item}”的扣分档次内（{tiers}），没有记录。例如：{example}",
        "en": "{value} is in no band of {item} ({tiers}), so it costs nothing; nothing was "
        "recorded. E.g. {example}",
    },
    "bad_quantity": {
        "zh": "数量 {value} 无效：“{item}”的数量须为正整数。例如：{example}",
        "en": "Quantity {value} is not valid: {item} takes a whole number above 0. E.g. {example}",
    },
    "too_many_numbers": {
        "zh": "数字太多，看不懂。“{item}”的写法例如：{example}",
        "en": "Too many numbers. Write {item} like this: {example}",
    },
    "needs_staff": {
        "zh": "“{item}”需要写明人员，例如：{example}",
        "en": "{item} needs the staff member's name, e.g. {example}",
    },
    "unknown_staff": {
        "zh": "“{name}”不在合同 {contract} 的人员名单中。您是指：{suggestions}？"
        "名单外的人员请用 /report 填写。",
        "en": "{name} is not on the roster of contract {contract}. Did you mean: {suggestions}? "
        "Use /report to record someone who is not on the roster.",
    },
    "staff_ambiguous": {
        "zh": "名单中有多人叫“{name}”，请改用工号：{numbers}",
        "en": "Several staff are called {name}; use the staff number instead: {numbers}",
    },
    "bad_time": {
        "zh": "看不懂时间“{text}”。请写成 08:40、yesterday 17:05 或 昨天 17:05。",
        "en": "I cannot read the time {text!s}. Write 08:40, at 08:40, yesterday 17:05 or "
        "2026-07-03 08:40.",
    },
    "day_without_time": {
        "zh": "请同时写明时刻，例如：昨天 17:05",
        "en": "Give the time of day too, e.g. yesterday 17:05",
    },
    "two_times": {
        "zh": "只能写一个时间，例如：at 08:40",
        "en": "Give one time only, e.g. at 08:40",
    },
    "time_in_future": {
        "zh": "{when} 还没到，不能报告将来的时间。",
        "en": "{when} is in the future: a report needs a time that has passed.",
    },
    "outside_term": {
        "zh": "该时间不在合同期内（{start} 至 {end}），没有记录。",
        "en": "That time is outside the contract's term ({start} to {end}); nothing recorded.",
    },
    "period_closed": {
        "zh": "考核期 {period} 已结算关闭，不能再报告。如需补报请联系管理人员。",
        "en": "The assessment period {period} is closed; reports for it need a manager. "
        "Nothing recorded.",
    },
    "choose_contract": {
        "zh": "这条报告属于哪个合同？",
        "en": "Which contract is this report for?",
    },
    "choice_expired": {
        "zh": "此选择已失效，请重新发送命令。",
        "en": "This choice has expired; send the command again.",
    },
    "recorded": {"zh": "✅ 已记录 #{id}：{summary}", "en": "✅ Recorded #{id}: {summary}"},
    "already_recorded": {
        "zh": "这条报告已记录过（#{id}），没有重复记录。",
        "en": "This report is already recorded as #{id}; nothing was added.",
    },
    "undo_hint": {
        "zh": "{minutes} 分钟内可撤销。",
        "en": "You can undo it within {minutes} minutes.",
    },
    "button_undo": {"zh": "↩️ 撤销", "en": "↩️ Undo"},
    "undone": {
        "zh": "↩️ 报告 #{entry} 已撤销（作废记录保留备查）。",
        "en": "↩️ Report #{entry} undone (it stays on record, marked void).",
    },
    "undo_expired": {
        "zh": "报告 #{entry} 已超过 {minutes} 分钟，不能撤销。如有错误请联系管理人员。",
        "en": "Report #{entry} is more than {minutes} minutes old and cannot be undone; ask a "
        "manager to correct it.",
    },
    "undo_period_closed": {
        "zh": "报告 #{entry} 所在的考核期 {period} 已结算关闭，不能撤销。如有错误请联系管理人员。",
        "en": "Report #{entry} is in the assessment period {period}, which is closed (its "
        "figures were sent); it cannot be undone. Ask a manager to correct it.",
    },
    "undo_already": {
        "zh": "报告 #{entry} 已经撤销过了。",
        "en": "Report #{entry} is already undone.",
    },
    "entry_not_yours": {
        "zh": "报告 #{entry} 不是您提交的。",
        "en": "Report #{entry} is not one of yours.",
    },
    "entry_unknown": {"zh": "没有报告 #{entry}。", "en": "There is no report #{entry}."},
    "photos_added": {
        "zh": "📷 已为报告 #{entry} 添加 {count} 张照片。",
        "en": "📷 Added {count} photo(s) to report #{entry}.",
    },
    # -- the guided report -------------------------------------------------------------------
    "rep_contract": {"zh": "报告违规：选择合同", "en": "New report: choose the contract"},
    "rep_section": {"zh": "{contract}\n选择类别", "en": "{contract}\nChoose the section"},
    "rep_item": {
        "zh": "{section}\n选择项目（常用的在前）",
        "en": "{section}\nChoose the item (commonest first)",
    },
    "rep_other_items": {"zh": "其他项目", "en": "Other items"},
    "rep_staff": {
        "zh": "{item}\n选择人员，或直接输入姓名 / 工号",
        "en": "{item}\nChoose the staff member, or type a name or staff number",
    },
    "rep_value": {
        "zh": "{item}\n请输入{value_label}（{range}）",
        "en": "{item}\nType the {value_label} ({range})",
    },
    "rep_quantity": {
        "zh": "{item}\n数量是多少？点选或输入数字",
        "en": "{item}\nHow many? Tap or type a number",
    },
    "rep_photo": {
        "zh": "发送照片作为证据（可多张），或点“跳过”",
        "en": "Send a photo as evidence (several are fine), or tap Skip",
    },
    "rep_photos_count": {
        "zh": "已附 {count} 张照片。可继续发送，或点“完成”",
        "en": "{count} photo(s) attached. Send more, or tap Done",
    },
    "rep_time": {
        "zh": "请输入时间，例如 08:40、昨天 17:05",
        "en": "Type the time, e.g. 08:40 or yesterday 17:05",
    },
    "rep_summary": {
        "zh": "请确认：\n{summary}",
        "en": "Please check:\n{summary}",
    },
    "rep_edit": {"zh": "修改哪一项？", "en": "What do you want to change?"},
    "rep_inactive": {
        "zh": "此表单已失效，请发送 /report 重新开始。",
        "en": "This form is no longer active; send /report to start again.",
    },
    "rep_need_text": {
        "zh": "请按上面的提示回答，或发送 /cancel 取消。",
        "en": "Please answer the question above, or send /cancel.",
    },
    "rep_no_items": {
        "zh": "合同 {contract} 没有可以通过机器人报告的项目。",
        "en": "Contract {contract} has no items reported through the bot.",
    },
    "button_confirm": {"zh": "✅ 确认", "en": "✅ Confirm"},
    "button_edit": {"zh": "✏️ 修改", "en": "✏️ Edit"},
    "button_cancel": {"zh": "✖️ 取消", "en": "✖️ Cancel"},
    "button_skip": {"zh": "跳过", "en": "Skip"},
    "button_done": {"zh": "完成", "en": "Done"},
    "button_back": {"zh": "« 返回", "en": "« Back"},
    "button_nobody": {"zh": "不涉及具体人员", "en": "No one in particular"},
    "field_item": {"zh": "项目", "en": "Item"},
    "field_staff": {"zh": "人员", "en": "Staff"},
    "field_number": {"zh": "数值 / 数量", "en": "Number"},
    "field_time": {"zh": "时间", "en": "Time"},
    "field_photo": {"zh": "照片", "en": "Photos"},
    "not_on_roster": {"zh": "（不在人员名单中）", "en": " (not on the roster)"},
    # -- report texts ---------------------------------------------------------------------
    "cost_deduction": {"zh": "扣 {points} 分", "en": "−{points} points"},
    "cost_bonus": {"zh": "加 {points} 分", "en": "+{points} points"},
    "cost_fee": {"zh": "扣款 {amount} 元", "en": "{amount} CNY off the fee"},
    "cost_kpi_miss": {
        "zh": "指标未达标：每次扣款 {amount} 元（每{period}最多一次）",
        "en": "target missed: {amount} CNY per missed {period}",
    },
    "cost_kpi_met": {"zh": "达到指标，不扣款", "en": "target met — no cost"},
    "cost_none": {"zh": "不直接扣分", "en": "no direct cost"},
    "cost_before_caps": {"zh": "（未计封顶）", "en": " (before caps)"},
    "photos_n": {"zh": "照片 {count} 张", "en": "{count} photo(s)"},
    "quantity_n": {"zh": "数量 {quantity}", "en": "quantity {quantity}"},
    "kpi_day": {"zh": "日", "en": "day"},
    "kpi_month": {"zh": "月", "en": "month"},
    "kpi_quarter": {"zh": "季度", "en": "quarter"},
    "kpi_half_year": {"zh": "半年", "en": "half-year"},
    "kpi_year": {"zh": "年", "en": "year"},
    "range_any": {"zh": "任意数值", "en": "any number"},
    # -- my reports -----------------------------------------------------------------------
    "myreports_empty": {"zh": "您还没有提交过报告。", "en": "You have not reported anything yet."},
    "myreports_header": {"zh": "我最近的报告：", "en": "My recent reports:"},
    "state_recorded": {"zh": "已记录", "en": "recorded"},
    "state_voided": {"zh": "已撤销", "en": "void"},
    "state_disputed": {"zh": "异议中", "en": "disputed"},
    "state_upheld": {"zh": "异议驳回", "en": "upheld"},
    "state_withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    "state_adjusted": {"zh": "已调整", "en": "adjusted"},
    # -- command menu ---------------------------------------------------------------------------
    "cmd_start": {"zh": "注册 / 开始", "en": "Register / start"},
    "cmd_help": {"zh": "我能做什么", "en": "What I can do"},
    "cmd_lang": {"zh": "切换语言", "en": "Change language"},
    "cmd_report": {"zh": "按步骤报告违规", "en": "Report a violation step by step"},
    "cmd_myreports": {"zh": "我最近的报告", "en": "My recent reports"},
    "cmd_cancel": {"zh": "取消正在填写的报告", "en": "Drop the report being filled in"},
    "cmd_invite": {"zh": "生成邀请码", "en": "Make an invite code"},
    **VENDOR_MESSAGES,  # /score, /deductions, /history, disputes (issue 6)
    **DIGEST_MESSAGES,  # digests, /digest, /subscribe, /schedule, late reports (issue 5)
    **HARDENING_MESSAGES,  # the database unreachable (issue 7)
}


def language_of(chosen: str | None, telegram_code: str | None, default: str) -> str:
    """The user's language: their /lang choice, else their Telegram language, else the default."""
    for candidate in (chosen, telegram_code):
        if candidate:
            base = candidate.split("-")[0].lower()
            if base in LANGUAGES:
                return base
    return default if default in LANGUAGES else LANGUAGES[0]


def t(lang: str, key: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its parameters filled in."""
    texts = MESSAGES[key]
    template = texts.get(lang) or texts["zh"]
    return template.format(**{name: show(lang, value) for name, value in params.items()})


def show(lang: str, value: Any) -> str:
    """A parameter as the user should read it."""
    if isinstance(value, Label):
        return value.get(lang)
    if isinstance(value, Item):
        return value.label.get(lang)
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dt.datetime):
        # ``2026-07-15 08:40`` from the fields: strftime goes through the C library's locale
        # and time zone on every call, several times the cost on a bot idle between messages
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return f"{day} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, list | tuple):
        return ", ".join(show(lang, v) for v in value) or "—"
    return str(value)


def number(value: Decimal) -> str:
    """``Decimal('0.10')`` → ``0.1``; ``Decimal('25.0')`` → ``25``."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def where(lang: str, contract: str) -> str:
    """`` (contract X)`` or nothing."""
    return t(lang, "where_contract", contract=contract) if contract else ""
