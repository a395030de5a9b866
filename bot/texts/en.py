"""Every message the bot shows, in English: one entry per key, the same keys as bot.texts.zh.

Placeholders in braces are filled by bot.texts.i18n.t; a test checks that both languages
have the same keys and the same placeholders. One file per language, however long: a
translator reads every message of the language in one place, feature by feature."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, str] = {
    # -- general --------------------------------------------------------------------------
    "error_generic": "Sorry, something went wrong on our side. Nothing was recorded — please try "
    "again.",
    "error_after_record": "Report #{entry} was recorded, but something went wrong afterwards; "
    "/myreports shows it.",
    "not_registered": "You are not registered yet. Ask your manager for an invite code, then send "
    "/start CODE (or open the invite link).",
    "unknown_command": "There is no command /{command}. Send /help to see what you can do, e.g. "
    "{example}",
    "text_hint": "Send /help to see what you can do, e.g. {example}",
    "photo_hint": "To report with this photo, reply to it with /report, or send the photo with a "
    "command as its caption, e.g. {example}",
    "nothing_to_cancel": "There is nothing to cancel.",
    "cancelled": "Cancelled. Nothing was recorded.",
    "unknown_contract": "There is no contract {contract}.",
    "rulebook_missing": "The rulebook of contract {contract} is not loaded; tell your "
    "administrator.",
    # -- roles ----------------------------------------------------------------------------
    "forbidden_report": "Only inspectors can report violations{where}.",
    "forbidden_undo": "Only inspectors can undo their reports{where}.",
    "forbidden_myreports": "My reports is for inspectors{where}.",
    "forbidden_invite": "Only managers can make invites{where}.",
    "forbidden_invite_role": "You may not invite anyone as {role} to contract {contract}.",
    "where_contract": " (contract {contract})",
    "role_inspector": "inspector",
    "role_manager": "manager",
    "role_vendor_lead": "vendor lead",
    "role_admin": "administrator",
    # -- registration -------------------------------------------------------------------------
    "start_stranger": "Hello! I record contract assessment findings. Ask your manager for an "
    "invite code, then send /start CODE.",
    "start_known": "Welcome back, {name}! Your roles: {roles}. Send /help to see your commands.",
    "invite_unknown": "This invite code is not known. Check it, or ask your manager for a new one.",
    "invite_used": "This invite code has already been used. Ask your manager for a new one.",
    "invite_expired": "This invite code expired on {expired}. Ask your manager for a new one.",
    "welcome": "Welcome, {name}! Your role on contract {contract} ({title}): {role}.",
    "welcome_inspector": "To report: send /report for a guided form, or one line such as "
    "{example}. You can also send a photo with such a line as its caption. /help lists "
    "everything.",
    "welcome_manager": "To invite an inspector: /invite inspector. /help lists everything.",
    "welcome_other": "/help lists everything you can do.",
    "invite_usage": "Usage: /invite ROLE [CONTRACT], e.g. /invite inspector. Roles: inspector, "
    "vendor_lead, manager, admin.",
    "invite_which_contract": "You manage several contracts: name one, e.g. /invite inspector "
    "CONTRACT. Yours: {contracts}",
    "invite_made": "Invite as {role} on contract {contract}, valid until {expires}:\n{code}\n"
    "They send me /start {code}{link}",
    "invite_link": ", or open {url}",
    # -- language ----------------------------------------------------------------------------
    "lang_choose": "Choose your language / 请选择语言:",
    "lang_usage": "Usage: /lang en or /lang zh",
    "lang_set": "Language set to English.",
    # -- help ----------------------------------------------------------------------------------
    "help_stranger": "I record violations for contract assessments.\n"
    "/start CODE — register with the invite code your manager gave you\n"
    "/lang — change language (中文 / English)\n/help — this help",
    "help_roles": "Your roles: {roles}",
    "help_inspector": "Reporting:\n/report — guided form (contract → section → item → staff → "
    "number → photo → confirm)\nOne line: {examples}\nWith a time: {time_examples}\n"
    "With a note: add # and the note\n"
    "Send a photo with such a line as its caption to attach evidence, or reply to a photo "
    "with /report.\n/myreports — my recent reports\n"
    "/cancel — drop the report you are filling in",
    "help_commands_of": "Commands on {contract}: {commands}",
    "help_manager": "Managing:\n/invite ROLE [CONTRACT] — make an invite code, e.g. /invite "
    "inspector",
    # -- one-line reports ----------------------------------------------------------------------
    "unknown_item": "Contract {contract} has no item /{command}. Its commands: {commands}",
    "needs_value": "{item} needs the {value_label}, e.g. {example}",
    "value_out_of_range": "{value} is not a valid {value_label} for {item} ({range}). E.g. "
    "{example}",
    "no_tier": "{value} is in no band of {item} ({tiers}), so it costs nothing; nothing was "
    "recorded. E.g. {example}",
    "bad_quantity": "Quantity {value} is not valid: {item} takes a whole number above 0. E.g. "
    "{example}",
    "too_many_numbers": "Too many numbers. Write {item} like this: {example}",
    "implausible_quantity": "Quantity {value} is outside the plausible range for one report of "
    "{item} ({bounds}): {reason}. Nothing was recorded; check it and send again, e.g. {example}",
    "implausible_value": "{value} is outside the plausible range for one report of {item} "
    "({bounds}): {reason}. Nothing was recorded; check it and send again, e.g. {example}",
    "bad_number": "{text} is not a valid number: write a plain one such as 25 or 2.5 (not 1e3, "
    "NaN, inf or 0x10). Nothing was recorded.",
    "bad_staff_name": "{name} cannot be a staff name: a name needs letters or Chinese "
    "characters, not only digits, symbols or emoji. Nothing was recorded.",
    "too_long": "The {field} is too long: at most {limit} characters, this one has {length}. "
    "Nothing was recorded; shorten it and send again.",
    "limit_staff": "staff name",
    "limit_note": "note",
    "limit_value": "value",
    "limit_inspector": "inspector",
    "limit_dispute_reason": "dispute reason",
    "limit_decision_reason": "decision reason",
    "needs_staff": "{item} needs the staff member's name, e.g. {example}",
    "unknown_staff": "{name} is not on the roster of contract {contract}. Did you mean: "
    "{suggestions}? Use /report to record someone who is not on the roster.",
    "staff_ambiguous": "Several staff are called {name}; use the staff number instead: {numbers}",
    "bad_time": "I cannot read the time {text!s}. Write 08:40, at 08:40, yesterday 17:05 or "
    "2026-07-03 08:40.",
    "day_without_time": "Give the time of day too, e.g. yesterday 17:05",
    "two_times": "Give one time only, e.g. at 08:40",
    "time_in_future": "{when} is in the future: a report needs a time that has passed.",
    "outside_term": "That time is outside the contract's term ({start} to {end}); nothing "
    "recorded.",
    "period_closed": "The assessment period {period} is closed; reports for it need a manager. "
    "Nothing recorded.",
    "choose_contract": "Which contract is this report for?",
    "choice_expired": "This choice has expired; send the command again.",
    "recorded": "✅ Recorded #{id}: {summary}",
    "already_recorded": "This report is already recorded as #{id}; nothing was added.",
    "undo_hint": "You can undo it within {minutes} minutes.",
    "button_undo": "↩️ Undo",
    "undone": "↩️ Report #{entry} undone (it stays on record, marked void).",
    "undo_expired": "Report #{entry} is more than {minutes} minutes old and cannot be undone; ask "
    "a manager to correct it.",
    "undo_period_closed": "Report #{entry} is in the assessment period {period}, which is closed "
    "(its figures were sent); it cannot be undone. Ask a manager to correct it.",
    "undo_already": "Report #{entry} is already undone.",
    "entry_not_yours": "Report #{entry} is not one of yours.",
    "entry_unknown": "There is no report #{entry}.",
    "photos_added": "📷 Added {count} photo(s) to report #{entry}.",
    # -- an edited report message ------------------------------------------------------------
    "edit_corrected": "✏️ Report #{entry} corrected by your edit: {before} → {after}\n{summary}",
    "edit_nothing_recorded": "That message recorded no report, so editing it changes nothing. "
    "Send what you meant as a new message.",
    "edit_too_late": "Report #{entry} stands as recorded: an edit corrects a report only within "
    "{minutes} minutes of sending it. Ask a manager to correct it.",
    "edit_period_closed": "Report #{entry} stands as recorded: its assessment period {period} is "
    "closed (its figures were sent). Ask a manager to correct it.",
    "edit_voided": "Report #{entry} was undone, so the edit changes nothing. Send a new report if "
    "you need one.",
    "edit_no_command": "Report #{entry} is unchanged: the edited message no longer starts with its "
    "command. To take the report back, tap Undo under its confirmation.",
    "edit_other_item": "Report #{entry} is unchanged: an edit cannot change the item ({item}) or "
    "the contract. Tap Undo and send the new report.",
    "edit_other_fields": "Report #{entry} is unchanged: an edit corrects only the figures (the "
    "value and the quantity); the staff, the time and the note stay as recorded. Tap Undo and "
    "send the report again to change them.",
    "edit_unreadable": "Report #{entry} is unchanged: the edited message does not read as a "
    "report.\n{reason}",
    "edit_no_change": "Report #{entry} already says this; nothing changed.",
    # -- the guided report -------------------------------------------------------------------
    "rep_contract": "New report: choose the contract",
    "rep_section": "{contract}\nChoose the section",
    "rep_item": "{section}\nChoose the item (commonest first)",
    "rep_other_items": "Other items",
    "rep_staff": "{item}\nChoose the staff member, or type a name or staff number",
    "rep_value": "{item}\nType the {value_label} ({range})",
    "rep_quantity": "{item}\nHow many? Tap or type a number",
    "rep_photo": "Send a photo as evidence (several are fine), or tap Skip",
    "rep_photos_count": "{count} photo(s) attached. Send more, or tap Done",
    "rep_time": "Type the time, e.g. 08:40 or yesterday 17:05",
    "rep_summary": "Please check:\n{summary}",
    "rep_edit": "What do you want to change?",
    "rep_inactive": "This form is no longer active; send /report to start again.",
    "rep_need_text": "Please answer the question above, or send /cancel.",
    "rep_no_items": "Contract {contract} has no items reported through the bot.",
    "button_confirm": "✅ Confirm",
    "button_edit": "✏️ Edit",
    "button_cancel": "✖️ Cancel",
    "button_skip": "Skip",
    "button_done": "Done",
    "button_back": "« Back",
    "button_nobody": "No one in particular",
    "field_item": "Item",
    "field_staff": "Staff",
    "field_number": "Number",
    "field_time": "Time",
    "field_photo": "Photos",
    "not_on_roster": " (not on the roster)",
    # -- report texts ---------------------------------------------------------------------
    "cost_deduction": "−{points} points",
    "cost_bonus": "+{points} points",
    "cost_fee": "{amount} CNY off the fee",
    "cost_kpi_miss": "target missed: {amount} CNY per missed {period}",
    "cost_kpi_met": "target met — no cost",
    "cost_none": "no direct cost",
    "cost_before_caps": " (before caps)",
    "photos_n": "{count} photo(s)",
    "quantity_n": "quantity {quantity}",
    "kpi_day": "day",
    "kpi_month": "month",
    "kpi_quarter": "quarter",
    "kpi_half_year": "half-year",
    "kpi_year": "year",
    "range_any": "any number",
    # -- my reports -----------------------------------------------------------------------
    "myreports_empty": "You have not reported anything yet.",
    "myreports_header": "My recent reports:",
    "myreports_corrected": ", corrected",
    "state_recorded": "recorded",
    "state_voided": "void",
    "state_disputed": "disputed",
    "state_upheld": "upheld",
    "state_withdrawn": "withdrawn",
    "state_adjusted": "adjusted",
    # -- the Mini App (bot.webapp): launch data refused, buttons, the audit trail ---------------
    "launch_missing": "No sign-in data from Telegram: open this page from your chat with the bot.",
    "launch_twice": "The sign-in data is invalid (a field twice): open the page again from chat.",
    "launch_forged": (
        "The sign-in data's signature does not match: open this page from your chat with the bot."
    ),
    "launch_no_date": "The sign-in data has no date: open this page again from the chat.",
    "launch_expired": "The sign-in data has expired: open this page again from the chat.",
    "launch_future": (
        "The sign-in data's time is wrong: check your phone's clock, then open the page again "
        "from the chat."
    ),
    "launch_no_user": "The sign-in data names no user: open this page from your chat with the bot.",
    "request_id_needed": "The request has no id (X-Request-Id): reload the page and try again.",
    "request_repeated": "This was done already; it was not done twice.",
    "bad_outcome": "A decision is uphold, withdraw or reduce.",
    "photo_too_large": "The photo is too large (at most {limit} MB): choose a smaller one.",
    "not_a_photo": "The file is not a photo (JPEG or PNG).",
    "app_photo_caption": "Dispute photo for finding #{entry}",
    "button_open_table": "📊 Open the table",
    "menu_button_table": "Table",
    "trail_recorded": "recorded by {who}",
    "trail_void": "voided by {who}: {reason}",
    "trail_correct": "corrected to {figure} by {who}: {reason}",
    "trail_state": "{state} by {who} ({reason})",
    # -- command menu ---------------------------------------------------------------------------
    "cmd_start": "Register / start",
    "cmd_help": "What I can do",
    "cmd_lang": "Change language",
    "cmd_report": "Report a violation step by step",
    "cmd_myreports": "My recent reports",
    "cmd_cancel": "Drop the report being filled in",
    "cmd_invite": "Make an invite code",
    # == /score, /deductions, /history and disputes ============================================
    # -- menus and help ---------------------------------------------------------------------
    "cmd_score": "The score so far",
    "cmd_deductions": "Every deduction",
    "cmd_history": "The last 12 periods",
    "cmd_dispute": "Dispute a deduction",
    "help_vendor_lead": "Vendor lead:\n/dispute ID REASON — object to a deduction (photos may "
    "follow), e.g. /dispute 42 the clock-in record shows 08:25\n"
    "Or open one under /deductions and tap Dispute. Disputes must be made within the "
    "contract's window (working days, Monday to Friday).",
    "help_common": "/score [PERIOD] — the score so far, the money and the distance to each line\n"
    "/deductions [PERIOD] — every deduction with its state and photos, e.g. /deductions "
    "2026-07\n/history — the last 12 periods with a chart\n/lang — change language\n"
    "/help — this help",
    # -- access -------------------------------------------------------------------------------
    "forbidden_score": "You have no role that shows the score{where}.",
    "forbidden_deductions": "You have no role that shows the deductions{where}.",
    "forbidden_history": "You have no role that shows the history{where}.",
    "forbidden_dispute": "Only the vendor lead can dispute a deduction{where}.",
    "forbidden_decide": "Only managers can decide disputes{where}.",
    "bad_period": "{text} is not a period: write YYYY-MM, e.g. {example}.",
    "vendor_choose_contract": "Which contract?",
    # -- what an assessment says beyond its figures (bot.texts.assessment_facts) ---------
    "facts_incomplete": "⚠️ Not complete: these measurements are not recorded yet, and the "
    "assessment is not complete until they are (enter 0 where there was none):",
    "facts_missing": "  · {text}",
    "facts_more_missing": "  · … and {count} more",
    "facts_excluded": "🚫 {text}",
    "facts_lacking": " (provisional: no score yet for {periods}; enter them from the paper sheets)",
    "facts_claim": "; the client may claim {amount} ({clause})",
    "facts_amount": "{amount} CNY",
    "facts_amount_range": "{low}–{high} CNY",
    # -- /score -------------------------------------------------------------------------------
    "score_title": "📊 {contract} — {title}",
    "score_open": "Period {period}: in progress — figures are provisional",
    "score_over": "Period {period}: over, not yet closed — figures are provisional",
    "score_closed": "Period {period}: closed on {closed} — final",
    "score_closed_disputed": "Period {period}: closed on {closed}, but {count} dispute(s) are "
    "open — the score is provisional until they are decided",
    "score_value": "Score: {score} / {max}",
    "score_none": "Score: — (incomplete: {missing})",
    "score_points": "Points deducted {deducted}, added {added}",
    "score_fee": "💰 Fee deduction: {amount} CNY",
    "score_payout": "💰 Performance pool band: {ratio}%",
    "score_payout_amount": " ({amount} CNY)",
    "score_pool_year": "💰 Year's mean score {average} → {ratio}% paid ({year})",
    "score_deposit": "💰 Deposit refund: {ratio}%",
    "score_grade": "Grade: {grade}",
    "score_warning": "⚠️ {label} ({periods})",
    "score_distances": "📏 Distance to the lines:",
    "score_disputes": "⚖️ Open disputes: {count} ({ids})",
    # -- /deductions --------------------------------------------------------------------------
    "ded_header": "🧾 {contract} · {period} · {count} in all (page {page}/{pages})\n"
    "Tap a number for the detail and photos.",
    "ded_empty": "🧾 {contract} · {period}: nothing recorded in this period.",
    "ded_not_counted": "not counted",
    "ded_kpi_met": "met",
    "button_prev": "« Previous",
    "button_next": "Next »",
    "button_dispute": "⚖️ Dispute",
    "det_title": "Report #{entry} · {contract}",
    "det_was": " (was {old})",
    "det_inspector": "🕵️ Inspector: {name}",
    "det_state": "State: {state}",
    "det_dispute": "⚖️ Dispute #{dispute} ({by}, {at}): {reason}",
    "det_decision": "   Decision: {outcome} — {reason} ({by}, {at})",
    "det_window_open": "⏳ Can be disputed until the end of {last_day}",
    "det_window_closed": "⏳ The objection window closed at the end of {last_day}",
    "evidence_caption": "Evidence of report #{entry} ({n}/{total})",
    "dispute_photo_caption": "Dispute #{dispute}: vendor's photo {n}/{total}",
    # -- /history -----------------------------------------------------------------------------
    "history_header": "📈 {contract} — the last {count} period(s)",
    "history_provisional": " (provisional)",
    # -- disputes: the vendor lead ------------------------------------------------------------
    "dispute_usage": "Usage: /dispute REPORT_ID REASON, e.g. /dispute 42 the clock-in record "
    "shows 08:25. /deductions lists the report ids.",
    "dispute_ask_reason": "Disputing report #{entry} ({item}): type your reason (photos can "
    "follow), or /cancel.",
    "dispute_opened": "⚖️ Dispute #{dispute} on report #{entry} ({item}) sent to {count} "
    "manager(s).\nSend photos now to add them; tap Done when finished.",
    "dispute_opened_in_app": "⚖️ Dispute #{dispute} on report #{entry} ({item}) sent to {count} "
    "manager(s). You will be told the decision in the chat.",
    "dispute_no_manager": "⚠️ No manager could be reached right now; the dispute is recorded and "
    "managers will find it under /deductions.",
    "dispute_photos_added": "📷 Added {count} photo(s) to dispute #{dispute} and passed them on "
    "to the managers.",
    "dispute_done": "Done. You will hear the decision here.",
    "not_disputable": "Report #{entry} costs the vendor nothing, so there is nothing to dispute.",
    "dispute_void": "Report #{entry} is void and no longer counts.",
    "already_disputed": "Report #{entry} has already been disputed (#{dispute}); a deduction can "
    "be disputed once.",
    "window_closed": "The objection window for report #{entry} closed at the end of {last_day} "
    "(working days from when it was recorded, {told}); it can no longer be disputed.",
    "dispute_unknown": "There is no dispute #{dispute}.",
    "dispute_closed_photos": "Dispute #{dispute} has been decided; no more photos can be added.",
    # -- disputes: the managers ---------------------------------------------------------------
    "dsp_card": "⚖️ New dispute #{dispute} · {contract}\n"
    "Vendor lead {by} disputes report #{entry}:\n“{reason}”\n\n{detail}\n\nYour decision:",
    "button_uphold": "✅ Uphold",
    "button_withdraw": "↩️ Withdraw",
    "button_reduce": "✂️ Reduce",
    "decide_ask_reason": "Dispute #{dispute}: {outcome}. Type the reason (the vendor lead and the "
    "inspector will read it), or /cancel.",
    "reduce_ask": "Dispute #{dispute}: reduce. Now: {current}.\n"
    "Type the new figure ({what}) first, then the reason, e.g. “{example} what you found”. Or "
    "/cancel.",
    "reduce_what_quantity": "quantity",
    "reduce_usage": "Start with the new {value_label} or a quantity (like x2), then the reason, "
    "e.g. 25 the clock-in record shows 08:25",
    "reason_needed": "Please give a reason: the vendor lead and the inspector will read it.",
    "not_a_reduction": "That is no reduction: {old} now, {new} after. To keep it as it is, tap "
    "Uphold.",
    "already_decided": "Dispute #{dispute} was already decided by {by} at {at}: {outcome}.",
    "decision_cancelled": "Cancelled; the dispute is still open.",
    # -- decisions ------------------------------------------------------------------------------
    "decided_manager": "✅ Dispute #{dispute} decided: {outcome}. {change}\nReason: {reason}\n"
    "The vendor lead and the inspector have been told.",
    "decided_vendor": "⚖️ Your dispute #{dispute} on report #{entry} ({item}) was decided: "
    "{outcome}. {change}\nReason: {reason}\nDecided by {by}",
    "decided_inspector": "⚖️ Your report #{entry} ({item}) was disputed (#{dispute}) and decided: "
    "{outcome}. {change}\nReason: {reason}\nDecided by {by}",
    "change_upheld": "It stands: {cost}.",
    "change_withdrawn": "It no longer counts (it was {cost}).",
    "change_reduced": "{old} → {new}.",
    "short_points": "−{points} points",
    "short_bonus": "+{points} points",
    "short_amount": "{amount} CNY",
    # == digests, /digest, /subscribe, /schedule and late reports ==============================
    # -- the daily digest -----------------------------------------------------------------
    "dg_daily_header": "📊 Daily digest — {day}",
    "dg_late_note": "⏰ Sent late: this was due at {due} (the bot was offline).",
    "dg_contract": "🏢 {contract} ({title})",
    "dg_quiet": "🏢 {contract}: a quiet day, no new reports; {period} score {score}, unchanged.",
    "dg_reports": "{count} new report(s):",
    "dg_no_reports": "No new reports today.",
    "dg_more_reports": "… and {count} more (/digest {contract} sends the full table).",
    "dg_by": "by {name}",
    "dg_score": "{period} score so far: {score} ({change} since the last digest)",
    "dg_score_same": "{period} score so far: {score} (unchanged since the last digest)",
    "dg_unchanged": "unchanged",
    "dg_score_none": "{period} score: not computable yet ({missing})",
    "dg_fee": "Projected fee deduction at this score: {amount} CNY",
    "dg_pool_year": "{year} mean of the monthly scores {average}",
    "dg_payout": "Payout band at this score: {ratio}%",
    "dg_risk": "⚠️ If {period} ends below {line}: {label}{before}",
    "dg_risk_before": " ({periods} already below)",
    "dg_triggered": "⛔ At the current score: {label}",
    "dg_line": "📏 {text}",
    "dg_disputes": "{count} dispute(s) open (those deductions are provisional).",
    "dg_adjustment": "🔁 Adjustment: late report #{request} ({what}) approved into closed period "
    "{period}, {cost}; {period} was sent as {sent}, now {now}.",
    # -- the period assessment -------------------------------------------------------------
    "as_header": "📋 {contract} ({title}) — assessment {period}",
    "as_score": "Score: {score} / {max} ({state})",
    "as_score_none": "Score: not computable ({missing})",
    "as_final": "final",
    "as_open": "provisional: the period is not over",
    "as_disputed": "provisional until {count} open dispute(s) are decided",
    "as_grade": "Grade: {grade}",
    "as_points": "Deducted {deducted}, added {added}",
    "as_component": "  {label} ({weight}%): {score}",
    "as_no_data": "no data",
    "as_lines": "Lines:",
    "as_no_lines": "Nothing recorded in this period.",
    "as_capped": " (capped; {raw} before the cap)",
    "as_section_capped": "• {section}: {points} points in all, capped at {cap}",
    "as_kpi_line": "{misses} miss(es), {amount} CNY",
    "as_more_lines": "… {count} more line(s) in the attached table.",
    "as_fee": "Fee deduction: {amount} CNY",
    "as_fee_parts": " ({score_part} CNY for the score, {items} CNY for items)",
    "as_payout": "Payout ratio: {ratio}%",
    "as_pool_year": "{year}: mean monthly score {average}, payout {ratio}%",
    "as_deposit": "Deposit refund: {ratio}% ({amount} CNY)",
    "as_note": "! {text}",
    "as_warning_triggered": "⛔ {label} ({periods})",
    "as_warning_at_risk": "⚠️ At risk: {label} ({periods})",
    "as_disputes": "Open disputes (the score is provisional; changes will show as adjustments):",
    "as_dispute": "• Dispute #{dispute}: report #{entry} {item}{staff}, {when}",
    "as_changed": "🔁 Closed period {period} was sent as {sent}, now stands at {now} (late "
    "reports or dispute decisions).",
    "as_closed_now": "The period is now closed: late reports need a manager's approval and show "
    "as adjustments; the figures sent stay as sent.",
    "as_closed_before": "This period was closed on {closed}; it was sent as {sent}.",
    "as_attached": "Attached: the official table (.xlsx) and the score chart.",
    "as_table_caption": "{contract} {period} table",
    "as_chart_caption": "{contract} {period}: score by day and the last {count} periods",
    # -- reminders ---------------------------------------------------------------------------
    "reminder_text": "📝 Reminder: you have recorded nothing today ({day}) on {contracts}. If all "
    "was in order there is nothing to do; otherwise send /report.",
    # -- late reports --------------------------------------------------------------------------
    "late_held": "The assessment period {period} is closed: this report went to the managers for "
    "approval (request #{request}). If approved it is recorded and shown as an adjustment; "
    "you will be told.",
    "late_request": "🕒 Late report #{request} for approval\n"
    "Period {period} of contract {contract} is closed (sent as {sent}).\n"
    "Inspector {inspector} reports: {what}\n🕒 {when}\n💰 {cost}{extra}\n"
    "If approved it is recorded and listed as an adjustment in the next digest; the figures "
    "sent stay as sent.",
    "late_photos": "\n📷 {count} photo(s)",
    "late_note": "\n📝 {note}",
    "late_approve": "✅ Approve",
    "late_reject": "✖️ Reject",
    "late_approved_by": "✅ Approved by {name}, recorded as #{entry}. {period} was sent as "
    "{sent}, now {now}.",
    "late_rejected_by": "✖️ Rejected by {name}; nothing recorded.",
    "late_already": "Late report #{request} was already decided by {name}: {status}.",
    "late_status_approved": "approved",
    "late_status_rejected": "rejected",
    "late_unknown": "There is no late report #{request}.",
    "late_told_approved": "✅ Your late report #{request} for {period} ({what}) was approved by "
    "{name} and recorded as #{entry}.",
    "late_told_rejected": "✖️ Your late report #{request} for {period} ({what}) was rejected by "
    "{name}; nothing was recorded.",
    "forbidden_approve_late": "Only managers can decide late reports{where}.",
    # -- /digest --------------------------------------------------------------------------------
    "forbidden_digest": "Digests and assessments are for managers{where}.",
    "dg_choose": "Which contract?",
    "dg_bad_period": "I cannot read the period {text!s}. Write e.g. {example}, or today for the "
    "day's digest.",
    "dg_not_yours": "You do not manage contract {contract}. Yours: {contracts}",
    # -- /subscribe, /unsubscribe ----------------------------------------------------------------
    "sub_header": "Your digests (tap to switch):",
    "sub_line": "{contract}: daily digest {daily}, period assessment {period}",
    "sub_on": "on",
    "sub_off": "off",
    "sub_button_daily": "{contract} daily: {mark}",
    "sub_button_period": "{contract} period: {mark}",
    "sub_done": "Updated. {line}",
    "sub_usage": "Usage: /subscribe [CONTRACT] [daily|period|both]; /unsubscribe [CONTRACT] "
    "[daily|period|both]",
    # -- /schedule -------------------------------------------------------------------------------
    "forbidden_schedule": "Only managers can change digest times{where}.",
    "sch_show": "Digest times of {contract} ({zone}):\nDaily digest: {daily}\n"
    "Period assessment: {period}\nInspector reminder: {reminder}\nNext:\n{next}",
    "sch_assessment": "day {day} of the month after the period, {time}",
    "sch_reminder": "{time} ({days})",
    "sch_off": "off",
    "sch_days_daily": "every day",
    "sch_days_weekdays": "weekdays",
    "sch_next": "• {kind}: {when}",
    "sch_none": "• none",
    "kind_daily": "daily digest",
    "kind_period": "period assessment",
    "kind_reminder": "inspector reminder",
    "sch_set": "Updated.",
    "sch_bad": "Cannot set {setting} = {value}: write {expected}.",
    "sch_usage": "Usage: /schedule [CONTRACT] SETTING…\n"
    "Settings: daily 18:00 | assessment 24 09:00 | reminder 16:00 | days weekdays; off turns "
    "one off, e.g. /schedule reminder off",
    # -- menus and help --------------------------------------------------------------------------
    "cmd_digest": "Assessment with table and chart",
    "cmd_subscribe": "Subscribe to digests",
    "cmd_unsubscribe": "Unsubscribe from digests",
    "cmd_schedule": "Digest times",
    "help_digest": "Digests:\n/digest [CONTRACT] [PERIOD|today] — the assessment with the "
    "official table and a chart, e.g. /digest 2026-07\n"
    "/subscribe, /unsubscribe [CONTRACT] [daily|period|both]\n"
    "/schedule [CONTRACT] — see or change the times, e.g. /schedule daily 18:30",
    # == the database unreachable ==============================================================
    "db_unavailable": "⚠️ Cannot record right now: the database is unreachable, so nothing was "
    "recorded. Please send it again in a few minutes.",
    # -- floorbot rulebooks show: what a rulebook's rules say ---------------------------------
    "rulebook_term": "  term: {term}; records outside it are not scored, and the report says how "
    "many it left out and why",
    "rulebook_range": "  period: {unit}; a range YYYY-MM..YYYY-MM is assessed period by period "
    "(caps, floors and money per period), then combined: {rule}",
    "rulebook_measured": "  measured every period (missing ones are listed and the assessment is "
    "not complete until they are entered; enter 0 where there was none):",
    "rulebook_expected": "at least one record every period",
    "rulebook_turnover": "each month: {items}",
    "rulebook_rating": "at least one vote every period",
    "rulebook_warnings": "  warnings and breaches:",
    "rulebook_breach": "one record of {items}{test}",
    "rulebook_claim": "; the client may claim {amount}",
    "rulebook_below": "{count} {mode} {unit}s below {below}",
    "rulebook_each_day": "each day",
    "rulebook_each_month": "each month",
    "rulebook_each_quarter": "each quarter",
    "rulebook_each_half_year": "each half-year",
    "rulebook_each_year": "each year",
    "rulebook_word_month": "month",
    "rulebook_word_quarter": "quarter",
    "rulebook_word_consecutive": "consecutive",
    "rulebook_word_cumulative": "cumulative",
    "rulebook_word_period": "period",
    "rulebook_word_quantity": "quantity",
    "rulebook_word_value": "value",
    # == the Mini App's pages (bot/webapp/static/app.js): every string it shows =================
    "app_title": "Assessment table",
    "app_lang_other": "中文",
    "app_loading": "Loading…",
    "app_no_contract": "You have no contract to look at yet.",
    "app_back": "Back",
    "app_tab_assessment": "Assessment",
    "app_tab_trend": "Trend",
    "app_tab_deductions": "Deductions",
    "app_role_inspector": "inspector",
    "app_role_manager": "manager",
    "app_role_vendor_lead": "vendor lead",
    "app_role_admin": "administrator",
    "app_period_choice": "Period {period}",
    "app_period": "Period",
    "app_money": "{amount} CNY",
    # -- the assessment ------------------------------------------------------------------------
    "app_score": "Score",
    "app_score_none": "No score yet: data is missing (see the notes below).",
    "app_provisional": "Provisional (period still open)",
    "app_final": "Final",
    "app_not_final": "Period over, not sent yet",
    "app_closed": "Sent on {closed}: the period is closed",
    "app_open_disputes": "Open disputes: {count} ›",
    "app_deducted": "Points deducted",
    "app_added": "Points added",
    "app_fee": "Fee deduction",
    "app_fee_parts": "of which {score_part} by the score, {items} by items",
    "app_payout": "Payout ratio",
    "app_pool_year": "Year {year}: mean score {average}, payout {ratio}%",
    "app_deposit": "Deposit refund",
    "app_lacking": "provisional: no score for {periods}",
    "app_grade": "Grade",
    "app_components": "Components",
    "app_no_data": "no data",
    "app_warnings": "Warnings",
    "app_triggered": "triggered",
    "app_at_risk": "at risk",
    "app_claim": "the client may claim {amount}",
    "app_notes": "Notes",
    "app_sheet": "The table",
    "app_col_item": "Item",
    "app_col_quantity": "Count",
    "app_col_points": "Points",
    "app_cap": "at most {cap} points",
    "app_capped": "capped; {raw} before the cap",
    "app_records": "records: {count}",
    "app_misses": "missed: {misses}",
    "app_only_counted": "Only lines with records",
    "app_no_lines": "Nothing recorded in this period.",
    # -- the trend -----------------------------------------------------------------------------
    "app_trend_title": "Score trend",
    "app_chart_alt": "Chart of the scores by period",
    "app_trend_lines": "Warning and money lines: {lines}",
    "app_trend_periods": "Score by period",
    "app_trend_days": "{period} by day (running score)",
    "app_trend_days_count": "Days: {count} (tap to show)",
    # -- the deductions ------------------------------------------------------------------------
    "app_filter_item": "Item",
    "app_filter_status": "Status",
    "app_filter_staff": "Staff",
    "app_filter_inspector": "Inspector",
    "app_filter_any": "{filter}: all",
    "app_state_recorded": "recorded",
    "app_state_disputed": "disputed",
    "app_state_upheld": "upheld",
    "app_state_withdrawn": "withdrawn",
    "app_state_adjusted": "adjusted",
    "app_state_voided": "void",
    "app_findings_count": "Findings: {count}",
    "app_no_findings": "No deductions match.",
    "app_by": "by",
    "app_photos": "photos: {count}",
    "app_dispute_open": "dispute open",
    "app_dispute_upheld": "dispute upheld",
    "app_dispute_withdrawn": "deduction withdrawn",
    "app_dispute_adjusted": "reduced",
    # -- one finding ---------------------------------------------------------------------------
    "app_finding": "Finding #{id}",
    "app_clause": "Clause",
    "app_occurred": "When",
    "app_staff": "Staff",
    "app_inspector": "Inspector",
    "app_figure": "Recorded",
    "app_value": "value",
    "app_quantity": "quantity",
    "app_recorded": "First recorded",
    "app_cost": "Deduction",
    "app_note": "Note",
    "app_window_open": "Disputes are open until {day} 24:00",
    "app_window_closed": "The dispute window closed on {day} 24:00",
    "app_evidence": "Evidence",
    "app_no_evidence": "No photos.",
    "app_trail": "Audit trail",
    "app_dispute": "Dispute #{id}",
    "app_dispute_state": "Status",
    "app_dispute_opened": "opened by {who} on {at}",
    "app_dispute_decided": "decided by {who} on {at}",
    "app_dispute_form": "Dispute this deduction",
    "app_reason": "Reason",
    "app_reason_hint": "e.g. the clock-in record shows 8:25",
    "app_photo_optional": "Photo (optional)",
    "app_dispute_submit": "Submit the dispute",
    "app_decide": "Decide the dispute",
    "app_uphold": "Uphold",
    "app_withdraw": "Withdraw",
    "app_reduce": "Reduce",
    "app_figure_quantity": "New quantity (now {current})",
    "app_figure_value": "New value (now {current})",
    "app_decision_submit": "Submit the decision",
    "app_sending": "Sending…",
}
