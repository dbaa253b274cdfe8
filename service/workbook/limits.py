"""What a workbook may hold before it is read: an .xlsx is a zip of XML, so a small upload can unpack
into far more (a zip bomb). These bounds are checked on the zip's directory before anything is parsed;
``WENPING_MAX_BODY`` bounds the upload itself.
"""

from __future__ import annotations

from service.model.case import MAX_MEETINGS, MAX_PEOPLE, MAX_STATEMENTS

# Rows of one sheet: the longest list of a case is the participants (or statements) of all its meetings.
MAX_ROWS = max(MAX_PEOPLE, MAX_STATEMENTS) * MAX_MEETINGS
MAX_COLUMNS = 200  # columns read per row; a case's widest sheet has about 15
MAX_SHEETS = 100  # the case has about 30 sheets
MAX_ENTRIES = 1_000  # files inside the zip (a workbook of 30 sheets with comments has about 100)
MAX_UNZIPPED = 64 * 1024 * 1024  # bytes once unpacked; the sample's workbook unpacks to about 0.5 MB
EXCEL_MAX_ROW = 1_048_576  # no spreadsheet program writes a row beyond this
