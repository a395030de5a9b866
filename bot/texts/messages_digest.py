"""The messages of digests, subscriptions, schedules and late reports, in Chinese and English.

Merged into bot.texts.i18n.MESSAGES; filled with ``t(lang, key, **params)`` like every message.
"""

from __future__ import annotations

from collections.abc import Mapping

DIGEST_MESSAGES: Mapping[str, Mapping[str, str]] = {
    # -- the daily digest -----------------------------------------------------------------
    "dg_daily_header": {"zh": "📊 每日考核简报 {day}", "en": "📊 Daily digest — {day}"},
    "dg_late_note": {
        "zh": "⏰ 补发：本简报应于 {due} 发送（当时机器人离线）。",
        "en": "⏰ Sent late: this was due at {due} (the bot was offline).",
    },
    "dg_contract": {"zh": "🏢 {contract}（{title}）", "en": "🏢 {contract} ({title})"},
    "dg_quiet": {
        "zh": "🏢 {contract}：今日无新报告，{period} 得分 {score}，无变化。",
        "en": "🏢 {contract}: a quiet day, no new reports; {period} score {score}, unchanged.",
    },
    "dg_reports": {"zh": "新报告 {count} 条：", "en": "{count} new report(s):"},
    "dg_no_reports": {"zh": "今日无新报告。", "en": "No new reports today."},
    "dg_more_reports": {
        "zh": "……另有 {count} 条（/digest {contract} 附完整考核表）。",
        "en": "… and {count} more (/digest {contract} sends the full table).",
    },
    "dg_by": {"zh": "检查员 {name}", "en": "by {name}"},
    "dg_score": {
        "zh": "{period} 累计得分：{score}（较上次简报 {change}）",
        "en": "{period} score so far: {score} ({change} since the last digest)",
    },
    "dg_score_same": {
        "zh": "{period} 累计得分：{score}（较上次简报无变化）",
        "en": "{period} score so far: {score} (unchanged since the last digest)",
    },
    "dg_unchanged": {"zh": "无变化", "en": "unchanged"},
    "dg_score_none": {
        "zh": "{period} 得分：暂无法计算（{missing}）",
        "en": "{period} score: not computable yet ({missing})",
    },
    "dg_fee": {
        "zh": "按当前得分预计扣减服务费：{amount} 元",
        "en": "Projected fee deduction at this score: {amount} CNY",
    },
    "dg_pool_year": {
        "zh": "{year} 月平均分 {average}",
        "en": "{year} mean of the monthly scores {average}",
    },
    "dg_payout": {
        "zh": "按当前得分绩效金支付比例：{ratio}%",
        "en": "Payout band at this score: {ratio}%",
    },
    "dg_risk": {
        "zh": "⚠️ 若 {period} 得分低于 {line} 分：{label}{before}",
        "en": "⚠️ If {period} ends below {line}: {label}{before}",
    },
    "dg_risk_before": {"zh": "（此前已低于该线：{periods}）", "en": " ({periods} already below)"},
    "dg_triggered": {"zh": "⛔ 按当前得分：{label}", "en": "⛔ At the current score: {label}"},
    "dg_line": {"zh": "📏 {text}", "en": "📏 {text}"},
    "dg_disputes": {
        "zh": "异议待处理 {count} 条（相关扣分暂定）。",
        "en": "{count} dispute(s) open (those deductions are provisional).",
    },
    "dg_adjustment": {
        "zh": "🔁 调整：补报 #{request}（{what}）已批准计入已结算的 {period}，{cost}；"
        "{period} 发送时得分 {sent}，现为 {now}。",
        "en": "🔁 Adjustment: late report #{request} ({what}) approved into closed period "
        "{period}, {cost}; {period} was sent as {sent}, now {now}.",
    },
    # -- the period assessment -------------------------------------------------------------
    "as_header": {
        "zh": "📋 {contract}（{title}）{period} 考核结果",
        "en": "📋 {contract} ({title}) — assessment {period}",
    },
    "as_score": {
        "zh": "得分：{score} / {max}（{state}）",
        "en": "Score: {score} / {max} ({state})",
    },
    "as_score_none": {
        "zh": "得分：暂无法计算（{missing}）",
        "en": "Score: not computable ({missing})",
    },
    "as_final": {"zh": "终定", "en": "final"},
    "as_open": {"zh": "暂定：本期尚未结束", "en": "provisional: the period is not over"},
    "as_disputed": {
        "zh": "暂定：{count} 条异议未决",
        "en": "provisional until {count} open dispute(s) are decided",
    },
    "as_grade": {"zh": "等次：{grade}", "en": "Grade: {grade}"},
    "as_points": {
        "zh": "合计扣分 {deducted}，加分 {added}",
        "en": "Deducted {deducted}, added {added}",
    },
    "as_component": {
        "zh": "  {label}（{weight}%）：{score}",
        "en": "  {label} ({weight}%): {score}",
    },
    "as_no_data": {"zh": "无数据", "en": "no data"},
    "as_lines": {"zh": "明细：", "en": "Lines:"},
    "as_no_lines": {"zh": "本期无扣分记录。", "en": "Nothing recorded in this period."},
    "as_capped": {"zh": "（封顶，未封顶为 {raw}）", "en": " (capped; {raw} before the cap)"},
    "as_section_capped": {
        "zh": "• {section}：合计 {points} 分，达到上限 {cap} 分（封顶）",
        "en": "• {section}: {points} points in all, capped at {cap}",
    },
    "as_kpi_line": {
        "zh": "未达标 {misses} 次，{amount} 元",
        "en": "{misses} miss(es), {amount} CNY",
    },
    "as_more_lines": {
        "zh": "……其余 {count} 行见附件考核表。",
        "en": "… {count} more line(s) in the attached table.",
    },
    "as_fee": {"zh": "扣减服务费：{amount} 元", "en": "Fee deduction: {amount} CNY"},
    "as_fee_parts": {
        "zh": "（其中按得分 {score_part} 元，按项目 {items} 元）",
        "en": " ({score_part} CNY for the score, {items} CNY for items)",
    },
    "as_payout": {"zh": "绩效金支付比例：{ratio}%", "en": "Payout ratio: {ratio}%"},
    "as_pool_year": {
        "zh": "{year} 月平均分 {average}，支付比例 {ratio}%",
        "en": "{year}: mean monthly score {average}, payout {ratio}%",
    },
    "as_deposit": {
        "zh": "履约保证金退还比例：{ratio}%（{amount} 元）",
        "en": "Deposit refund: {ratio}% ({amount} CNY)",
    },
    "as_note": {"zh": "! {text}", "en": "! {text}"},
    "as_warning_triggered": {"zh": "⛔ {label}（{periods}）", "en": "⛔ {label} ({periods})"},
    "as_warning_at_risk": {
        "zh": "⚠️ 临界：{label}（{periods}）",
        "en": "⚠️ At risk: {label} ({periods})",
    },
    "as_disputes": {
        "zh": "未决异议（得分暂定，决定后如有变动将作为调整项列出）：",
        "en": "Open disputes (the score is provisional; changes will show as adjustments):",
    },
    "as_dispute": {
        "zh": "• 异议 #{dispute}：报告 #{entry} {item}{staff}，{when}",
        "en": "• Dispute #{dispute}: report #{entry} {item}{staff}, {when}",
    },
    "as_changed": {
        "zh": "🔁 已结算的 {period} 发送时得分 {sent}，现为 {now}（补报或异议决定所致）。",
        "en": "🔁 Closed period {period} was sent as {sent}, now stands at {now} "
        "(late reports or dispute decisions).",
    },
    "as_closed_now": {
        "zh": "本期现已结算关闭：补报须经管理人员批准，并作为调整项列出，已发送的数字不变。",
        "en": "The period is now closed: late reports need a manager's approval and show as "
        "adjustments; the figures sent stay as sent.",
    },
    "as_closed_before": {
        "zh": "本期已于 {closed} 结算关闭，发送时得分 {sent}。",
        "en": "This period was closed on {closed}; it was sent as {sent}.",
    },
    "as_attached": {
        "zh": "附件：官方考核表（.xlsx）和得分图。",
        "en": "Attached: the official table (.xlsx) and the score chart.",
    },
    "as_table_caption": {"zh": "{contract} {period} 考核表", "en": "{contract} {period} table"},
    "as_chart_caption": {
        "zh": "{contract} {period} 得分走势及近 {count} 期得分",
        "en": "{contract} {period}: score by day and the last {count} periods",
    },
    # -- reminders ---------------------------------------------------------------------------
    "reminder_text": {
        "zh": "📝 提醒：今天（{day}）您还没有在合同 {contracts} 上记录任何报告。"
        "如检查无异常，无需操作；发现问题请发送 /report。",
        "en": "📝 Reminder: you have recorded nothing today ({day}) on {contracts}. If all "
        "was in order there is nothing to do; otherwise send /report.",
    },
    # -- late reports --------------------------------------------------------------------------
    "late_held": {
        "zh": "考核期 {period} 已结算关闭，这条补报已提交管理人员审批（申请 #{request}）。"
        "批准后记录，并作为调整项列出；届时会通知您。",
        "en": "The assessment period {period} is closed: this report went to the managers "
        "for approval (request #{request}). If approved it is recorded and shown as an "
        "adjustment; you will be told.",
    },
    "late_request": {
        "zh": "🕒 补报审批 #{request}\n合同 {contract} 的考核期 {period} 已结算关闭"
        "（发送时得分 {sent}）。\n检查员 {inspector} 补报：{what}\n🕒 {when}\n💰 {cost}{extra}\n"
        "批准后记录，并作为调整项在下次简报中列出；已发送的数字不变。",
        "en": "🕒 Late report #{request} for approval\nPeriod {period} of contract {contract} "
        "is closed (sent as {sent}).\nInspector {inspector} reports: {what}\n🕒 {when}\n"
        "💰 {cost}{extra}\nIf approved it is recorded and listed as an adjustment in the "
        "next digest; the figures sent stay as sent.",
    },
    "late_photos": {"zh": "\n📷 照片 {count} 张", "en": "\n📷 {count} photo(s)"},
    "late_note": {"zh": "\n📝 {note}", "en": "\n📝 {note}"},
    "late_approve": {"zh": "✅ 批准", "en": "✅ Approve"},
    "late_reject": {"zh": "✖️ 驳回", "en": "✖️ Reject"},
    "late_approved_by": {
        "zh": "✅ 已由 {name} 批准，记录为 #{entry}。{period} 发送时得分 {sent}，现为 {now}。",
        "en": "✅ Approved by {name}, recorded as #{entry}. {period} was sent as {sent}, "
        "now {now}.",
    },
    "late_rejected_by": {
        "zh": "✖️ 已由 {name} 驳回，未记录。",
        "en": "✖️ Rejected by {name}; nothing recorded.",
    },
    "late_already": {
        "zh": "补报 #{request} 已由 {name} 处理：{status}。",
        "en": "Late report #{request} was already decided by {name}: {status}.",
    },
    "late_status_approved": {"zh": "已批准", "en": "approved"},
    "late_status_rejected": {"zh": "已驳回", "en": "rejected"},
    "late_unknown": {
        "zh": "没有补报申请 #{request}。",
        "en": "There is no late report #{request}.",
    },
    "late_told_approved": {
        "zh": "✅ 您对 {period} 的补报 #{request}（{what}）已由 {name} 批准，记录为 #{entry}。",
        "en": "✅ Your late report #{request} for {period} ({what}) was approved by {name} and "
        "recorded as #{entry}.",
    },
    "late_told_rejected": {
        "zh": "✖️ 您对 {period} 的补报 #{request}（{what}）已被 {name} 驳回，未记录。",
        "en": "✖️ Your late report #{request} for {period} ({what}) was rejected by {name}; "
        "nothing was recorded.",
    },
    "forbidden_approve_late": {
        "zh": "只有甲方管理人员可以审批补报{where}。",
        "en": "Only managers can decide late reports{where}.",
    },
    # -- /digest --------------------------------------------------------------------------------
    "forbidden_digest": {
        "zh": "简报和考核结果只对甲方管理人员开放{where}。",
        "en": "Digests and assessments are for managers{where}.",
    },
    "dg_choose": {"zh": "查看哪个合同？", "en": "Which contract?"},
    "dg_bad_period": {
        "zh": "看不懂期间“{text}”。请写 {example}，或 today（今日简报）。",
        "en": "I cannot read the period {text!s}. Write e.g. {example}, or today for the day's "
        "digest.",
    },
    "dg_not_yours": {
        "zh": "您不是合同 {contract} 的管理人员。您的合同：{contracts}",
        "en": "You do not manage contract {contract}. Yours: {contracts}",
    },
    # -- /subscribe, /unsubscribe ----------------------------------------------------------------
    "sub_header": {"zh": "您的简报订阅（点按切换）：", "en": "Your digests (tap to switch):"},
    "sub_line": {
        "zh": "{contract}：每日简报 {daily}，考核结果 {period}",
        "en": "{contract}: daily digest {daily}, period assessment {period}",
    },
    "sub_on": {"zh": "开", "en": "on"},
    "sub_off": {"zh": "关", "en": "off"},
    "sub_button_daily": {"zh": "{contract} 每日简报：{mark}", "en": "{contract} daily: {mark}"},
    "sub_button_period": {"zh": "{contract} 考核结果：{mark}", "en": "{contract} period: {mark}"},
    "sub_done": {"zh": "已更新。{line}", "en": "Updated. {line}"},
    "sub_usage": {
        "zh": "用法：/subscribe [合同] [daily|period|both]；"
        "/unsubscribe [合同] [daily|period|both]",
        "en": "Usage: /subscribe [CONTRACT] [daily|period|both]; /unsubscribe [CONTRACT] "
        "[daily|period|both]",
    },
    # -- /schedule -------------------------------------------------------------------------------
    "forbidden_schedule": {
        "zh": "只有甲方管理人员可以修改推送时间{where}。",
        "en": "Only managers can change digest times{where}.",
    },
    "sch_show": {
        "zh": "合同 {contract} 的推送时间（{zone}）：\n每日简报：{daily}\n考核结果：{period}\n"
        "检查员提醒：{reminder}\n下次：\n{next}",
        "en": "Digest times of {contract} ({zone}):\nDaily digest: {daily}\nPeriod assessment: "
        "{period}\nInspector reminder: {reminder}\nNext:\n{next}",
    },
    "sch_assessment": {
        "zh": "每期结束后次月 {day} 日 {time}",
        "en": "day {day} of the month after the period, {time}",
    },
    "sch_reminder": {"zh": "{time}（{days}）", "en": "{time} ({days})"},
    "sch_off": {"zh": "关闭", "en": "off"},
    "sch_days_daily": {"zh": "每天", "en": "every day"},
    "sch_days_weekdays": {"zh": "工作日", "en": "weekdays"},
    "sch_next": {"zh": "• {kind}：{when}", "en": "• {kind}: {when}"},
    "sch_none": {"zh": "• 无", "en": "• none"},
    "kind_daily": {"zh": "每日简报", "en": "daily digest"},
    "kind_period": {"zh": "考核结果", "en": "period assessment"},
    "kind_reminder": {"zh": "检查员提醒", "en": "inspector reminder"},
    "sch_set": {"zh": "已更新。", "en": "Updated."},
    "sch_bad": {
        "zh": "无法设置 {setting} = {value}：请写 {expected}。",
        "en": "Cannot set {setting} = {value}: write {expected}.",
    },
    "sch_usage": {
        "zh": "用法：/schedule [合同] 设置…\n设置：daily 18:00 | assessment 24 09:00 | "
        "reminder 16:00 | days weekdays；关闭写 off，例如 /schedule reminder off",
        "en": "Usage: /schedule [CONTRACT] SETTING…\nSettings: daily 18:00 | assessment 24 09:00 "
        "| reminder 16:00 | days weekdays; off turns one off, e.g. /schedule reminder off",
    },
    # -- menus and help --------------------------------------------------------------------------
    "cmd_digest": {"zh": "考核结果、考核表与得分图", "en": "Assessment with table and chart"},
    "cmd_subscribe": {"zh": "订阅简报", "en": "Subscribe to digests"},
    "cmd_unsubscribe": {"zh": "退订简报", "en": "Unsubscribe from digests"},
    "cmd_schedule": {"zh": "查看或修改推送时间", "en": "Digest times"},
    "help_digest": {
        "zh": "简报：\n/digest [合同] [期间|today] — 考核结果（附官方考核表和得分图），"
        "例如 /digest 2026-07\n/subscribe、/unsubscribe [合同] [daily|period|both] — 订阅或退订\n"
        "/schedule [合同] — 查看或修改推送时间，例如 /schedule daily 18:30",
        "en": "Digests:\n/digest [CONTRACT] [PERIOD|today] — the assessment with the official "
        "table and a chart, e.g. /digest 2026-07\n/subscribe, /unsubscribe [CONTRACT] "
        "[daily|period|both]\n/schedule [CONTRACT] — see or change the times, e.g. "
        "/schedule daily 18:30",
    },
}
