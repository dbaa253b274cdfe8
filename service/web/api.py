"""API v1: thin views over the generation path (``/api/v1/...``)."""

from __future__ import annotations

import re
import threading
from typing import Any, Optional

from flask import Blueprint, Response, current_app, json, request
from werkzeug.exceptions import RequestEntityTooLarge

from service.context.readiness import validation_with_readiness
from service.context.registry import BY_KEY, FILING_KEYS, TEMPLATE_KEYS
from service.generate import UnknownDocument
from service.model.schema import case_schema
from service.render.contract import check_folder
from service.render.template_sets import DEFAULT_SET, template_set_folders
from service.checks.validation import validate
from service.workbook import XLSX_TYPE

from service.web.auth import require_key
from service.web.generation import (
    build_document,
    build_package,
    build_summary,
    document_response,
    download,
    package_response,
    read_case,
    read_case_workbook,
    template_set,
)
from service.web.models import TemplateInfo, TemplatesListing
from service.web.problems import ApiProblem

bp = Blueprint("api", __name__, url_prefix="/api/v1")

JSON_TYPES = ("application/json",)


def json_response(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    data = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    return Response(data, status=status, mimetype=mimetype)


def case_body(workbook: bool = True) -> Any:
    """The request body as case data: JSON, or (``workbook``) the clerk's workbook as .xlsx.

    415 for any other content type, 413 over the limit, 400 unreadable, 422 a workbook whose sheets
    do not fit together (each problem at its cell).
    """
    mimetype = request.mimetype
    if workbook and mimetype == XLSX_TYPE:
        return read_case_workbook(read_body())
    if mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
        shown = f"，实际为「{mimetype[:60]}」" if mimetype else "（请求未注明 Content-Type）"
        also = f"，或以表格提交：Content-Type 为 {XLSX_TYPE}" if workbook else ""
        raise ApiProblem(415, f"请以 JSON 提交案卷：Content-Type 应为 application/json{also}{shown}")
    return read_case(read_body())


def read_body() -> bytes:
    """The whole body; 413 over the limit, also for chunked bodies (no Content-Length).

    Werkzeug stops a chunked body quietly at the limit, so a body that fills the
    limit exactly is taken as over it rather than silently cut short.
    """
    data = request.get_data(cache=False)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is None and len(data) >= limit:
        raise RequestEntityTooLarge()
    return data


def bad_parameter(message: str) -> ApiProblem:
    return ApiProblem(400, message, slug="bad-parameter", title="参数有误")


def shown_parameter(value: str) -> str:
    return value if len(value) <= 20 else value[:20] + "…"


def flag(name: str) -> bool:
    """A yes/no query parameter: exactly 1, true, 0 or false (any letter case); absent or empty is no."""
    value = request.args.get(name)
    if value is None or value == "":
        return False
    if value.lower() in ("1", "true"):
        return True
    if value.lower() in ("0", "false"):
        return False
    raise bad_parameter(f"参数 {name} 应为 1 或 0（或 true、false），实际为「{shown_parameter(value)}」")


MEETING_NUMBER = re.compile(r"[1-9][0-9]{0,2}")  # ASCII digits only: no sign, space, "_" or full-width digit


def meeting_param() -> Optional[int]:
    """The ``meeting`` query parameter: a meeting's number, 1–999, in ASCII digits; absent or empty is none."""
    value = request.args.get("meeting")
    if value is None or value == "":
        return None
    if not MEETING_NUMBER.fullmatch(value):
        raise bad_parameter(f"参数 meeting 应为从 1 开始的会议序号（1—999 的数字），实际为「{shown_parameter(value)}」")
    return int(value)


def format_param() -> str:
    """The ``format`` query parameter: exactly docx or pdf; absent or empty is docx."""
    value = request.args.get("format") or "docx"
    if value not in ("docx", "pdf"):
        raise bad_parameter(f"参数 format 应为 docx 或 pdf，实际为「{shown_parameter(value)}」")
    return value


@bp.post("/packages")
@require_key
def packages() -> Response:
    pdf, templates = flag("pdf"), template_set(request.args.get("template_set"))
    return package_response(build_package(case_body(), pdf=pdf, templates=templates))


@bp.post("/documents/<kind>")
@require_key
def documents(kind: str) -> Response:
    if kind not in FILING_KEYS:
        raise UnknownDocument(f"没有这种文书：{kind[:40]}（可选：{'、'.join(FILING_KEYS)}）")
    fmt, meeting = format_param(), meeting_param()
    templates = template_set(request.args.get("template_set"))
    data = case_body()
    document = build_document(data, kind, meeting=meeting if kind == "minutes" else None, fmt=fmt, templates=templates)
    case_id = data.get("case_id", "") if isinstance(data, dict) else ""
    return document_response(document, fmt, case_id if isinstance(case_id, str) else "")


@bp.post("/summaries")
@require_key
def summaries() -> Response:
    name, data, mimetype = build_summary(case_body(workbook=False), pdf=flag("pdf"))
    return download(data, name, mimetype, fallback="wenping_summary" + (".pdf" if mimetype.endswith("pdf") else ".docx"))


@bp.post("/validate")
@require_key
def validate_case() -> Response:
    return json_response(validation_with_readiness(validate(case_body())))


@bp.get("/schema")
def schema() -> Response:
    return json_response(case_schema(), mimetype="application/schema+json")


@bp.get("/openapi.json")
def openapi() -> Response:
    from service.web.openapi import build_openapi

    spec = current_app.extensions.get("wenping_openapi")
    if spec is None:
        spec = current_app.extensions["wenping_openapi"] = build_openapi(current_app)
    return json_response(spec)


_templates_cache: dict[tuple, list[TemplateInfo]] = {}
_templates_lock = threading.Lock()


def default_templates() -> list[TemplateInfo]:
    """The default set's templates and their variables; re-checked only when a file changes."""
    paths = [DEFAULT_SET / BY_KEY[key].template for key in TEMPLATE_KEYS]
    stamp = tuple((p.name, p.stat().st_mtime_ns if p.exists() else 0) for p in paths)
    with _templates_lock:
        cached = _templates_cache.get(stamp)
        if cached is None:
            cached = [
                TemplateInfo(
                    kind=r.kind,
                    name=BY_KEY[r.kind].name,
                    file=r.path.name,
                    ok=r.ok,
                    variables=r.leaf_variables(),
                    problems=list(r.problems),
                )
                for r in check_folder(DEFAULT_SET)
            ]
            _templates_cache.clear()
            _templates_cache[stamp] = cached
    return cached


def templates_listing() -> dict:
    listing = TemplatesListing(
        template_set=DEFAULT_SET.name,
        kinds=list(FILING_KEYS),
        template_sets=["default", *template_set_folders()],
        templates=default_templates(),
    )
    return listing.model_dump(mode="json")


@bp.get("/templates")
@require_key
def templates() -> Response:
    return json_response(templates_listing())
