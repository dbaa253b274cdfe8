"""Pydantic models of what the API returns; the OpenAPI document is generated from them.

They describe, and in the views also build, the JSON bodies: the validation
result (the ``wenping validate --json`` shape), problem details (RFC 9457),
the templates listing and the health/readiness answers.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, RootModel

from service.context.registry import FILING_KEYS

RiskLevelName = str  # the level names come from the active risk profile (低风险/中风险/高风险 by default)


class Issue(BaseModel):
    """一项错误或提醒：JSON 路径与中文说明。"""

    path: str = Field(title="路径", description="点号连接的 JSON 路径，列表下标为数字，如 consultation.meetings.1.statements.0.speaker")
    message: str = Field(title="说明", description="中文说明，指出有问题的值")


class Score(BaseModel):
    """综合风险指数及等级。"""

    index: float = Field(title="综合风险指数")
    level: RiskLevelName = Field(title="风险等级")


class FactorSummary(BaseModel):
    """单个风险因素的测算结果。"""

    id: str = Field(title="风险编号")
    r: float = Field(title="落实措施前风险值 R")
    degree: str = Field(title="落实措施前风险程度")
    residual_r: float = Field(title="落实措施后风险值 R")
    residual_degree: str = Field(title="落实措施后风险程度")


class RiskSummary(BaseModel):
    """风险测算结果。"""

    initial: Score = Field(title="落实措施前")
    residual: Score = Field(title="落实措施后")
    final_level: RiskLevelName = Field(title="最终风险等级")
    advice: str = Field(title="决策建议")
    factors: list[FactorSummary] = Field(title="各风险因素")


class ValidationResult(BaseModel):
    """校验结果（与 ``wenping validate --json`` 相同）。"""

    valid: bool = Field(title="是否通过校验")
    errors: list[Issue] = Field(title="错误")
    warnings: list[Issue] = Field(title="提醒")
    risk: Optional[RiskSummary] = Field(title="风险测算", description="风险因素本身无误时给出，否则为 null")


class Problem(BaseModel):
    """错误说明（RFC 9457 problem details，application/problem+json）。"""

    model_config = ConfigDict(extra="allow")

    type: str = Field(title="错误类型", description="稳定的 URN，如 urn:wenping:problem:invalid-case")
    title: str = Field(title="标题（中文）")
    status: int = Field(title="HTTP 状态码", ge=400, le=599)
    detail: str = Field(title="详细说明（中文）")
    errors: Optional[list[Issue]] = Field(None, title="案卷错误", description="仅 422：每一处错误")
    warnings: Optional[list[Issue]] = Field(None, title="案卷提醒", description="仅 422：每一条提醒")


class TemplateInfo(BaseModel):
    """一种文书的模板及其使用的变量。"""

    kind: str = Field(title="文书类型")
    name: str = Field(title="文书名称")
    file: str = Field(title="模板文件")
    ok: bool = Field(title="模板检查是否通过")
    variables: list[str] = Field(title="使用的变量")
    problems: list[str] = Field(title="检查发现的问题")


class TemplatesListing(BaseModel):
    """模板清单。"""

    template_set: str = Field(title="模板集")
    kinds: list[str] = Field(title="可单独生成的文书类型（/api/v1/documents/{kind}）")
    template_sets: list[str] = Field(title="可用的模板套（参数 template_set）", description="default 为内置模板；其余来自 WENPING_TEMPLATE_DIRS")
    templates: list[TemplateInfo] = Field(title="各模板")


class Health(BaseModel):
    """进程存活。"""

    status: Literal["ok"] = "ok"
    version: str = Field(title="版本")


class FontFace(BaseModel):
    """一个字体名称在 PDF 中实际使用的字体。"""

    face: Optional[str] = Field(title="实际字体")
    file: Optional[str] = Field(title="字体文件")
    substitute: bool = Field(title="是否替代字体", description="true：未装有该名称的字体，用最接近的免费字体代替")


class Readiness(BaseModel):
    """就绪状态：PDF 转换是否可用。"""

    status: Literal["ready", "unavailable"] = Field(title="状态")
    pdf: bool = Field(title="能否生成 PDF")
    detail: str = Field(title="说明（中文）")
    fonts: Optional[dict[str, FontFace]] = Field(
        default=None, title="字体", description="模板所用的每个字体名称在 PDF 中实际由哪个字体打印（与 wenping fonts 相同）"
    )


class JsonDocument(RootModel[dict[str, Any]]):
    """一个 JSON 文档（JSON Schema 或 OpenAPI 描述）。"""


# ------------------------------------------------------------ request parameters

class PackageQuery(BaseModel):
    """POST /api/v1/packages 的查询参数。"""

    pdf: bool = Field(False, title="同时生成 PDF", description="1 或 true：材料包中每份文书另附 PDF，并附合并的 PDF（含目录和书签）")
    template_set: Optional[str] = Field(None, title="模板套", description="默认 default（内置模板）；可用的名称见 /api/v1/templates")


class SummaryQuery(BaseModel):
    """POST /api/v1/summaries 的查询参数。"""

    pdf: bool = Field(False, title="生成 PDF", description="1 或 true：返回 PDF；默认返回 Word 文档")


class DocumentQuery(BaseModel):
    """POST /api/v1/documents/{kind} 的查询参数。"""

    format: Literal["docx", "pdf"] = Field("docx", title="格式")
    meeting: Optional[int] = Field(None, ge=1, le=999, title="会议序号", description="会议纪要（minutes）：第几次会议，从 1 开始，默认 1")
    template_set: Optional[str] = Field(None, title="模板套", description="默认 default（内置模板）；可用的名称见 /api/v1/templates")


class DocumentPath(BaseModel):
    """POST /api/v1/documents/{kind} 的路径参数。"""

    kind: Literal[FILING_KEYS] = Field(title="文书类型")  # type: ignore[valid-type]


class FormSubmission(BaseModel):
    """上传表单（multipart/form-data）。"""

    case_file: bytes = Field(b"", title="案卷文件（JSON）", description="选择了文件时以文件为准")
    case_text: str = Field("", title="粘贴的案卷内容（JSON）", description="未选择文件时使用")
    pdf: Literal["", "1"] = Field("", title="同时生成 PDF", description="勾选时为 1")
    api_key: str = Field("", title="访问密钥", description="配置了访问密钥时必填")
    action: Literal["generate", "validate"] = Field("generate", title="操作", description="generate：生成并下载；validate：只校验")


# ------------------------------------------------------------ the register (台账)


class CasePath(BaseModel):
    """/api/v1/cases/{case_id} 的路径参数。"""

    case_id: str = Field(title="案卷编号")


class DigestPath(BaseModel):
    """/api/v1/verify/{digest} 的路径参数。"""

    digest: str = Field(pattern=r"^[0-9a-f]{64}$", title="SHA-256", description="材料包或其中任一文件的 SHA-256（64 位小写十六进制）")


class SubmitQuery(BaseModel):
    """POST /api/v1/cases 的查询参数。"""

    by: Optional[str] = Field(None, max_length=100, title="提交人", description="记入该版本的提交人（如经办人姓名）")


class DiffQuery(BaseModel):
    """GET /api/v1/cases/{case_id}/diff 的查询参数。"""

    model_config = ConfigDict(populate_by_name=True)

    from_: int = Field(alias="from", ge=1, title="原版本号")
    to: int = Field(ge=1, title="新版本号")


class CasePackageQuery(BaseModel):
    """POST /api/v1/cases/{case_id}/packages 的查询参数。"""

    version: Optional[int] = Field(None, ge=1, title="版本号", description="默认最新版本")
    pdf: bool = Field(False, title="同时生成 PDF")


class Submission(BaseModel):
    case_id: str = Field(title="案卷编号")
    version: int = Field(title="版本号")
    created: bool = Field(title="是否新立版本", description="false：内容与已有版本相同，未另立版本")
    stage: str = Field(title="阶段")


class CaseEntry(BaseModel):
    case_id: str = Field(title="案卷编号")
    matter: str = Field(title="事项名称")
    versions: int = Field(title="版本数")
    stage: str = Field(title="阶段（最新版本）")
    created_at: str = Field(title="首次登记时间（UTC）")
    updated_at: str = Field(title="最近登记时间（UTC）")


class CaseListing(BaseModel):
    cases: list[CaseEntry] = Field(title="案卷")


class VersionEntry(BaseModel):
    case_id: str = Field(title="案卷编号")
    version: int = Field(title="版本号")
    sha256: str = Field(title="规范化案卷的 SHA-256")
    stage: str = Field(title="阶段")
    submitted_by: str = Field(title="提交人")
    submitted_at: str = Field(title="提交时间（UTC）")


class FiledEntry(BaseModel):
    sha256: str = Field(title="材料包的 SHA-256")
    case_id: str = Field(title="案卷编号")
    version: int = Field(title="所据版本")
    file_name: str = Field(title="文件名")
    bytes: int = Field(title="字节数")
    pdf: bool = Field(title="是否含 PDF")
    created_at: str = Field(title="出具时间（UTC）")


class CaseDetail(CaseEntry):
    version_list: list[VersionEntry] = Field(title="各版本")
    packages: list[FiledEntry] = Field(title="已出具的材料包")


class VersionListing(BaseModel):
    case_id: str = Field(title="案卷编号")
    versions: list[VersionEntry] = Field(title="各版本")


class Change(BaseModel):
    path: str = Field(title="字段路径")
    title: str = Field(title="字段名称")
    old: Any = Field(None, title="原值")
    new: Any = Field(None, title="新值")


class CaseDiff(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    case_id: str = Field(title="案卷编号")
    from_: int = Field(alias="from", title="原版本号")
    to: int = Field(title="新版本号")
    changes: list[Change] = Field(title="改动的字段")


class IssuedEntry(BaseModel):
    case_id: str = Field(title="案卷编号")
    version: int = Field(title="版本号")
    package_sha256: str = Field(title="材料包的 SHA-256")
    package_file_name: str = Field(title="材料包文件名")
    file: Optional[str] = Field(None, title="包中文件（核验的是其中一份文件时）")
    kind: Optional[str] = Field(None, title="文书类型")
    issued_at: str = Field(title="出具时间（UTC）")


class VerificationResult(BaseModel):
    sha256: str = Field(title="核验的摘要")
    issued: bool = Field(title="是否本台账出具")
    found: list[IssuedEntry] = Field(default_factory=list, title="出具记录")
