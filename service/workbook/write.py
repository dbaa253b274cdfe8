"""Case data → workbook bytes: blank (to fill in) or filled from a case; the same case gives the same bytes."""

from __future__ import annotations

import io
import math
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from service.workbook.layout import (
    CHOICE, CLOCK, DATE, LINES, MARKDOWN, NUMBER, REQUIRED_MARK, SEQUENCE_TITLE, TEXT, WHOLE, YES, YESNO, NO,
    Column, Layout, Sheet, case_layout,
)
from service.errors import WenpingError
from service.workbook.limits import MAX_ROWS
from service.workbook.names import GUIDE_SHEET, KV_HEADERS

AUTHOR = "稳评"
FIXED_TIME = datetime(2026, 1, 1)  # workbook properties and zip entries: the same case gives the same bytes

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: a header
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")  # light orange: a required field (with ＊)
KEY_FILL = PatternFill("solid", fgColor="E2EFDA")  # light green: a key other sheets refer to, or a reference (＊ if required)
THIN = Side(style="thin", color="BFBFBF")
HEADER_BORDER = Border(bottom=Side(style="medium", color="808080"), right=THIN)
TOP = Alignment(vertical="top")
CENTRED = Alignment(horizontal="center", vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)
LEFT_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"  # typed text stays text: a phone number or 09:00 is not turned into a number or a time
WIDTH = {MARKDOWN: 50, LINES: 34, TEXT: 18, DATE: 13, CLOCK: 10, WHOLE: 11, NUMBER: 11, YESNO: 10, CHOICE: 12}
MAX_TEXT_WIDTH = 40
HEADER_MAX_WIDTH = 14  # a header wider than this wraps
CODE_WIDTH = 10  # an id (R1, P01) or a reference to one: short codes, the header sets the width


class WorkbookWriteError(WenpingError):
    """A case holds something a workbook cell cannot show as typed (a list item with a line break)."""

    code = "unfit-for-workbook"
    status = 422
    title = "案卷无法写成表格"
    exit_code = 1


def display_width(text: str) -> int:
    """Columns a text takes on screen: a Chinese character (or full-width sign) two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass
class Row:
    """One row of a sheet: its item (None on an empty key/value sheet), the key it refers to, its key."""

    item: Optional[dict]
    reference: Any = None
    key: Any = None


def get_in(data: Optional[dict], path: tuple[str, ...]) -> Any:
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def sheet_rows(layout: Layout, data: Optional[dict]) -> dict[str, list[Row]]:
    """Every sheet's rows for a case's data (JSON form), the rows of a sheet in the case's order."""
    rows: dict[str, list[Row]] = {}
    for sheet in layout.sheets:
        if sheet.parent is None:
            owners = [Row(data if data is not None else None)]
        else:
            owners = rows[sheet.parent.name]
        if sheet.form == "kv":
            rows[sheet.name] = [Row(get_in(o.item, sheet.path) if sheet.path else o.item) for o in owners]
            continue
        found: list[Row] = []
        for owner in owners:
            value = get_in(owner.item, sheet.path)
            if sheet.form == "entries":
                items = [{"key": k, "value": v} for k, v in (value or {}).items()]
            else:
                items = list(value or [])
            for item in items:
                key = (item.get("id") if sheet.id_column else len(found) + 1) if sheet.keyed else None
                found.append(Row(item, owner.key, key))
        rows[sheet.name] = found
    return rows


# ------------------------------------------------------------------ cells


def lines_cell(column: Column, items: list) -> str:
    """A list of texts as one cell, one item per line: an item may hold no line break and not be blank."""
    for number, item in enumerate(items, 1):
        text = str(item)
        if "\n" in text or "\r" in text or not text.strip():
            what = "含换行" if text.strip() else "是空白"
            raise WorkbookWriteError(
                f"「{column.title}」第 {number} 项{what}：表格中这一格每行是一项，无法照原样写入；"
                "请把这一项拆开、去掉换行或删除空白项后再转换"
            )
    return "\n".join(str(v) for v in items)


def cell_value(column: Column, value: Any) -> Any:
    """A case value (JSON form) as the cell holds it."""
    if value is None:
        return None
    if column.kind == DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if column.kind == YESNO and isinstance(value, bool):
        return YES if value else NO
    if column.kind == LINES and isinstance(value, list):
        return lines_cell(column, value) if value else None
    return value


def put(cell: Cell, value: Any) -> None:
    """Set a value; text is text even when it starts with = (never a formula)."""
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"


def style_value(cell: Cell, kind: str) -> None:
    if kind == DATE:
        cell.number_format = DATE_FORMAT
    elif kind in (TEXT, CLOCK, MARKDOWN, LINES, CHOICE):
        cell.number_format = TEXT_FORMAT
    # A grade word is centred: beside a right-aligned number (权重 0.35 | 较高) it would read as one value.
    cell.alignment = WRAP if kind in (MARKDOWN, LINES, TEXT) else CENTRED if kind in (CHOICE, YESNO) else TOP


@dataclass(frozen=True)
class Listed:
    """Where the ids a reference column may hold are listed: a column of a sheet of rows (人员!A2:A1201)."""

    sheet: str
    title: str  # the key column's header, e.g. 人员编号
    letter: str
    rows: int
    name_offset: Optional[int] = None  # where the listed item's name is, counted from the key column (1)
    name_letter: Optional[str] = None

    @property
    def range(self) -> str:
        return f"'{self.sheet}'!${self.letter}$2:${self.letter}${self.rows + 1}"

    def name_formula(self, ref: str) -> str:
        """The name of the item whose id cell ``ref`` holds, looked up by the spreadsheet program."""
        table = f"'{self.sheet}'!${self.letter}$2:${self.name_letter}${self.rows + 1}"
        missing = f"（{self.sheet}表中未登记）"
        return f'=IF({ref}="","",IFERROR(VLOOKUP({ref},{table},{self.name_offset},FALSE),"{missing}"))'


def listed_ids(column: Column) -> Optional[Listed]:
    """The key column of the sheet a reference column refers to (人员编号 of 人员), None for other columns."""
    target = case_layout().list_sheet(column.refers_to) if column.refers_to else None
    if target is None or target.id_column is None:
        return None
    headers = [h.column for h in table_headers(target)]
    position = headers.index(target.id_column) + 1
    names = [n for n, c in enumerate(headers, 1) if c is not None and c.path == ("name",) and n > position]
    return Listed(
        target.name, target.id_column.title, get_column_letter(position), target.max_items or MAX_ROWS,
        names[0] - position + 1 if names else None, get_column_letter(names[0]) if names else None,
    )


SHOWN_NAME = "姓名（自动）"  # the header of a column showing the name of the person a reference names
SHOWN_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: shown by the program, not typed
SHOWN_FONT = Font(color="595959")
SHOWN_SPARE_ROWS = 10  # empty rows below a table whose name column already holds its formula


def shows_name(column: Column) -> Optional[Listed]:
    """Where the name of a single reference (组长 P02 → 王建国) is looked up; None for other columns."""
    listed = listed_ids(column)
    return listed if listed is not None and listed.name_letter and column.kind == TEXT else None


def shown_title(column: Column) -> str:
    return column.title + "姓名\n（自动）"


def shown_note(listed: Listed) -> str:
    return f"按左边的{listed.title}自动显示「{listed.sheet}」表中此人的姓名，不用填写；读入时不读这一列。"


def style_shown(cell: Cell) -> None:
    """Grey text, no fill: the empty rows below a table print (and look) blank."""
    cell.font = SHOWN_FONT
    cell.alignment = TOP


def reference_hint(column: Column, listed: Listed) -> str:
    text = f"填「{listed.sheet}」表中的{listed.title}，可从下拉列表中选取；先在「{listed.sheet}」表登记，每人只登记一次。"
    if column.kind == LINES:
        text += "多项时每行一个编号（Excel、WPS 按 Alt+Enter 换行，LibreOffice 按 Ctrl+Enter）。"
    return text


def hint(column: Column) -> str:
    """What the header's comment (and a key/value sheet's 说明) says: the description and what may be typed."""
    parts = [column.description.strip()] if column.description.strip() else []
    listed = listed_ids(column)
    if listed is not None:
        parts.append(reference_hint(column, listed))
    elif column.const is not None:
        parts.append(f"固定为 {column.const}，不要改动。")
    elif column.kind == CHOICE:
        parts.append("从下拉列表中选取：" + "、".join(column.choices) + "。")
    elif column.kind == YESNO:
        parts.append(f"从下拉列表中选取：{YES} 或 {NO}。")
    elif column.kind == DATE:
        parts.append("日期，如 2026-04-10。")
    elif column.kind == CLOCK:
        parts.append("时刻，24 小时制，如 09:00。")
    elif column.kind == WHOLE:
        parts.append("整数，不加单位。")
    elif column.kind == NUMBER:
        parts.append("数字，不加单位。")
    elif column.kind == LINES:
        parts.append("可填多项，每项一行（Excel、WPS 按 Alt+Enter 换行，LibreOffice 按 Ctrl+Enter）。")
    elif column.kind == MARKDOWN and "Markdown" not in column.description:
        parts.append("可分段：空行分段，以「- 」或「1. 」开头的行为列表，**加粗**。")
    if column.required:
        parts.append("必填。")
    return "\n".join(parts)


def comment(text: str) -> Comment:
    note = Comment(text, AUTHOR)
    note.width, note.height = 320, 40 + 18 * (display_width(text) // 40 + text.count("\n") + 1)
    return note


def validation_for(column: Column) -> Optional[DataValidation]:
    """A dropdown for an enumeration, yes/no or a reference (the ids listed on another sheet); a
    whole-number check for counts. A cell holding several ids (one per line) keeps its dropdown for
    picking but is not refused: a list check would refuse every cell of more than one line."""
    listed = listed_ids(column)
    if listed is not None:
        check = DataValidation(type="list", formula1=listed.range, allow_blank=True)
        check.error = f"「{column.title}」应为「{listed.sheet}」表中已登记的编号"
        check.errorTitle = "取值无效"
        check.showErrorMessage = column.kind != LINES
        return check
    if column.kind in (CHOICE, YESNO):
        choices = column.choices if column.kind == CHOICE else (YES, NO)
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        check.error = f"「{column.title}」应为：" + "、".join(choices)
    elif column.kind == WHOLE:
        check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        check.error = f"「{column.title}」应为不小于 0 的整数"
    else:
        return None
    check.errorTitle = "取值无效"
    check.showErrorMessage = True
    return check


def header_cell(cell: Cell, text: str, required: bool, note: str = "", key: bool = False) -> None:
    cell.value = text
    cell.font = HEADER_FONT
    cell.fill = KEY_FILL if key else REQUIRED_FILL if required else HEADER_FILL
    cell.border = HEADER_BORDER
    cell.alignment = HEADER_ALIGN
    if note:
        cell.comment = comment(note)


# ------------------------------------------------------------------ sheets


def write_kv(ws: Worksheet, sheet: Sheet, row: Row) -> None:
    """项目 | 内容 | 说明; a sheet naming people by id shows their names beside the ids: 项目 | 内容 | 姓名（自动） | 说明."""
    named = [shows_name(c) for c in sheet.columns if shows_name(c)]
    note_at = 4 if named else 3
    for number, title in zip((1, 2, note_at), KV_HEADERS):
        header_cell(ws.cell(1, number), title, False)
    if named:
        header_cell(ws.cell(1, 3), SHOWN_NAME, False, shown_note(named[0]))
        ws.cell(1, 3).fill = SHOWN_FILL
    for number, column in enumerate(sheet.columns, 2):
        label = ws.cell(number, 1)
        label.value = column.header
        label.font = HEADER_FONT
        label.alignment = TOP
        if column.required:
            label.fill = REQUIRED_FILL
        label.comment = comment(hint(column))
        value = ws.cell(number, 2)
        put(value, cell_value(column, get_in(row.item, column.path)) if row.item is not None else column.const)
        style_value(value, column.kind)
        value.alignment = LEFT_WRAP
        note = ws.cell(number, note_at)
        note.value = hint(column)
        note.alignment = WRAP
        check = validation_for(column)
        if check is not None:
            ws.add_data_validation(check)
            check.add(value.coordinate)
        listed = shows_name(column)
        if listed is not None:
            shown = ws.cell(number, 3)
            shown.value = listed.name_formula(value.coordinate)
            style_shown(shown)
    labels = [display_width(c.header) for c in sheet.columns] or [8]
    ws.column_dimensions["A"].width = min(max(labels) + 3, MAX_TEXT_WIDTH)
    ws.column_dimensions["B"].width = 60
    if named:
        ws.column_dimensions["C"].width = 14
    ws.column_dimensions[get_column_letter(note_at)].width = 50
    ws.freeze_panes = "B2"


@dataclass(frozen=True)
class _Header:
    title: str
    kind: str
    column: Optional[Column] = None  # None: the sheet's 序号 or the reference to the parent row
    key: bool = False
    shows: Optional[Column] = None  # a column showing the name its reference column names (not read)


def table_headers(sheet: Sheet) -> list[_Header]:
    headers = []
    if sheet.reference_title:
        headers.append(_Header(sheet.reference_title + REQUIRED_MARK, TEXT, key=True))
    if sheet.keyed and sheet.id_column is None:
        headers.append(_Header(SEQUENCE_TITLE, WHOLE, key=True))
    for c in sheet.columns:
        headers.append(_Header(c.header, c.kind, c, key=c is sheet.id_column))
        if shows_name(c) is not None:
            headers.append(_Header(shown_title(c), TEXT, shows=c))
    return headers


def reference_note(sheet: Sheet) -> str:
    parent = sheet.parent
    return f"这一行属于「{parent.name}」表中{parent.key_title}为此值的一行。必填。"


def sequence_note(sheet: Sheet) -> str:
    users = "、".join(f"「{c.name}」" for c in sheet.children)
    return f"本行的序号（1、2、3……），{users}表用它指明属于哪一行。"


def write_table(ws: Worksheet, sheet: Sheet, rows: list[Row]) -> None:
    headers = table_headers(sheet)
    for number, head in enumerate(headers, 1):
        if head.shows is not None:
            header_cell(ws.cell(1, number), head.title, False, shown_note(shows_name(head.shows)))
            ws.cell(1, number).fill = SHOWN_FILL
            continue
        if head.column is not None:
            note = hint(head.column)
            if head.key and sheet.children:
                note += "\n" + sequence_note(sheet).replace("序号", head.column.title, 1)
        elif head.title.startswith(SEQUENCE_TITLE):
            note = sequence_note(sheet)
        else:
            note = reference_note(sheet)
        required = head.column.required if head.column else head.title.endswith(REQUIRED_MARK)
        header_cell(ws.cell(1, number), head.title, required, note, head.key)
        letter = get_column_letter(number)
        if head.column is not None:
            check = validation_for(head.column)
            if check is not None:
                ws.add_data_validation(check)
                check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        if head.kind in (TEXT, CLOCK, MARKDOWN, LINES, CHOICE):
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
        elif head.kind == DATE:
            ws.column_dimensions[letter].number_format = DATE_FORMAT
    for number, row in enumerate(rows, 2):
        values = []
        if sheet.reference_title:
            values.append((row.reference, TEXT))
        if sheet.keyed and sheet.id_column is None:
            values.append((row.key, WHOLE))
        values += [(cell_value(c, get_in(row.item, c.path)), c.kind) for c in sheet.columns]
        typed = iter(values)
        for col, head in enumerate(headers, 1):
            if head.shows is None:
                value, kind = next(typed)
                cell = ws.cell(number, col)
                put(cell, value)
                style_value(cell, kind)
    write_shown_names(ws, headers, len(rows))
    widths = [column_width(head, rows, sheet) for head in headers]
    for number, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(number)].width = width
    header_lines = max(lines_needed(h.title, w) for h, w in zip(headers, widths))
    if header_lines > 1:  # spreadsheet programs do not size the header row they open
        ws.row_dimensions[1].height = header_lines * LINE_HEIGHT + 4
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}1"


def write_shown_names(ws: Worksheet, headers: list[_Header], rows: int) -> None:
    """The name formulas of the rows written and of some empty rows below, for the clerk to fill."""
    letters = {id(h.column): get_column_letter(n) for n, h in enumerate(headers, 1) if h.column is not None}
    for col, head in enumerate(headers, 1):
        if head.shows is None:
            continue
        listed = shows_name(head.shows)
        for number in range(2, rows + SHOWN_SPARE_ROWS + 2):
            cell = ws.cell(number, col)
            cell.value = listed.name_formula(f"{letters[id(head.shows)]}{number}")
            style_shown(cell)


def column_width(head: _Header, rows: list[Row], sheet: Sheet) -> float:
    """Wide enough for the header (its ＊ and a dropdown arrow) and for typical content, within bounds."""
    if head.shows is not None:  # a name, under a header of two lines
        return max(CODE_WIDTH, max(display_width(line) for line in head.title.split("\n")) + 2)
    short_code = head.key or head.shows is not None or (head.column is not None and head.column.refers_to is not None and head.kind == TEXT)
    # A long header (落实措施后发生概率) wraps onto a second line rather than widening its column.
    width = max(min(display_width(head.title) + 4, HEADER_MAX_WIDTH), CODE_WIDTH if short_code else WIDTH.get(head.kind, 14))
    if head.column is not None and head.kind == CHOICE:
        width = max(width, max(display_width(c) for c in head.column.choices) + 4)
    if head.column is not None and head.kind == TEXT and rows:
        longest = max(display_width(str(get_in(r.item, head.column.path) or "")) for r in rows)
        width = max(width, min(longest + 2, MAX_TEXT_WIDTH))
    return width


def write_guide(ws: Worksheet, layout: Layout) -> None:
    ws["A1"] = "稳评案卷填写说明"
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        "本工作簿是一件社会稳定风险评估案卷。每个工作表填写案卷的一部分；填好后在稳评网页上传本文件，"
        "或用命令 wenping generate 本文件.xlsx 生成报备材料。",
        f"表头标有「{REQUIRED_MARK}」（橙色）的是必填项；可选的项目和不需要的部分留空即可。",
        "鼠标停在表头（或「项目」一列）上，可以看到这一项的说明和可填的内容。",
        "带下拉箭头的单元格从列表中选取（如发生概率、影响程度、会议类型）。",
        "日期写作 2026-04-10；时刻写作 09:00；数字不加单位。",
        "一个单元格要填多项（如评估依据、公示渠道、会议议程）时，每项一行：Excel、WPS 按 Alt+Enter 换行，LibreOffice 按 Ctrl+Enter。",
        "叙述性文字（如事项概况、风险描述）可以分段：空行分段，以「- 」或「1. 」开头的行为列表，**加粗**。",
    ]
    for name in sorted({c.refers_to for s in layout.sheets for c in s.columns if c.refers_to}):
        listed = layout.list_sheet(name)
        if listed is not None and listed.id_column is not None:
            lines.append(
                f"每个人只在「{listed.name}」表登记一次（{listed.id_column.title}、姓名、职务、单位、电话）；领导小组、工作班子、会议、"
                f"发言、措施、签发人、联系人等处都填此人的{listed.id_column.title}（可从下拉列表选取），不再重复写姓名。"
            )
    for sheet in layout.sheets:
        if sheet.reference_title:
            parent = sheet.parent
            lines.append(f"「{sheet.name}」表每一行的「{sheet.reference_title}」填它所属的「{parent.name}」表那一行的{parent.key_title}。")
    lines.append("绿色表头是各表之间对应用的编号或序号（标「＊」的同样必填）。请不要改动表头和工作表名称。")
    row = 3
    for number, line in enumerate(lines, 1):
        ws.cell(row, 1, f"{number}.").alignment = TOP
        ws.cell(row, 2, line).alignment = WRAP
        row += 1
    row += 1
    header_cell(ws.cell(row, 1), "工作表", False)
    header_cell(ws.cell(row, 2), "填写什么", False)
    for sheet in layout.sheets:
        row += 1
        ws.cell(row, 1, sheet.name).alignment = TOP
        what = sheet.description or sheet.title
        if sheet.form != "kv":
            what += "（每行一项）"
        ws.cell(row, 2, what).alignment = WRAP
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100


LINE_HEIGHT = 18  # points a line of 11-point Chinese text takes (Latin needs 15)
MAX_ROW_HEIGHT = 409  # Excel's limit


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide."""
    room = max(width - 1, 1.0)
    shown = lambda line: sum(1.75 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)  # noqa: E731
    return sum(max(1, math.ceil(shown(line.rstrip()) / room)) for line in text.split("\n"))


def fit_row_heights(ws: Worksheet) -> None:
    """Rows tall enough for their wrapped cells: spreadsheet programs do not size rows they open."""
    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=2):
        needed = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                needed = max(needed, lines_needed(cell.value, widths.get(cell.column_letter) or 13))
        if needed > 1:
            ws.row_dimensions[row[0].row].height = min(needed * LINE_HEIGHT + 4, MAX_ROW_HEIGHT)


def fit_for_printing(ws: Worksheet) -> None:
    """Printed (or made a PDF), a sheet is as wide as a landscape page, its header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def build_workbook(data: Optional[dict], layout: Optional[Layout] = None) -> Workbook:
    layout = layout or case_layout()
    wb = Workbook()
    write_guide(wb.active, layout)
    wb.active.title = GUIDE_SHEET
    fit_row_heights(wb.active)
    fit_for_printing(wb.active)
    rows = sheet_rows(layout, data)
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.name)
        if sheet.form == "kv":
            write_kv(ws, sheet, rows[sheet.name][0])
        else:
            write_table(ws, sheet, rows[sheet.name])
        fit_row_heights(ws)
        fit_for_printing(ws)
    wb.properties.creator = AUTHOR
    wb.properties.title = "稳评案卷"
    wb.properties.created = FIXED_TIME
    return wb


def workbook_bytes(data: Optional[dict] = None) -> bytes:
    """The workbook of a case's data (JSON form, as ``Case.model_dump(mode="json")`` gives), blank when None."""
    from openpyxl.writer.excel import ExcelWriter

    wb = build_workbook(data)
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _fixed_times(raw.getvalue())


def case_workbook(case) -> bytes:
    """The workbook of a validated ``Case`` (e.g. a version kept in the register)."""
    return workbook_bytes(case.model_dump(mode="json", exclude_none=True))


def _fixed_times(data: bytes) -> bytes:
    """The same zip with every entry dated FIXED_TIME (zipfile dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
