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
    cell: Optional[str] = Field(None, title="单元格", description="案卷以表格（.xlsx）提交时，该项所在的单元格，如 风险!F3")


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


class DocumentReadiness(BaseModel):
    """一份文书（或整个材料包）能否生成。"""

    ready: bool = Field(title="能否生成")
    missing: list[str] = Field(title="尚缺的部分", description="案卷中尚缺的部分，点号连接的路径，如 risks、consultation.meetings")
    meetings: Optional[list[int]] = Field(None, title="已记录的会议序号", description="仅会议纪要：每次会议一份，序号从 1 起")


class ValidationResult(BaseModel):
    """校验结果（与 ``wenping validate --json`` 相同）。"""

    valid: bool = Field(title="是否通过校验")
    errors: list[Issue] = Field(title="错误")
    warnings: list[Issue] = Field(title="提醒")
    risk: Optional[RiskSummary] = Field(title="风险测算", description="风险因素本身无误时给出，否则为 null")
    readiness: Optional[dict[str, DocumentReadiness]] = Field(
        title="材料准备情况",
        description="每种文书和整个材料包（package）能否生成、尚缺什么；案卷结构有误无法读出时为 null",
    )


class Problem(BaseModel):
    """错误说明（RFC 9457 problem details，application/problem+json）。"""

    model_config = ConfigDict(extra="allow")

    type: str = Field(title="错误类型", description="稳定的 URN，如 urn:wenping:problem:invalid-case")
    title: str = Field(title="标题（中文）")
    status: int = Field(title="HTTP 状态码", ge=400, le=599)
    detail: str = Field(title="详细说明（中文）")
    errors: Optional[list[Issue]] = Field(None, title="案卷错误", description="仅 422：每一处错误")
    warnings: Optional[list[Issue]] = Field(None, title="案卷提醒", description="仅 422：每一条提醒")
    missing: Optional[list[str]] = Field(None, title="尚缺的部分", description="仅 422 not-ready：文书或材料包尚缺的案卷部分（路径）")


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
    action: Literal["generate", "validate", "register"] = Field(
        "generate", title="操作", description="generate：生成并下载；validate：只校验；register：提交到台账（登记为一个新版本）"
    )
    submitted_by: str = Field("", max_length=100, title="经办人", description="提交到台账时记为该版本的提交人")


class RegisterPageForm(BaseModel):
    """台账页面上的按钮提交的表单字段（application/x-www-form-urlencoded）。"""

    api_key: str = Field("", title="访问密钥", description="配置了访问密钥时必填；页面以隐藏字段带到下一页")


class CaseComparison(RegisterPageForm):
    """案卷页面：比较哪两个版本（默认最新的两个）。"""

    from_: str = Field("", alias="from", title="原版本号")
    to: str = Field("", title="新版本号")


class DocumentChoice(RegisterPageForm):
    """案卷页面：下载最新版本的哪一份文书。"""

    kind: str = Field("", title="文书类型", description="如 plan、minutes、report")
    meeting: str = Field("", title="会议序号", description="会议纪要：第几次会议，从 1 开始")


class FilingChoice(RegisterPageForm):
    """案卷页面：出具报备材料包。"""

    pdf: str = Field("", title="同时生成 PDF", description="勾选时为 1")


class ReviewChoice(RegisterPageForm):
    """案卷页面（维稳办审核人员）：对一个已出具的材料包登记备案意见。"""

    package: str = Field("", title="材料包的 SHA-256", description="默认：最新出具的材料包")
    result: str = Field("", title="备案意见", description="予以备案 或 退回")
    reasons: str = Field("", title="退回理由", description="每行一条；退回时必填")
    date: str = Field("", title="备案日期", description="YYYY-MM-DD；默认今天（北京时间）")


class TrackingChoice(RegisterPageForm):
    """案卷页面（经办人员）：登记一项措施的跟踪情况（第六步）。"""

    measure: str = Field("", title="措施", description="风险编号.序号，如 R1.2")
    status: str = Field("", title="状态", description="未开始、推进中、已完成 或 逾期")
    date: str = Field("", title="日期", description="YYYY-MM-DD；默认今天（北京时间）")
    note: str = Field("", title="情况说明")
    who: str = Field("", title="记录人", description="默认：访问密钥的名称")


class CaseDigestPath(BaseModel):
    """/register/{case_id}/packages/{digest} 的路径参数。"""

    case_id: str = Field(title="案卷编号")
    digest: str = Field(title="材料包的 SHA-256")


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
    unit: Optional[str] = Field(None, title="所属单位", description="登记该案卷的访问密钥所属单位；无单位时为 null")
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
    readiness: dict[str, DocumentReadiness] = Field(title="材料准备情况（最新版本）", description="与 wenping validate --json 的 readiness 相同")
    review: Optional["ReviewEntry"] = Field(None, title="最近的备案意见", description="退回时 reasons 列出理由")
    reviews: list["ReviewEntry"] = Field(default_factory=list, title="全部备案意见")


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


# ------------------------------------------------------------ units and keys, review, step six


class KeyBody(BaseModel):
    """POST /api/v1/keys 的请求体。"""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, title="密钥名称", description="字母、数字、汉字和 _ . -")
    unit: str = Field(min_length=1, max_length=100, title="单位", description="镇（街道）或县（区）的名称，如「青石镇」")
    role: Literal["clerk", "reviewer", "admin"] = Field(title="角色", description="clerk 经办人员；reviewer 维稳办审核人员；admin 管理员")


class KeyEntry(BaseModel):
    name: str = Field(title="密钥名称")
    unit: str = Field(title="单位")
    role: str = Field(title="角色")
    created_at: str = Field(title="创建时间（UTC）")
    revoked: bool = Field(title="是否已吊销")
    revoked_at: Optional[str] = Field(None, title="吊销时间（UTC）")


class NewKeyEntry(KeyEntry):
    key: str = Field(title="访问密钥", description="只在创建时显示这一次；台账只保存其 SHA-256")


class KeyListing(BaseModel):
    keys: list[KeyEntry] = Field(title="访问密钥（不含密钥本身）")


class KeyPath(BaseModel):
    """/api/v1/keys/{name} 的路径参数。"""

    name: str = Field(title="密钥名称")


class AuditQuery(BaseModel):
    """GET /api/v1/audit-log 的查询参数。"""

    case: Optional[str] = Field(None, title="案卷编号", description="只列出这个案卷的记录")


class AuditEntryModel(BaseModel):
    at: str = Field(title="时间（UTC）")
    key: str = Field(title="访问密钥名称")
    unit: str = Field(title="单位")
    action: str = Field(title="操作", description="submit、package、review、track、summary、key-add、key-revoke、denied 等")
    case_id: Optional[str] = Field(None, title="案卷编号")
    detail: str = Field(title="说明（不含案卷内容）")


class AuditListing(BaseModel):
    entries: list[AuditEntryModel] = Field(title="操作记录")


class ReviewBody(BaseModel):
    """POST /api/v1/cases/{case_id}/reviews 的请求体。"""

    model_config = ConfigDict(extra="forbid")

    result: Literal["予以备案", "退回"] = Field(title="备案意见")
    reasons: list[str] = Field(default_factory=list, max_length=20, title="理由", description="退回时至少一条")
    date: Optional[str] = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", title="备案日期", description="默认当天")
    package: Optional[str] = Field(None, pattern=r"^[0-9a-f]{64}$", title="材料包的 SHA-256", description="默认最近出具的材料包")


class ReviewEntry(BaseModel):
    case_id: str = Field(title="案卷编号")
    version: int = Field(title="材料包所据版本")
    package_sha256: str = Field(title="材料包的 SHA-256")
    result: str = Field(title="备案意见（予以备案或退回）")
    reasons: list[str] = Field(title="理由")
    date: str = Field(title="备案日期")
    reviewer: str = Field(title="审核人（访问密钥名称）")
    unit: str = Field(title="审核单位")
    created_at: str = Field(title="登记时间（UTC）")


class ReviewListing(BaseModel):
    case_id: str = Field(title="案卷编号")
    reviews: list[ReviewEntry] = Field(title="备案意见，先后为序")


class TrackingBody(BaseModel):
    """POST /api/v1/cases/{case_id}/tracking 的请求体。"""

    model_config = ConfigDict(extra="forbid")

    measure: str = Field(min_length=1, max_length=80, title="措施", description="风险编号.序号（从 1 起），如 R1.2")
    status: Literal["未开始", "推进中", "已完成", "逾期"] = Field(title="状态")
    date: Optional[str] = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", title="日期", description="默认当天")
    note: Optional[str] = Field(None, max_length=2000, title="情况说明")
    who: Optional[str] = Field(None, max_length=100, title="记录人", description="默认为访问密钥名称")


class TrackingEntryModel(BaseModel):
    measure: str = Field(title="措施编号")
    status: str = Field(title="状态")
    date: str = Field(title="日期")
    note: str = Field(title="情况说明")
    who: str = Field(title="记录人")


class Tracked(BaseModel):
    case_id: str = Field(title="案卷编号")
    entry: TrackingEntryModel = Field(title="登记的记录")
    stage: str = Field(title="案卷阶段（全部措施已完成时为结案）")


class MeasureEntry(BaseModel):
    measure: str = Field(title="措施编号，如 R1.2")
    risk_id: str = Field(title="风险编号")
    risk_name: str = Field(title="风险名称")
    action: str = Field(title="措施")
    owner_unit: str = Field(title="责任单位")
    owner_person: Optional[str] = Field(None, title="责任人")
    deadline: Optional[str] = Field(None, title="完成时限")
    status: str = Field(title="状态（未完成且已过时限为逾期）")
    overdue: bool = Field(title="是否逾期")
    updated_on: Optional[str] = Field(None, title="最近一次跟踪的日期")
    note: str = Field(title="最近一次跟踪的情况说明")
    entries: list[TrackingEntryModel] = Field(title="截至 as_of 的各次记录")


class TrackingListing(BaseModel):
    case_id: str = Field(title="案卷编号")
    as_of: str = Field(title="统计截止日期")
    stage: str = Field(title="案卷阶段")
    counts: dict[str, int] = Field(title="各状态的措施数")
    measures: list[MeasureEntry] = Field(title="各项措施")


class AsOfQuery(BaseModel):
    """跟踪督查的查询参数。"""

    as_of: Optional[str] = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", title="统计截止日期", description="默认当天；用于得到可重复的结果")


class TrackingReportQuery(AsOfQuery):
    format: Literal["docx", "pdf"] = Field("docx", title="格式")


class RegisterSummaryQuery(BaseModel):
    """GET /api/v1/summaries 的查询参数。"""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", title="开始日期")
    to: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", title="结束日期")
    unit: Optional[str] = Field(None, max_length=100, title="单位", description="只汇总这个单位的案卷；经办人员只能汇总本单位")
    pdf: bool = Field(False, title="生成 PDF")


class CaseDocumentPath(BaseModel):
    """/api/v1/cases/{case_id}/documents/{kind} 的路径参数。"""

    case_id: str = Field(title="案卷编号")
    kind: Literal[FILING_KEYS] = Field(title="文书类型")  # type: ignore[valid-type]


class CaseDocumentQuery(BaseModel):
    """GET /api/v1/cases/{case_id}/documents/{kind} 的查询参数。"""

    version: Optional[int] = Field(None, ge=1, title="版本号", description="默认最新版本")
    format: Literal["docx", "pdf"] = Field("docx", title="格式")
    meeting: Optional[int] = Field(None, ge=1, le=999, title="会议序号", description="会议纪要（minutes）：第几次会议，默认 1")


CaseDetail.model_rebuild()  # it names ReviewEntry, defined after it
# ------------------------------------------------------------ jobs


class JobPath(BaseModel):
    """/api/v1/jobs/{job_id} 的路径参数。"""

    job_id: str = Field(title="任务编号", description="POST /api/v1/jobs 答复中的 id（Location 的最后一段）")


class JobProgress(BaseModel):
    done: int = Field(title="已完成的步骤数")
    total: int = Field(title="步骤总数")


class JobResult(BaseModel):
    url: str = Field(title="取结果的地址", description="GET 此地址得到文件，与同步接口的结果逐字节相同")
    file_name: str = Field(title="文件名")
    media_type: str = Field(title="文件类型")
    bytes: int = Field(title="字节数")
    sha256: str = Field(title="SHA-256")


class JobProblem(BaseModel):
    """失败任务的错误说明（与同步接口的 problem details 相同）。"""

    type: str = Field(title="错误类型")
    title: str = Field(title="标题（中文）")
    status: int = Field(title="同步接口会答的 HTTP 状态码")
    detail: str = Field(title="详细说明（中文）")


class JobStatus(BaseModel):
    """一个任务的状态（任务结束时也以此为请求体通知 callback_url）。"""

    id: str = Field(title="任务编号")
    kind: Literal["package", "document", "summary"] = Field(title="任务种类")
    status: Literal["queued", "running", "done", "failed"] = Field(title="状态", description="queued 排队中、running 进行中、done 已完成、failed 失败")
    progress: JobProgress = Field(title="进度")
    errors: list[Issue] = Field(title="案卷错误", description="失败且是案卷的错误时：每一处错误")
    problem: Optional[JobProblem] = Field(title="失败原因", description="仅 failed")
    result: Optional[JobResult] = Field(title="结果", description="仅 done")
    created_at: str = Field(title="提交时间（ISO 8601）")
    finished_at: Optional[str] = Field(title="结束时间（ISO 8601）")
