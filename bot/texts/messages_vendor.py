"""The messages of /score, /deductions, /history and disputes, in Chinese and English.

Merged into bot.texts.i18n.MESSAGES; ``help_vendor_lead`` and ``help_common`` replace the
placeholders the inspector bot shipped with.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.rulebook import Label
from storage.models import DisputeStatus

OUTCOME_LABELS: Mapping[DisputeStatus, Label] = {
    DisputeStatus.OPEN: Label(zh="待处理", en="open"),
    DisputeStatus.UPHELD: Label(zh="维持扣分", en="upheld"),
    DisputeStatus.WITHDRAWN: Label(zh="撤回", en="withdrawn"),
    DisputeStatus.ADJUSTED: Label(zh="减扣", en="reduced"),
}

VENDOR_MESSAGES: Mapping[str, Mapping[str, str]] = {
    # -- menus and help ---------------------------------------------------------------------
    "cmd_score": {"zh": "本期得分", "en": "The score so far"},
    "cmd_deductions": {"zh": "扣分明细", "en": "Every deduction"},
    "cmd_history": {"zh": "近12期得分", "en": "The last 12 periods"},
    "cmd_dispute": {"zh": "对扣分提出异议", "en": "Dispute a deduction"},
    "help_vendor_lead": {
        "zh": "乙方负责人：\n/dispute 编号 理由 — 对一条扣分提出异议（可随后发送照片），"
        "例如 /dispute 42 打卡记录显示8:25到岗\n也可以在 /deductions 中点开一条，点“提出异议”。"
        "异议须在合同规定的期限内提出（工作日，不含周六日）。",
        "en": "Vendor lead:\n/dispute ID REASON — object to a deduction (photos may follow), "
        "e.g. /dispute 42 the clock-in record shows 08:25\nOr open one under /deductions and tap "
        "Dispute. Disputes must be made within the contract's window (working days, Monday to "
        "Friday).",
    },
    "help_common": {
        "zh": "/score [期间] — 本期得分、扣款和距离各分数线的分数\n"
        "/deductions [期间] — 每条扣分及其状态和照片，例如 /deductions 2026-07\n"
        "/history — 近12期得分和走势图\n/lang — 切换语言\n/help — 本帮助",
        "en": "/score [PERIOD] — the score so far, the money and the distance to each line\n"
        "/deductions [PERIOD] — every deduction with its state and photos, e.g. "
        "/deductions 2026-07\n/history — the last 12 periods with a chart\n"
        "/lang — change language\n/help — this help",
    },
    # -- access -------------------------------------------------------------------------------
    "forbidden_score": {
        "zh": "您在该合同上没有查看得分的权限{where}。",
        "en": "You have no role that shows the score{where}.",
    },
    "forbidden_deductions": {
        "zh": "您在该合同上没有查看扣分明细的权限{where}。",
        "en": "You have no role that shows the deductions{where}.",
    },
    "forbidden_history": {
        "zh": "您在该合同上没有查看历史得分的权限{where}。",
        "en": "You have no role that shows the history{where}.",
    },
    "forbidden_dispute": {
        "zh": "只有乙方负责人可以提出异议{where}。",
        "en": "Only the vendor lead can dispute a deduction{where}.",
    },
    "forbidden_decide": {
        "zh": "只有甲方管理人员可以处理异议{where}。",
        "en": "Only managers can decide disputes{where}.",
    },
    "bad_period": {
        "zh": "看不懂考核期“{text}”。请写成 YYYY-MM，例如 {example}。",
        "en": "{text} is not a period: write YYYY-MM, e.g. {example}.",
    },
    "vendor_choose_contract": {"zh": "查看哪个合同？", "en": "Which contract?"},
    # -- what an assessment says beyond its figures (bot.texts.assessment_facts) ---------
    "facts_incomplete": {
        "zh": "⚠️ 数据不全：以下测量值尚未录入，录入前考核结果不完整（没有的请录入0）：",
        "en": "⚠️ Not complete: these measurements are not recorded yet, and the assessment is "
        "not complete until they are (enter 0 where there was none):",
    },
    "facts_missing": {"zh": "  · {text}", "en": "  · {text}"},
    "facts_more_missing": {"zh": "  · ……另有 {count} 项", "en": "  · … and {count} more"},
    "facts_excluded": {"zh": "🚫 {text}", "en": "🚫 {text}"},
    "facts_lacking": {
        "zh": "（暂定：缺 {periods} 的得分，请录入纸质考核表上的得分）",
        "en": " (provisional: no score yet for {periods}; enter them from the paper sheets)",
    },
    "facts_claim": {
        "zh": "；甲方可主张违约金 {amount}（{clause}）",
        "en": "; the client may claim {amount} ({clause})",
    },
    "facts_amount": {"zh": "{amount} 元", "en": "{amount} CNY"},
    "facts_amount_range": {"zh": "{low}—{high} 元", "en": "{low}–{high} CNY"},
    # -- /score -------------------------------------------------------------------------------
    "score_title": {"zh": "📊 {contract} — {title}", "en": "📊 {contract} — {title}"},
    "score_open": {
        "zh": "考核期 {period}：进行中，数字为暂定",
        "en": "Period {period}: in progress — figures are provisional",
    },
    "score_over": {
        "zh": "考核期 {period}：已结束，尚未结算，数字为暂定",
        "en": "Period {period}: over, not yet closed — figures are provisional",
    },
    "score_closed": {
        "zh": "考核期 {period}：已于 {closed} 结算，数字为最终结果",
        "en": "Period {period}: closed on {closed} — final",
    },
    "score_closed_disputed": {
        "zh": "考核期 {period}：已于 {closed} 结算，但有 {count} 条异议待处理，处理前得分为暂定",
        "en": "Period {period}: closed on {closed}, but {count} dispute(s) are open — the score "
        "is provisional until they are decided",
    },
    "score_value": {"zh": "得分：{score} / {max}", "en": "Score: {score} / {max}"},
    "score_none": {
        "zh": "得分：—（数据不全：{missing}）",
        "en": "Score: — (incomplete: {missing})",
    },
    "score_points": {
        "zh": "扣分 {deducted}，加分 {added}",
        "en": "Points deducted {deducted}, added {added}",
    },
    "score_fee": {"zh": "💰 扣减服务费：{amount} 元", "en": "💰 Fee deduction: {amount} CNY"},
    "score_payout": {
        "zh": "💰 绩效金支付档次：{ratio}%",
        "en": "💰 Performance pool band: {ratio}%",
    },
    "score_payout_amount": {"zh": "（{amount} 元）", "en": " ({amount} CNY)"},
    "score_pool_year": {
        "zh": "💰 年度平均分 {average} → 支付 {ratio}%（{year}）",
        "en": "💰 Year's mean score {average} → {ratio}% paid ({year})",
    },
    "score_deposit": {
        "zh": "💰 履约保证金退还：{ratio}%",
        "en": "💰 Deposit refund: {ratio}%",
    },
    "score_grade": {"zh": "等次：{grade}", "en": "Grade: {grade}"},
    "score_warning": {"zh": "⚠️ {label}（{periods}）", "en": "⚠️ {label} ({periods})"},
    "score_distances": {"zh": "📏 与分数线的距离：", "en": "📏 Distance to the lines:"},
    "score_disputes": {
        "zh": "⚖️ 待处理的异议：{count} 条（{ids}）",
        "en": "⚖️ Open disputes: {count} ({ids})",
    },
    # -- /deductions --------------------------------------------------------------------------
    "ded_header": {
        "zh": "🧾 {contract} · {period} · 共 {count} 条（第 {page}/{pages} 页）\n"
        "点编号查看详情和照片。",
        "en": "🧾 {contract} · {period} · {count} in all (page {page}/{pages})\nTap a number "
        "for the detail and photos.",
    },
    "ded_empty": {
        "zh": "🧾 {contract} · {period}：本期没有扣分记录。",
        "en": "🧾 {contract} · {period}: nothing recorded in this period.",
    },
    "ded_not_counted": {"zh": "不计分", "en": "not counted"},
    "ded_kpi_met": {"zh": "达标", "en": "met"},
    "button_prev": {"zh": "« 上一页", "en": "« Previous"},
    "button_next": {"zh": "下一页 »", "en": "Next »"},
    "button_dispute": {"zh": "⚖️ 提出异议", "en": "⚖️ Dispute"},
    "det_title": {"zh": "报告 #{entry} · 合同 {contract}", "en": "Report #{entry} · {contract}"},
    "det_was": {"zh": "（原为 {old}）", "en": " (was {old})"},
    "det_inspector": {"zh": "🕵️ 检查员：{name}", "en": "🕵️ Inspector: {name}"},
    "det_state": {"zh": "状态：{state}", "en": "State: {state}"},
    "det_dispute": {
        "zh": "⚖️ 异议 #{dispute}（{by}，{at}）：{reason}",
        "en": "⚖️ Dispute #{dispute} ({by}, {at}): {reason}",
    },
    "det_decision": {
        "zh": "   处理：{outcome} — {reason}（{by}，{at}）",
        "en": "   Decision: {outcome} — {reason} ({by}, {at})",
    },
    "det_window_open": {
        "zh": "⏳ 可在 {last_day} 24:00 前提出异议",
        "en": "⏳ Can be disputed until the end of {last_day}",
    },
    "det_window_closed": {
        "zh": "⏳ 异议期已于 {last_day} 24:00 结束",
        "en": "⏳ The objection window closed at the end of {last_day}",
    },
    "evidence_caption": {
        "zh": "报告 #{entry} 的证据照片 {n}/{total}",
        "en": "Evidence of report #{entry} ({n}/{total})",
    },
    "dispute_photo_caption": {
        "zh": "异议 #{dispute}：乙方照片 {n}/{total}",
        "en": "Dispute #{dispute}: vendor's photo {n}/{total}",
    },
    # -- /history -----------------------------------------------------------------------------
    "history_header": {
        "zh": "📈 {contract} — 近 {count} 期得分",
        "en": "📈 {contract} — the last {count} period(s)",
    },
    "history_provisional": {"zh": "（暂定）", "en": " (provisional)"},
    # -- disputes: the vendor lead ------------------------------------------------------------
    "dispute_usage": {
        "zh": "用法：/dispute 报告编号 理由，例如 /dispute 42 打卡记录显示8:25到岗。"
        "报告编号见 /deductions。",
        "en": "Usage: /dispute REPORT_ID REASON, e.g. /dispute 42 the clock-in record shows "
        "08:25. /deductions lists the report ids.",
    },
    "dispute_ask_reason": {
        "zh": "对报告 #{entry}（{item}）提出异议：请输入理由（之后可发送照片），"
        "或发送 /cancel 取消。",
        "en": "Disputing report #{entry} ({item}): type your reason (photos can follow), or "
        "/cancel.",
    },
    "dispute_opened": {
        "zh": "⚖️ 已提交异议 #{dispute}：报告 #{entry}（{item}）。已通知 {count} 位甲方管理人员。\n"
        "如有照片，现在发送即可附上；完成后点“完成”。",
        "en": "⚖️ Dispute #{dispute} on report #{entry} ({item}) sent to {count} manager(s).\n"
        "Send photos now to add them; tap Done when finished.",
    },
    "dispute_no_manager": {
        "zh": "⚠️ 目前联系不到甲方管理人员，异议已记录，管理人员可在 /deductions 中处理。",
        "en": "⚠️ No manager could be reached right now; the dispute is recorded and managers "
        "will find it under /deductions.",
    },
    "dispute_photos_added": {
        "zh": "📷 已为异议 #{dispute} 添加 {count} 张照片，并转给管理人员。",
        "en": "📷 Added {count} photo(s) to dispute #{dispute} and passed them on to the managers.",
    },
    "dispute_done": {
        "zh": "好的。处理结果会在这里通知您。",
        "en": "Done. You will hear the decision here.",
    },
    "not_disputable": {
        "zh": "报告 #{entry} 不是扣分或扣款项目，不能提出异议。",
        "en": "Report #{entry} costs the vendor nothing, so there is nothing to dispute.",
    },
    "dispute_void": {
        "zh": "报告 #{entry} 已作废，不再计分。",
        "en": "Report #{entry} is void and no longer counts.",
    },
    "already_disputed": {
        "zh": "报告 #{entry} 已提出过异议（#{dispute}），每条扣分只能提出一次。",
        "en": "Report #{entry} has already been disputed (#{dispute}); a deduction can be "
        "disputed once.",
    },
    "window_closed": {
        "zh": "报告 #{entry} 的异议期已于 {last_day} 24:00 结束（自 {told} 记录起算的工作日），"
        "不能再提出异议。",
        "en": "The objection window for report #{entry} closed at the end of {last_day} "
        "(working days from when it was recorded, {told}); it can no longer be disputed.",
    },
    "dispute_unknown": {"zh": "没有异议 #{dispute}。", "en": "There is no dispute #{dispute}."},
    "dispute_closed_photos": {
        "zh": "异议 #{dispute} 已处理完毕，不能再添加照片。",
        "en": "Dispute #{dispute} has been decided; no more photos can be added.",
    },
    # -- disputes: the managers ---------------------------------------------------------------
    "dsp_card": {
        "zh": "⚖️ 新异议 #{dispute} · 合同 {contract}\n乙方负责人 {by} 对报告 #{entry} 提出异议：\n"
        "“{reason}”\n\n{detail}\n\n请选择处理方式：",
        "en": "⚖️ New dispute #{dispute} · {contract}\nVendor lead {by} disputes report "
        "#{entry}:\n“{reason}”\n\n{detail}\n\nYour decision:",
    },
    "button_uphold": {"zh": "✅ 维持扣分", "en": "✅ Uphold"},
    "button_withdraw": {"zh": "↩️ 撤回", "en": "↩️ Withdraw"},
    "button_reduce": {"zh": "✂️ 减扣", "en": "✂️ Reduce"},
    "decide_ask_reason": {
        "zh": "异议 #{dispute}：{outcome}。请输入理由（将告知乙方负责人和检查员），"
        "或发送 /cancel 取消。",
        "en": "Dispute #{dispute}: {outcome}. Type the reason (the vendor lead and the inspector "
        "will read it), or /cancel.",
    },
    "reduce_ask": {
        "zh": "异议 #{dispute}：减扣。当前：{current}。\n请先输入新的{what}，再写理由，"
        "例如：{example} 核实后的情况。或发送 /cancel 取消。",
        "en": "Dispute #{dispute}: reduce. Now: {current}.\nType the new figure ({what}) first, "
        "then the reason, e.g. “{example} what you found”. Or /cancel.",
    },
    "reduce_what_quantity": {"zh": "数量", "en": "quantity"},
    "reduce_usage": {
        "zh": "请先写新的{value_label}或数量（如 x2），再写理由，例如：25 打卡记录显示8:25到岗",
        "en": "Start with the new {value_label} or a quantity (like x2), then the reason, e.g. "
        "25 the clock-in record shows 08:25",
    },
    "reason_needed": {
        "zh": "请写明理由，它会告知乙方负责人和检查员。",
        "en": "Please give a reason: the vendor lead and the inspector will read it.",
    },
    "not_a_reduction": {
        "zh": "这不是减扣：现为 {old}，改后为 {new}。要维持原扣分请点“维持扣分”。",
        "en": "That is no reduction: {old} now, {new} after. To keep it as it is, tap Uphold.",
    },
    "already_decided": {
        "zh": "异议 #{dispute} 已由 {by} 于 {at} 处理：{outcome}。",
        "en": "Dispute #{dispute} was already decided by {by} at {at}: {outcome}.",
    },
    "decision_cancelled": {
        "zh": "已取消，异议仍待处理。",
        "en": "Cancelled; the dispute is still open.",
    },
    # -- decisions ------------------------------------------------------------------------------
    "decided_manager": {
        "zh": "✅ 异议 #{dispute} 已处理：{outcome}。{change}\n理由：{reason}\n"
        "已通知乙方负责人和检查员。",
        "en": "✅ Dispute #{dispute} decided: {outcome}. {change}\nReason: {reason}\n"
        "The vendor lead and the inspector have been told.",
    },
    "decided_vendor": {
        "zh": "⚖️ 您对报告 #{entry}（{item}）的异议 #{dispute} 已处理：{outcome}。{change}\n"
        "理由：{reason}\n处理人：{by}",
        "en": "⚖️ Your dispute #{dispute} on report #{entry} ({item}) was decided: {outcome}. "
        "{change}\nReason: {reason}\nDecided by {by}",
    },
    "decided_inspector": {
        "zh": "⚖️ 您的报告 #{entry}（{item}）被提出异议（#{dispute}），已处理：{outcome}。"
        "{change}\n理由：{reason}\n处理人：{by}",
        "en": "⚖️ Your report #{entry} ({item}) was disputed (#{dispute}) and decided: "
        "{outcome}. {change}\nReason: {reason}\nDecided by {by}",
    },
    "change_upheld": {"zh": "扣分不变：{cost}。", "en": "It stands: {cost}."},
    "change_withdrawn": {
        "zh": "该项不再计分（原为 {cost}）。",
        "en": "It no longer counts (it was {cost}).",
    },
    "change_reduced": {"zh": "{old} → {new}。", "en": "{old} → {new}."},
    "short_points": {"zh": "扣 {points} 分", "en": "−{points} points"},
    "short_bonus": {"zh": "加 {points} 分", "en": "+{points} points"},
    "short_amount": {"zh": "{amount} 元", "en": "{amount} CNY"},
}
