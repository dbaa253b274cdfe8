"""Page numbers drawn apart from the pages, so one conversion serves a document alone and inside the filing PDF.

Each document's own PDF numbers its pages from 1; the filing PDF numbers its pages on from the 目录, so the page
ranges the 目录 cites are the numbers printed on the pages. Converting every document twice (once per numbering)
would double the PDF work, so the documents are converted once with their page numbers taken out
(``without_page_numbers``), and one more small document, ``number_sheets``, prints "— 1 —" … "— n —" on otherwise
empty pages of the same size and margins, odd numbers right and even numbers left (GB/T 9704 §7.5). The PDF stage
lays those sheets over the pages: 1… on each document, 1…n on the filing.

The sheets depend only on the template's page set-up and footers, not on the case: ``sheets_for`` makes them for a
whole step of ``SHEETS_STEP`` pages (1–30 for a filing of 27 pages) and names them by what prints them
(``SheetsFor.key``), so that the PDF stage converts them once per template and step rather than once per package.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from service.render.docx_package import read_zip, write_zip

DOCUMENT = "word/document.xml"
_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
_RUN = re.compile(rb"<w:r[ >].*?</w:r>|<w:fldSimple\b.*?</w:fldSimple>", re.S)
_PAGE_FIELD = re.compile(rb"<w:instrText[^>]*>\s*PAGE\b|w:instr=\"\s*PAGE\b")
_BODY = re.compile(rb"(<w:body>)(.*?)(<w:sectPr\b.*</w:sectPr>\s*</w:body>)", re.S)


def _rezip(docx: bytes, parts: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        names = [info.filename for info in archive.infolist()]
    return write_zip((name, parts[name]) for name in names)


def _blank_numbers(footer: bytes) -> bytes:
    """The footer with each paragraph holding a PAGE field emptied (the paragraph itself kept: same layout)."""
    def empty(match: re.Match) -> bytes:
        paragraph = match.group(0)
        return _RUN.sub(b"", paragraph) if _PAGE_FIELD.search(paragraph) else paragraph

    return _PARAGRAPH.sub(empty, footer)


def without_page_numbers(docx: bytes) -> bytes:
    """The same .docx with no page number printed in its footers; every other part byte for byte."""
    parts = read_zip(docx)
    changed = False
    for name, data in parts.items():
        if name.startswith("word/footer") and name.endswith(".xml") and _PAGE_FIELD.search(data):
            parts[name] = _blank_numbers(data)
            changed = True
    return _rezip(docx, parts) if changed else docx


def number_sheets(docx: bytes, pages: int) -> bytes:
    """``pages`` empty pages with ``docx``'s page set-up and footers: its page numbers, 1 to ``pages``, alone."""
    parts = read_zip(docx)
    match = _BODY.search(parts[DOCUMENT])
    if match is None:
        raise ValueError("document without a final section")
    sheets = b"<w:p/>" + b'<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>' * (pages - 1)
    parts[DOCUMENT] = parts[DOCUMENT][: match.start(2)] + sheets + parts[DOCUMENT][match.start(3):]
    return _rezip(docx, parts)


SHEETS_STEP = 10


@dataclass(frozen=True)
class SheetsFor:
    """Number sheets 1…``pages`` as a .docx, and ``key``: a digest of everything that prints them (the document
    properties left out: they print nothing, and the sheets' own PDF information is never used)."""

    docx: bytes
    pages: int
    key: str


def sheets_for(docx: bytes, total: int) -> SheetsFor:
    """The number sheets that serve a filing of ``total`` pages laid out like ``docx``: ``total`` rounded up to a
    whole ``SHEETS_STEP``, so that the same sheets serve every case of about the same length."""
    pages = max(1, -(-total // SHEETS_STEP)) * SHEETS_STEP
    sheets = number_sheets(docx, pages)
    digest = hashlib.sha256(f"{pages}".encode())
    for name, data in sorted(read_zip(sheets).items()):
        if not name.startswith("docProps/"):
            digest.update(hashlib.sha256(name.encode() + b"\0" + data).digest())
    return SheetsFor(sheets, pages, digest.hexdigest())
