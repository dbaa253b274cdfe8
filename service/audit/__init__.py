"""``wenping audit``: a GB/T 9704-2012 check of a .docx or .pdf, ours or one a clerk wrote by hand.

    report = audit_file(Path("报告.pdf"))      # FileReport(file, pages, findings)
    report.findings[0].as_dict()              # {"page": 3, "rule": "bullet", "message": "…"}

Rules (``rule`` values): paper, type-area, lines-per-page, chars-per-line, body-size, body-face, title-size,
title-face, title-shape, title-break, page-number, bullet, signature-alone, half-width-punctuation. Messages are
Chinese and name what was measured and what the standard asks. A file that cannot be read raises
``UnreadableDocument`` (exit code 2).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from service.audit.docx import audit_docx
from service.audit.pdf import audit_pdf
from service.audit.rules import Finding
from service.errors import InputReadError
from service.files import unreadable

__all__ = ["FileReport", "Finding", "UnreadableDocument", "audit_file"]


class UnreadableDocument(InputReadError):
    """A file given to the audit is missing, not a .docx or .pdf, or broken."""

    code = "unreadable-document"
    title = "文件无法读取"


@dataclass
class FileReport:
    file: str
    pages: Optional[int]
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"file": self.file, "pages": self.pages, "findings": [f.as_dict() for f in self.findings]}


def _kind(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(5)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        return "docx"
    raise UnreadableDocument(f"「{path}」既不是 PDF 也不是 Word（.docx）文件")


def audit_file(path: Path) -> FileReport:
    """The findings of one file; ``UnreadableDocument`` when it cannot be read."""
    path = Path(path)
    try:
        kind = _kind(path)
        pages, findings = audit_pdf(path) if kind == "pdf" else audit_docx(path)
    except UnreadableDocument:
        raise
    except OSError as exc:
        raise UnreadableDocument(unreadable(path, exc)) from None
    except Exception as exc:  # pdfminer / zip / XML errors of a broken file: all mean "cannot be read"
        raise UnreadableDocument(f"「{path}」无法读取（文件已损坏或格式不对：{type(exc).__name__}）") from None
    return FileReport(str(path), pages, findings)
