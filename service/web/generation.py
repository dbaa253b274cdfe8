"""The one path from request bytes to files, shared by the API and the form.

Reads the case (400 when unreadable), calls :func:`service.generate.generate`
or :func:`service.generate.render_document` — the same functions the CLI uses —
and turns their failures into :class:`ApiProblem` answers: 422 invalid case,
404 unknown document, 503 PDF unavailable, 504 PDF timeout.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
import re
from typing import Any, Optional
from urllib.parse import quote

from flask import Response

from service.generate import InvalidCase, Package, UnknownDocument, generate, render_document
from service.package.archive import PackageFile
from service.render.template_sets import TemplateSet, TemplateSetError, resolve_template_set, template_set_folders
from service.checks.validation import CaseReadError, Validation, read_json

from service.web.problems import ApiProblem

from service.pdf import ConversionError, ConversionTimeout, ConverterUnavailable


log = logging.getLogger("wenping.web")

ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"

PDF_UNAVAILABLE = "本服务当前无法生成 PDF（PDF 转换组件不可用）。请去掉 PDF 选项，只生成 Word 文档；或联系系统管理员。"


def read_case(raw: bytes) -> Any:
    """Parsed case JSON, or a 400 problem with the Chinese reason."""
    try:
        return read_json(raw)
    except CaseReadError as exc:
        raise ApiProblem(400, f"无法读取案卷：{exc}", slug="unreadable-json", title="案卷无法读取") from None
    except RecursionError:
        raise ApiProblem(400, "无法读取案卷：JSON 嵌套层数过深", slug="unreadable-json", title="案卷无法读取") from None


def invalid_case_problem(validation: Validation) -> ApiProblem:
    problem = ApiProblem(
        422,
        f"案卷有 {len(validation.errors)} 处错误，未生成任何材料",
        errors=[e.as_dict() for e in validation.errors],
        warnings=[w.as_dict() for w in validation.warnings],
    )
    problem.validation = validation  # for the form, which lists them
    return problem


def _pdf_problem(exc: Exception) -> ApiProblem:
    if isinstance(exc, ConversionTimeout):
        return ApiProblem(
            504,
            "文档转换为 PDF 超时，未生成材料。请稍后重试，或只生成 Word 文档。",
            slug="pdf-timeout",
            title="PDF 转换超时",
        )
    if isinstance(exc, ConverterUnavailable):
        return ApiProblem(503, PDF_UNAVAILABLE, slug="pdf-unavailable", title="PDF 暂不可用", headers={"Retry-After": "60"})
    document = getattr(exc, "document", None)
    where = f"「{document}」" if document else ""
    return ApiProblem(
        500,
        f"文档{where}转换为 PDF 失败，已记录日志。请稍后重试，或只生成 Word 文档。",
        slug="pdf-failed",
        title="PDF 转换失败",
    )


def template_set(name: Optional[str]) -> Optional[TemplateSet]:
    """The named template set (None: the default); 404 for an unknown name."""
    if not name or name == "default":
        return None
    try:
        return resolve_template_set(name)
    except TemplateSetError as exc:
        if name not in template_set_folders():
            raise ApiProblem(404, str(exc), slug="unknown-template-set", title="没有这个模板套") from None
        raise  # a broken set is the operator's to fix: logged, answered as a plain 500


@contextmanager
def as_problems():
    """Generation errors as the API's problems: 422 invalid, 404 unknown document, 503/504/500 PDF."""
    from service.generate_period import PeriodInvalid

    try:
        yield
    except (InvalidCase, PeriodInvalid) as exc:
        raise invalid_case_problem(exc.validation) from None
    except UnknownDocument as exc:
        raise ApiProblem(404, str(exc), slug="unknown-document", title="没有这份文书") from None
    except ConversionError as exc:
        log.warning("PDF conversion failed: %s", type(exc).__name__)
        raise _pdf_problem(exc) from None


def build_package(data: Any, pdf: bool = False, templates: Optional[TemplateSet] = None) -> Package:
    """The filing package of a case (with PDFs when asked)."""
    with as_problems():
        return generate(data, pdf=pdf, templates=templates)


def build_summary(data: Any, pdf: bool = False) -> tuple[str, bytes, str]:
    """The period work report (工作情况汇报) of a PERIOD body, as .docx or .pdf."""
    from service.generate_period import generate_period_report

    with as_problems():
        return generate_period_report(data, pdf=pdf)


def build_document(
    data: Any, kind: str, meeting: Optional[int] = None, fmt: str = "docx", templates: Optional[TemplateSet] = None
) -> PackageFile:
    """One document of a case, as .docx or .pdf."""
    with as_problems():
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


def content_disposition(name: str, fallback: Optional[str] = None) -> str:
    """RFC 6266: ``attachment; filename="ascii"; filename*=UTF-8''percent-encoded``."""
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
