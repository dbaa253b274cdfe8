"""Workbook bytes → case data (JSON form) that remembers the cell of every path.

The zip is checked before openpyxl parses it (limits.py); a file that is not a workbook is a
``WorkbookReadError`` (400, exit 2). A workbook whose sheets do not fit together — a sheet or header
the case does not have, a row pointing at a meeting or risk that is not there, a key written twice —
is a ``WorkbookInvalid`` (422, exit 1) listing every such problem with its cell. Values are taken as
typed: whether they are valid is for validation, which names their cells through ``WorkbookCase.cells``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Optional

from service.errors import InputReadError, InvalidInput
from service.workbook.layout import (
    CHOICE, CLOCK, DATE, LINES, MARKDOWN, NUMBER, REQUIRED_MARK, SEQUENCE_TITLE, TEXT, WHOLE, YES, YESNO, NO,
    Column, Layout, Sheet, case_layout,
)
from service.workbook.limits import EXCEL_MAX_ROW, MAX_COLUMNS, MAX_ENTRIES, MAX_ROWS, MAX_SHEETS, MAX_UNZIPPED
from service.workbook.names import GUIDE_SHEET, KV_HEADERS

XLSX_MAGIC = b"PK\x03\x04"
SHOWN = "shown"  # a column of names looked up by the spreadsheet program: not read
MAX_PROBLEMS = 50  # listed at once; more than that and the workbook is not the case's


class WorkbookReadError(InputReadError):
    """The file is not a workbook that can be read (not an .xlsx, damaged, or unpacking too large)."""

    code = "unreadable-workbook"
    title = "表格无法读取"


@dataclass(frozen=True)
class CellProblem:
    """A problem of the workbook's shape, at a cell: shown like a validation error."""

    path: str
    message: str
    cell: str

    def as_dict(self) -> dict:
        return {"path": self.path, "message": self.message, "cell": self.cell}


@dataclass
class ReadProblems:
    """What ``WorkbookInvalid`` carries: the shape of a validation result, with only errors."""

    errors: list[CellProblem]
    warnings: list = field(default_factory=list)
    assessment: None = None
    case: None = None
    valid: bool = False

    def as_dict(self) -> dict:
        return {"valid": False, "errors": [e.as_dict() for e in self.errors], "warnings": [], "risk": None}


class WorkbookInvalid(InvalidInput):
    """The workbook's sheets do not fit the case: each problem names its cell; nothing was generated."""

    code = "invalid-workbook"
    title = "表格填写有误"

    def __init__(self, problems: list[CellProblem]):
        super().__init__(f"表格有 {len(problems)} 处填写有误，未能读出案卷", ReadProblems(problems))


class CellMap:
    """The cell each path of the case was read from (``风险!D4``); a path without its own cell gets
    the cell of the nearest thing that contains it (a missing field: its row)."""

    def __init__(self) -> None:
        self._cells: dict[str, str] = {}

    def add(self, path: tuple, cell: str) -> None:
        self._cells.setdefault(".".join(str(p) for p in path), cell)

    def locate(self, path: str) -> Optional[str]:
        parts = path.split(".") if path else []
        while True:
            cell = self._cells.get(".".join(parts))
            if cell is not None or not parts:
                return cell
            parts.pop()


class WorkbookCase(dict):
    """Case data read from a workbook: a plain dict (the case's JSON form) that also knows its cells."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cells = CellMap()


def is_workbook(raw: bytes) -> bool:
    return raw[:4] == XLSX_MAGIC


def check_archive(raw: bytes) -> None:
    """Refuse, before parsing, what is not a zip or unpacks beyond the limits (zipfile enforces the
    sizes its directory declares: an entry that unpacks to more is an error when read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookReadError("文件不是有效的 Excel 工作簿（.xlsx），或已损坏") from None
    if len(entries) > MAX_ENTRIES:
        raise WorkbookReadError(f"工作簿内含 {len(entries)} 个部件，过多（最多 {MAX_ENTRIES} 个），不像是案卷表格")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNZIPPED:
        raise WorkbookReadError(
            f"工作簿解压后有 {unpacked // (1024 * 1024)} MB，过大（最多 {MAX_UNZIPPED // (1024 * 1024)} MB）"
        )


# ------------------------------------------------------------------ cells → values


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def as_text(value: Any) -> Any:
    """What a text cell holds as text: numbers and dates typed into it, as they were shown."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat() if isinstance(value, date) else value.strftime("%H:%M")
    return value


_WHOLE = re.compile(r"[+-]?\d+")
_TRUE = {YES, "true", "TRUE", "True", "1"}
_FALSE = {NO, "false", "FALSE", "False", "0"}


def cell_to_value(column: Column, value: Any) -> Any:
    """A cell's value as case data; what cannot be converted is passed on as typed, for validation to name."""
    if value is None or value == "":
        return None
    kind = column.kind
    if kind in (TEXT, MARKDOWN):
        return as_text(value)
    if kind == LINES:
        return [line for line in str(as_text(value)).splitlines() if line.strip()] or None
    if kind == DATE:
        if isinstance(value, (datetime, date)):
            return (value.date() if isinstance(value, datetime) else value).isoformat()
        return value.strip() if isinstance(value, str) else value
    if kind == CLOCK:
        if isinstance(value, (datetime, time)):
            return value.strftime("%H:%M")
        return value.strip() if isinstance(value, str) else as_text(value)
    if kind == WHOLE:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
            return int(value.strip())
        return value
    if kind == NUMBER:
        if isinstance(value, str):
            try:
                return int(value.strip()) if _WHOLE.fullmatch(value.strip()) else float(value.strip())
            except ValueError:
                return value
        return value
    if kind == YESNO:
        text = value if isinstance(value, bool) else str(as_text(value)).strip()
        return True if text in _TRUE or text is True else False if text in _FALSE or text is False else value
    if kind == CHOICE:
        return str(as_text(value)).strip()
    return value


def key_text(value: Any) -> Optional[str]:
    """A key (序号, 编号) as written in a reference: 1, 1.0 and "1" are the same row."""
    if value is None or value == "":
        return None
    return str(as_text(value)).strip() or None


# ------------------------------------------------------------------ reading sheets


@dataclass
class Grid:
    """The values of one sheet by row number, each row a list of values (column 1 first)."""

    name: str
    rows: dict[int, list]

    def header(self) -> list:
        return self.rows.get(1, [])


def read_grid(ws, problems: list[CellProblem]) -> Grid:
    rows: dict[int, list] = {}
    for number, values in enumerate(ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), 1):
        if number > EXCEL_MAX_ROW:
            break
        if all(v is None or v == "" for v in values):
            continue
        if number > MAX_ROWS + 1:
            problems.append(CellProblem("", f"工作表「{ws.title}」的行数过多（最多 {MAX_ROWS} 行）", f"{ws.title}!A{number}"))
            break
        rows[number] = list(values)
    return Grid(ws.title, rows)


def _label(value: Any) -> str:
    return str(value).strip().rstrip(REQUIRED_MARK + "*").strip() if value is not None else ""


def _coordinate(sheet: str, column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(column)}{row}"


def set_in(data: dict, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        data = data.setdefault(step, {})
    data[path[-1]] = value


def get_in(data: Any, path: tuple) -> Any:
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def add_required_objects(item: dict, sheet: Sheet) -> None:
    """Required nested objects (a meeting's 主持人) exist whenever their owner does, so that a missing
    field is reported as missing at its cell, not as a missing object."""
    for path, required in sheet.objects:
        owner = get_in(item, path[:-1]) if len(path) > 1 else item
        if required and isinstance(owner, dict) and path[-1] not in owner:
            owner[path[-1]] = {}


@dataclass
class Owner:
    """A place rows of a sheet go: an object of the case, its path, its row's key, and the row's cell."""

    item: dict
    path: tuple
    key: Optional[str] = None
    cell: str = ""


class Reader:
    def __init__(self, layout: Layout, grids: dict[str, Grid]):
        self.layout = layout
        self.grids = grids
        self.data = WorkbookCase()
        self.problems: list[CellProblem] = []
        self.owners: dict[str, list[Owner]] = {}  # by sheet name: the rows (or object) of that sheet

    def problem(self, path: tuple, message: str, cell: str) -> None:
        self.problems.append(CellProblem(".".join(str(p) for p in path), message, cell))

    def read(self) -> WorkbookCase:
        for sheet in self.layout.sheets:
            if sheet.form == "kv":
                self.read_kv(sheet)
            else:
                self.read_rows(sheet)
        for sheet in self.layout.sheets:  # optional parts of the case left empty are not there
            if sheet.parent is None and sheet.path and not sheet.required and not self.data.get(sheet.path[0]):
                self.data.pop(sheet.path[0], None)
        if self.problems:
            raise WorkbookInvalid(self.problems[:MAX_PROBLEMS])
        return self.data

    def read_kv(self, sheet: Sheet) -> None:
        item: dict = self.data if not sheet.path else self.data.setdefault(sheet.path[0], {})
        grid = self.grids.get(sheet.name)
        self.data.cells.add(sheet.path, f"{sheet.name}!A1")
        by_label = {c.title: c for c in sheet.columns}
        seen: dict[str, int] = {}
        for number, values in sorted((grid.rows if grid else {}).items()):
            if number == 1:
                continue
            label, value = _label(values[0]), values[1] if len(values) > 1 else None
            column = by_label.get(label)
            if column is None:
                if value not in (None, "") and label not in KV_HEADERS:
                    self.problem(sheet.path, f"「{label or '（空）'}」不是「{sheet.name}」表的项目（可填的项目见 A 列原有各行）", _coordinate(sheet.name, 1, number))
                continue
            if label in seen:
                self.problem(sheet.path + column.path, f"项目「{label}」出现了两次（第 {seen[label]} 行和第 {number} 行），请只保留一行", _coordinate(sheet.name, 1, number))
                continue
            seen[label] = number
            self.data.cells.add(sheet.path + column.path, _coordinate(sheet.name, 2, number))
            converted = cell_to_value(column, value)
            if converted is not None:
                set_in(item, column.path, converted)
        for column in sheet.columns:  # a row the clerk deleted: its errors point at the sheet
            self.data.cells.add(sheet.path + column.path, f"{sheet.name}!A1")
        add_required_objects(item, sheet)
        self.owners[sheet.name] = [Owner(item, sheet.path, cell=f"{sheet.name}!A1")]

    def header_columns(self, sheet: Sheet, grid: Grid) -> dict[int, Any]:
        """Column number → what it holds: a Column, "reference" or "sequence"; unknown headers are problems."""
        known: dict[str, Any] = {c.title: c for c in sheet.columns}
        if sheet.reference_title:
            known[sheet.reference_title] = "reference"
        if sheet.keyed and sheet.id_column is None:
            known[SEQUENCE_TITLE] = "sequence"
        from service.workbook.write import shown_title, shows_name  # openpyxl: loaded only to read a workbook

        known.update({shown_title(c): SHOWN for c in sheet.columns if shows_name(c) is not None})
        found: dict[int, Any] = {}
        used: dict[str, int] = {}
        for number, value in enumerate(grid.header(), 1):
            label = _label(value)
            if not label:
                if any(len(r) >= number and r[number - 1] not in (None, "") for n, r in grid.rows.items() if n > 1):
                    self.problem(sheet.path, "这一列有内容却没有表头，请删除内容或补上表头", _coordinate(sheet.name, number, 1))
                continue
            if label not in known:
                allowed = "、".join(known)
                self.problem(sheet.path, f"表头「{label}」不是「{sheet.name}」表的项目（可用的表头：{allowed}）", _coordinate(sheet.name, number, 1))
            elif label in used:
                self.problem(sheet.path, f"表头「{label}」出现了两次（另一处在第 {used[label]} 列）", _coordinate(sheet.name, number, 1))
            else:
                used[label] = number
                if known[label] is not SHOWN:  # names the program shows (formulas) are not the case's
                    found[number] = known[label]
        return found

    def parents_of(self, sheet: Sheet) -> list[Owner]:
        return self.owners.get(sheet.parent.name, []) if sheet.parent else [Owner(self.data, ())]

    def read_rows(self, sheet: Sheet) -> None:
        grid = self.grids.get(sheet.name) or Grid(sheet.name, {})
        columns = self.header_columns(sheet, grid)
        parents = self.parents_of(sheet)
        by_key: dict[str, Owner] = {}
        if sheet.reference_title:
            for parent in parents:
                if parent.key is not None:
                    by_key.setdefault(parent.key, parent)
        owners: list[Owner] = []
        keys: dict[str, str] = {}
        for number, values in sorted(grid.rows.items()):
            if number == 1:
                continue
            cells = {n: values[n - 1] if len(values) >= n else None for n in columns}
            if all(v is None or v == "" for v in cells.values()):
                continue
            first = _coordinate(sheet.name, 1, number)
            parent = self.parent_row(sheet, parents, by_key, columns, cells, number)
            if parent is None:
                continue
            target = get_in(parent.item, sheet.path)
            if sheet.form == "entries":
                self.read_entry(sheet, parent, columns, cells, number)
                continue
            if target is None:
                target = []
                set_in(parent.item, sheet.path, target)
            item: dict = {}
            path = (*parent.path, *sheet.path, len(target))
            target.append(item)
            self.data.cells.add(path, first)
            key = None
            for n, what in columns.items():
                coordinate = _coordinate(sheet.name, n, number)
                if what == "sequence":
                    key = key_text(cells[n])
                    continue
                if what == "reference":
                    continue
                self.data.cells.add(path + what.path, coordinate)
                converted = cell_to_value(what, cells[n])
                if converted is not None:
                    set_in(item, what.path, converted)
                if what is sheet.id_column:
                    key = key_text(cells[n])
            add_required_objects(item, sheet)
            if sheet.keyed and key is not None:
                if key in keys:
                    self.problem(path, f"{sheet.key_title}「{key}」重复（与 {keys[key]} 相同），其他表无法确定对应哪一行", first)
                keys[key] = first
            owners.append(Owner(item, path, key, first))
        for parent in parents:  # a required list or dictionary is there (empty) whenever its owner is
            here = (*parent.path, *sheet.path)
            self.data.cells.add(here, parent.cell if sheet.reference_title else f"{sheet.name}!A1")
            if sheet.required and get_in(parent.item, sheet.path) is None and (parent.item or not parent.path):
                set_in(parent.item, sheet.path, {} if sheet.form == "entries" else [])
        self.owners[sheet.name] = owners

    def parent_row(self, sheet: Sheet, parents: list[Owner], by_key: dict, columns: dict, cells: dict, number: int) -> Optional[Owner]:
        if not sheet.reference_title:
            return parents[0] if parents else None
        place = next((n for n, what in columns.items() if what == "reference"), None)
        parent_sheet = sheet.parent
        if place is None:
            self.problem(sheet.path, f"缺少表头「{sheet.reference_title}」：每一行须写明属于「{parent_sheet.name}」表的哪一行", f"{sheet.name}!A1")
            return None
        key = key_text(cells[place])
        coordinate = _coordinate(sheet.name, place, number)
        if key is None:
            self.problem(sheet.path, f"请填写「{sheet.reference_title}」：这一行属于「{parent_sheet.name}」表的哪一行", coordinate)
            return None
        parent = by_key.get(key)
        if parent is None:
            known = "、".join(by_key) or "（该表还没有填写）"
            self.problem(sheet.path, f"「{parent_sheet.name}」表中没有{parent_sheet.key_title}为「{key}」的一行（现有：{known}）", coordinate)
        return parent

    def read_entry(self, sheet: Sheet, parent: Owner, columns: dict, cells: dict, number: int) -> None:
        target = get_in(parent.item, sheet.path)
        if target is None:
            target = {}
            set_in(parent.item, sheet.path, target)
        key_column, value_column = sheet.columns
        key_place = next((n for n, what in columns.items() if what is key_column), None)
        value_place = next((n for n, what in columns.items() if what is value_column), None)
        where = (*parent.path, *sheet.path)
        key = as_text(cells[key_place]) if key_place else None
        first = _coordinate(sheet.name, key_place or 1, number)
        if key is None or key == "":
            self.problem(where, f"请填写「{key_column.title}」", first)
            return
        if key in target:
            self.problem(where, f"{key_column.title}「{key}」在「{sheet.parent.name}」表的同一行下出现了两次，请只保留一行", first)
            return
        value = cell_to_value(value_column, cells[value_place]) if value_place else None
        target[key] = value
        self.data.cells.add((*where, key), _coordinate(sheet.name, value_place or 1, number))


def read_workbook(raw: bytes, layout: Optional[Layout] = None) -> WorkbookCase:
    """The case data a workbook holds; raises ``WorkbookReadError`` or ``WorkbookInvalid``."""
    from openpyxl import load_workbook  # ~0.1 s to import: not loaded to validate a JSON case (bench/bench_cli.py)

    check_archive(raw)
    layout = layout or case_layout()
    problems: list[CellProblem] = []
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # a damaged or hostile file can fail anywhere in the parser: one answer for all
        raise WorkbookReadError("文件不是有效的 Excel 工作簿（.xlsx），或已损坏") from None
    try:
        names = layout.by_name()
        if len(wb.sheetnames) > MAX_SHEETS:
            raise WorkbookReadError(f"工作簿有 {len(wb.sheetnames)} 个工作表，过多（最多 {MAX_SHEETS} 个）")
        grids = {}
        for title in wb.sheetnames:
            if title == GUIDE_SHEET:
                continue
            if title not in names:
                grid = read_grid(wb[title], [])
                if grid.rows:
                    allowed = "、".join(names)
                    problems.append(CellProblem("", f"工作表「{title}」不是案卷的一部分（案卷的工作表：{allowed}）", f"{title}!A1"))
                continue
            grids[title] = read_grid(wb[title], problems)
    except WorkbookReadError:
        raise
    except Exception:
        raise WorkbookReadError("文件不是有效的 Excel 工作簿（.xlsx），或已损坏") from None
    finally:
        wb.close()
    reader = Reader(layout, grids)
    reader.problems += problems
    return reader.read()
