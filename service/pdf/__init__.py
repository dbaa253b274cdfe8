"""PDF stage: takes a rendered document as .docx bytes, gives the same document as PDF bytes.

LibreOffice does the conversion. :class:`Converter` keeps a small pool of warm
``soffice`` processes, each driven over UNO by ``uno_worker.py`` under the system
Python (Debian's ``python3-uno``), with a private profile and ``fonts.conf`` mapping
the official Chinese font names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体, …)
to Simplified-Chinese faces installed from Debian packages. Every conversion has a
timeout; a hung or crashed LibreOffice is killed and replaced, and the document is
retried once; all the conversion of one request has one deadline (``Deadline``).

    with Converter.from_settings(settings) as conv:   # WENPING_PDF_WORKERS, WENPING_PDF_TIMEOUT
        pdf = conv.convert(docx_bytes, "风险评估报告")
        pdfs = conv.convert_many([("实施方案", a), ("评估报告", b)])

Errors: :class:`ConversionError` (message names the document, in Chinese), its
subclasses :class:`ConversionTimeout` and :class:`ConverterUnavailable` (LibreOffice
or python3-uno missing: ``apt-get install libreoffice-writer-nogui python3-uno``;
paths can be set with ``WENPING_SOFFICE`` / ``WENPING_UNO_PYTHON``).
"""

from service.pdf.converter import (
    ConversionError,
    ConversionTimeout,
    Converter,
    ConverterUnavailable,
    Deadline,
)

from service.pdf.shared import PdfBackend, close_shared_converter, new_converter, shared_converter

__all__ = [
    "Converter",
    "ConversionError",
    "ConversionTimeout",
    "ConverterUnavailable",
    "Deadline",
    "shared_converter",
    "new_converter",
    "PdfBackend",
    "close_shared_converter",
]
