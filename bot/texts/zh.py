"""Every message the bot shows, in Chinese (简体中文): one entry per key, the same keys as
bot.texts.en.

Placeholders in braces are filled by bot.texts.i18n.t; a test checks that both languages
have the same keys and the same placeholders. One file per language, however long: a
translator reads every message of the language in one place, feature by feature."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, str] = {
    # -- general --------------------------------------------------------------------------
    "error_generic": "抱歉，系统出错了，本次没有记录任何内容。请稍后再试。",
    "error_after_record": "报告 #{entry} 已记录，但之后出错了，确认消息可能不完整。发送 "
    "/myreports 可查看。",
    "not_registered": "您还没有注册。请向管理人员索取邀请码，然后发送 /start "
    "邀请码（或直接打开邀请链接）。",
    "unknown_command": "没有 /{command} 这个命令。发送 /help 查看您可以做什么，例如：{example}",
    "text_hint": "发送 /help 查看可用的命令，例如：{example}",
    "photo_hint": "要用这张照片报告，请回复这张照片并发送 /report，或发送带命令说明的照片，例如："
    "{example}",
    "nothing_to_cancel": "当前没有进行中的操作。",
    "cancelled": "已取消，没有记录任何内容。",
    "unknown_contract": "合同 {contract} 不存在。",
    "rulebook_missing": "合同 {contract} 的考核细则未加载，请联系管理员。",
    # -- roles ----------------------------------------------------------------------------
    "forbidden_report": "只有检查员可以报告违规{where}。",
    "forbidden_undo": "只有检查员可以撤销自己的报告{where}。",
    "forbidden_myreports": "“我的报告”只对检查员开放{where}。",
    "forbidden_invite": "只有甲方管理人员可以发出邀请{where}。",
    "forbidden_invite_role": "您不能邀请 {role} 加入合同 {contract}。",
    "where_contract": "（合同 {contract}）",
    "role_inspector": "检查员",
    "role_manager": "管理人员",
    "role_vendor_lead": "乙方项目负责人",
    "role_admin": "管理员",
    # -- registration -------------------------------------------------------------------------
    "start_stranger": "您好！我是合同考核记录机器人。请向管理人员索取邀请码，然后发送 /start "
    "邀请码。",
    "start_known": "欢迎回来，{name}！您的角色：{roles}。发送 /help 查看可用命令。",
    "invite_unknown": "邀请码无效。请检查后重试，或向管理人员索取新的邀请码。",
    "invite_used": "该邀请码已被使用。请向管理人员索取新的邀请码。",
    "invite_expired": "该邀请码已于 {expired} 过期。请向管理人员索取新的邀请码。",
    "welcome": "欢迎，{name}！您现在是合同 {contract}（{title}）的{role}。",
    "welcome_inspector": "报告违规：发送 /report 按步骤填写，或一行命令，例如 {example}。"
    "也可以发送照片并在说明中写命令。发送 /help 查看全部命令。",
    "welcome_manager": "邀请检查员：/invite inspector。发送 /help 查看全部命令。",
    "welcome_other": "发送 /help 查看全部命令。",
    "invite_usage": "用法：/invite 角色 [合同]，例如 /invite inspector。角色：inspector（检查员）"
    "、vendor_lead（乙方负责人）、manager（管理人员）、admin（管理员）。",
    "invite_which_contract": "您管理多个合同，请注明合同，例如 /invite inspector 合同编号。"
    "您的合同：{contracts}",
    "invite_made": "已生成邀请（{role}，合同 {contract}），有效期至 {expires}：\n{code}\n"
    "请对方向我发送 /start {code}{link}",
    "invite_link": "，或打开链接：{url}",
    # -- language ----------------------------------------------------------------------------
    "lang_choose": "请选择语言 / Choose your language:",
    "lang_usage": "用法：/lang zh 或 /lang en",
    "lang_set": "语言已设为中文。",
    # -- help ----------------------------------------------------------------------------------
    "help_stranger": "我记录合同考核中的违规情况。\n/start 邀请码 — 用管理人员给您的邀请码注册\n"
    "/lang — 切换语言（中文 / English）\n/help — 本帮助",
    "help_roles": "您的角色：{roles}",
    "help_inspector": "报告违规：\n/report — 按步骤填写（合同 → 类别 → 项目 → 人员 → 数值 → 照片 "
    "→ 确认）\n一行命令：{examples}\n可加时间：{time_examples}\n可加备注：# 备注内容\n"
    "发送照片并在说明中写命令，照片即为证据；回复照片发送 /report 也可以。\n"
    "/myreports — 我最近的报告\n/cancel — 取消正在填写的报告",
    "help_commands_of": "合同 {contract} 的命令：{commands}",
    "help_manager": "管理：\n/invite 角色 [合同] — 生成邀请码，例如 /invite inspector",
    # -- one-line reports ----------------------------------------------------------------------
    "unknown_item": "合同 {contract} 没有 /{command} 这一项。可用命令：{commands}",
    "needs_value": "“{item}”需要填写{value_label}，例如：{example}",
    "value_out_of_range": "{value} 不是“{item}”有效的{value_label}（{range}）。例如：{example}",
    "no_tier": "{value} 不在“{item}”的扣分档次内（{tiers}），没有记录。例如：{example}",
    "bad_quantity": "数量 {value} 无效：“{item}”的数量须为正整数。例如：{example}",
    "too_many_numbers": "数字太多，看不懂。“{item}”的写法例如：{example}",
    "implausible_quantity": "数量 {value} 超出“{item}”一次报告的合理范围（{bounds}）：{reason}。"
    "未记录；请核对后重发，例如：{example}",
    "implausible_value": "{value} 超出“{item}”一次报告的合理范围（{bounds}）：{reason}。"
    "未记录；请核对后重发，例如：{example}",
    "bad_number": "“{text}”不是有效的数字：请用普通数字书写，如 25 或 2.5"
    "（不用 1e3、NaN、inf、0x10 之类的写法）。未记录。",
    "bad_staff_name": "“{name}”不能作为人员姓名：姓名须含文字（汉字或字母），"
    "不能只有数字、符号或表情。未记录。",
    "too_long": "{field}太长：最多 {limit} 个字符，收到 {length} 个。未记录，请缩短后重发。",
    "limit_staff": "人员姓名",
    "limit_note": "备注",
    "limit_value": "数值",
    "limit_inspector": "巡查员",
    "limit_dispute_reason": "申诉理由",
    "limit_decision_reason": "裁定理由",
    "needs_staff": "“{item}”需要写明人员，例如：{example}",
    "unknown_staff": "“{name}”不在合同 {contract} 的人员名单中。您是指："
    "{suggestions}？名单外的人员请用 /report 填写。",
    "staff_ambiguous": "名单中有多人叫“{name}”，请改用工号：{numbers}",
    "bad_time": "看不懂时间“{text}”。请写成 08:40、yesterday 17:05 或 昨天 17:05。",
    "day_without_time": "请同时写明时刻，例如：昨天 17:05",
    "two_times": "只能写一个时间，例如：at 08:40",
    "time_in_future": "{when} 还没到，不能报告将来的时间。",
    "outside_term": "该时间不在合同期内（{start} 至 {end}），没有记录。",
    "period_closed": "考核期 {period} 已结算关闭，不能再报告。如需补报请联系管理人员。",
    "choose_contract": "这条报告属于哪个合同？",
    "choice_expired": "此选择已失效，请重新发送命令。",
    "recorded": "✅ 已记录 #{id}：{summary}",
    "already_recorded": "这条报告已记录过（#{id}），没有重复记录。",
    "undo_hint": "{minutes} 分钟内可撤销。",
    "button_undo": "↩️ 撤销",
    "undone": "↩️ 报告 #{entry} 已撤销（作废记录保留备查）。",
    "undo_expired": "报告 #{entry} 已超过 {minutes} 分钟，不能撤销。如有错误请联系管理人员。",
    "undo_period_closed": "报告 #{entry} 所在的考核期 {period} 已结算关闭，不能撤销。"
    "如有错误请联系管理人员。",
    "undo_already": "报告 #{entry} 已经撤销过了。",
    "entry_not_yours": "报告 #{entry} 不是您提交的。",
    "entry_unknown": "没有报告 #{entry}。",
    "photos_added": "📷 已为报告 #{entry} 添加 {count} 张照片。",
    # -- an edited report message ------------------------------------------------------------
    "edit_corrected": "✏️ 报告 #{entry} 已按您的修改更正：{before} → {after}\n{summary}",
    "edit_nothing_recorded": "这条消息没有记录任何报告，修改它不会改变任何内容。"
    "请把要报告的内容作为新消息发送。",
    "edit_too_late": "报告 #{entry} 保持原记录：只有发送后 {minutes} 分钟内的修改才会更正报告。"
    "如需更正请联系管理人员。",
    "edit_period_closed": "报告 #{entry} 保持原记录：所在的考核期 {period} 已结算关闭。"
    "如需更正请联系管理人员。",
    "edit_voided": "报告 #{entry} 已撤销，修改不会改变任何内容。如有需要请发送新报告。",
    "edit_no_command": "报告 #{entry} 未更改：修改后的消息不再以报告命令开头。"
    "如要撤回报告，请点确认消息下的“撤销”。",
    "edit_other_item": "报告 #{entry} 未更改：修改不能更换事项（{item}）或合同。"
    "请点“撤销”后发送新报告。",
    "edit_other_fields": "报告 #{entry} 未更改：修改只能更正数值（数值和数量），"
    "人员、时间和备注保持原记录。"
    "如需更改，请点“撤销”后重新发送报告。",
    "edit_unreadable": "报告 #{entry} 未更改：修改后的消息无法识别为报告。\n{reason}",
    "edit_no_change": "报告 #{entry} 已经是这个内容，没有更改。",
    # -- the guided report -------------------------------------------------------------------
    "rep_contract": "报告违规：选择合同",
    "rep_section": "{contract}\n选择类别",
    "rep_item": "{section}\n选择项目（常用的在前）",
    "rep_other_items": "其他项目",
    "rep_staff": "{item}\n选择人员，或直接输入姓名 / 工号",
    "rep_value": "{item}\n请输入{value_label}（{range}）",
    "rep_quantity": "{item}\n数量是多少？点选或输入数字",
    "rep_photo": "发送照片作为证据（可多张），或点“跳过”",
    "rep_photos_count": "已附 {count} 张照片。可继续发送，或点“完成”",
    "rep_time": "请输入时间，例如 08:40、昨天 17:05",
    "rep_summary": "请确认：\n{summary}",
    "rep_edit": "修改哪一项？",
    "rep_inactive": "此表单已失效，请发送 /report 重新开始。",
    "rep_need_text": "请按上面的提示回答，或发送 /cancel 取消。",
    "rep_no_items": "合同 {contract} 没有可以通过机器人报告的项目。",
    "button_confirm": "✅ 确认",
    "button_edit": "✏️ 修改",
    "button_cancel": "✖️ 取消",
    "button_skip": "跳过",
    "button_done": "完成",
    "button_back": "« 返回",
    "button_nobody": "不涉及具体人员",
    "field_item": "项目",
    "field_staff": "人员",
    "field_number": "数值 / 数量",
    "field_time": "时间",
    "field_photo": "照片",
    "not_on_roster": "（不在人员名单中）",
    # -- report texts ---------------------------------------------------------------------
    "cost_deduction": "扣 {points} 分",
    "cost_bonus": "加 {points} 分",
    "cost_fee": "扣款 {amount} 元",
    "cost_kpi_miss": "指标未达标：每次扣款 {amount} 元（每{period}最多一次）",
    "cost_kpi_met": "达到指标，不扣款",
    "cost_none": "不直接扣分",
    "cost_before_caps": "（未计封顶）",
    "photos_n": "照片 {count} 张",
    "quantity_n": "数量 {quantity}",
    "kpi_day": "日",
    "kpi_month": "月",
    "kpi_quarter": "季度",
    "kpi_half_year": "半年",
    "kpi_year": "年",
    "range_any": "任意数值",
    # -- my reports -----------------------------------------------------------------------
    "myreports_empty": "您还没有提交过报告。",
    "myreports_header": "我最近的报告：",
    "myreports_corrected": "，已更正",
    "state_recorded": "已记录",
    "state_voided": "已撤销",
    "state_disputed": "异议中",
    "state_upheld": "异议驳回",
    "state_withdrawn": "已撤回",
    "state_adjusted": "已调整",
    # -- the Mini App (bot.webapp): launch data refused, buttons, the audit trail ---------------
    "launch_missing": "没有收到 Telegram 的登录信息：请从与机器人的聊天中打开本页面。",
    "launch_twice": "登录信息无效（字段重复）：请从聊天中重新打开本页面。",
    "launch_forged": "登录信息的签名不正确：请从与机器人的聊天中打开本页面。",
    "launch_no_date": "登录信息缺少时间：请从聊天中重新打开本页面。",
    "launch_expired": "登录信息已过期：请从聊天中重新打开本页面。",
    "launch_future": "登录信息的时间不正确：请检查手机时间后从聊天中重新打开。",
    "launch_no_user": "登录信息中没有用户：请从与机器人的聊天中打开本页面。",
    "request_id_needed": "请求缺少编号（X-Request-Id）：请刷新页面后重试。",
    "request_repeated": "这个操作已经完成过了，没有重复执行。",
    "bad_outcome": "决定只能是 uphold（维持扣分）、withdraw（撤回）或 reduce（减扣）。",
    "photo_too_large": "照片太大（最大 {limit} MB）：请换一张较小的照片。",
    "not_a_photo": "上传的文件不是照片（JPEG 或 PNG）。",
    "app_photo_caption": "异议照片：第 {entry} 条记录",
    "button_open_table": "📊 打开表格",
    "menu_button_table": "表格",
    "trail_recorded": "{who} 记录",
    "trail_void": "{who} 作废：{reason}",
    "trail_correct": "{who} 更正为 {figure}：{reason}",
    "trail_state": "{who}：{state}（{reason}）",
    # -- command menu ---------------------------------------------------------------------------
    "cmd_start": "注册 / 开始",
    "cmd_help": "我能做什么",
    "cmd_lang": "切换语言",
    "cmd_report": "按步骤报告违规",
    "cmd_myreports": "我最近的报告",
    "cmd_cancel": "取消正在填写的报告",
    "cmd_invite": "生成邀请码",
    # == /score, /deductions, /history and disputes ============================================
    # -- menus and help ---------------------------------------------------------------------
    "cmd_score": "本期得分",
    "cmd_deductions": "扣分明细",
    "cmd_history": "近12期得分",
    "cmd_dispute": "对扣分提出异议",
    "help_vendor_lead": "乙方负责人：\n/dispute 编号 理由 — 对一条扣分提出异议（可随后发送照片），"
    "例如 /dispute 42 打卡记录显示8:25到岗\n"
    "也可以在 /deductions 中点开一条，点“提出异议”。异议须在合同规定的期限内提出（工作日，"
    "不含周六日）。",
    "help_common": "/score [期间] — 本期得分、扣款和距离各分数线的分数\n"
    "/deductions [期间] — 每条扣分及其状态和照片，例如 /deductions 2026-07\n"
    "/history — 近12期得分和走势图\n/lang — 切换语言\n/help — 本帮助",
    # -- access -------------------------------------------------------------------------------
    "forbidden_score": "您在该合同上没有查看得分的权限{where}。",
    "forbidden_deductions": "您在该合同上没有查看扣分明细的权限{where}。",
    "forbidden_history": "您在该合同上没有查看历史得分的权限{where}。",
    "forbidden_dispute": "只有乙方负责人可以提出异议{where}。",
    "forbidden_decide": "只有甲方管理人员可以处理异议{where}。",
    "bad_period": "看不懂考核期“{text}”。请写成 YYYY-MM，例如 {example}。",
    "vendor_choose_contract": "查看哪个合同？",
    # -- what an assessment says beyond its figures (bot.texts.assessment_facts) ---------
    "facts_incomplete": "⚠️ 数据不全：以下测量值尚未录入，录入前考核结果不完整（没有的请录入0）：",
    "facts_missing": "  · {text}",
    "facts_more_missing": "  · ……另有 {count} 项",
    "facts_excluded": "🚫 {text}",
    "facts_lacking": "（暂定：缺 {periods} 的得分，请录入纸质考核表上的得分）",
    "facts_claim": "；甲方可主张违约金 {amount}（{clause}）",
    "facts_amount": "{amount} 元",
    "facts_amount_range": "{low}—{high} 元",
    # -- /score -------------------------------------------------------------------------------
    "score_title": "📊 {contract} — {title}",
    "score_open": "考核期 {period}：进行中，数字为暂定",
    "score_over": "考核期 {period}：已结束，尚未结算，数字为暂定",
    "score_closed": "考核期 {period}：已于 {closed} 结算，数字为最终结果",
    "score_closed_disputed": "考核期 {period}：已于 {closed} 结算，但有 {count} 条异议待处理，"
    "处理前得分为暂定",
    "score_value": "得分：{score} / {max}",
    "score_none": "得分：—（数据不全：{missing}）",
    "score_points": "扣分 {deducted}，加分 {added}",
    "score_fee": "💰 扣减服务费：{amount} 元",
    "score_payout": "💰 绩效金支付档次：{ratio}%",
    "score_payout_amount": "（{amount} 元）",
    "score_pool_year": "💰 年度平均分 {average} → 支付 {ratio}%（{year}）",
    "score_deposit": "💰 履约保证金退还：{ratio}%",
    "score_grade": "等次：{grade}",
    "score_warning": "⚠️ {label}（{periods}）",
    "score_distances": "📏 与分数线的距离：",
    "score_disputes": "⚖️ 待处理的异议：{count} 条（{ids}）",
    # -- /deductions --------------------------------------------------------------------------
    "ded_header": "🧾 {contract} · {period} · 共 {count} 条（第 {page}/{pages} 页）\n"
    "点编号查看详情和照片。",
    "ded_empty": "🧾 {contract} · {period}：本期没有扣分记录。",
    "ded_not_counted": "不计分",
    "ded_kpi_met": "达标",
    "button_prev": "« 上一页",
    "button_next": "下一页 »",
    "button_dispute": "⚖️ 提出异议",
    "det_title": "报告 #{entry} · 合同 {contract}",
    "det_was": "（原为 {old}）",
    "det_inspector": "🕵️ 检查员：{name}",
    "det_state": "状态：{state}",
    "det_dispute": "⚖️ 异议 #{dispute}（{by}，{at}）：{reason}",
    "det_decision": "   处理：{outcome} — {reason}（{by}，{at}）",
    "det_window_open": "⏳ 可在 {last_day} 24:00 前提出异议",
    "det_window_closed": "⏳ 异议期已于 {last_day} 24:00 结束",
    "evidence_caption": "报告 #{entry} 的证据照片 {n}/{total}",
    "dispute_photo_caption": "异议 #{dispute}：乙方照片 {n}/{total}",
    # -- /history -----------------------------------------------------------------------------
    "history_header": "📈 {contract} — 近 {count} 期得分",
    "history_provisional": "（暂定）",
    # -- disputes: the vendor lead ------------------------------------------------------------
    "dispute_usage": "用法：/dispute 报告编号 理由，例如 /dispute 42 打卡记录显示8:25到岗。"
    "报告编号见 /deductions。",
    "dispute_ask_reason": "对报告 #{entry}（{item}）提出异议：请输入理由（之后可发送照片），"
    "或发送 /cancel 取消。",
    "dispute_opened": "⚖️ 已提交异议 #{dispute}：报告 #{entry}（{item}）。已通知 {count} "
    "位甲方管理人员。\n如有照片，现在发送即可附上；完成后点“完成”。",
    "dispute_no_manager": "⚠️ 目前联系不到甲方管理人员，异议已记录，管理人员可在 /deductions "
    "中处理。",
    "dispute_photos_added": "📷 已为异议 #{dispute} 添加 {count} 张照片，并转给管理人员。",
    "dispute_done": "好的。处理结果会在这里通知您。",
    "not_disputable": "报告 #{entry} 不是扣分或扣款项目，不能提出异议。",
    "dispute_void": "报告 #{entry} 已作废，不再计分。",
    "already_disputed": "报告 #{entry} 已提出过异议（#{dispute}），每条扣分只能提出一次。",
    "window_closed": "报告 #{entry} 的异议期已于 {last_day} 24:00 结束（自 {told} "
    "记录起算的工作日），不能再提出异议。",
    "dispute_unknown": "没有异议 #{dispute}。",
    "dispute_closed_photos": "异议 #{dispute} 已处理完毕，不能再添加照片。",
    # -- disputes: the managers ---------------------------------------------------------------
    "dsp_card": "⚖️ 新异议 #{dispute} · 合同 {contract}\n"
    "乙方负责人 {by} 对报告 #{entry} 提出异议：\n“{reason}”\n\n{detail}\n\n请选择处理方式：",
    "button_uphold": "✅ 维持扣分",
    "button_withdraw": "↩️ 撤回",
    "button_reduce": "✂️ 减扣",
    "decide_ask_reason": "异议 #{dispute}：{outcome}。请输入理由（将告知乙方负责人和检查员），"
    "或发送 /cancel 取消。",
    "reduce_ask": "异议 #{dispute}：减扣。当前：{current}。\n"
    "请先输入新的{what}，再写理由，例如：{example} 核实后的情况。或发送 /cancel 取消。",
    "reduce_what_quantity": "数量",
    "reduce_usage": "请先写新的{value_label}或数量（如 x2），再写理由，例如：25 "
    "打卡记录显示8:25到岗",
    "reason_needed": "请写明理由，它会告知乙方负责人和检查员。",
    "not_a_reduction": "这不是减扣：现为 {old}，改后为 {new}。要维持原扣分请点“维持扣分”。",
    "already_decided": "异议 #{dispute} 已由 {by} 于 {at} 处理：{outcome}。",
    "decision_cancelled": "已取消，异议仍待处理。",
    # -- decisions ------------------------------------------------------------------------------
    "decided_manager": "✅ 异议 #{dispute} 已处理：{outcome}。{change}\n理由：{reason}\n"
    "已通知乙方负责人和检查员。",
    "decided_vendor": "⚖️ 您对报告 #{entry}（{item}）的异议 #{dispute} 已处理：{outcome}。"
    "{change}\n理由：{reason}\n处理人：{by}",
    "decided_inspector": "⚖️ 您的报告 #{entry}（{item}）被提出异议（#{dispute}），已处理："
    "{outcome}。{change}\n理由：{reason}\n处理人：{by}",
    "change_upheld": "扣分不变：{cost}。",
    "change_withdrawn": "该项不再计分（原为 {cost}）。",
    "change_reduced": "{old} → {new}。",
    "short_points": "扣 {points} 分",
    "short_bonus": "加 {points} 分",
    "short_amount": "{amount} 元",
    # == digests, /digest, /subscribe, /schedule and late reports ==============================
    # -- the daily digest -----------------------------------------------------------------
    "dg_daily_header": "📊 每日考核简报 {day}",
    "dg_late_note": "⏰ 补发：本简报应于 {due} 发送（当时机器人离线）。",
    "dg_contract": "🏢 {contract}（{title}）",
    "dg_quiet": "🏢 {contract}：今日无新报告，{period} 得分 {score}，无变化。",
    "dg_reports": "新报告 {count} 条：",
    "dg_no_reports": "今日无新报告。",
    "dg_more_reports": "……另有 {count} 条（/digest {contract} 附完整考核表）。",
    "dg_by": "检查员 {name}",
    "dg_score": "{period} 累计得分：{score}（较上次简报 {change}）",
    "dg_score_same": "{period} 累计得分：{score}（较上次简报无变化）",
    "dg_unchanged": "无变化",
    "dg_score_none": "{period} 得分：暂无法计算（{missing}）",
    "dg_fee": "按当前得分预计扣减服务费：{amount} 元",
    "dg_pool_year": "{year} 月平均分 {average}",
    "dg_payout": "按当前得分绩效金支付比例：{ratio}%",
    "dg_risk": "⚠️ 若 {period} 得分低于 {line} 分：{label}{before}",
    "dg_risk_before": "（此前已低于该线：{periods}）",
    "dg_triggered": "⛔ 按当前得分：{label}",
    "dg_line": "📏 {text}",
    "dg_disputes": "异议待处理 {count} 条（相关扣分暂定）。",
    "dg_adjustment": "🔁 调整：补报 #{request}（{what}）已批准计入已结算的 {period}，{cost}；"
    "{period} 发送时得分 {sent}，现为 {now}。",
    # -- the period assessment -------------------------------------------------------------
    "as_header": "📋 {contract}（{title}）{period} 考核结果",
    "as_score": "得分：{score} / {max}（{state}）",
    "as_score_none": "得分：暂无法计算（{missing}）",
    "as_final": "终定",
    "as_open": "暂定：本期尚未结束",
    "as_disputed": "暂定：{count} 条异议未决",
    "as_grade": "等次：{grade}",
    "as_points": "合计扣分 {deducted}，加分 {added}",
    "as_component": "  {label}（{weight}%）：{score}",
    "as_no_data": "无数据",
    "as_lines": "明细：",
    "as_no_lines": "本期无扣分记录。",
    "as_capped": "（封顶，未封顶为 {raw}）",
    "as_section_capped": "• {section}：合计 {points} 分，达到上限 {cap} 分（封顶）",
    "as_kpi_line": "未达标 {misses} 次，{amount} 元",
    "as_more_lines": "……其余 {count} 行见附件考核表。",
    "as_fee": "扣减服务费：{amount} 元",
    "as_fee_parts": "（其中按得分 {score_part} 元，按项目 {items} 元）",
    "as_payout": "绩效金支付比例：{ratio}%",
    "as_pool_year": "{year} 月平均分 {average}，支付比例 {ratio}%",
    "as_deposit": "履约保证金退还比例：{ratio}%（{amount} 元）",
    "as_note": "! {text}",
    "as_warning_triggered": "⛔ {label}（{periods}）",
    "as_warning_at_risk": "⚠️ 临界：{label}（{periods}）",
    "as_disputes": "未决异议（得分暂定，决定后如有变动将作为调整项列出）：",
    "as_dispute": "• 异议 #{dispute}：报告 #{entry} {item}{staff}，{when}",
    "as_changed": "🔁 已结算的 {period} 发送时得分 {sent}，现为 {now}（补报或异议决定所致）。",
    "as_closed_now": "本期现已结算关闭：补报须经管理人员批准，并作为调整项列出，已发送的数字不变。",
    "as_closed_before": "本期已于 {closed} 结算关闭，发送时得分 {sent}。",
    "as_attached": "附件：官方考核表（.xlsx）和得分图。",
    "as_table_caption": "{contract} {period} 考核表",
    "as_chart_caption": "{contract} {period} 得分走势及近 {count} 期得分",
    # -- reminders ---------------------------------------------------------------------------
    "reminder_text": "📝 提醒：今天（{day}）您还没有在合同 {contracts} 上记录任何报告。"
    "如检查无异常，无需操作；发现问题请发送 /report。",
    # -- late reports --------------------------------------------------------------------------
    "late_held": "考核期 {period} 已结算关闭，这条补报已提交管理人员审批（申请 #{request}）。"
    "批准后记录，并作为调整项列出；届时会通知您。",
    "late_request": "🕒 补报审批 #{request}\n"
    "合同 {contract} 的考核期 {period} 已结算关闭（发送时得分 {sent}）。\n"
    "检查员 {inspector} 补报：{what}\n🕒 {when}\n💰 {cost}{extra}\n"
    "批准后记录，并作为调整项在下次简报中列出；已发送的数字不变。",
    "late_photos": "\n📷 照片 {count} 张",
    "late_note": "\n📝 {note}",
    "late_approve": "✅ 批准",
    "late_reject": "✖️ 驳回",
    "late_approved_by": "✅ 已由 {name} 批准，记录为 #{entry}。{period} 发送时得分 {sent}，现为 "
    "{now}。",
    "late_rejected_by": "✖️ 已由 {name} 驳回，未记录。",
    "late_already": "补报 #{request} 已由 {name} 处理：{status}。",
    "late_status_approved": "已批准",
    "late_status_rejected": "已驳回",
    "late_unknown": "没有补报申请 #{request}。",
    "late_told_approved": "✅ 您对 {period} 的补报 #{request}（{what}）已由 {name} 批准，记录为 "
    "#{entry}。",
    "late_told_rejected": "✖️ 您对 {period} 的补报 #{request}（{what}）已被 {name} 驳回，未记录。",
    "forbidden_approve_late": "只有甲方管理人员可以审批补报{where}。",
    # -- /digest --------------------------------------------------------------------------------
    "forbidden_digest": "简报和考核结果只对甲方管理人员开放{where}。",
    "dg_choose": "查看哪个合同？",
    "dg_bad_period": "看不懂期间“{text}”。请写 {example}，或 today（今日简报）。",
    "dg_not_yours": "您不是合同 {contract} 的管理人员。您的合同：{contracts}",
    # -- /subscribe, /unsubscribe ----------------------------------------------------------------
    "sub_header": "您的简报订阅（点按切换）：",
    "sub_line": "{contract}：每日简报 {daily}，考核结果 {period}",
    "sub_on": "开",
    "sub_off": "关",
    "sub_button_daily": "{contract} 每日简报：{mark}",
    "sub_button_period": "{contract} 考核结果：{mark}",
    "sub_done": "已更新。{line}",
    "sub_usage": "用法：/subscribe [合同] [daily|period|both]；/unsubscribe [合同] "
    "[daily|period|both]",
    # -- /schedule -------------------------------------------------------------------------------
    "forbidden_schedule": "只有甲方管理人员可以修改推送时间{where}。",
    "sch_show": "合同 {contract} 的推送时间（{zone}）：\n每日简报：{daily}\n考核结果：{period}\n"
    "检查员提醒：{reminder}\n下次：\n{next}",
    "sch_assessment": "每期结束后次月 {day} 日 {time}",
    "sch_reminder": "{time}（{days}）",
    "sch_off": "关闭",
    "sch_days_daily": "每天",
    "sch_days_weekdays": "工作日",
    "sch_next": "• {kind}：{when}",
    "sch_none": "• 无",
    "kind_daily": "每日简报",
    "kind_period": "考核结果",
    "kind_reminder": "检查员提醒",
    "sch_set": "已更新。",
    "sch_bad": "无法设置 {setting} = {value}：请写 {expected}。",
    "sch_usage": "用法：/schedule [合同] 设置…\n设置：daily 18:00 | assessment 24 09:00 | "
    "reminder 16:00 | days weekdays；关闭写 off，例如 /schedule reminder off",
    # -- menus and help --------------------------------------------------------------------------
    "cmd_digest": "考核结果、考核表与得分图",
    "cmd_subscribe": "订阅简报",
    "cmd_unsubscribe": "退订简报",
    "cmd_schedule": "查看或修改推送时间",
    "help_digest": "简报：\n/digest [合同] [期间|today] — 考核结果（附官方考核表和得分图），例如 "
    "/digest 2026-07\n/subscribe、/unsubscribe [合同] [daily|period|both] — 订阅或退订\n"
    "/schedule [合同] — 查看或修改推送时间，例如 /schedule daily 18:30",
    # == the database unreachable ==============================================================
    "db_unavailable": "⚠️ 暂时无法记录：数据库连接中断，本次没有记录任何内容。"
    "请过几分钟再发送一次。",
    # -- floorbot rulebooks show: what a rulebook's rules say ---------------------------------
    "rulebook_term": "  合同期限：{term}；期限以外的记录不计分，报告注明未计分的条数及原因",
    "rulebook_range": "  考核期：{unit}；范围 YYYY-MM..YYYY-MM 逐期分别考核（封顶、下限、"
    "扣款均按期计算）后合并：{rule}",
    "rulebook_measured": "  每期须录入的测量值（缺少的逐项列出，录入前考核不完整；没有的请录入0）"
    "：",
    "rulebook_expected": "每个考核期至少一条记录",
    "rulebook_turnover": "每月：{items}",
    "rulebook_rating": "每个考核期至少一票",
    "rulebook_warnings": "  预警与违约：",
    "rulebook_breach": "一条{items}记录{test}",
    "rulebook_claim": "；可主张违约金 {amount}",
    "rulebook_below": "{mode}{count}个{unit}低于{below}分",
    "rulebook_each_day": "每日",
    "rulebook_each_month": "每月",
    "rulebook_each_quarter": "每季度",
    "rulebook_each_half_year": "每半年",
    "rulebook_each_year": "每年",
    "rulebook_word_month": "月",
    "rulebook_word_quarter": "季度",
    "rulebook_word_consecutive": "连续",
    "rulebook_word_cumulative": "累计",
    "rulebook_word_period": "考核期",
    "rulebook_word_quantity": "数量",
    "rulebook_word_value": "数值",
}
