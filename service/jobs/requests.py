"""What a job asks for: the body of ``POST /api/v1/jobs`` read into a ``JobSpec``, and the key of its input.

The key (``input_key``) is the SHA-256 of everything the result depends on: the kind and options, the case
(or PERIOD body, or the register's version of a case), the generator's version, the template set's files and
the risk profile. Two jobs with the same key have the same result, so one archived result answers both.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service import __version__
from service.context.registry import FILING_KEYS
from service.jobs.errors import BadJobRequest

KINDS = ("package", "document", "summary")
MAX_CALLBACK_URL = 2000


class JobRequest(BaseModel):
    """一个任务：生成报备材料包、单份文书或工作情况汇报。案卷直接放在 case 中，或用 case_id（及 version）取台账中的版本。"""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["package", "document", "summary"] = Field(
        title="任务种类", description="package：报备材料包（zip）；document：单份文书；summary：工作情况汇报（case 为汇报文件 PERIOD）"
    )
    case: Optional[dict[str, Any]] = Field(None, title="案卷", description="案卷 JSON（summary 任务为汇报文件，案卷须直接写入）")
    case_id: Optional[str] = Field(None, title="台账中的案卷编号", max_length=64, description="与 case 二选一：取台账中该案卷的一个版本")
    version: Optional[int] = Field(None, title="版本号", ge=1, description="与 case_id 一起用；不给则为最新版本")
    pdf: bool = Field(False, title="是否生成 PDF", description="package：另附 PDF 和合订本；summary：汇报为 PDF")
    template_set: Optional[str] = Field(None, title="模板套", max_length=100)
    document: Optional[str] = Field(None, title="文书类型", description="document 任务必填：" + "、".join(FILING_KEYS))
    meeting: Optional[int] = Field(None, title="第几次会议", ge=1, le=999, description="document 为 minutes 时选会议纪要，默认第 1 次")
    format: Literal["docx", "pdf"] = Field("docx", title="文书格式", description="document 任务：docx 或 pdf")
    callback_url: Optional[str] = Field(
        None, title="完成后通知的地址", max_length=MAX_CALLBACK_URL,
        description="http(s) 地址：任务结束时 POST 任务状态（JSON），请求头 X-Wenping-Signature 为 sha256=HMAC-SHA256（密钥 WENPING_CALLBACK_SECRET）",
    )


_REASONS = {
    "literal_error": "不是可选的值",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "extra_forbidden": "不是任务请求的字段",
    "string_too_long": "过长",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
}


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:40] + "…"


def _explain(error: dict) -> str:
    field = ".".join(str(p) for p in error.get("loc", ())) or "请求体"
    reason = _REASONS.get(error["type"], error.get("msg", "无法使用"))
    if error["type"] == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        reason += f"（可选：{expected}）"
    if error["type"] == "missing":
        return f"缺少字段 {field}"
    return f"字段 {field} 的值「{_shown(error.get('input'))}」{reason}"


def read_request(body: Any) -> JobRequest:
    """The job request in ``body``; ``BadJobRequest`` (Chinese, naming the field and value) otherwise."""
    if not isinstance(body, dict):
        raise BadJobRequest("任务请求应为 JSON 对象，如 {\"kind\": \"package\", \"case\": {…}}")
    try:
        request = JobRequest.model_validate(body)
    except ValidationError as exc:
        raise BadJobRequest("；".join(_explain(e) for e in exc.errors(include_url=False))) from None
    check_combination(request)
    return request


def check_combination(request: JobRequest) -> None:
    if (request.case is None) == (request.case_id is None):
        raise BadJobRequest("请给出 case（案卷 JSON）或 case_id（台账中的案卷编号）之一，且只给一个")
    if request.version is not None and request.case_id is None:
        raise BadJobRequest("字段 version 只能与 case_id 一起使用")
    if request.kind == "summary" and request.case is None:
        raise BadJobRequest("summary 任务的汇报文件须直接放在 case 中")
    if request.kind == "document":
        if request.document not in FILING_KEYS:
            shown = f"「{_shown(request.document)}」" if request.document else "（未给出）"
            raise BadJobRequest(f"字段 document 的值{shown}不是文书类型（可选：{'、'.join(FILING_KEYS)}）")
    elif request.document is not None or request.meeting is not None or request.format != "docx":
        raise BadJobRequest("字段 document、meeting、format 只用于 document 任务")
    if request.callback_url is not None and not request.callback_url.startswith(("http://", "https://")):
        raise BadJobRequest(f"字段 callback_url 的值「{_shown(request.callback_url)}」应为 http:// 或 https:// 开头的地址")


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def input_key(request: dict, source_sha256: str, templates_fingerprint: str, profile_sha256: str) -> str:
    """The SHA-256 naming the job's result: options, the input's hash, generator, templates, risk profile."""
    options = {k: v for k, v in request.items() if k not in ("case", "callback_url")}
    digest = hashlib.sha256()
    for part in (b"wenping-job", __version__.encode(), canonical(options), source_sha256.encode(),
                 templates_fingerprint.encode(), profile_sha256.encode()):
        digest.update(part + b"\0")
    return digest.hexdigest()
