"""The clerk's workbook: the case as an .xlsx to fill in Excel, WPS 表格 or LibreOffice Calc, and back.

The layout is derived from the case model (``layout.py``); ``write.py`` makes a blank or filled
workbook, ``read.py`` reads one back into case data whose every path knows its cell.
"""
