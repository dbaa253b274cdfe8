"""The case model: one 社会稳定风险评估 as structured data (docs/case.md §3).

Takes the case JSON (already parsed) and gives a validated, typed ``Case``.
It is the single source of truth for the case format: the JSON Schema in
``schemas/case.schema.json`` and the API's OpenAPI spec are generated from it.
"""


from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.model.types import Amount, Clock, Count, IsoDate, Markdown, Name, OptionText, RequiredMarkdown, Text

# How many items a list may hold (docs/case.md, "Limits"): several times what a real case has
# (the sample: 2 meetings of 5–6 participants, 4 risks, 4 opinions, 2 questions of 4 options).
MAX_PEOPLE = 300  # participants of one meeting, members of a group or team, areas, units, contacts
MAX_MEETINGS = 50  # meetings of one case
MAX_STATEMENTS = 300  # statements at one meeting
MAX_RISKS = 50  # risk factors of one case
MAX_MEASURES = 30  # measures against one risk
MAX_OPINIONS = 200  # kinds of opinion gathered
MAX_QUESTIONS = 100  # questions of the questionnaire
MAX_OPTIONS = 30  # options of one question
MAX_ITEMS = 100  # any other list: legal bases, methods, steps, requirements, principles, groups, …

Probability = Literal["很低", "较低", "中等", "较高", "很高"]
Impact = Literal["可忽略", "较小", "中等", "较大", "严重"]
RiskLevel = Literal["低风险", "中风险", "高风险"]
MeetingKind = Literal["座谈会", "听证会", "论证会"]
ParticipantCategory = Literal[
    "专家", "人大代表", "政协委员", "法律工作者", "群众代表", "利益相关方", "村(社区)干部", "部门代表"
]
Adoption = Literal["采纳", "部分采纳", "不予采纳"]
DecisionResult = Literal["实施", "暂缓实施", "不实施"]
ResponseGrade = Literal["Ⅰ级", "Ⅱ级", "Ⅲ级", "Ⅳ级"]
MatterNature = Literal["工程建设", "关停搬迁", "改革调整", "其他"]
HearingRole = Literal["听证员", "陈述人"]

SCHEMA_VERSION = "2.0"

# A person is entered once, in ``Case.people``, and every role refers to it by this id.
PersonId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=32)]
# "x-refers-to" names the top-level list whose item ids a value refers to (the workbook offers them as a dropdown).
PersonRef = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_-]+$",
        min_length=1,
        max_length=32,
        title="人员编号",
        description="「人员」名单中某人的编号。",
        examples=["P01"],
        json_schema_extra={"x-refers-to": "people"},
    ),
]


class Strict(BaseModel):
    """Base of every case model: strict types, unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Person(Strict):
    """人员：案卷中出现的每个人只登记一次，各处用编号引用。"""

    id: PersonId = Field(title="人员编号", description="此人在本案卷内的编号，不得重复，如 P01；各处以此引用。", examples=["P01"])
    name: Name = Field(title="姓名", description="人员姓名。", examples=["王建国"])
    title: Optional[Text] = Field(None, title="职务", description="职务，写在姓名之后，如「镇党委书记」。", examples=["镇党委书记"])
    unit: Optional[Text] = Field(None, title="单位或身份", description="所在单位或身份，如「石桥村村民」；参会人员的单位由此印出。", examples=["石桥村村民"])
    phone: Optional[Text] = Field(None, title="联系电话", description="办公电话或手机号码，照原样印出。", examples=["0771-5821234"])


class Issuing(Strict):
    """发文要素：发文机关、文号、签发人、主送、抄送、印发、附件。"""

    issuer: Optional[Name] = Field(None, title="发文机关", description="发文机关的全称；不填时为责任主体。", examples=["青石镇人民政府"])
    number: Optional[Text] = Field(None, title="发文字号", description="发文字号，年份用六角括号〔〕。", examples=["青政办〔2026〕15号"])
    signer: Optional[PersonRef] = Field(None, title="签发人", description="上行文的签发人（人员编号）；不填时为领导小组组长。")
    to: list[Name] = Field(default_factory=list, title="主送机关", description="主送机关，每项一个；上行文不填时为报备机关。", max_length=MAX_ITEMS)
    cc: list[Name] = Field(default_factory=list, title="抄送机关", description="抄送机关，每项一个。", max_length=MAX_ITEMS)
    printed_by: Optional[Name] = Field(None, title="印发机关", description="印发机关，通常为发文机关的办公室；不填时为发文机关。", examples=["青石镇党政办公室"])
    printed_on: Optional[IsoDate] = Field(None, title="印发日期", description="印发日期；不填时为成文日期。")
    attachments: list[Name] = Field(default_factory=list, title="附件", description="附件的名称，每项一件，按顺序。", max_length=MAX_ITEMS)
    contact: Optional[PersonRef] = Field(None, title="附注联系人", description="附注中的联系人（人员编号）；不填时为责任主体的联系人。")


class Affected(Strict):
    """涉及范围：涉及的村（社区）、户数和人数。"""

    areas: list[Name] = Field(default_factory=list, title="涉及村（社区）", description="事项涉及的村（社区）名称，每项一个。", max_length=MAX_PEOPLE)
    households: Optional[Count] = Field(None, title="涉及户数", description="涉及的户数。")
    persons: Optional[Count] = Field(None, title="涉及人数", description="涉及的人数。")


class Matter(Strict):
    """评估事项：拟决策的事项或项目。"""

    name: Name = Field(title="事项名称", description="拟决策事项或项目的名称，用于各文书标题和文件名。", examples=["镇西北片土地整理项目"])
    category: Optional[Text] = Field(None, title="事项类别", description="事项所属类别，如重大工程项目、重大政策调整。", examples=["重大工程项目"])
    summary: RequiredMarkdown = Field(title="事项概况")
    location: Optional[Text] = Field(None, title="实施地点", description="事项实施的地点或范围。")
    scale: Optional[Text] = Field(None, title="建设规模", description="建设规模或涉及面，照原样印出。")
    investment_wan_yuan: Optional[Amount] = Field(None, title="总投资（万元）", description="总投资额，单位万元，原样保留（2680 不写成 2680.0）。", examples=[2680])
    affected: Optional[Affected] = Field(None, title="涉及范围", description="事项涉及的村（社区）、户数和人数。")
    nature: Optional[MatterNature] = Field(None, title="事项性质", description="决定文书的用语：工程建设写「开工」「建设规模」，关停搬迁写「关停」「安置」，改革调整写「实施」；不填时按「实施」。")
    proponent: Optional[Text] = Field(None, title="项目单位", description="提出或承担事项的单位。", examples=["青石镇自然资源所"])
    necessity: Optional[Markdown] = Field(None, title="必要性", description="为什么要实施这一事项。")
    duration: Optional[Text] = Field(None, title="建设期或实施期", description="建设期或实施期，照原样印出，如「12个月」。", examples=["12个月"])
    funding: Optional[Text] = Field(None, title="资金来源", description="资金的来源，照原样印出。", examples=["省级土地整治专项资金"])
    planned_start: Optional[IsoDate] = Field(None, title="计划开工或实施日期", description="计划开工（工程建设）或开始实施的日期。")
    legal_basis: list[Name] = Field(default_factory=list, title="评估依据（法律法规、政策文件）", description="评估所依据的法律法规和政策文件，每项一件，带书名号。", max_length=MAX_ITEMS)


class Authority(Strict):
    """责任主体：作出决策、组织评估的机关及其单位。"""

    name: Name = Field(title="责任主体", description="作出决策、组织评估的机关，是各文书的署名。", examples=["青石镇人民政府"])
    party_committee: Optional[Text] = Field(None, title="党委名称", description="同级党委的全称。", examples=["中共青石镇委员会"])
    lead_office: Name = Field(title="牵头部门", description="牵头组织评估工作的部门。", examples=["镇综治办"])
    cooperating_units: list[Name] = Field(default_factory=list, title="配合单位", description="配合开展评估的单位，每项一个。", max_length=MAX_PEOPLE)
    decision_body: Optional[Text] = Field(None, title="决策机构", description="对事项作出决策的会议或机构。", examples=["镇党政联席会议"])
    filing_office: Optional[Text] = Field(None, title="报备机关", description="接收报备的机关，通常为上级维稳办。", examples=["江城市维稳办"])
    contact: Optional[PersonRef] = Field(None, title="联系人", description="报备事项的联系人（人员编号），附注和报备表印出其姓名和电话。")


class GroupOffice(Strict):
    """领导小组办公室。"""

    location: Optional[Text] = Field(None, title="办公室设在", description="领导小组办公室设在哪个部门。")
    director: Optional[PersonRef] = Field(None, title="办公室主任", description="领导小组办公室主任（人员编号）。")


class LeadingGroup(Strict):
    """评估工作领导小组。"""

    name: Optional[Name] = Field(None, title="领导小组名称", description="领导小组的全称，方案和报告都以它为评估主体；不填时为「事项名称社会稳定风险评估工作领导小组」。")
    leader: PersonRef = Field(title="组长", description="领导小组组长（人员编号）。")
    deputy_leaders: list[PersonRef] = Field(default_factory=list, title="副组长", description="领导小组副组长（人员编号），按排序列出。", max_length=MAX_ITEMS)
    members: list[PersonRef] = Field(default_factory=list, title="成员", description="领导小组成员（人员编号），按排序列出。", max_length=MAX_PEOPLE)
    office: Optional[GroupOffice] = Field(None, title="领导小组办公室", description="领导小组下设的办公室。")


class TeamMember(Strict):
    """评估工作班子成员及分工。"""

    person: PersonRef = Field(title="人员", description="评估工作班子成员（人员编号）。")
    duty: Optional[Text] = Field(None, title="工作职责", description="此人在评估工作中的分工。")


class Dimensions(Strict):
    """评估内容（四性）：方案写各方面评估什么，报告写各方面的结论。"""

    legality: Optional[Markdown] = Field(None, title="合法性", description="事项是否合法、程序是否完备。")
    rationality: Optional[Markdown] = Field(None, title="合理性", description="事项是否公平合理、兼顾各方利益。")
    feasibility: Optional[Markdown] = Field(None, title="可行性", description="事项在资金、时机、群众接受程度等方面是否可行。")
    controllability: Optional[Markdown] = Field(None, title="可控性", description="可能出现的矛盾是否可防可控。")


class ScheduleStep(Strict):
    """评估步骤及时间安排。"""

    step: Name = Field(title="步骤", description="评估步骤的名称，通常为六个步骤之一，如「制定评估方案」。", examples=["制定评估方案"])
    start: IsoDate = Field(title="开始日期", description="本步骤开始的日期。")
    end: IsoDate = Field(title="结束日期", description="本步骤结束的日期，不得早于开始日期。")
    tasks: Optional[Text] = Field(None, title="主要工作", description="本步骤要做的主要工作。")


class Plan(Strict):
    """评估工作方案。"""

    issued_on: IsoDate = Field(title="成文日期", description="评估工作方案的成文日期；各项征求意见活动和评估报告都不得早于此日期。", examples=["2026-03-02"])
    issuing: Optional[Issuing] = Field(None, title="发文要素", description="评估工作方案的发文字号、主送、抄送、印发等。")
    scope: Optional[Markdown] = Field(None, title="评估范围", description="评估覆盖的地域、人群和利益相关方。")
    dimensions: Optional[Dimensions] = Field(None, title="评估内容", description="合法性、合理性、可行性、可控性四个方面各自评估什么。")
    methods: list[Name] = Field(default_factory=list, title="评估方法", description="采用的评估方法，每项一种，如公示、问卷调查、座谈会。", examples=[["公示", "问卷调查"]], max_length=MAX_ITEMS)
    schedule: list[ScheduleStep] = Field(default_factory=list, title="步骤和时间安排", description="各评估步骤的起止日期和主要工作，按先后排列。", max_length=MAX_ITEMS)
    requirements: list[Text] = Field(default_factory=list, title="工作要求", description="对评估工作的要求，每项一段。", max_length=MAX_ITEMS)


class Publicity(Strict):
    """公示。"""

    start: IsoDate = Field(title="公示开始日期", description="公示开始的日期。")
    end: IsoDate = Field(title="公示结束日期", description="公示结束的日期，不得早于开始日期。")
    channels: list[Name] = Field(default_factory=list, title="公示渠道", description="公示的地点或渠道，每项一个，如村务公开栏、镇政府网站。", max_length=MAX_ITEMS)
    feedback_count: Optional[Count] = Field(None, title="收到反馈意见（条）", description="公示期间收到的反馈意见条数。")


class Question(Strict):
    """问卷题目及各选项的回答数。"""

    text: Name = Field(title="题目", description="问卷题目的文字。")
    multiple: bool = Field(False, title="是否多选题", description="为 true 时是多选题：各选项合计可以超过有效问卷数。")
    support_answers: list[Name] = Field(
        default_factory=list, title="表示支持的选项", description="计入支持率的选项，须为 answers 中的选项。", max_length=MAX_OPTIONS,
    )
    answers: dict[OptionText, Count] = Field(title="各选项回答数", description="每个选项及选择它的问卷份数；单选题各选项合计须等于有效问卷数。", examples=[{"支持": 472, "不支持": 28}], max_length=MAX_OPTIONS)


class Survey(Strict):
    """问卷调查。"""

    start: IsoDate = Field(title="开始日期", description="开始发放问卷的日期。")
    end: IsoDate = Field(title="结束日期", description="问卷回收截止的日期，不得早于开始日期。")
    scope: Optional[Text] = Field(None, title="调查对象", description="问卷发放的对象或范围。")
    issued: Count = Field(title="发放问卷（份）", description="发放的问卷份数。")
    returned: Count = Field(title="回收问卷（份）", description="收回的问卷份数，不得多于发放数。")
    valid: Count = Field(title="有效问卷（份）", description="有效问卷份数，不得多于回收数；回收率、有效率、支持率据此计算。")
    questions: list[Question] = Field(default_factory=list, title="题目", description="问卷的各个题目及回答统计。", max_length=MAX_QUESTIONS)


class Visits(Strict):
    """实地走访。"""

    start: IsoDate = Field(title="开始日期", description="开始走访的日期。")
    end: IsoDate = Field(title="结束日期", description="走访结束的日期，不得早于开始日期。")
    households: Optional[Count] = Field(None, title="走访户数", description="入户走访的户数。")
    visitors: list[PersonRef] = Field(default_factory=list, title="走访人员", description="开展走访的人员（人员编号）。", max_length=MAX_PEOPLE)
    visited: Optional[Text] = Field(None, title="走访对象", description="走访了哪些人，如「涉及农户、承包大户和村民小组长」。")
    findings: Optional[Markdown] = Field(None, title="走访情况", description="走访中了解到的情况和群众诉求。")


class Participant(Strict):
    """会议参加人员。"""

    person: PersonRef = Field(title="人员", description="参会人员（人员编号）；发言人须为参会人员或主持人。")
    category: ParticipantCategory = Field(title="人员类别", description="参会人员所属的类别，纪要按类别分组列出出席人员。")
    role: Optional[HearingRole] = Field(None, title="听证角色", description="听证会上的角色：听证员或陈述人；其他参加人不填。")


class Statement(Strict):
    """会上发言及答复。"""

    speaker: PersonRef = Field(title="发言人", description="发言人（人员编号），须为参会人员或主持人。")
    content: Text = Field(title="发言内容", description="发言中提出的意见或问题。")
    response: Optional[Text] = Field(None, title="答复", description="对该发言的答复。")
    adoption: Optional[Adoption] = Field(None, title="采纳情况", description="对该发言所提意见的处理结论。")


class Meeting(Strict):
    """座谈会、听证会或论证会。"""

    kind: MeetingKind = Field(title="会议类型", description="会议的种类，决定纪要的标题和校验要求。")
    title: Optional[Text] = Field(None, title="会议名称", description="会议的名称；不填时以会议类型称呼。")
    minutes_number: Optional[Text] = Field(None, title="纪要期号", description="纪要的期号，如「第3期」；填写时纪要印出纪要标志和期号。", examples=["第3期"])
    date: IsoDate = Field(title="会议日期", description="开会的日期，不得早于评估方案成文日期，不得晚于评估报告成文日期。")
    start_time: Optional[Clock] = Field(None, title="开始时间", description="会议开始的时刻。")
    end_time: Optional[Clock] = Field(None, title="结束时间", description="会议结束的时刻，不得早于开始时间。")
    place: Optional[Text] = Field(None, title="会议地点", description="开会的地点。")
    host: PersonRef = Field(title="主持人", description="会议主持人（人员编号）。")
    recorder: Optional[PersonRef] = Field(None, title="记录人", description="会议记录人（人员编号）。")
    participants: list[Participant] = Field(default_factory=list, title="参会人员", description="出席会议的人员及其类别。", max_length=MAX_PEOPLE)
    absent: list[PersonRef] = Field(default_factory=list, title="请假人员", description="应到而请假的人员（人员编号）。", max_length=MAX_PEOPLE)
    observers: Optional[Count] = Field(None, title="旁听人数", description="旁听的群众人数。")
    agenda: list[Text] = Field(default_factory=list, title="会议议程", description="会议议程，每项一条。", max_length=MAX_ITEMS)
    statements: list[Statement] = Field(default_factory=list, title="发言及答复", description="会上的发言及对每条发言的答复，按发言顺序排列。", max_length=MAX_STATEMENTS)
    resolutions: Optional[Markdown] = Field(None, title="会议议定事项", description="会议议定的事项。")


class Consultation(Strict):
    """广泛征求意见：公示、问卷、走访、会议。"""

    publicity: list[Publicity] = Field(default_factory=list, title="公示", description="每次公示一项。", max_length=MAX_ITEMS)
    survey: Optional[Survey] = Field(None, title="问卷调查", description="问卷调查的发放、回收和各题统计。")
    visits: Optional[Visits] = Field(None, title="实地走访", description="入户走访的时间、户数和情况。")
    meetings: list[Meeting] = Field(default_factory=list, title="座谈会、听证会、论证会", description="召开的各次座谈会、听证会、论证会，每次生成一份纪要。", max_length=MAX_MEETINGS)


class Opinion(Strict):
    """梳理出的一类意见建议及其采纳情况。"""

    topic: Name = Field(title="意见建议", description="归纳出的一类意见建议。")
    source: Optional[Text] = Field(None, title="来源", description="意见的来源，如问卷、走访、听证会。")
    count: Optional[Count] = Field(None, title="涉及人次", description="提出这类意见的人次。")
    adoption: Adoption = Field(title="采纳情况", description="对这类意见的处理结论。")
    response: Optional[Text] = Field(None, title="处理或答复", description="不予采纳的必须说明理由。")


class Measure(Strict):
    """防范化解措施。"""

    action: Name = Field(title="措施", description="要采取的防范化解措施。")
    owner_unit: Name = Field(title="责任单位", description="负责落实措施的单位。")
    owner_person: Optional[PersonRef] = Field(None, title="责任人", description="负责落实措施的人（人员编号）。")
    deadline: Optional[IsoDate] = Field(None, title="完成时限", description="措施完成的期限。")


class Risk(Strict):
    """风险因素：落实措施前后的发生概率和影响程度。"""

    id: Name = Field(title="编号", description="风险因素的编号，在本案卷内不得重复，如 R1。", examples=["R1"])
    category: Optional[Text] = Field(None, title="风险类别", description="风险所属类别，风险识别表按类别归并。", examples=["征地拆迁"])
    name: Name = Field(title="风险名称", description="风险因素的简短名称。")
    description: Optional[Markdown] = Field(None, title="风险描述", description="风险的表现和可能后果。")
    cause: Optional[Text] = Field(None, title="风险成因", description="风险从何而来。")
    trigger: Optional[Text] = Field(None, title="触发条件", description="什么情况下风险会发生。")
    weight: Optional[float] = Field(None, ge=0, le=1, title="权重", description="全部给出且合计为 1，或全部不给（等权）。")
    probability: Probability = Field(title="发生概率", description="落实措施前的发生概率等级。")
    impact: Impact = Field(title="影响程度", description="落实措施前的影响程度等级。")
    measures: list[Measure] = Field(min_length=1, title="防范化解措施", description="针对这一风险的防范化解措施，至少一条。", max_length=MAX_MEASURES)
    residual_probability: Optional[Probability] = Field(None, title="落实措施后发生概率", description="落实措施后的发生概率等级；不填时视同措施前的等级。")
    residual_impact: Optional[Impact] = Field(None, title="落实措施后影响程度", description="落实措施后的影响程度等级；不填时视同措施前的等级。")


class Report(Strict):
    """社会稳定风险评估报告。"""

    issued_on: IsoDate = Field(title="成文日期", description="评估报告的成文日期：不得早于评估方案和各项征求意见活动，不得晚于决策日期和报备日期。")
    issuing: Optional[Issuing] = Field(None, title="发文要素", description="评估报告的发文字号、主送、签发人等；主送不填时为报备机关。")
    social_environment: Optional[Markdown] = Field(None, title="社会环境", description="事项所在地的社会环境和群众情况。")
    findings: Optional[Dimensions] = Field(None, title="四性结论", description="合法性、合理性、可行性、可控性各自的评估结论；不填的方面由案卷数据归纳，校验时提醒。")
    conclusion: Optional[Markdown] = Field(None, title="评估结论", description="评估结论的文字。")
    recommendations: list[Text] = Field(default_factory=list, title="建议", description="评估提出的建议，每项一段。", max_length=MAX_ITEMS)
    assessed_level: Optional[RiskLevel] = Field(
        None, title="评定风险等级", description="专家综合研判的等级；给出时以此为准。"
    )


class Command(Strict):
    """应急处置指挥部。"""

    commander: Optional[PersonRef] = Field(None, title="总指挥", description="应急处置总指挥（人员编号）；不填时为领导小组组长。")
    deputy_commanders: list[PersonRef] = Field(default_factory=list, title="副总指挥", description="应急处置副总指挥（人员编号）；不填时为领导小组副组长。", max_length=MAX_ITEMS)


class WorkGroup(Strict):
    """应急处置工作组。"""

    name: Name = Field(title="工作组", description="工作组的名称，如「矛盾调处组」。")
    lead_unit: Optional[Text] = Field(None, title="牵头单位", description="工作组的牵头单位。")
    leader: Optional[PersonRef] = Field(None, title="组长", description="工作组组长（人员编号）。")
    duties: Optional[Text] = Field(None, title="职责", description="工作组的职责。")


class EarlyWarning(Strict):
    """预警监测和信息报告。"""

    indicators: list[Text] = Field(default_factory=list, title="预警信号", description="需要预警的苗头和信号，每项一条。", max_length=MAX_ITEMS)
    reporting: Optional[Markdown] = Field(None, title="信息报告", description="信息报告的渠道、时限和要求。")


class ResponseLevel(Strict):
    """分级响应。"""

    grade: ResponseGrade = Field(title="响应级别", description="Ⅰ级最高，Ⅳ级最低。")
    name: Optional[Name] = Field(None, title="级别名称", description="级别的名称，如「一般」「较大」，印在级别之后的括号里。")
    trigger: Text = Field(title="启动条件", description="启动该级响应的条件。")
    actions: Text = Field(title="处置措施", description="该级响应的处置措施。")


class StabilityPlan(Strict):
    """维稳工作方案（应急处置预案）。"""

    issued_on: IsoDate = Field(title="成文日期", description="维稳工作方案的成文日期，不得晚于报备日期。")
    issuing: Optional[Issuing] = Field(None, title="发文要素", description="维稳工作方案的发文字号、主送、抄送、印发等。")
    scope: Optional[Markdown] = Field(None, title="适用范围", description="本方案适用于哪些情形。")
    principles: list[Text] = Field(default_factory=list, title="工作原则", description="维稳工作的原则，每项一条。", max_length=MAX_ITEMS)
    command: Optional[Command] = Field(None, title="组织指挥体系", description="总指挥和副总指挥；与领导小组不同时才填，不填时由组长、副组长担任。")
    groups: list[WorkGroup] = Field(default_factory=list, title="工作组", description="应急处置的各工作组。", max_length=MAX_ITEMS)
    early_warning: Optional[EarlyWarning] = Field(None, title="预警监测和信息报告", description="预警信号和信息报告要求。")
    response_levels: list[ResponseLevel] = Field(default_factory=list, title="分级响应", description="各响应级别的启动条件和处置措施。", max_length=MAX_ITEMS)
    termination: Optional[Markdown] = Field(None, title="响应终止", description="何时、由谁宣布终止应急响应。")
    aftermath: Optional[Markdown] = Field(None, title="善后处置", description="事态平息后的善后工作。")
    support: Optional[Markdown] = Field(None, title="保障措施", description="人员、经费、物资等保障。")
    contacts: list[PersonRef] = Field(default_factory=list, title="联系方式", description="应急联络人员（人员编号），印出其姓名、职务和电话。", max_length=MAX_PEOPLE)
    supplementary: Optional[Markdown] = Field(None, title="附则", description="方案的解释、施行日期等。")


class Summary(Strict):
    """工作情况汇报。"""

    issued_on: IsoDate = Field(title="成文日期", description="工作情况汇报的成文日期，不得晚于报备日期。")
    issuing: Optional[Issuing] = Field(None, title="发文要素", description="工作情况汇报的发文字号、主送、签发人等；主送不填时为报备机关。")
    problems: list[Text] = Field(default_factory=list, title="存在的问题", description="评估工作中存在的问题，每项一段。", max_length=MAX_ITEMS)
    next_steps: list[Text] = Field(default_factory=list, title="下一步工作", description="下一步的工作安排，每项一段。", max_length=MAX_ITEMS)


class Decision(Strict):
    """决策机构的决策意见。"""

    date: Optional[IsoDate] = Field(None, title="决策日期", description="作出决策的日期，不得早于评估报告成文日期，不得晚于报备日期。")
    result: Optional[DecisionResult] = Field(None, title="决策结果", description="决策的结论；最终风险等级为高风险时不能为「实施」。")
    content: Optional[Text] = Field(None, title="决策意见", description="决策意见的文字。")


class Filing(Strict):
    """报备。"""

    filed_on: IsoDate = Field(title="报备日期", description="报备的日期；评估报告、决策、维稳工作方案和工作情况汇报都不得晚于此日期。")
    number: Optional[Text] = Field(None, title="备案编号", description="报备机关给出的备案编号。", examples=["青稳评备〔2026〕3号"])
    decision: Optional[Decision] = Field(None, title="决策意见", description="决策机构（责任主体中的决策机构）对事项的决策。")
    remarks: Optional[Text] = Field(None, title="备注", description="报备表备注栏的内容。")


class Case(Strict):
    """一件社会稳定风险评估事项的全部材料（稳评案卷）。"""

    model_config = ConfigDict(title="稳评案卷")

    schema_version: Literal["2.0"] = Field(title="格式版本", description="案卷格式的版本：2.0。1.0 的案卷在读入时自动升级（wenping upgrade 可写出 2.0 格式）。")
    case_id: str = Field(
        title="案卷编号",
        pattern=r"^[A-Za-z0-9_-]+$",
        min_length=1,
        max_length=64,
        description="报备单位自编的编号，只含字母、数字、- 和 _。",
        examples=["QS-WP-2026-001"],
    )
    people: list[Person] = Field(default_factory=list, title="人员", description="案卷中出现的所有人员，每人一项；领导小组、会议、措施、联系人等处用编号引用。", max_length=MAX_PEOPLE * 4)
    matter: Matter = Field(title="评估事项", description="拟决策的事项或项目。")
    authority: Authority = Field(title="责任主体", description="作出决策、组织评估的机关及其有关单位。")
    leading_group: LeadingGroup = Field(title="评估工作领导小组", description="本事项的评估工作领导小组。")
    work_team: list[TeamMember] = Field(default_factory=list, title="评估工作班子", description="具体承担评估工作的人员及分工。", max_length=MAX_PEOPLE)
    plan: Plan = Field(title="评估工作方案", description="评估工作方案的内容。")
    consultation: Optional[Consultation] = Field(None, title="征求意见", description="广泛征求意见的各项活动：公示、问卷调查、实地走访和会议。")
    opinions: list[Opinion] = Field(default_factory=list, title="各方意见及采纳情况", description="梳理出的各类意见建议及采纳情况，采纳情况的统计由此计算。", max_length=MAX_OPINIONS)
    # Parts written later in the assessment (docs/case.md, "Step by step"): absent until their step is done.
    # What each document needs before it can be made is declared in service/context/registry.py.
    risks: Optional[list[Risk]] = Field(None, min_length=1, title="风险因素", description="识别出的风险因素，至少一项；风险识别之前可以不填。", max_length=MAX_RISKS)
    report: Optional[Report] = Field(None, title="评估报告", description="社会稳定风险评估报告的内容；评估结束之前可以不填。")
    stability_plan: Optional[StabilityPlan] = Field(None, title="维稳工作方案", description="维稳工作方案（应急处置预案）的内容；不填时按通行写法由案卷生成。")
    summary: Optional[Summary] = Field(None, title="工作情况汇报", description="工作情况汇报的内容；不填时按通行写法由案卷生成。")
    filing: Optional[Filing] = Field(None, title="报备", description="报备及决策情况；决策和报备之前可以不填。")

    @model_validator(mode="before")
    @classmethod
    def _upgrade_1_0(cls, data: Any) -> Any:
        """A 1.0 case is upgraded on the way in, wherever it is validated (validate() also reports the notes)."""
        from service.model.upgrade import upgrade  # the upgrade reads this module's constants

        return upgrade(data)[0]

    def person(self, ref: Optional[str]) -> Optional[Person]:
        """The entry of ``people`` with id ``ref`` (None for no ref or an unknown one: checks name those)."""
        if ref is None:
            return None
        return next((p for p in self.people if p.id == ref), None)
