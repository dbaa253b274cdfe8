"""The OpenAPI 3.1 description of every route, generated from one table of routes and the pydantic models.

``ROUTES`` lists each operation once — method, path, Flask endpoint, summary, parameters (from the
query/path models in ``models``), request body, answers and the problem statuses it may give — and
``build_openapi`` derives the document from it: request bodies are the case and period models,
responses the models in ``models`` (validation result, problem details, templates listing, probes)
plus the binary downloads. Security (Bearer) is declared only when the app has API keys configured,
so the document tells the truth about the running service. A test checks that the table and the
app's routes are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service import __version__
from service.model.case import Case
from service.model.period import PeriodReport
from service.jobs import JobRequest

from service.web.generation import DOCX, PDF, ZIP
from service.web.models import (
    AsOfQuery,
    CaseDocumentPath,
    CaseDocumentQuery,
    AuditListing,
    AuditQuery,
    KeyBody,
    KeyListing,
    KeyPath,
    NewKeyEntry,
    KeyEntry,
    RegisterSummaryQuery,
    ReviewBody,
    ReviewEntry,
    ReviewListing,
    Tracked,
    TrackingBody,
    TrackingListing,
    TrackingReportQuery,
    CaseDetail,
    CaseDiff,
    CaseListing,
    CasePackageQuery,
    CaseComparison,
    CaseDigestPath,
    CasePath,
    DiffQuery,
    DocumentChoice,
    FilingChoice,
    RegisterPageForm,
    ReviewChoice,
    TrackingChoice,
    DigestPath,
    Submission,
    SubmitQuery,
    VerificationResult,
    VersionListing,
    DocumentPath,
    DocumentQuery,
    FormSubmission,
    Health,
    JobPath,
    JobStatus,
    JsonDocument,
    PackageQuery,
    SummaryQuery,
    Problem,
    Readiness,
    TemplatesListing,
    ValidationResult,
)
from service.web.problems import PROBLEM_JSON, STANDARD
from service.workbook import XLSX_TYPE

WORKBOOK_BODY = "案卷表格（wenping workbook 或表单下载的 .xlsx，填好后原样提交）；错误另注明单元格（cell）"

REF = "#/components/schemas/{model}"
OPENAPI_VERSION = "3.1.0"

BODY_MODELS: list[tuple[type[BaseModel], str]] = [
    (Case, "validation"),
    (ValidationResult, "serialization"),
    (Problem, "serialization"),
    (TemplatesListing, "serialization"),
    (Health, "serialization"),
    (Readiness, "serialization"),
    (JsonDocument, "serialization"),
    (Submission, "serialization"),
    (CaseListing, "serialization"),
    (CaseDetail, "serialization"),
    (VersionListing, "serialization"),
    (CaseDiff, "serialization"),
    (VerificationResult, "serialization"),
    (FormSubmission, "validation"),
    (RegisterPageForm, "validation"),
    (CaseComparison, "validation"),
    (DocumentChoice, "validation"),
    (FilingChoice, "validation"),
    (ReviewChoice, "validation"),
    (TrackingChoice, "validation"),
    (PeriodReport, "validation"),
    (KeyBody, "validation"),
    (ReviewBody, "validation"),
    (TrackingBody, "validation"),
    (KeyListing, "serialization"),
    (NewKeyEntry, "serialization"),
    (KeyEntry, "serialization"),
    (AuditListing, "serialization"),
    (ReviewEntry, "serialization"),
    (ReviewListing, "serialization"),
    (Tracked, "serialization"),
    (TrackingListing, "serialization"),
    (JobRequest, "validation"),
    (JobStatus, "serialization"),
]

KEY_STATUSES = (401, 403)  # documented only when keys are configured
GENERATION_PROBLEMS = (400, 401, 403, 404, 413, 415, 422, 500, 503, 504)
DISPOSITION = {
    "description": "attachment; filename=\"ASCII 备用名\"; filename*=UTF-8''中文文件名（RFC 6266）",
    "schema": {"type": "string"},
}
HTML = "text/html"


def _strip_null(schema: dict) -> dict:
    """``anyOf: [X, null]`` → X: a query parameter is absent, never null."""
    branches = schema.get("anyOf")
    if branches and any(b.get("type") == "null" for b in branches):
        rest = [b for b in branches if b.get("type") != "null"]
        if len(rest) == 1:
            merged = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
            merged.update(rest[0])
            if schema.get("default") is not None:
                merged["default"] = schema["default"]
            return merged
    return schema


def parameters(model: type[BaseModel], where: str) -> list[dict]:
    """OpenAPI parameters from a model's fields (schema per field, title → description)."""
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema["properties"].items():
        prop = _strip_null(dict(prop))
        description = prop.pop("description", None)
        title = prop.pop("title", name)
        params.append(
            {
                "name": name,
                "in": where,
                "required": where == "path" or name in required,
                "description": f"{title}。{description}" if description else title,
                "schema": prop,
            }
        )
    return params


# ------------------------------------------------------------------ answers


class _Doc:
    """What a response or body needs while the document is built: model references and whether keys are on."""

    def __init__(self, keys: bool):
        self.keys = keys
        self.refs, top = models_json_schema(BODY_MODELS, ref_template=REF)
        self.schemas = top.get("$defs", {})

    def ref(self, model: type[BaseModel], mode: str = "serialization") -> dict:
        return self.refs[(model, mode)]

    def documented(self, status: int) -> bool:
        return self.keys or status not in KEY_STATUSES


Answer = Callable[[_Doc], dict]  # builds one response object


def json_answer(
    model: type[BaseModel], description: str, media: str = "application/json", mode: str = "serialization"
) -> Answer:
    return lambda doc: {"description": description, "content": {media: {"schema": doc.ref(model, mode)}}}


def download(media: tuple[str, ...], description: str, headers: Optional[dict] = None) -> Answer:
    """A file in the body, named in Content-Disposition."""
    return lambda doc: {
        "description": description,
        "headers": {"Content-Disposition": DISPOSITION, **(headers or {})},
        "content": {m: {"schema": {"type": "string", "contentMediaType": m}} for m in media},
    }


def html_answer(description: str, also: tuple[str, ...] = ()) -> Answer:
    """An HTML page (or, for the form, one of the ``also`` downloads instead)."""
    return lambda doc: {
        "description": description,
        "content": {
            **{m: {"schema": {"type": "string", "contentMediaType": m}} for m in also},
            HTML: {"schema": {"type": "string"}},
        },
    }


@dataclass(frozen=True)
class Body:
    model: type[BaseModel]
    media: str = "application/json"
    required: bool = True  # the register pages' buttons: every field has a default (the key may come as a header)
    workbook: bool = False  # the case may also come as the clerk's workbook (.xlsx)

    def render(self, doc: _Doc) -> dict:
        content = {self.media: {"schema": doc.ref(self.model, "validation")}}
        if self.workbook:
            content[XLSX_TYPE] = {"schema": {"type": "string", "contentMediaType": XLSX_TYPE, "description": WORKBOOK_BODY}}
        return {"required": self.required, "content": content}


# ------------------------------------------------------------------ the routes


@dataclass(frozen=True)
class Route:
    """One operation of the service, as the OpenAPI document states it.

    ``path`` is in OpenAPI form (``{kind}``); ``endpoint`` names the Flask view that
    serves it. ``answers`` maps status → response; ``problems`` are the error statuses
    answered with problem details (``html_errors``: with an HTML page, for the form).
    401/403 are documented only when keys are configured; ``protected`` routes then
    also declare the Bearer security. ``keyed_note`` is added to the description then.
    """

    method: str
    path: str
    endpoint: str
    operation_id: str
    summary: str
    description: str
    answers: dict[int, Answer]
    problems: tuple[int, ...] = ()
    html_errors: tuple[int, ...] = ()
    protected: bool = False
    path_params: Optional[type[BaseModel]] = None
    query: Optional[type[BaseModel]] = None
    body: Optional[Body] = None
    keyed_note: str = ""

    def operation(self, doc: _Doc) -> dict:
        operation: dict[str, Any] = {
            "summary": self.summary,
            "description": self.description + (self.keyed_note if doc.keys else ""),
            "operationId": self.operation_id,
        }
        params = (parameters(self.path_params, "path") if self.path_params else []) + (
            parameters(self.query, "query") if self.query else []
        )
        if params:
            operation["parameters"] = params
        if self.body:
            operation["requestBody"] = self.body.render(doc)
        operation["responses"] = self.responses(doc)
        if self.protected and doc.keys:
            operation["security"] = [{"bearerAuth": []}]
        return operation

    def responses(self, doc: _Doc) -> dict:
        out = {str(status): answer(doc) for status, answer in self.answers.items()}
        errors = [(s, {PROBLEM_JSON: {"schema": doc.ref(Problem)}}) for s in self.problems]
        errors += [(s, {HTML: {"schema": {"type": "string"}}}) for s in self.html_errors]
        for status, content in errors:
            if doc.documented(status):
                out[str(status)] = {"description": STANDARD[status][1], "content": content}
        return out


WARNINGS_HEADER = {
    "X-Wenping-Warnings": {"description": "提醒条数（详见 manifest.json）", "schema": {"type": "integer", "minimum": 0}}
}
PACKAGE = "报备材料包（zip）：各文书 .docx（要求时另附 .pdf）、manifest.json（含提醒和风险测算）与规范化案卷"

FORM = "application/x-www-form-urlencoded"
REGISTER_PAGE_ERRORS = (400, 401, 403, 404, 413, 422, 500, 503, 504)

ROUTES: tuple[Route, ...] = (
    Route(
        "post", "/api/v1/packages", "api.packages", "createPackage", "生成报备材料包",
        "校验案卷并生成全套报备材料（zip）。案卷有错误时返回 422 并列出每一处错误，不生成任何材料。",
        {200: download((ZIP,), PACKAGE, WARNINGS_HEADER)},
        problems=GENERATION_PROBLEMS,
        protected=True,
        query=PackageQuery,
        body=Body(Case, workbook=True),
    ),
    Route(
        "post", "/api/v1/documents/{kind}", "api.documents", "createDocument", "生成单份文书",
        "生成一份文书（.docx 或 .pdf）；会议纪要用 meeting 指定第几次会议。",
        {200: download((DOCX, PDF), "文书文件")},
        problems=GENERATION_PROBLEMS,
        protected=True,
        path_params=DocumentPath,
        query=DocumentQuery,
        body=Body(Case, workbook=True),
    ),
    Route(
        "post", "/api/v1/summaries", "api.summaries", "createSummary", "生成工作情况汇报",
        "由一段时期的多件案卷生成工作情况汇报（.docx，pdf=1 时为 .pdf）：机制建设、程序执行（各项数字跨案卷汇总）、"
        "成效（每件案卷一段）、存在的问题、下一步工作。有错误时返回 422 并列出每一处错误（案卷内的位置以 cases.N. 开头）。",
        {200: download((DOCX, PDF), "工作情况汇报")},
        problems=(400, 401, 403, 413, 415, 422, 500, 503, 504),
        protected=True,
        query=SummaryQuery,
        body=Body(PeriodReport),
    ),
    Route(
        "post", "/api/v1/validate", "api.validate_case", "validateCase", "校验案卷",
        "校验案卷并测算风险，不生成材料；无论是否通过都返回 200（结构同 wenping validate --json）："
        "请求体不符合案卷格式时同样返回 200，valid 为 false 并列出每一处错误。",
        {200: json_answer(ValidationResult, "校验结果")},
        problems=(400, 401, 403, 413, 415),
        protected=True,
        body=Body(Case, workbook=True),
    ),
    Route(
        "post", "/api/v1/cases", "cases.submit", "submitCase", "登记案卷版本",
        "把案卷作为新版本登记到台账：新内容答 201（Location 指向该案卷），与已有版本相同时答 200、created 为 false，"
        "不另立版本。案卷有错误时返回 422，不登记。",
        {201: json_answer(Submission, "已登记新版本"), 200: json_answer(Submission, "内容未变，未另立版本")},
        problems=(400, 401, 403, 413, 415, 422, 503),
        protected=True,
        query=SubmitQuery,
        body=Body(Case, workbook=True),
    ),
    Route(
        "get", "/api/v1/cases", "cases.cases", "listCases", "台账中的案卷",
        "台账中的全部案卷及其阶段、版本数和登记时间。",
        {200: json_answer(CaseListing, "案卷清单")},
        problems=(401, 403, 503),
        protected=True,
    ),
    Route(
        "get", "/api/v1/cases/{case_id}", "cases.case", "getCase", "一件案卷",
        "一件案卷：阶段、各版本和已出具的材料包。",
        {200: json_answer(CaseDetail, "案卷")},
        problems=(401, 403, 404, 503),
        protected=True,
        path_params=CasePath,
    ),
    Route(
        "get", "/api/v1/cases/{case_id}/versions", "cases.versions", "listVersions", "案卷的各版本",
        "各版本的版本号、SHA-256、阶段、提交人和提交时间。",
        {200: json_answer(VersionListing, "版本清单")},
        problems=(401, 403, 404, 503),
        protected=True,
        path_params=CasePath,
    ),
    Route(
        "get", "/api/v1/cases/{case_id}/diff", "cases.diff", "diffVersions", "两个版本的差异",
        "逐项列出两个版本之间改动的字段（路径、中文名、原值、新值）。",
        {200: json_answer(CaseDiff, "改动的字段")},
        problems=(400, 401, 403, 404, 503),
        protected=True,
        path_params=CasePath,
        query=DiffQuery,
    ),
    Route(
        "post", "/api/v1/cases/{case_id}/packages", "cases.file_package", "fileCasePackage", "出具并存档材料包",
        "由某一版本（默认最新）生成报备材料包并存入台账，返回 zip；同一版本再次出具得到同一个材料包。",
        {200: download((ZIP,), PACKAGE)},
        problems=(400, 401, 403, 404, 500, 503, 504),
        protected=True,
        path_params=CasePath,
        query=CasePackageQuery,
    ),
    Route(
        "get", "/api/v1/verify/{digest}", "cases.verify", "verifyDigest", "核验材料",
        "给出材料包或其中任一文件的 SHA-256，答是否本台账出具，以及案卷、版本和出具时间。",
        {200: json_answer(VerificationResult, "核验结果")},
        problems=(400, 401, 403, 503),
        protected=True,
        path_params=DigestPath,
    ),
    Route(
        "post", "/api/v1/cases/{case_id}/reviews", "oversight.record_review", "reviewCase", "登记备案意见",
        "维稳办审核人员对案卷最近出具（或 package 指定）的材料包登记「予以备案」或「退回」（退回须写明理由）。"
        "每个材料包只登记一次；退回的案卷修改后提交新版本、重新出具，再行备案。只有 reviewer 角色的密钥可以登记。",
        {201: json_answer(ReviewEntry, "已登记的备案意见")},
        problems=(400, 401, 403, 404, 409, 413, 415, 422, 503),
        protected=True,
        path_params=CasePath,
        body=Body(ReviewBody),
    ),
    Route(
        "get", "/api/v1/cases/{case_id}/documents/{kind}", "oversight.case_document", "getCaseDocument", "台账中案卷的单份文书",
        "由台账中案卷的某一版本（默认最新）生成一份文书；该版本的材料包已有备案意见时，模板可用 filing.review"
        "（予以备案或退回、日期、理由）填写报备表的上级维稳办备案一栏。",
        {200: download((DOCX, PDF), "文书文件")},
        problems=(400, 401, 403, 404, 422, 500, 503, 504),
        protected=True,
        path_params=CaseDocumentPath,
        query=CaseDocumentQuery,
    ),
    Route(
        "get", "/api/v1/cases/{case_id}/reviews", "oversight.list_reviews", "listReviews", "案卷的备案意见",
        "案卷各材料包的备案意见（予以备案或退回及理由），先后为序。经办人员只能查看本单位的案卷。",
        {200: json_answer(ReviewListing, "备案意见")},
        problems=(401, 403, 404, 503),
        protected=True,
        path_params=CasePath,
    ),
    Route(
        "post", "/api/v1/cases/{case_id}/tracking", "oversight.track", "trackMeasure", "登记措施落实情况",
        "全程跟踪督查：为最新版本的一项防范化解措施（风险编号.序号，如 R1.2）登记一条记录（日期、状态、情况说明、记录人）。"
        "全部措施已完成时，实施的事项进入结案阶段。本单位的经办人员或管理员可以登记。",
        {201: json_answer(Tracked, "已登记的记录和案卷阶段")},
        problems=(400, 401, 403, 404, 413, 415, 422, 503),
        protected=True,
        path_params=CasePath,
        body=Body(TrackingBody),
    ),
    Route(
        "get", "/api/v1/cases/{case_id}/tracking", "oversight.tracking", "getTracking", "措施落实情况",
        "各项措施截至 as_of（默认当天）的状态：最近一次记录的状态；未完成且已过完成时限的为逾期。",
        {200: json_answer(TrackingListing, "各项措施")},
        problems=(400, 401, 403, 404, 503),
        protected=True,
        path_params=CasePath,
        query=AsOfQuery,
    ),
    Route(
        "get", "/api/v1/cases/{case_id}/tracking/report", "oversight.tracking_document", "getTrackingReport",
        "跟踪督查情况报告",
        "由跟踪记录生成截至 as_of 的跟踪督查情况报告（.docx，format=pdf 时为 .pdf）。",
        {200: download((DOCX, PDF), "跟踪督查情况报告")},
        problems=(400, 401, 403, 404, 422, 500, 503, 504),
        protected=True,
        path_params=CasePath,
        query=TrackingReportQuery,
    ),
    Route(
        "get", "/api/v1/summaries", "oversight.register_summary", "summaryFromRegister", "由台账生成工作情况汇报",
        "由台账中报备日期在 from 至 to 之间的案卷（各取期间内出具材料包的最新版本）生成工作情况汇报，数字即台账的统计；"
        "unit 只汇总一个单位。经办人员只能汇总本单位。期间内没有报备的案卷时答 404。",
        {200: download((DOCX, PDF), "工作情况汇报")},
        problems=(400, 401, 403, 404, 422, 500, 503, 504),
        protected=True,
        query=RegisterSummaryQuery,
    ),
    Route(
        "get", "/api/v1/keys", "oversight.keys", "listKeys", "访问密钥清单",
        "全部命名的访问密钥：名称、单位、角色、创建和吊销时间（不含密钥本身）。仅管理员。",
        {200: json_answer(KeyListing, "访问密钥")},
        problems=(401, 403, 503),
        protected=True,
    ),
    Route(
        "post", "/api/v1/keys", "oversight.add_key", "addKey", "新建访问密钥",
        "新建一个绑定单位和角色的访问密钥；密钥只在这次答复中出现，台账只保存其 SHA-256。仅管理员。",
        {201: json_answer(NewKeyEntry, "新密钥")},
        problems=(400, 401, 403, 409, 413, 415, 422, 503),
        protected=True,
        body=Body(KeyBody),
    ),
    Route(
        "delete", "/api/v1/keys/{name}", "oversight.revoke_key", "revokeKey", "吊销访问密钥",
        "吊销后该密钥的请求答 403；名称不能再用。仅管理员。",
        {200: json_answer(KeyEntry, "已吊销的密钥")},
        problems=(401, 403, 404, 503),
        protected=True,
        path_params=KeyPath,
    ),
    Route(
        "get", "/api/v1/audit-log", "oversight.audit_log", "auditLog", "操作记录",
        "谁（密钥名称、单位）在何时对哪个案卷做了什么；不含案卷内容。仅管理员。",
        {200: json_answer(AuditListing, "操作记录")},
        problems=(401, 403, 503),
        protected=True,
        query=AuditQuery,
    ),
    Route(
        "post", "/api/v1/jobs", "jobs.submit", "submitJob", "提交任务",
        "提交一个任务（报备材料包、单份文书或工作情况汇报），立即答 202，Location 指向任务；之后用 GET 查询状态、取结果。"
        "请求先经检查：请求有误 400，案卷有错误 422（列出每一处错误），台账中没有该案卷 404，此时都不排队。"
        "设置了 WENPING_BROKER_URL 时由 wenping worker 进程执行，否则在本服务进程内执行。",
        {202: json_answer(JobStatus, "已受理（Location：/api/v1/jobs/{job_id}）")},
        problems=(400, 401, 403, 404, 413, 415, 422, 500, 503),
        protected=True,
        body=Body(JobRequest),
    ),
    Route(
        "get", "/api/v1/jobs/{job_id}", "jobs.status", "getJob", "任务状态",
        "任务的状态、进度、错误和结果的地址。任务只对提交它的访问密钥可见，其他密钥答 404。",
        {200: json_answer(JobStatus, "任务状态")},
        problems=(401, 403, 404, 503),
        protected=True,
        path_params=JobPath,
    ),
    Route(
        "get", "/api/v1/jobs/{job_id}/result", "jobs.result", "getJobResult", "任务结果",
        "已完成任务的文件，与同步接口（/api/v1/packages、/documents、/summaries、/cases/{case_id}/packages）的结果逐字节相同；"
        "尚未完成或失败时答 409。",
        {200: download((ZIP, DOCX, PDF), "任务结果", {"X-Wenping-Result-Sha256": {"description": "文件的 SHA-256", "schema": {"type": "string"}}})},
        problems=(401, 403, 404, 409, 500, 503),
        protected=True,
        path_params=JobPath,
    ),
    Route(
        "get", "/api/v1/schema", "api.schema", "getCaseSchema", "案卷 JSON Schema",
        "案卷格式的 JSON Schema（draft 2020-12），由案卷模型生成。",
        {200: json_answer(JsonDocument, "JSON Schema", media="application/schema+json")},
    ),
    Route(
        "get", "/api/v1/openapi.json", "api.openapi", "getOpenApi", "接口说明", "本 OpenAPI 3.1 文档。",
        {200: json_answer(JsonDocument, "OpenAPI 文档")},
    ),
    Route(
        "get", "/api/v1/templates", "api.templates", "listTemplates", "文书模板清单", "各类文书、所用模板及模板使用的变量。",
        {200: json_answer(TemplatesListing, "模板清单")},
        problems=(401, 403),
        protected=True,
    ),
    Route("get", "/healthz", "ops.healthz", "healthz", "存活检查", "进程能应答即返回 200。", {200: json_answer(Health, "存活")}),
    Route(
        "get", "/readyz", "ops.readyz", "readyz", "就绪检查",
        "能生成 PDF 时返回 200；PDF 转换组件不可用时返回 503（此时仍可生成 Word 文档）。",
        {200: json_answer(Readiness, "就绪"), 503: json_answer(Readiness, "PDF 不可用")},
    ),
    Route(
        "get", "/", "form.index", "form", "上传表单", "经办人员使用的网页表单。",
        {200: html_answer("表单页面")},
    ),
    Route(
        "post", "/", "form.submit", "submitForm", "提交上传表单",
        "生成时直接下载 zip；案卷有错误、只校验或出错时返回带说明的表单页面。",
        {200: html_answer("材料包（zip）或带校验结果的表单页面", also=(ZIP,))},
        html_errors=(400, 401, 403, 413, 422, 500, 503, 504),
        body=Body(FormSubmission, "multipart/form-data"),
        keyed_note="配置了访问密钥时须在 api_key 字段中填写（也接受 Authorization: Bearer 请求头）。",
    ),
    *(
        Route(
            method, "/register/", "register_pages.cases", f"{method}RegisterPage", "台账页面",
            "台账：经办人员看本单位的案卷，维稳办审核人员看各单位的案卷；每件案卷的阶段、最新版本、现在可以生成的材料、备案意见。配置了访问密钥时先要求填写密钥（401 页面）。",
            {200: html_answer("台账页面")},
            html_errors=REGISTER_PAGE_ERRORS,
            body=Body(RegisterPageForm, FORM, required=False) if method == "post" else None,
        )
        for method in ("get", "post")
    ),
    *(
        Route(
            method, "/register/{case_id}", "register_pages.case", f"{method}RegisterCasePage", "案卷页面",
            "一件案卷：各份材料能否生成及下载、报备材料包及其备案意见、各项措施的跟踪督查、各版本及两个版本之间的改动。其他单位的案卷与不存在的案卷一样答 404。",
            {200: html_answer("案卷页面")},
            html_errors=REGISTER_PAGE_ERRORS,
            path_params=CasePath,
            body=Body(CaseComparison, FORM, required=False) if method == "post" else None,
        )
        for method in ("get", "post")
    ),
    Route(
        "post", "/register/{case_id}/document", "register_pages.document", "registerPageDocument", "下载一份文书（台账页面）",
        "最新版本已可生成的一份文书（.docx）；尚不能生成时返回带说明的案卷页面（422）。",
        {200: html_answer("文书（.docx）或带说明的案卷页面", also=(DOCX,))},
        html_errors=REGISTER_PAGE_ERRORS,
        path_params=CasePath,
        body=Body(DocumentChoice, FORM, required=False),
    ),
    Route(
        "post", "/register/{case_id}/file", "register_pages.file_package", "registerPageFile", "出具报备材料包（台账页面）",
        "出具最新版本的报备材料包并存入台账，返回注明结果的案卷页面；材料尚未齐备时 422。",
        {200: html_answer("案卷页面")},
        html_errors=REGISTER_PAGE_ERRORS,
        path_params=CasePath,
        body=Body(FilingChoice, FORM, required=False),
    ),
    Route(
        "post", "/register/{case_id}/review", "register_pages.review", "registerPageReview", "登记备案意见（台账页面）",
        "维稳办审核人员对一个已出具的材料包登记予以备案或退回（退回须写明理由），返回注明结果的案卷页面；"
        "其他角色 403，理由缺失或日期有误 422。",
        {200: html_answer("案卷页面")},
        html_errors=REGISTER_PAGE_ERRORS,
        path_params=CasePath,
        body=Body(ReviewChoice, FORM, required=False),
    ),
    Route(
        "post", "/register/{case_id}/tracking", "register_pages.track", "registerPageTracking", "登记跟踪情况（台账页面）",
        "本单位经办人员（或管理员）登记一项措施的跟踪情况，返回案卷页面；措施、状态或日期有误 422。",
        {200: html_answer("案卷页面")},
        html_errors=REGISTER_PAGE_ERRORS,
        path_params=CasePath,
        body=Body(TrackingChoice, FORM, required=False),
    ),
    Route(
        "post", "/register/{case_id}/packages/{digest}", "register_pages.filed_package", "registerPagePackage",
        "下载已出具的材料包（台账页面）", "台账中已出具的一个材料包（zip）。",
        {200: html_answer("材料包（zip）", also=(ZIP,))},
        html_errors=REGISTER_PAGE_ERRORS,
        path_params=CaseDigestPath,
        body=Body(RegisterPageForm, FORM, required=False),
    ),
    Route(
        "get", "/sample-case.json", "form.sample_case", "sampleCase", "示例案卷",
        "下载示例案卷（schemas/examples/land-consolidation.json：2.0 格式的完整示例）。",
        {200: json_answer(Case, "示例案卷", mode="validation")},
    ),
    Route(
        "get", "/case-workbook.xlsx", "form.blank_workbook", "blankWorkbook", "空白案卷表格",
        "下载空白的案卷表格（.xlsx，第一页为填写说明），填好后可提交给各生成接口或上传表单。",
        {200: download((XLSX_TYPE,), "空白案卷表格")},
    ),
    Route(
        "get", "/sample-case.xlsx", "form.sample_workbook", "sampleWorkbook", "示例案卷表格",
        "下载填好示例案卷的案卷表格（.xlsx）。",
        {200: download((XLSX_TYPE,), "示例案卷表格")},
    ),
)


def build_openapi(app: Flask) -> dict[str, Any]:
    doc = _Doc(keys=bool(app.config.get("API_KEYS")))
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = route.operation(doc)
    spec: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "稳评 wenping：社会稳定风险评估报备材料生成",
            "version": __version__,
            "description": (
                "由一份案卷（JSON）校验、测算风险并生成全套报备材料。错误以 application/problem+json（RFC 9457）返回，"
                "标题和说明为中文；案卷错误（422）另有 errors 与 warnings，每项含 path 和 message。"
                + ("调用需在请求头中携带 Authorization: Bearer <访问密钥>。" if doc.keys else "")
            ),
        },
        "paths": paths,
        "components": {"schemas": doc.schemas},
    }
    if doc.keys:
        spec["components"]["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "访问密钥（WENPING_API_KEYS 中的一个）"}
        }
    return spec
