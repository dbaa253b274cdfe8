"""The OpenAPI 3.1 description of every route, generated from the pydantic models.

Request body = the case model; responses = the models in ``models`` (validation
result, problem details, templates listing, probes) plus the binary downloads.
Parameters come from the query/path models. Security (Bearer) is declared only
when the app has API keys configured, so the document tells the truth about
the running service.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service import __version__
from service.model.case import Case
from service.model.period import PeriodReport

from service.web.generation import DOCX, PDF, ZIP
from service.web.models import (
    DocumentPath,
    DocumentQuery,
    FormSubmission,
    Health,
    JsonDocument,
    PackageQuery,
    SummaryQuery,
    Problem,
    Readiness,
    TemplatesListing,
    ValidationResult,
)
from service.web.problems import PROBLEM_JSON, STANDARD

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
    (FormSubmission, "validation"),
    (PeriodReport, "validation"),
]


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


def build_openapi(app: Flask) -> dict[str, Any]:
    keys = bool(app.config.get("API_KEYS"))
    refs, top = models_json_schema(BODY_MODELS, ref_template=REF)
    schemas = top.get("$defs", {})

    def ref(model: type[BaseModel], mode: str = "serialization") -> dict:
        return refs[(model, mode)]

    def json_content(model: type[BaseModel], mode: str = "serialization", media: str = "application/json") -> dict:
        return {media: {"schema": ref(model, mode)}}

    def problems(*statuses: int) -> dict:
        out = {}
        for status in statuses:
            if status in (401, 403) and not keys:
                continue
            out[str(status)] = {
                "description": STANDARD[status][1],
                "content": {PROBLEM_JSON: {"schema": ref(Problem)}},
            }
        return out

    def download(media: dict[str, str], what: str) -> dict:
        return {
            "description": what,
            "headers": {
                "Content-Disposition": {
                    "description": "attachment; filename=\"ASCII 备用名\"; filename*=UTF-8''中文文件名（RFC 6266）",
                    "schema": {"type": "string"},
                }
            },
            "content": {m: {"schema": {"type": "string", "contentMediaType": m}} for m in media},
        }

    security = [{"bearerAuth": []}] if keys else []
    case_body = {"required": True, "content": json_content(Case, "validation")}

    def op(summary: str, description: str, responses: dict, *, protected: bool = False, **more: Any) -> dict:
        operation = {"summary": summary, "description": description, **more, "responses": responses}
        if protected and keys:
            operation["security"] = security
        return operation

    packages_ok = download({ZIP: ZIP}, "报备材料包（zip）：各文书 .docx（要求时另附 .pdf）、manifest.json（含提醒和风险测算）与规范化案卷")
    packages_ok["headers"]["X-Wenping-Warnings"] = {"description": "提醒条数（详见 manifest.json）", "schema": {"type": "integer", "minimum": 0}}

    paths: dict[str, Any] = {
        "/api/v1/packages": {
            "post": op(
                "生成报备材料包",
                "校验案卷并生成全套报备材料（zip）。案卷有错误时返回 422 并列出每一处错误，不生成任何材料。",
                {"200": packages_ok, **problems(400, 401, 403, 404, 413, 415, 422, 500, 503, 504)},
                protected=True,
                operationId="createPackage",
                parameters=parameters(PackageQuery, "query"),
                requestBody=case_body,
            )
        },
        "/api/v1/documents/{kind}": {
            "post": op(
                "生成单份文书",
                "生成一份文书（.docx 或 .pdf）；会议纪要用 meeting 指定第几次会议。",
                {"200": download({DOCX: DOCX, PDF: PDF}, "文书文件"), **problems(400, 401, 403, 404, 413, 415, 422, 500, 503, 504)},
                protected=True,
                operationId="createDocument",
                parameters=parameters(DocumentPath, "path") + parameters(DocumentQuery, "query"),
                requestBody=case_body,
            )
        },
        "/api/v1/summaries": {
            "post": op(
                "生成工作情况汇报",
                "由一段时期的多件案卷生成工作情况汇报（.docx，pdf=1 时为 .pdf）：机制建设、程序执行（各项数字跨案卷汇总）、"
                "成效（每件案卷一段）、存在的问题、下一步工作。有错误时返回 422 并列出每一处错误（案卷内的位置以 cases.N. 开头）。",
                {"200": download({DOCX: DOCX, PDF: PDF}, "工作情况汇报"), **problems(400, 401, 403, 413, 415, 422, 500, 503, 504)},
                protected=True,
                operationId="createSummary",
                parameters=parameters(SummaryQuery, "query"),
                requestBody={"required": True, "content": json_content(PeriodReport, "validation")},
            )
        },
        "/api/v1/validate": {
            "post": op(
                "校验案卷",
                "校验案卷并测算风险，不生成材料；无论是否通过都返回 200（结构同 wenping validate --json）："
                "请求体不符合案卷格式时同样返回 200，valid 为 false 并列出每一处错误。",
                {"200": {"description": "校验结果", "content": json_content(ValidationResult)}, **problems(400, 401, 403, 413, 415)},
                protected=True,
                operationId="validateCase",
                requestBody=case_body,
            )
        },
        "/api/v1/schema": {
            "get": op(
                "案卷 JSON Schema",
                "案卷格式的 JSON Schema（draft 2020-12），由案卷模型生成。",
                {"200": {"description": "JSON Schema", "content": json_content(JsonDocument, media="application/schema+json")}},
                operationId="getCaseSchema",
            )
        },
        "/api/v1/openapi.json": {
            "get": op(
                "接口说明",
                "本 OpenAPI 3.1 文档。",
                {"200": {"description": "OpenAPI 文档", "content": json_content(JsonDocument)}},
                operationId="getOpenApi",
            )
        },
        "/api/v1/templates": {
            "get": op(
                "文书模板清单",
                "各类文书、所用模板及模板使用的变量。",
                {"200": {"description": "模板清单", "content": json_content(TemplatesListing)}, **problems(401, 403)},
                protected=True,
                operationId="listTemplates",
            )
        },
        "/healthz": {
            "get": op("存活检查", "进程能应答即返回 200。", {"200": {"description": "存活", "content": json_content(Health)}}, operationId="healthz")
        },
        "/readyz": {
            "get": op(
                "就绪检查",
                "能生成 PDF 时返回 200；PDF 转换组件不可用时返回 503（此时仍可生成 Word 文档）。",
                {
                    "200": {"description": "就绪", "content": json_content(Readiness)},
                    "503": {"description": "PDF 不可用", "content": json_content(Readiness)},
                },
                operationId="readyz",
            )
        },
        "/": {
            "get": op(
                "上传表单",
                "经办人员使用的网页表单。",
                {"200": {"description": "表单页面", "content": {"text/html": {"schema": {"type": "string"}}}}},
                operationId="form",
            ),
            "post": op(
                "提交上传表单",
                "生成时直接下载 zip；案卷有错误、只校验或出错时返回带说明的表单页面。"
                + ("配置了访问密钥时须在 api_key 字段中填写（也接受 Authorization: Bearer 请求头）。" if keys else ""),
                {
                    "200": {
                        "description": "材料包（zip）或带校验结果的表单页面",
                        "content": {
                            ZIP: {"schema": {"type": "string", "contentMediaType": ZIP}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **{
                        str(s): {"description": STANDARD[s][1], "content": {"text/html": {"schema": {"type": "string"}}}}
                        for s in (400, 401, 403, 413, 422, 500, 503, 504)
                        if keys or s not in (401, 403)
                    },
                },
                operationId="submitForm",
                requestBody={"required": True, "content": {"multipart/form-data": {"schema": ref(FormSubmission, "validation")}}},
            ),
        },
        "/sample-case.json": {
            "get": op(
                "示例案卷",
                "下载示例案卷（schemas/examples/sample-case.json）。",
                {"200": {"description": "示例案卷", "content": json_content(Case, "validation")}},
                operationId="sampleCase",
            )
        },
    }

    spec: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "稳评 wenping：社会稳定风险评估报备材料生成",
            "version": __version__,
            "description": (
                "由一份案卷（JSON）校验、测算风险并生成全套报备材料。错误以 application/problem+json（RFC 9457）返回，"
                "标题和说明为中文；案卷错误（422）另有 errors 与 warnings，每项含 path 和 message。"
                + ("调用需在请求头中携带 Authorization: Bearer <访问密钥>。" if keys else "")
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if keys:
        spec["components"]["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "访问密钥（WENPING_API_KEYS 中的一个）"}
        }
    return spec
