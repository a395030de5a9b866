"""The contract's official assessment table, filled in, as an .xlsx workbook (in Chinese)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from scoring.assessment import Assessment, Line
from scoring.ranges import RangeAssessment
from scoring.rulebook import Item, ItemKind, Rulebook, Section, walk_sections

UNIT_ZH = {
    "person": "每人次",
    "ticket": "每单",
    "time": "每次",
    "case": "每件",
    "item": "每项",
    "location": "每处",
    "shift": "每班次",
    "vote": "每票",
    "report": "每份",
    "point": "按认定分值",
}
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


def _put(ws: Worksheet, row: int, col: int, value: object, bold: bool = False) -> None:
    """Write one cell; text is always stored as text, so '=cmd' never becomes a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            cell.value = int(value)
        else:
            cell.value = float(value)
            cell.number_format = "0.0####"
    elif value is None:
        cell.value = None
    else:
        cell.value = str(value)
        cell.data_type = "s"
    cell.border = BOX
    cell.alignment = WRAP
    if bold:
        cell.font = Font(bold=True)


def _rule_text(item: Item) -> str:
    unit = UNIT_ZH.get(item.unit.value, "每次")
    verb = "加" if item.kind is ItemKind.BONUS else "扣"
    if item.tiers:
        parts = [
            f"{t.label.zh if t.label else t.describe()}：{verb}{t.points}分"
            for t in item.tiers
            if t.points is not None
        ]
        return f"{unit}；" + "；".join(parts)
    if item.kind is ItemKind.FEE:
        return f"{unit}扣款{item.amount}元"
    return f"{unit}{verb}{item.points}分"


def _header(ws: Worksheet, book: Rulebook, a: Assessment, width: int) -> int:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    title = ws.cell(row=1, column=1, value=f"{book.title.zh} 考核表（{a.period.label}）")
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=1, value=f"被考核单位：{book.contract.vendor.zh}")
    ws.cell(row=3, column=1, value=f"考核单位：{book.contract.client.zh}")
    last = a.period.end - dt.timedelta(days=1)
    ws.cell(row=4, column=1, value=f"考核期间：{a.period.start:%Y年%m月%d日}至{last:%Y年%m月%d日}")
    state = "暂定（考核期未结束）" if a.provisional else "终定"
    ws.cell(row=5, column=1, value=f"结果状态：{state}")
    return 7


def _section_rows(book: Rulebook, a: Assessment) -> list[tuple[Section | None, Item, Line]]:
    lines = {ln.code: ln for ln in a.lines}
    order: list[tuple[Section | None, Item, Line]] = []
    sections = [s for card in book.cards for s in walk_sections(card.sections)]
    for section in sections:
        for item in book.items:
            if item.section == section.code and item.code in lines:
                order.append((section, item, lines[item.code]))
    return order


def _card_table(ws: Worksheet, book: Rulebook, a: Assessment, row: int) -> int:
    heads = [
        "服务内容",
        "考核细则",
        "分值",
        "评分细则",
        "次数/数量",
        "扣分",
        "加分",
        "条款",
        "封顶前分值",
    ]
    for col, text in enumerate(heads, 1):
        _put(ws, row, col, text, bold=True)
    row += 1
    results = {s.code: s for s in a.sections}
    current = None
    for section, item, line in _section_rows(book, a):
        if section is not None and section.code != current:
            current = section.code
            res = results.get(section.code)
            indent = "　" * (res.depth if res else 0)
            _put(ws, row, 1, f"{indent}{section.label.zh}", bold=True)
            _put(ws, row, 3, section.cap)
            if res is not None:
                _put(ws, row, 6, res.deducted)
                _put(ws, row, 7, res.added)
                _put(ws, row, 8, "已封顶" if res.capped else section.clause or "")
                if res.capped:
                    _put(
                        ws,
                        row,
                        9,
                        res.deducted_raw if res.deducted_raw > res.deducted else res.added_raw,
                    )
            row += 1
        bonus = item.kind is ItemKind.BONUS
        _put(ws, row, 2, item.label.zh)
        _put(ws, row, 3, item.cap)
        _put(ws, row, 4, _rule_text(item))
        _put(ws, row, 5, line.quantity if line.count else None)
        _put(ws, row, 6, None if bonus or not line.count else line.points)
        _put(ws, row, 7, line.points if bonus and line.count else None)
        _put(ws, row, 8, item.clause + ("（封顶）" if line.capped else ""))
        _put(ws, row, 9, line.raw_points if line.capped else None)
        row += 1
    return row + 1


def _component_table(ws: Worksheet, a: Assessment, row: int) -> int:
    for col, text in enumerate(["考核项", "权重", "得分", "说明", "扣分", "加分"], 1):
        _put(ws, row, col, text, bold=True)
    row += 1
    for c in a.components:
        _put(ws, row, 1, c.label.zh)
        _put(ws, row, 2, f"{c.weight * 100:.0f}%")
        _put(ws, row, 3, c.score.quantize(Decimal("0.01")) if c.score is not None else "无数据")
        _put(ws, row, 4, "；".join(f"{k}: {v}" for k, v in c.detail.items()))
        _put(ws, row, 5, c.points_deducted)
        _put(ws, row, 6, c.points_added)
        row += 1
    return row + 1


def _kpi_table(ws: Worksheet, book: Rulebook, a: Assessment, row: int) -> int:
    heads = ["指标项", "指标值", "周期", "记录数", "未达标次数", "扣款（元）", "条款"]
    for col, text in enumerate(heads, 1):
        _put(ws, row, col, text, bold=True)
    row += 1
    period_zh = {
        "day": "每日",
        "month": "月度",
        "quarter": "季度",
        "half_year": "半年",
        "year": "年度",
    }
    for line in a.lines:
        item = book.item(line.code)
        if item.kind not in (ItemKind.KPI, ItemKind.FEE):
            continue
        _put(ws, row, 1, item.label.zh)
        _put(ws, row, 2, item.kpi.target.describe() if item.kpi else "")
        _put(ws, row, 3, period_zh.get(item.kpi.period.value, "") if item.kpi else "")
        _put(ws, row, 4, line.count)
        _put(ws, row, 5, line.misses if item.kpi else None)
        _put(ws, row, 6, line.amount if line.amount is not None else "合同未定金额")
        _put(ws, row, 7, item.clause)
        row += 1
    return row + 1


def _totals(ws: Worksheet, a: Assessment, row: int) -> int:
    m = a.money
    rows: list[tuple[str, object]] = []
    if a.score is not None:
        rows.append(("考核得分", a.score))
        rows.append(("合计扣分", a.points_deducted))
        rows.append(("合计加分", a.points_added))
    elif a.max_score is not None:
        rows.append(("考核得分", "数据不全，暂无法计算"))
    if a.grade is not None:
        rows.append(("等次", a.grade.zh))
    if m.fee_deduction is not None:
        rows.append(("扣减服务费（元）", m.fee_deduction))
    if m.payout_ratio is not None:
        rows.append(("绩效考核金额支付比例", f"{m.payout_ratio * 100:.0f}%"))
    if m.pool_year_ratio is not None:
        rows.append((f"{m.pool_year}月平均分", m.pool_year_average))
        rows.append((f"{m.pool_year}绩效考核金额支付比例", f"{m.pool_year_ratio * 100:.0f}%"))
        if m.pool_year_lacking:
            rows.append(("说明", f"暂定：缺 {'、'.join(m.pool_year_lacking)} 的得分"))
    if m.deposit_refund_ratio is not None:
        rows.append(("履约保证金退还比例", f"{m.deposit_refund_ratio * 100:.0f}%"))
        if m.deposit_lacking:
            rows.append(("说明", f"暂定：缺 {'、'.join(m.deposit_lacking)} 的得分"))
    for w in a.warnings:
        state = "已触发" if w.level == "triggered" else "临界"
        claim = ""
        if w.amount is not None:
            top = f"—{w.amount_max}" if w.amount_max is not None else ""
            claim = f"，可主张违约金{w.amount}{top}元"
        elif w.amount_note is not None:
            claim = f"，可主张违约金：{w.amount_note.zh}"
        rows.append(("预警", f"{w.label.zh}（{state}，{w.clause}{claim}）"))
    for note in (*m.notes, *a.missing, *(x.label for x in a.excluded)):
        rows.append(("说明", note.zh))
    for label, value in rows:
        _put(ws, row, 1, label, bold=True)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    for sign in ("批准：", "审核：", "考核人：", "被考核单位确认："):
        ws.cell(row=row, column=1, value=sign)
        row += 1
    return row


def assessment_xlsx(a: Assessment, book: Rulebook) -> bytes:
    """The filled-in official table as .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _sheet(ws, a, book)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def range_xlsx(r: RangeAssessment, book: Rulebook) -> bytes:
    """A range: a summary sheet (each period, the sum, the mean, the rule), then each period's
    official table on a sheet of its own."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws.cell(row=1, column=1, value=f"{book.title.zh} 考核汇总（{r.period.label}）").font = Font(
        bold=True, size=14
    )
    row = 3
    for col, text in enumerate(["考核期", "得分", "扣减服务费（元）", "状态"], 1):
        _put(ws, row, col, text, bold=True)
    for a in r.parts:
        row += 1
        _put(ws, row, 1, a.period.label)
        _put(ws, row, 2, a.score if a.score is not None else "数据不全")
        _put(ws, row, 3, a.money.fee_deduction)
        _put(ws, row, 4, "暂定" if a.provisional else ("数据不全" if not a.complete else "终定"))
    row += 2
    totals: list[tuple[str, object]] = [
        ("各期平均分", r.score_mean),
        ("各期扣减服务费合计（元）", r.fee_deduction_sum),
        (
            "平均分对应的支付比例",
            None if r.payout_ratio_of_mean is None else f"{r.payout_ratio_of_mean * 100:.0f}%",
        ),
        ("合并规则", r.rule.zh + (f"（{r.rule_clause}）" if r.rule_clause else "")),
    ]
    totals += [("说明", x.label.zh) for x in r.excluded]
    for label, value in totals:
        if value is None:
            continue
        _put(ws, row, 1, label, bold=True)
        _put(ws, row, 2, value)
        row += 1
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60
    for a in r.parts:
        _sheet(wb.create_sheet(), a, book)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet(ws: Worksheet, a: Assessment, book: Rulebook) -> None:
    ws.title = f"考核表 {a.period.label}"[:31]
    row = _header(ws, book, a, width=9)
    if len(book.components) > 1 or any(c.type != "card" for c in book.components):
        row = _component_table(ws, a, row)
    if book.cards:
        row = _card_table(ws, book, a, row)
    if any(i.kind in (ItemKind.KPI, ItemKind.FEE) for i in book.items):
        row = _kpi_table(ws, book, a, row)
    _totals(ws, a, row)
    for col, width in zip("ABCDEFGHI", (22, 48, 8, 30, 10, 10, 10, 26, 10), strict=True):
        ws.column_dimensions[col].width = width
