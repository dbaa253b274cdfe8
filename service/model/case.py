"""The case model: one 社会稳定风险评估 as structured data (CASE.md §2).

Takes the case JSON (already parsed) and gives a validated, typed ``Case``.
It is the single source of truth for the case format: the JSON Schema in
``schemas/case.schema.json`` and the API's OpenAPI spec are generated from it.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from service.model.types import Amount, Clock, Count, IsoDate, Markdown, Name, RequiredMarkdown, Text

Probability = Literal["很低", "较低", "中等", "较高", "很高"]
Impact = Literal["可忽略", "较小", "中等", "较大", "严重"]
RiskLevel = Literal["低风险", "中风险", "高风险"]
MeetingKind = Literal["座谈会", "听证会", "论证会"]
ParticipantCategory = Literal[
    "专家", "人大代表", "政协委员", "法律工作者", "群众代表", "利益相关方", "村(社区)干部", "部门代表"
]
Adoption = Literal["采纳", "部分采纳", "不予采纳"]
DecisionResult = Literal["实施", "暂缓实施", "不实施"]


class Strict(BaseModel):
    """Base of every case model: strict types, unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Person(Strict):
    """人员：姓名与职务。"""

    name: Name = Field(title="姓名", examples=["王建国"])
    title: Optional[Text] = Field(None, title="职务", examples=["镇党委书记"])


class Contact(Person):
    """联系人：姓名、职务与电话。"""

    phone: Optional[Text] = Field(None, title="联系电话", examples=["0771-5821234"])


class Affected(Strict):
    """涉及范围：涉及的村（社区）、户数和人数。"""

    areas: list[Name] = Field(default_factory=list, title="涉及村（社区）")
    households: Optional[Count] = Field(None, title="涉及户数")
    persons: Optional[Count] = Field(None, title="涉及人数")


class Matter(Strict):
    """评估事项：拟决策的事项或项目。"""

    name: Name = Field(title="事项名称", examples=["镇西北片土地整理项目"])
    category: Optional[Text] = Field(None, title="事项类别", examples=["重大工程项目"])
    summary: RequiredMarkdown = Field(title="事项概况")
    location: Optional[Text] = Field(None, title="实施地点")
    scale: Optional[Text] = Field(None, title="建设规模")
    investment_wan_yuan: Optional[Amount] = Field(None, title="总投资（万元）", examples=[2680])
    affected: Optional[Affected] = Field(None, title="涉及范围")
    planned_start: Optional[IsoDate] = Field(None, title="计划开工日期")
    legal_basis: list[Name] = Field(default_factory=list, title="评估依据（法律法规、政策文件）")


class Authority(Strict):
    """责任主体：作出决策、组织评估的机关及其单位。"""

    name: Name = Field(title="责任主体", examples=["青石镇人民政府"])
    party_committee: Optional[Text] = Field(None, title="党委名称", examples=["中共青石镇委员会"])
    lead_office: Name = Field(title="牵头部门", examples=["镇综治办"])
    cooperating_units: list[Name] = Field(default_factory=list, title="配合单位")
    decision_body: Optional[Text] = Field(None, title="决策机构", examples=["镇党政联席会议"])
    filing_office: Optional[Text] = Field(None, title="报备机关", examples=["江城市维稳办"])
    contact: Optional[Contact] = Field(None, title="联系人")


class GroupOffice(Strict):
    """领导小组办公室。"""

    location: Optional[Text] = Field(None, title="办公室设在")
    director: Optional[Person] = Field(None, title="办公室主任")


class LeadingGroup(Strict):
    """评估工作领导小组。"""

    leader: Person = Field(title="组长")
    deputy_leaders: list[Person] = Field(default_factory=list, title="副组长")
    members: list[Person] = Field(default_factory=list, title="成员")
    office: Optional[GroupOffice] = Field(None, title="领导小组办公室")


class TeamMember(Person):
    """评估工作班子成员及分工。"""

    duty: Optional[Text] = Field(None, title="工作职责")


class Dimensions(Strict):
    """评估内容（四性）。"""

    legality: Optional[Markdown] = Field(None, title="合法性")
    rationality: Optional[Markdown] = Field(None, title="合理性")
    feasibility: Optional[Markdown] = Field(None, title="可行性")
    controllability: Optional[Markdown] = Field(None, title="可控性")


class ScheduleStep(Strict):
    """评估步骤及时间安排。"""

    step: Name = Field(title="步骤", examples=["制定评估方案"])
    start: IsoDate = Field(title="开始日期")
    end: IsoDate = Field(title="结束日期")
    tasks: Optional[Text] = Field(None, title="主要工作")


class Plan(Strict):
    """评估工作方案。"""

    issued_on: IsoDate = Field(title="成文日期", examples=["2026-03-02"])
    doc_number: Optional[Text] = Field(None, title="发文字号", examples=["青政办〔2026〕15号"])
    scope: Optional[Markdown] = Field(None, title="评估范围")
    dimensions: Optional[Dimensions] = Field(None, title="评估内容")
    methods: list[Name] = Field(default_factory=list, title="评估方法", examples=[["公示", "问卷调查"]])
    schedule: list[ScheduleStep] = Field(default_factory=list, title="步骤和时间安排")
    requirements: list[Text] = Field(default_factory=list, title="工作要求")


class Publicity(Strict):
    """公示。"""

    start: IsoDate = Field(title="公示开始日期")
    end: IsoDate = Field(title="公示结束日期")
    channels: list[Name] = Field(default_factory=list, title="公示渠道")
    feedback_count: Optional[Count] = Field(None, title="收到反馈意见（条）")


class Question(Strict):
    """问卷题目及各选项的回答数。"""

    text: Name = Field(title="题目")
    multiple: bool = Field(False, title="是否多选题")
    support_answers: list[Name] = Field(
        default_factory=list, title="表示支持的选项", description="计入支持率的选项，须为 answers 中的选项。"
    )
    answers: dict[str, Count] = Field(title="各选项回答数", examples=[{"支持": 472, "不支持": 28}])


class Survey(Strict):
    """问卷调查。"""

    start: IsoDate = Field(title="开始日期")
    end: IsoDate = Field(title="结束日期")
    scope: Optional[Text] = Field(None, title="调查对象")
    issued: Count = Field(title="发放问卷（份）")
    returned: Count = Field(title="回收问卷（份）")
    valid: Count = Field(title="有效问卷（份）")
    questions: list[Question] = Field(default_factory=list, title="题目")


class Visits(Strict):
    """实地走访。"""

    start: IsoDate = Field(title="开始日期")
    end: IsoDate = Field(title="结束日期")
    households: Optional[Count] = Field(None, title="走访户数")
    findings: Optional[Markdown] = Field(None, title="走访情况")


class Participant(Strict):
    """会议参加人员。"""

    name: Name = Field(title="姓名")
    category: ParticipantCategory = Field(title="人员类别")
    unit: Optional[Text] = Field(None, title="单位或身份")


class Statement(Strict):
    """会上发言及答复。"""

    speaker: Name = Field(title="发言人", description="须为参会人员或主持人。")
    content: Text = Field(title="发言内容")
    response: Optional[Text] = Field(None, title="答复及采纳情况")


class Meeting(Strict):
    """座谈会、听证会或论证会。"""

    kind: MeetingKind = Field(title="会议类型")
    title: Optional[Text] = Field(None, title="会议名称")
    date: IsoDate = Field(title="会议日期")
    start_time: Optional[Clock] = Field(None, title="开始时间")
    end_time: Optional[Clock] = Field(None, title="结束时间")
    place: Optional[Text] = Field(None, title="会议地点")
    host: Person = Field(title="主持人")
    recorder: Optional[Person] = Field(None, title="记录人")
    participants: list[Participant] = Field(default_factory=list, title="参会人员")
    agenda: list[Text] = Field(default_factory=list, title="会议议程")
    statements: list[Statement] = Field(default_factory=list, title="发言及答复")
    resolutions: Optional[Markdown] = Field(None, title="会议议定事项")


class Consultation(Strict):
    """广泛征求意见：公示、问卷、走访、会议。"""

    publicity: list[Publicity] = Field(default_factory=list, title="公示")
    survey: Optional[Survey] = Field(None, title="问卷调查")
    visits: Optional[Visits] = Field(None, title="实地走访")
    meetings: list[Meeting] = Field(default_factory=list, title="座谈会、听证会、论证会")


class Opinion(Strict):
    """梳理出的一类意见建议及其采纳情况。"""

    topic: Name = Field(title="意见建议")
    source: Optional[Text] = Field(None, title="来源")
    count: Optional[Count] = Field(None, title="涉及人次")
    adoption: Adoption = Field(title="采纳情况")
    response: Optional[Text] = Field(None, title="处理或答复", description="不予采纳的必须说明理由。")


class Measure(Strict):
    """防范化解措施。"""

    action: Name = Field(title="措施")
    owner_unit: Name = Field(title="责任单位")
    owner_person: Optional[Text] = Field(None, title="责任人")
    deadline: Optional[IsoDate] = Field(None, title="完成时限")


class Risk(Strict):
    """风险因素：落实措施前后的发生概率和影响程度。"""

    id: Name = Field(title="编号", examples=["R1"])
    category: Optional[Text] = Field(None, title="风险类别", examples=["征地拆迁"])
    name: Name = Field(title="风险名称")
    description: Optional[Markdown] = Field(None, title="风险描述")
    weight: Optional[float] = Field(None, ge=0, le=1, title="权重", description="全部给出且合计为 1，或全部不给（等权）。")
    probability: Probability = Field(title="发生概率")
    impact: Impact = Field(title="影响程度")
    measures: list[Measure] = Field(min_length=1, title="防范化解措施")
    residual_probability: Optional[Probability] = Field(None, title="落实措施后发生概率")
    residual_impact: Optional[Impact] = Field(None, title="落实措施后影响程度")


class Report(Strict):
    """社会稳定风险评估报告。"""

    issued_on: IsoDate = Field(title="成文日期")
    assessor: Optional[Text] = Field(None, title="评估主体")
    social_environment: Optional[Markdown] = Field(None, title="社会环境")
    conclusion: Optional[Markdown] = Field(None, title="评估结论")
    recommendations: list[Text] = Field(default_factory=list, title="建议")
    assessed_level: Optional[RiskLevel] = Field(
        None, title="评定风险等级", description="专家综合研判的等级；给出时以此为准。"
    )


class Command(Strict):
    """应急处置指挥部。"""

    commander: Optional[Person] = Field(None, title="总指挥")
    deputy_commanders: list[Person] = Field(default_factory=list, title="副总指挥")


class WorkGroup(Strict):
    """应急处置工作组。"""

    name: Name = Field(title="工作组")
    lead_unit: Optional[Text] = Field(None, title="牵头单位")
    leader: Optional[Person] = Field(None, title="组长")
    duties: Optional[Text] = Field(None, title="职责")


class EarlyWarning(Strict):
    """预警监测和信息报告。"""

    indicators: list[Text] = Field(default_factory=list, title="预警信号")
    reporting: Optional[Markdown] = Field(None, title="信息报告")


class ResponseLevel(Strict):
    """分级响应。"""

    level: Name = Field(title="响应级别")
    trigger: Text = Field(title="启动条件")
    actions: Text = Field(title="处置措施")


class StabilityPlan(Strict):
    """维稳工作方案（应急处置预案）。"""

    issued_on: IsoDate = Field(title="成文日期")
    principles: list[Text] = Field(default_factory=list, title="工作原则")
    command: Optional[Command] = Field(None, title="组织指挥体系")
    groups: list[WorkGroup] = Field(default_factory=list, title="工作组")
    early_warning: Optional[EarlyWarning] = Field(None, title="预警监测和信息报告")
    response_levels: list[ResponseLevel] = Field(default_factory=list, title="分级响应")
    aftermath: Optional[Markdown] = Field(None, title="善后处置")
    support: Optional[Markdown] = Field(None, title="保障措施")
    contacts: list[Contact] = Field(default_factory=list, title="联系方式")


class Summary(Strict):
    """工作情况汇报。"""

    issued_on: IsoDate = Field(title="成文日期")
    recipient: Optional[Text] = Field(None, title="主送机关")
    problems: list[Text] = Field(default_factory=list, title="存在的问题")
    next_steps: list[Text] = Field(default_factory=list, title="下一步工作")


class Decision(Strict):
    """决策机构的决策意见。"""

    body: Optional[Text] = Field(None, title="决策机构")
    date: Optional[IsoDate] = Field(None, title="决策日期")
    result: Optional[DecisionResult] = Field(None, title="决策结果")
    content: Optional[Text] = Field(None, title="决策意见")


class Filing(Strict):
    """报备。"""

    filed_on: IsoDate = Field(title="报备日期")
    number: Optional[Text] = Field(None, title="备案编号", examples=["青稳评备〔2026〕3号"])
    decision: Optional[Decision] = Field(None, title="决策意见")


class Case(Strict):
    """一件社会稳定风险评估事项的全部材料（稳评案卷）。"""

    model_config = ConfigDict(title="稳评案卷")

    schema_version: Literal["1.0"] = Field(title="格式版本")
    case_id: str = Field(
        title="案卷编号",
        pattern=r"^[A-Za-z0-9_-]+$",
        min_length=1,
        max_length=64,
        description="报备单位自编的编号，只含字母、数字、- 和 _。",
        examples=["QS-WP-2026-001"],
    )
    matter: Matter = Field(title="评估事项")
    authority: Authority = Field(title="责任主体")
    leading_group: LeadingGroup = Field(title="评估工作领导小组")
    work_team: list[TeamMember] = Field(default_factory=list, title="评估工作班子")
    plan: Plan = Field(title="评估工作方案")
    consultation: Optional[Consultation] = Field(None, title="征求意见")
    opinions: list[Opinion] = Field(default_factory=list, title="各方意见及采纳情况")
    risks: list[Risk] = Field(min_length=1, title="风险因素")
    report: Report = Field(title="评估报告")
    stability_plan: Optional[StabilityPlan] = Field(None, title="维稳工作方案")
    summary: Optional[Summary] = Field(None, title="工作情况汇报")
    filing: Filing = Field(title="报备")
