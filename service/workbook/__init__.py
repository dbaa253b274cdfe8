"""The clerk's workbook: the case as an .xlsx to fill in Excel, WPS 表格 or LibreOffice Calc, and back.

The layout is derived from the case model (``layout.py``); ``write.py`` makes a blank or filled
workbook, ``read.py`` reads one back into case data whose every path knows its cell.
"""

from service.workbook.read import WorkbookCase, WorkbookInvalid, WorkbookReadError, is_workbook, read_workbook
from service.workbook.write import GUIDE_SHEET, WorkbookWriteError, case_workbook, workbook_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = [
    "GUIDE_SHEET", "XLSX_TYPE", "WorkbookCase", "WorkbookInvalid", "WorkbookReadError", "WorkbookWriteError",
    "case_workbook", "is_workbook", "read_workbook", "workbook_bytes",
]
