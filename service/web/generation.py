"""The one path from request bytes to files, shared by the API and the form.

Reads the case (400 when unreadable), calls :func:`service.generate.generate`
or :func:`service.generate.render_document` — the same functions the CLI uses.
Their failures are ``WenpingError``s and reach the client through the one mapping
in :func:`service.web.problems.error_problem`: 422 invalid case, 404 unknown
document or template set, 503 PDF unavailable, 504 PDF timeout.
"""

from __future__ import annotations

import re
from typing import Any, Optional
from urllib.parse import quote

from flask import Response

from service.context.documents import safe_file_name
from service.generate import Package, generate, render_document
from service.package.archive import PackageFile
from service.render.template_sets import TemplateSet, resolve_template_set
from service.checks.validation import CaseReadError, read_json
from service.workbook import WorkbookReadError, is_workbook, read_workbook


ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def read_case(raw: bytes) -> Any:
    """Parsed case JSON; ``CaseReadError`` (400) with the Chinese reason."""
    try:
        return read_json(raw)
    except CaseReadError as exc:
        raise CaseReadError(f"无法读取案卷：{exc}") from None
    except RecursionError:
        raise CaseReadError("无法读取案卷：JSON 嵌套层数过深") from None


def read_case_workbook(raw: bytes) -> Any:
    """Case data from a workbook (.xlsx); ``WorkbookReadError`` (400) or ``WorkbookInvalid`` (422, by cell)."""
    try:
        return read_workbook(raw)
    except WorkbookReadError as exc:
        raise WorkbookReadError(f"无法读取表格：{exc}") from None


def read_case_file(raw: bytes) -> Any:
    """An uploaded case file, JSON or workbook (told apart by the zip signature every .xlsx starts with)."""
    return read_case_workbook(raw) if is_workbook(raw) else read_case(raw)


def template_set(name: Optional[str]) -> Optional[TemplateSet]:
    """The named template set (None: the default); ``UnknownTemplateSet`` (404) for an unknown name.

    A broken set is the operator's to fix (``TemplateSetError``): logged, answered as a plain 500.
    """
    if not name or name == "default":
        return None
    return resolve_template_set(name)


def build_package(data: Any, pdf: bool = False, templates: Optional[TemplateSet] = None) -> Package:
    """The filing package of a case (with PDFs when asked)."""
    return generate(data, pdf=pdf, templates=templates)


def build_summary(data: Any, pdf: bool = False) -> tuple[str, bytes, str]:
    """The period work report (工作情况汇报) of a PERIOD body, as .docx or .pdf."""
    from service.generate_period import generate_period_report

    return generate_period_report(data, pdf=pdf)


def build_document(
    data: Any, kind: str, meeting: Optional[int] = None, fmt: str = "docx", templates: Optional[TemplateSet] = None
) -> PackageFile:
    """One document of a case, as .docx or .pdf."""
    return render_document(data, kind, meeting=meeting, templates=templates, fmt=fmt)


_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_fallback(name: str, default_stem: str = "wenping") -> str:
    """An ASCII file name for old clients: non-ASCII runs dropped, the extension kept."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    clean = _UNSAFE_ASCII.sub("_", stem).strip("_.") or default_stem
    ext = _UNSAFE_ASCII.sub("", ext)
    return f"{clean}.{ext}" if ext else clean


def download_name(name: str) -> str:
    """``name`` as ``safe_file_name`` makes it: no bidi or zero-width characters, at most 200 UTF-8 bytes."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext.isascii() or not ext.isalnum():
        stem, ext = name, ""
    return safe_file_name(stem, f".{ext}" if ext else "")


def content_disposition(name: str, fallback: Optional[str] = None) -> str:
    """RFC 6266: ``attachment; filename="ascii"; filename*=UTF-8''percent-encoded``."""
    name = download_name(name)
    fallback = fallback or ascii_fallback(name)
    fallback = fallback.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(data: bytes, name: str, mimetype: str, fallback: Optional[str] = None, **headers: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name, fallback)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    for key, value in headers.items():
        response.headers[key.replace("_", "-")] = value
    return response


def package_response(package: Package) -> Response:
    case_id = package.manifest.get("case_id") or "case"
    return download(
        package.data,
        package.file_name,
        ZIP,
        fallback=ascii_fallback(f"{case_id}_package.zip"),
        X_Wenping_Warnings=str(len(package.validation.warnings)),
    )


def document_response(document: PackageFile, fmt: str, case_id: str = "") -> Response:
    stem = "_".join(p for p in (case_id, document.kind, str(document.meeting or "")) if p)
    return download(document.data, document.name, PDF if fmt == "pdf" else DOCX, fallback=ascii_fallback(f"{stem}.{fmt}"))
