"""What a template can name: the documented context of every document.

Each model here is both the data handed to a template and its documentation:
``wenping templates check`` compares a template's names with these fields,
and ``doc_templates/README.md`` lists them. Every value is ready to print:
dates as 2026年4月10日, rates as 92.56%, indices with four decimals. Optional
parts are ``None`` or empty lists, never missing.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from service.context.markdown import Md


class Ctx(BaseModel):
    # defer_build: the validators are built when a document is first made, not when the registry is imported
    # (`wenping validate` lists which documents a case can make and builds none; bench/bench_cli.py).
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)


def F(description: str, default=..., **kw):
    return Field(default, description=description, **kw)


class PersonCtx(Ctx):
    name: str = F("姓名")
    title: Optional[str] = F("职务", None)
    unit: Optional[str] = F("单位或身份", None)
    text: str = F("姓名（职务）；无职务时为姓名")
    phone: Optional[str] = F("联系电话", None)


class TeamMemberCtx(PersonCtx):
    duty: Optional[str] = F("工作职责", None)


class MatterCtx(Ctx):
    name: str = F("事项名称")
    category: Optional[str] = F("事项类别", None)
    summary: Md = F("事项概况（Markdown，用 {{p matter.summary }} 成段输出）")
    location: Optional[str] = F("实施地点", None)
    scale: Optional[str] = F("建设规模", None)
    investment: Optional[str] = F("总投资，如「2680万元」", None)
    areas: list[str] = F("涉及村（社区）", [])
    affected: Optional[str] = F("涉及范围，如「石桥村、柳湾村、新塘村3个村812户3146人」", None)
    planned_start: Optional[str] = F("计划开工或实施日期", None)
    nature: str = F("事项性质：工程建设、关停搬迁、改革调整或其他（未填时由事项类别和名称判断）")
    start_verb: str = F("开始的说法：工程建设为「开工」，关停搬迁为「实施关停」，其他为「实施」")
    scale_label: str = F("规模的说法：工程建设为「建设规模」，其他为「实施规模」")
    start_sentence: Optional[str] = F("如「计划于2026年9月1日开工」（有计划日期时）", None)
    proponent: Optional[str] = F("项目单位", None)
    necessity: Optional[Md] = F("必要性（Markdown）", None)
    duration: Optional[str] = F("建设期或实施期", None)
    duration_label: str = F("「建设期」或「实施期」")
    investment_label: str = F("资金的说法：工程建设为「总投资」，关停搬迁、改革调整为「所需资金」")
    planned_investment_label: str = F("方案中资金的说法：工程建设为「计划总投资」，关停搬迁、改革调整为「所需资金」")
    funding: Optional[str] = F("资金来源", None)
    legal_basis: list[str] = F("评估依据", [])


class AuthorityCtx(Ctx):
    name: str = F("责任主体")
    party_committee: Optional[str] = F("党委名称", None)
    lead_office: str = F("牵头部门")
    cooperating_units: list[str] = F("配合单位", [])
    cooperating: Optional[str] = F("配合单位，顿号连接", None)
    decision_body: str = F("决策机构（未填时为责任主体）")
    filing_office: Optional[str] = F("报备机关", None)
    contact: Optional[PersonCtx] = F("联系人", None)


class LeadingGroupCtx(Ctx):
    name: str = F("领导小组名称（方案和报告的评估主体）")
    leader: PersonCtx = F("组长")
    deputy_leaders: list[PersonCtx] = F("副组长", [])
    members: list[PersonCtx] = F("成员", [])
    office_location: Optional[str] = F("领导小组办公室设在", None)
    office_director: Optional[PersonCtx] = F("办公室主任", None)


class ScheduleRowCtx(Ctx):
    no: int = F("序号")
    step: str = F("步骤")
    period: str = F("时间，如「2026年3月2日至6日」")
    tasks: Optional[str] = F("主要工作", None)


class DimensionCtx(Ctx):
    label: str = F("合法性、合理性、可行性或可控性")
    text: Md = F("评估内容（Markdown）")


class IssuingCtx(Ctx):
    issuer: str = F("发文机关（未填时为责任主体）")
    number: Optional[str] = F("发文字号", None)
    signer: Optional[PersonCtx] = F("签发人（上行文；未填时为领导小组组长）", None)
    to: Optional[str] = F("主送机关，顿号连接（上行文未填时为报备机关）", None)
    cc: Optional[str] = F("抄送机关，顿号连接", None)
    printed_by: str = F("印发机关（未填时为发文机关）")
    printed_on: str = F("印发日期（未填时为成文日期）")
    attachments: list[str] = F("附件名称", [])
    attachment_lines: list[str] = F("附件说明各行：「附件：1. 名称」，第二件起为「　　　2. 名称」（与第一件的序号对齐）；只有一件时为「附件：名称」", [])
    contact: Optional[PersonCtx] = F("附注联系人（未填时为责任主体的联系人）", None)


class PlanCtx(Ctx):
    issued_on: str = F("成文日期")
    doc_number: Optional[str] = F("发文字号", None)
    issuing: IssuingCtx = F("发文要素")
    scope: Optional[Md] = F("评估范围（Markdown）", None)
    dimensions: list[DimensionCtx] = F("评估内容（四性），只含填写了的", [])
    methods: list[str] = F("评估方法", [])
    methods_text: Optional[str] = F("评估方法，顿号连接", None)
    schedule: list[ScheduleRowCtx] = F("步骤和时间安排", [])
    requirements: list[str] = F("工作要求", [])


class PublicityCtx(Ctx):
    no: int = F("序号")
    period: str = F("公示时间")
    days: int = F("公示天数")
    channels: Optional[str] = F("公示渠道，顿号连接", None)
    feedback_count: Optional[int] = F("收到反馈意见（条）", None)


class AnswerCtx(Ctx):
    option: str = F("选项")
    count: int = F("人数")
    rate: Optional[str] = F("占有效问卷的比例")


class QuestionCtx(Ctx):
    no: int = F("题号")
    text: str = F("题目")
    multiple: bool = F("是否多选题")
    multiple_note: Optional[str] = F("多选题且题目未写明时为「（多选）」", None)
    answers: list[AnswerCtx] = F("各选项")
    support_options: Optional[str] = F("案卷标明表示支持的选项，如「“支持”“基本支持”」（设了支持选项时）", None)
    support_count: Optional[int] = F("选择表示支持的选项的人数（设了支持选项时）", None)
    support_rate: Optional[str] = F("支持率（设了支持选项时）", None)
    support_word: Optional[str] = F("比率的说法：支持选项都是「认可」「同意」「满意」类时为「认可率」「同意率」「满意率」，否则为「支持率」（设了支持选项时）", None)


class SurveyCtx(Ctx):
    period: str = F("调查时间")
    scope: Optional[str] = F("调查对象", None)
    issued: int = F("发放问卷（份）")
    returned: int = F("回收问卷（份）")
    valid: int = F("有效问卷（份）")
    response_rate: Optional[str] = F("回收率")
    valid_rate: Optional[str] = F("有效率（有效/回收）")
    support_question: Optional[str] = F("支持率所依据的题目（第一个标明了支持选项的题目）", None)
    support_options: Optional[str] = F("该题表示支持的选项，如「“支持”“基本支持”」", None)
    support_count: Optional[int] = F("该题选择表示支持的选项的人数", None)
    support_rate: Optional[str] = F("该题的支持率", None)
    questions: list[QuestionCtx] = F("题目及结果", [])


class VisitsCtx(Ctx):
    period: str = F("走访时间")
    households: Optional[int] = F("走访户数", None)
    visitors: Optional[str] = F("走访人员姓名，顿号连接", None)
    visited: Optional[str] = F("走访对象", None)
    findings: Optional[Md] = F("走访情况（Markdown）", None)


class CategoryCountCtx(Ctx):
    category: str = F("人员类别")
    count: int = F("人数")
    names: str = F("姓名（单位），顿号连接")


class StatementCtx(Ctx):
    no: int = F("序号")
    speaker: str = F("发言人")
    speaker_text: str = F("发言人及身份，如「周国平（群众代表，石桥村）」")
    content: str = F("发言内容")
    response: Optional[str] = F("答复", None)
    adoption: Optional[str] = F("采纳情况：采纳、部分采纳或不予采纳", None)


class MeetingCtx(Ctx):
    no: int = F("会议序号（在全部会议中）")
    kind: str = F("座谈会、听证会或论证会")
    title: str = F("会议名称（未填时为「事项名称+会议类型」）")
    minutes_number: Optional[str] = F("纪要期号，如「第3期」（填写时印出纪要标志）", None)
    title_names_the_assessment: bool = F("会议名称是否已写明「……风险评估」（是则开场白不再重复）")
    date: str = F("会议日期")
    time: str = F("会议时间，如「2026年3月20日9:00—11:30」")
    place: Optional[str] = F("会议地点", None)
    venue: Optional[str] = F("会议地点，去掉开头的责任主体名称（「青石镇人民政府三楼会议室」在正文中写作「三楼会议室」，避免主语重复）", None)
    host: PersonCtx = F("主持人")
    recorder: Optional[PersonCtx] = F("记录人", None)
    panel: list[PersonCtx] = F("听证员", [])
    presenters: list[PersonCtx] = F("陈述人", [])
    absent: list[PersonCtx] = F("请假人员", [])
    observers: Optional[int] = F("旁听人数", None)
    participant_count: int = F("参会人数（不含主持人、记录人）")
    attendance: list[CategoryCountCtx] = F("出席人员，按类别分组", [])
    attendance_text: Optional[str] = F("出席人员构成，如「专家1人、人大代表1人」", None)
    agenda: list[str] = F("会议议程", [])
    statements: list[StatementCtx] = F("发言及答复", [])
    resolutions: Optional[Md] = F("会议议定事项（Markdown）", None)


class OpinionCtx(Ctx):
    no: int = F("序号")
    topic: str = F("意见建议")
    source: Optional[str] = F("来源", None)
    count: Optional[int] = F("涉及人次", None)
    adoption: str = F("采纳情况")
    response: Optional[str] = F("处理或答复", None)


class ConsultationCtx(Ctx):
    any: bool = F("是否开展了任何征求意见活动")
    publicity: list[PublicityCtx] = F("公示", [])
    publicity_feedback: Optional[int] = F("公示期间收到反馈意见合计", None)
    survey: Optional[SurveyCtx] = F("问卷调查", None)
    visits: Optional[VisitsCtx] = F("实地走访", None)
    meetings: list[MeetingCtx] = F("座谈会、听证会、论证会", [])
    meetings_text: Optional[str] = F("会议次数，如「座谈会1次、听证会1次」", None)
    participants_total: int = F("各次会议参会人数合计")
    activities_text: Optional[str] = F("征求意见方式概述，如「公示1次、问卷调查、实地走访136户、座谈会1次、听证会1次」", None)
    opinions: list[OpinionCtx] = F("各方意见及采纳情况", [])
    opinions_sentence: Optional[str] = F("如「共梳理意见建议4类，采纳2类、部分采纳1类、不予采纳1类」", None)
    adopted: int = F("采纳的类数")
    partly_adopted: int = F("部分采纳的类数")
    rejected: int = F("不予采纳的类数")


class MeasureCtx(Ctx):
    no: int = F("序号（全部措施连续编号）")
    risk_id: str = F("所属风险编号")
    risk_name: str = F("所属风险名称")
    action: str = F("措施")
    owner_unit: str = F("责任单位")
    owner_person: Optional[str] = F("责任人", None)
    deadline: Optional[str] = F("完成时限", None)


class FactorCtx(Ctx):
    no: int = F("序号")
    id: str = F("风险编号")
    category: Optional[str] = F("风险类别", None)
    name: str = F("风险名称")
    description: Optional[Md] = F("风险描述（Markdown）", None)
    cause: Optional[str] = F("风险成因", None)
    trigger: Optional[str] = F("触发条件", None)
    weight: str = F("权重，如 0.35")
    probability: str = F("发生概率（等级）")
    p: str = F("发生概率（数值）")
    impact: str = F("影响程度（等级）")
    i: str = F("影响程度（数值）")
    r: str = F("风险值 R=P×I，两位小数")
    degree: str = F("风险程度")
    residual_probability: str = F("落实措施后发生概率（等级）")
    residual_p: str = F("落实措施后发生概率（数值）")
    residual_impact: str = F("落实措施后影响程度（等级）")
    residual_i: str = F("落实措施后影响程度（数值）")
    residual_r: str = F("落实措施后风险值")
    residual_degree: str = F("落实措施后风险程度")
    measures: list[MeasureCtx] = F("防范化解措施")


class CategoryRisksCtx(Ctx):
    category: str = F("风险类别（未填类别的归入「其他」）")
    factors: list[FactorCtx] = F("该类别的风险")


class RiskCtx(Ctx):
    # Before the risks are identified (an early step of the case) only profile_name is known; the
    # counts are 0, the lists empty and the figures None. No document printing them is ready then.
    count: int = F("风险因素个数（尚未识别风险时为 0）")
    factors: list[FactorCtx] = F("各风险因素")
    by_category: list[CategoryRisksCtx] = F("按类别分组的风险因素")
    measures: list[MeasureCtx] = F("全部防范化解措施")
    weights_text: Optional[str] = F("权重说明", None)
    initial_index: Optional[str] = F("落实措施前综合风险指数，四位小数", None)
    initial_level: Optional[str] = F("落实措施前风险等级（初始风险等级）", None)
    residual_index: Optional[str] = F("落实措施后综合风险指数", None)
    residual_level: Optional[str] = F("落实措施后风险等级（测算）", None)
    reduced: bool = F("落实措施后综合风险指数是否低于措施前", False)
    assessed_level: Optional[str] = F("专家评定等级（填写时）", None)
    final_level: Optional[str] = F("最终风险等级", None)
    advice: Optional[str] = F("决策建议（简称），如「可以实施」", None)
    advice_detail: Optional[str] = F("决策建议（全文）", None)
    main_risks: Optional[str] = F("主要风险，如「承包地重新划分引发矛盾纠纷（较大）、…」", None)
    standard: Optional[str] = F("所用风险标准，如「《江城市重大决策社会稳定风险评估办法》（江稳办〔2024〕2号）」（风险标准写明了名称时）", None)


class FindingCtx(Ctx):
    label: str = F("合法性、合理性、可行性或可控性")
    text: Md = F("结论（Markdown）")
    derived: bool = F("是否由案卷数据归纳（案卷未填写该方面结论时）")


class ReportCtx(Ctx):
    issued_on: str = F("成文日期")
    issuing: IssuingCtx = F("发文要素")
    assessor: str = F("评估主体：评估工作领导小组")
    findings: list[FindingCtx] = F("四性结论：合法性、合理性、可行性、可控性，各一项")
    social_environment: Optional[Md] = F("社会环境（Markdown）", None)
    conclusion: Optional[Md] = F("评估结论（Markdown）", None)
    recommendations: list[str] = F("建议", [])


class WorkGroupCtx(Ctx):
    name: str = F("工作组")
    lead_unit: Optional[str] = F("牵头单位", None)
    leader: Optional[PersonCtx] = F("组长", None)
    duties: Optional[str] = F("职责", None)


class ResponseLevelCtx(Ctx):
    level: str = F("响应级别及名称，如「Ⅳ级（一般）」")
    grade: str = F("响应级别：Ⅰ级、Ⅱ级、Ⅲ级或Ⅳ级")
    name: Optional[str] = F("级别名称，如「一般」", None)
    trigger: str = F("启动条件")
    actions: str = F("处置措施")


class StabilityCtx(Ctx):
    issued_on: str = F("成文日期（未单独填写时为评估报告成文日期）")
    given: bool = F("案卷中是否有维稳方案部分")
    issuing: IssuingCtx = F("发文要素")
    scope: Optional[Md] = F("适用范围（Markdown）", None)
    termination: Optional[Md] = F("响应终止（Markdown）", None)
    supplementary: Optional[Md] = F("附则（Markdown）", None)
    principles: list[str] = F("工作原则", [])
    commander: PersonCtx = F("总指挥（未填时为领导小组组长）")
    deputy_commanders: list[PersonCtx] = F("副总指挥（未填时为领导小组副组长）", [])
    groups: list[WorkGroupCtx] = F("工作组", [])
    indicators: list[str] = F("预警信号", [])
    reporting: Optional[Md] = F("信息报告（Markdown）", None)
    response_levels: list[ResponseLevelCtx] = F("分级响应", [])
    aftermath: Optional[Md] = F("善后处置（Markdown）", None)
    support: Optional[Md] = F("保障措施（Markdown）", None)
    contacts: list[PersonCtx] = F("联系方式", [])


class SummaryCtx(Ctx):
    issued_on: str = F("成文日期（未单独填写时为报备日期）")
    issuing: IssuingCtx = F("发文要素")
    problems: list[str] = F("存在的问题", [])
    next_steps: list[str] = F("下一步工作", [])


class ReviewCtx(Ctx):
    result: str = F("上级维稳办的备案意见：予以备案或退回")
    date: str = F("备案日期")
    reasons: list[str] = F("退回的理由", [])
    reasons_text: Optional[str] = F("理由，分号连接", None)
    unit: Optional[str] = F("审核单位", None)


class FilingCtx(Ctx):
    filed_on: str = F("报备日期")
    number: Optional[str] = F("备案编号", None)
    decision_body: str = F("决策机构")
    decision_date: Optional[str] = F("决策日期", None)
    decision_result: Optional[str] = F("决策结果", None)
    decision_content: Optional[str] = F("决策意见", None)
    remarks: Optional[str] = F("备注", None)
    overview: Md = F("报备表的事项概况：整页放得下时为完整的事项概况，否则为其第一段（Markdown，用 {{p filing.overview }} 成段输出）")
    compact: bool = F("报备表的文字栏目用五号字才放得下一页时为真，否则用小四", False)
    brief: bool = F("报备表放不下风险值和措施责任单位时为真（两者在评估报告和维稳方案中）", False)
    review: Optional[ReviewCtx] = F("上级维稳办备案意见（台账中登记了时；出具材料包时尚无）", None)


class DocCtx(Ctx):
    kind: str = F("文档类别")
    title: str = F("文档标题")
    issued_on: str = F("本文档成文日期")


class CaseContext(Ctx):
    """Everything every document may name."""

    case_id: str = F("案卷编号")
    doc: DocCtx = F("本文档")
    matter: MatterCtx = F("评估事项")
    authority: AuthorityCtx = F("责任主体")
    leading_group: LeadingGroupCtx = F("评估工作领导小组")
    work_team: list[TeamMemberCtx] = F("评估工作班子", [])
    plan: PlanCtx = F("评估工作方案")
    consultation: ConsultationCtx = F("征求意见")
    risk: RiskCtx = F("风险识别、估计与等级")
    # Absent (None) until the case holds the part: only documents that are ready (registry needs) use them.
    report: Optional[ReportCtx] = F("评估报告（案卷尚无评估报告时为空）", None)
    stability: Optional[StabilityCtx] = F("维稳工作方案（案卷尚无评估报告和维稳方案时为空）", None)
    summary: Optional[SummaryCtx] = F("工作情况汇报（案卷尚无报备和工作情况汇报时为空）", None)
    filing: Optional[FilingCtx] = F("报备（案卷尚无报备时为空）", None)


class MinutesContext(CaseContext):
    meeting: MeetingCtx = F("本纪要所记的会议")


class IndexEntryCtx(Ctx):
    no: int = F("序号")
    title: str = F("材料名称")
    file: str = F("文件名")
    pages: Optional[str] = F("在合订本中的页码范围（生成 PDF 时）", None)


class IndexContext(CaseContext):
    entries: list[IndexEntryCtx] = F("材料清单")
    has_pages: bool = F("是否列出页码")
