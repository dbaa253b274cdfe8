"""Routes of units, roles and keys, the 维稳办's review, step six and the period report from the register.

    POST /api/v1/cases/<id>/reviews        reviewer: 予以备案 or 退回 (with reasons) on the newest filed package
    GET  /api/v1/cases/<id>/reviews        the decisions on the case's packages
    GET  /api/v1/cases/<id>/documents/<kind>  one document of a version, the decision in its filing context
    POST /api/v1/cases/<id>/tracking       clerk of the case's unit (or admin): one tracking entry of a measure
    GET  /api/v1/cases/<id>/tracking       every measure and where it stands on ``as_of`` (default today)
    GET  /api/v1/cases/<id>/tracking/report  the 跟踪督查情况报告 (.docx, or .pdf with format=pdf)
    GET  /api/v1/summaries?from=&to=&unit= the period 工作情况汇报 of the cases filed in the period
    GET/POST /api/v1/keys, DELETE /api/v1/keys/<name>, GET /api/v1/audit-log   admin

A clerk reaches only its own unit's cases (another unit's case answers 404, as one that does not exist).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Optional

from flask import Blueprint, Response, request

from service.register import REVIEW_RESULTS, STATUSES
from service.context.registry import FILING_KEYS
from service.generate import UnknownDocument
from service.register.reports import filing_document, period_report, tracking_report
from service.web.api import bad_parameter, case_body, flag, format_param, json_response, meeting_param, shown_parameter
from service.web.auth import audit, identity, register, require_key, require_role, visible
from service.web.cases import version_parameter
from service.web.generation import DOCX, PDF, ascii_fallback, download
from service.web.problems import ApiProblem

bp = Blueprint("oversight", __name__, url_prefix="/api/v1")

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_FIELD = 2000


# ------------------------------------------------------------------ reading bodies and parameters


def invalid(field: str, message: str) -> ApiProblem:
    """422 naming the field, the Chinese message beside it in ``errors`` as validation errors are."""
    return ApiProblem(422, message, slug="invalid-request", title="请求内容有误", errors=[{"path": field, "message": message}])


def object_body(allowed: tuple[str, ...]) -> dict[str, Any]:
    body = case_body()
    if not isinstance(body, dict):
        raise invalid("", f"请求内容应为 JSON 对象 {{…}}，实际为 {type(body).__name__}")
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise invalid(unknown[0][:40], f"未知字段「{unknown[0][:40]}」；可用的字段：{'、'.join(allowed)}")
    return body


def text_field(body: dict, name: str, title: str, required: bool = False, limit: int = MAX_FIELD) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise invalid(name, f"缺少必填项「{title}」（{name}）")
        return ""
    if not isinstance(value, str):
        raise invalid(name, f"「{title}」（{name}）应为文字，实际为 {str(value)[:40]}")
    if len(value) > limit:
        raise invalid(name, f"「{title}」（{name}）过长：共 {len(value)} 个字符，最多 {limit} 个")
    return value.strip()


def parse_date(text: str, what: str) -> date:
    if not ISO_DATE.fullmatch(text):
        raise ValueError(f"{what}应写作 YYYY-MM-DD，如 2026-09-30，实际为「{text[:20]}」")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}「{text}」不是存在的日期") from None


def date_field(body: dict, name: str, title: str) -> date:
    """A date of the body (YYYY-MM-DD); today when absent."""
    text = text_field(body, name, title, limit=20)
    try:
        return parse_date(text, f"「{title}」（{name}）") if text else date.today()
    except ValueError as exc:
        raise invalid(name, str(exc)) from None


def date_parameter(name: str, required: bool = False) -> Optional[date]:
    value = request.args.get(name)
    if value is None or value == "":
        if required:
            raise bad_parameter(f"缺少参数 {name}（日期，写作 YYYY-MM-DD）")
        return None
    try:
        return parse_date(value, f"参数 {name} ")
    except ValueError as exc:
        raise bad_parameter(str(exc)) from None


def as_of() -> date:
    return date_parameter("as_of") or date.today()


# ------------------------------------------------------------------ review (备案)


@bp.post("/cases/<case_id>/reviews")
@require_role("reviewer")
def record_review(case_id: str) -> Response:
    visible(case_id)
    body = object_body(("result", "reasons", "date", "package"))
    result = text_field(body, "result", "备案意见", required=True, limit=10)
    if result not in REVIEW_RESULTS:
        raise invalid("result", f"「备案意见」（result）应为 予以备案 或 退回，实际为「{result[:20]}」")
    reasons = body.get("reasons", [])
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise invalid("reasons", "「理由」（reasons）应为文字的列表，如 [\"缺少听证会纪要\"]")
    package = text_field(body, "package", "材料包的 SHA-256", limit=64) or None
    review = register().review(case_id, result, reasons, identity(), date_field(body, "date", "备案日期"), package)
    audit("review", case_id, f"第 {review.version} 版 {review.result}")
    return json_response(review.as_dict(), status=201)


@bp.get("/cases/<case_id>/documents/<kind>")
@require_key
def case_document(case_id: str, kind: str) -> Response:
    """One document of a registered version, with the 维稳办's decision on it (the 报备表's 上级维稳办备案)."""
    visible(case_id)
    if kind not in FILING_KEYS:
        raise UnknownDocument(f"没有这种文书：{kind[:40]}（可选：{'、'.join(FILING_KEYS)}）")
    fmt, meeting, version = format_param(), meeting_param(), version_parameter("version", required=False)
    made = filing_document(register(), case_id, kind, version, fmt=fmt, meeting=meeting if kind == "minutes" else None)
    return download(made.data, made.file_name, made.media_type, fallback=ascii_fallback(f"{case_id}_{kind}.{fmt}"))


@bp.get("/cases/<case_id>/reviews")
@require_key
def list_reviews(case_id: str) -> Response:
    visible(case_id)
    return json_response({"case_id": case_id, "reviews": [r.as_dict() for r in register().reviews(case_id)]})


# ------------------------------------------------------------------ step six (全程跟踪督查)


@bp.post("/cases/<case_id>/tracking")
@require_role("clerk", "admin")
def track(case_id: str) -> Response:
    visible(case_id)
    body = object_body(("measure", "status", "date", "note", "who"))
    measure = text_field(body, "measure", "措施", required=True, limit=80)
    status = text_field(body, "status", "状态", required=True, limit=10)
    if status not in STATUSES:
        raise invalid("status", f"「状态」（status）应为 {'、'.join(STATUSES)} 之一，实际为「{status[:20]}」")
    on = date_field(body, "date", "日期")
    note = text_field(body, "note", "情况说明")
    who = text_field(body, "who", "记录人", limit=100) or identity().name
    reg = register()
    entry = reg.track(case_id, measure, status, on, note, who)
    audit("track", case_id, f"{entry.measure} {entry.status}")
    return json_response({"case_id": case_id, "entry": entry.as_dict(), "stage": reg.case(case_id).stage}, status=201)


@bp.get("/cases/<case_id>/tracking")
@require_key
def tracking(case_id: str) -> Response:
    visible(case_id)
    day = as_of()
    reg = register()
    measures = reg.measures(case_id, day)
    counts = {status: sum(1 for m in measures if m.status == status) for status in STATUSES}
    return json_response({
        "case_id": case_id,
        "as_of": day.isoformat(),
        "stage": reg.case(case_id).stage,
        "counts": counts,
        "measures": [m.as_dict() for m in measures],
    })


@bp.get("/cases/<case_id>/tracking/report")
@require_key
def tracking_document(case_id: str) -> Response:
    visible(case_id)
    fmt, day = format_param(), as_of()
    made = tracking_report(register(), case_id, day, pdf=fmt == "pdf")
    return download(made.data, made.file_name, made.media_type, fallback=ascii_fallback(f"{case_id}_tracking_{day}.{fmt}"))


# ------------------------------------------------------------------ the period report from the register


@bp.get("/summaries")
@require_key
def register_summary() -> Response:
    start, end = date_parameter("from", required=True), date_parameter("to", required=True)
    who = identity()
    unit = request.args.get("unit") or None
    if unit is not None and len(unit) > 100:
        raise bad_parameter(f"参数 unit 过长：「{shown_parameter(unit)}」")
    if not who.sees_every_unit:
        if unit is not None and unit != who.unit:
            raise ApiProblem(403, f"只能汇总本单位（{who.unit}）的案卷", slug="forbidden-unit", title="无权汇总其他单位")
        unit = who.unit
    report = period_report(register(), start, end, unit, organisation=None if unit else who.unit, pdf=flag("pdf"))
    audit("summary", None, f"{start.isoformat()}—{end.isoformat()} {unit or '全部单位'}")
    if flag("pdf"):
        return download(report.pdf, report.file_name(".pdf"), PDF, fallback="wenping_summary.pdf")
    return download(report.docx, report.file_name(".docx"), DOCX, fallback="wenping_summary.docx")


# ------------------------------------------------------------------ keys and the audit log (admin)


@bp.get("/keys")
@require_role("admin")
def keys() -> Response:
    return json_response({"keys": [k.as_dict() for k in register().keys()]})


@bp.post("/keys")
@require_role("admin")
def add_key() -> Response:
    body = object_body(("name", "unit", "role"))
    made = register().add_key(
        text_field(body, "name", "密钥名称", required=True, limit=64),
        text_field(body, "unit", "单位", required=True, limit=100),
        text_field(body, "role", "角色", required=True, limit=16),
    )
    audit("key-add", None, f"{made.info.name}（{made.info.unit}，{made.info.role}）")
    response = json_response({**made.info.as_dict(), "key": made.secret}, status=201)
    response.headers["Cache-Control"] = "no-store"  # the secret is shown this once
    return response


@bp.delete("/keys/<name>")
@require_role("admin")
def revoke_key(name: str) -> Response:
    info = register().revoke_key(name)
    audit("key-revoke", None, info.name)
    return json_response(info.as_dict())


@bp.get("/audit-log")
@require_role("admin")
def audit_log() -> Response:
    case_id = request.args.get("case") or None
    return json_response({"entries": [e.as_dict() for e in register().audit_log(case_id)]})
