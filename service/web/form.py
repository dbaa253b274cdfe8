"""The upload form at ``/``: a clerk chooses or pastes a case, gets the zip or the list of problems.

Plain HTML (no JavaScript needed). Three buttons: 生成 (download the package, or
re-show the form with every error and warning, the pasted text kept), 只校验
(show the risk summary and which documents the case can make now) and 提交到台账
(a new version in the register, then its case page: ``service.web.register_pages``).
With API keys configured the form's 访问密钥 field is checked exactly like the API's
Bearer key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from flask import Blueprint, Response, current_app, render_template, request, send_file
from werkzeug.exceptions import HTTPException

from service.context.readiness import PACKAGE, NotReady, readiness
from service.context.registry import FILING, kind as kind_of
from service.checks.validation import Validation, validate
from service.errors import InvalidInput, WenpingError

from service.web.auth import bearer_token, check_key, keys_in_use
from service.web.generation import build_package, download, package_response, read_case, read_case_file
from service.workbook import XLSX_TYPE, workbook_bytes
from service.web.pdf_status import pdf_ready
from service.web.problems import ApiProblem, error_problem, from_http_exception, human_size, respond
from service.web.register_pages import missing_text, submit_to_register

bp = Blueprint("form", __name__)

# The complete 2.0 example of the canonical matter: what a clerk copies from (the 1.0 sample is upgraded on input)
SAMPLE_CASE = Path(__file__).resolve().parents[2] / "schemas" / "examples" / "land-consolidation.json"
# The workbook of the sample is made from the canonical sample (what the workbook tests compare with)
CANONICAL_SAMPLE = SAMPLE_CASE.with_name("sample-case.json")

LEVEL_CLASS = {"低风险": "low", "中风险": "mid", "高风险": "high"}
DEGREE_CLASS = {"微小": "low", "较小": "low", "一般": "mid", "较大": "high", "重大": "high"}


@dataclass
class FormState:
    text: str = ""
    pdf: bool = False
    file_name: str = ""
    action: str = "generate"
    key: str = ""  # echoed back only once it has been accepted
    problem: Optional[ApiProblem] = None
    validation: Optional[Validation] = None
    checked: bool = False  # 只校验 ran
    notes: list[str] = field(default_factory=list)
    submitted_by: str = ""  # 提交到台账: the clerk's name
    readiness: list[dict] = field(default_factory=list)  # 只校验: which documents the case can make now


def render_form(state: Optional[FormState] = None, status: int = 200) -> Response:
    state = state or FormState()
    html = render_template(
        "index.html",
        state=state,
        keys_required=keys_in_use(),
        pdf_available=pdf_ready(),
        documents=[k.name for k in FILING],
        level_class=LEVEL_CLASS,
        degree_class=DEGREE_CLASS,
        max_body=human_size(current_app.config["MAX_CONTENT_LENGTH"]),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("weight")
def format_weight(value: float) -> str:
    """0.2 → 0.20, 0.125 → 0.125, 1/3 → 0.3333."""
    if abs(value * 100 - round(value * 100)) < 1e-9:
        return f"{value:.2f}"
    return f"{value:.4f}".rstrip("0")


@bp.get("/")
def index() -> Response:
    return render_form()


@bp.post("/")
def submit() -> Response:
    form = request.form  # 413 here when the body is over the limit
    state = FormState(
        text=form.get("case_text", ""),
        pdf=form.get("pdf") in ("1", "on", "true"),
        action=form.get("action") if form.get("action") in ("validate", "register") else "generate",
        submitted_by=form.get("submitted_by", ""),
    )
    try:
        supplied = form.get("api_key", "").strip() or bearer_token()
        check_key(supplied)
        state.key = supplied or ""
        raw, state.file_name = _case_bytes(state)
        data = read_case_file(raw) if state.file_name else read_case(raw)
        if state.action == "validate":
            state.validation, state.checked = validate(data), True
            state.readiness = readiness_rows(state.validation)
            return render_form(state)
        if state.action == "register":
            return submit_to_register(data, state.key, state.submitted_by)
        package = build_package(data, pdf=state.pdf)
    except (ApiProblem, WenpingError) as exc:
        state.problem = exc if isinstance(exc, ApiProblem) else error_problem(exc)
        state.validation = exc.validation if isinstance(exc, InvalidInput) else None
        if isinstance(exc, NotReady):
            state.notes.append("稳评分步进行：点「只校验」可查看现在已经可以生成哪些材料；提交到台账后，可在案卷页逐份下载。")
        return render_form(state, state.problem.status)
    return package_response(package)


def readiness_rows(result: Validation) -> list[dict]:
    """The documents a checked case can make now and what the others lack (docs/case.md, "Step by step")."""
    if not result.valid:
        return []
    rows = []
    for key, entry in readiness(result.case).items():
        name = "报备材料包" if key == PACKAGE else kind_of(key).name
        meetings = entry.get("meetings") or []
        rows.append({
            "name": f"{name}（{len(meetings)} 份）" if len(meetings) > 1 else name,
            "ready": entry["ready"],
            "missing": missing_text(entry["missing"]),
        })
    return rows


def _case_bytes(state: FormState) -> tuple[bytes, str]:
    upload = request.files.get("case_file")
    if upload is not None and upload.filename:
        if state.text.strip():
            state.notes.append("同时选择了文件和粘贴的内容：本次使用所选文件。")
        return upload.read(), upload.filename  # JSON or a workbook: told apart by its bytes
    if state.text.strip():
        return state.text.encode("utf-8"), ""
    raise ApiProblem(400, "请选择案卷文件（JSON 或 .xlsx 表格），或把案卷内容（JSON）粘贴到文本框中", slug="empty-case", title="没有收到案卷")


@bp.errorhandler(HTTPException)
def form_http_error(exc: HTTPException):
    """413 and friends while posting the form: the form again, with the reason on top."""
    problem = from_http_exception(exc)
    if request.method == "POST" and request.endpoint == "form.submit":
        return render_form(FormState(problem=problem), problem.status)
    return respond(problem)


@bp.get("/sample-case.json")
def sample_case() -> Response:
    response = send_file(SAMPLE_CASE, mimetype="application/json", as_attachment=True, download_name="sample-case.json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def workbook_download(data: Optional[dict], file_name: str) -> Response:
    """A case's data (JSON form; None: blank) as the clerk's workbook to download.

    For any page that offers "download this case as a workbook" (e.g. a version kept in the register).
    """
    response = download(workbook_bytes(data), file_name, XLSX_TYPE, fallback="wenping_case.xlsx")
    response.headers["Cache-Control"] = "no-cache"
    return response


@lru_cache(maxsize=1)
def _sample_data() -> dict:
    from service.model.case import Case

    case = Case.model_validate(json.loads(CANONICAL_SAMPLE.read_text("utf-8")))
    return case.model_dump(mode="json", exclude_none=True)


@bp.get("/case-workbook.xlsx")
def blank_workbook() -> Response:
    return workbook_download(None, "稳评案卷.xlsx")


@bp.get("/sample-case.xlsx")
def sample_workbook() -> Response:
    return workbook_download(_sample_data(), "示例案卷.xlsx")
