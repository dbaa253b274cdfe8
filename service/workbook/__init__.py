"""The clerk's workbook: the case as an .xlsx to fill in Excel, WPS 表格 or LibreOffice Calc, and back.

The layout is derived from the case model (``layout.py``); ``write.py`` makes a blank or filled
workbook, ``read.py`` reads one back into case data whose every path knows its cell.

``write.py`` (and openpyxl, ~0.1 s to import) is loaded when one of its names is first used: validating a
JSON case goes through ``read.py`` (is it a workbook?) and should not pay for it (bench/bench_cli.py).
"""

from service.workbook.names import GUIDE_SHEET
from service.workbook.read import WorkbookCase, WorkbookInvalid, WorkbookReadError, is_workbook, read_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FROM_WRITE = ("WorkbookWriteError", "case_workbook", "workbook_bytes")

__all__ = [
    "GUIDE_SHEET", "XLSX_TYPE", "WorkbookCase", "WorkbookInvalid", "WorkbookReadError", "WorkbookWriteError",
    "case_workbook", "is_workbook", "read_workbook", "workbook_bytes",
]


def __getattr__(name: str):
    if name in _FROM_WRITE:
        from service.workbook import write

        return getattr(write, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
