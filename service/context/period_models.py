"""What the period report template can name: its documented context.

Each model here is both the data handed to ``period_summary.docx`` and its
documentation (every field has a Chinese description). Every value is ready
to print: dates as 2026年4月10日, rates as 92.56%, indices with four decimals,
sentences already joined. Every figure is computed from the cases by
``service.context.period``; optional parts are ``None`` or empty lists.
"""

from __future__ import annotations

from typing import Optional

from service.context.models import CaseContext, Ctx, DocCtx, F, PersonCtx


class OrganisationCtx(Ctx):
    name: str = F("汇报单位（署名）")
    party_committee: Optional[str] = F("党委名称", None)
    self_name: str = F("正文中的自称，如「我镇」")
    whole: str = F("全域的说法，如「全镇」（自称推不出时为「辖区内」）")


class PeriodCtx(Ctx):
    start: str = F("开始日期")
    end: str = F("结束日期")
    text: str = F("期间，用于标题，如「2026年度」「2026年上半年」「2026年1月至9月」")
    lead: str = F("句首的期间，如「2026年」「2026年上半年」")


class IssuedDocumentCtx(Ctx):
    title: str = F("文件名称（不带书名号）")
    doc_number: Optional[str] = F("发文字号", None)
    issued_on: Optional[str] = F("印发日期", None)
    text: str = F("带书名号和发文字号，如「《……实施意见》（青发〔2026〕3号）」")


class MechanismCtx(Ctx):
    group_name: str = F("领导小组名称")
    leader: PersonCtx = F("组长")
    deputy_leaders: list[PersonCtx] = F("副组长", [])
    deputies_text: Optional[str] = F("副组长，顿号连接，如「刘志强（镇党委副书记、镇长）、……」", None)
    members: list[PersonCtx] = F("成员", [])
    members_count: int = F("成员人数")
    office: Optional[str] = F("领导小组办公室设在", None)
    documents: list[IssuedDocumentCtx] = F("出台的制度文件（按印发日期）", [])
    documents_text: Optional[str] = F("制度文件，顿号连接（带书名号和发文字号）", None)
    lead_office: str = F("牵头部门")
    cooperating_units: list[str] = F("配合单位", [])
    cooperating: Optional[str] = F("配合单位，顿号连接", None)
    practices: list[str] = F("工作机制和做法", [])
    practices_text: Optional[str] = F("工作机制和做法，逗号连接成句（不带句号）", None)
    team_cases: int = F("成立了专门评估工作班子的事项数")
    team_members: int = F("各评估工作班子成员合计（人次）")


class CountCtx(Ctx):
    label: str = F("类别，如「座谈会」「专家」")
    count: int = F("数量（次或人次）")


class CaseRowCtx(Ctx):
    no: str = F("序号（合计行为空）")
    name: str = F("评估事项（合计行为「合计」）")
    publicity: str = F("公示（次），未开展为「—」")
    surveys_issued: str = F("发放问卷（份），未开展为「—」")
    surveys_valid: str = F("有效问卷（份），未开展为「—」")
    households: str = F("走访（户），未开展为「—」")
    meetings: str = F("座谈会、听证会、论证会（次），未开展为「—」")
    participants: str = F("参会（人次），未开展为「—」")
    opinions: str = F("梳理意见建议（类），没有为「—」")


class ProcedureCtx(Ctx):
    case_count: int = F("评估事项数")
    each_case: str = F("「3个事项均」，只有一个事项时为「该事项」")
    plans_issued: int = F("以正式文件印发评估工作方案（有发文字号）的事项数")
    all_plans_issued: bool = F("是否每个事项的评估工作方案都以正式文件印发")
    consulted_cases: int = F("开展了征求意见活动的事项数")
    filing_office: str = F("报备的维稳办（各案卷的报备机关，顿号连接；都未填写时为汇报的主送机关）")
    any_consultation: bool = F("是否有任何事项开展了征求意见活动")
    methods: list[str] = F("实际采用的征求意见方式（公示、问卷调查、实地走访、座谈会、听证会、论证会中用到的）", [])
    methods_text: Optional[str] = F("征求意见方式，顿号连接", None)
    activities_text: Optional[str] = F("征求意见合计，如「公示3次、发放问卷1146份、走访群众346户、召开座谈会3次、听证会2次、论证会1次」", None)
    consultation_sentence: Optional[str] = F(
        "征求意见合计的一句（不带句号），如「各评估事项累计公示3次，收到反馈意见81条；发放问卷1146份，回收1103份（回收率96.25%），"
        "其中有效问卷1085份；入户走访群众346户；召开座谈会3次、听证会2次、论证会1次，参会35人次」",
        None,
    )
    publicity_count: int = F("公示次数合计")
    publicity_feedback: Optional[int] = F("公示期间收到反馈意见合计（条），均未填写时为空", None)
    survey_cases: int = F("开展问卷调查的事项数")
    surveys_issued: int = F("发放问卷合计（份）")
    surveys_returned: int = F("回收问卷合计（份）")
    surveys_valid: int = F("有效问卷合计（份）")
    response_rate: Optional[str] = F("总回收率", None)
    valid_rate: Optional[str] = F("总有效率（有效/回收）", None)
    visit_cases: int = F("开展实地走访的事项数")
    visit_households: int = F("走访户数合计")
    meetings_total: int = F("座谈会、听证会、论证会合计（次）")
    meetings_by_kind: list[CountCtx] = F("各类会议次数（只列开过的）", [])
    meetings_text: Optional[str] = F("如「座谈会3次、听证会2次、论证会1次」", None)
    participants_total: int = F("各次会议参会合计（人次）")
    participants_by_category: list[CountCtx] = F("参会人次按人员类别（只列有的）", [])
    participants_text: Optional[str] = F("如「专家4人次、人大代表3人次、……」", None)
    opinions_total: int = F("梳理意见建议合计（类）")
    adopted: int = F("采纳（类）")
    partly_adopted: int = F("部分采纳（类）")
    rejected: int = F("不予采纳（类）")
    opinions_sentence: Optional[str] = F("如「共梳理意见建议13类，采纳8类、部分采纳3类、不予采纳2类」", None)
    risks_total: int = F("识别风险因素合计（项）")
    degrees_text: str = F("落实措施前各风险程度的项数，如「重大1项、较大7项、一般3项」")
    measures_total: int = F("防范化解措施合计（项）")
    measure_units: int = F("承担措施的责任单位数（不重复）")
    rows: list[CaseRowCtx] = F("征求意见情况统计表：每个事项一行")
    totals: CaseRowCtx = F("统计表的合计行")


class CaseOutcomeCtx(Ctx):
    no: int = F("序号")
    case_id: str = F("案卷编号")
    name: str = F("事项名称")
    overview: Optional[str] = F("事项概况句（规模、投资、涉及范围），不带句号", None)
    activities_text: Optional[str] = F("征求意见活动，如「公示1次、问卷调查600份、召开座谈会1次」（开展了时）", None)
    support_rate: Optional[str] = F("问卷支持率", None)
    opinions_sentence: Optional[str] = F("意见采纳情况句", None)
    risk_count: int = F("识别风险因素（项）")
    main_risks: str = F("主要风险（最多三项，按风险值从高到低，带风险程度）")
    measures_count: int = F("防范化解措施（项）")
    key_measures: Optional[str] = F("针对首要风险的措施句，如「针对……，……；……」", None)
    initial_index: str = F("落实措施前综合风险指数")
    initial_level: str = F("落实措施前风险等级")
    residual_index: str = F("落实措施后综合风险指数")
    residual_level: str = F("落实措施后风险等级（测算）")
    assessed_level: Optional[str] = F("专家评定等级（填写时）", None)
    final_level: str = F("最终风险等级")
    advice: str = F("决策建议（简称）")
    advice_detail: str = F("决策建议（全文）")
    index_lowered: bool = F("落实措施后综合风险指数是否下降")
    decision_result: Optional[str] = F("决策结果（实施、暂缓实施、不实施）", None)
    decision_body: str = F("决策机关")
    decision_date: Optional[str] = F("决策日期（有决策结果时）", None)
    decided: Optional[str] = F("决定的内容，如「实施」或案卷所填以决策结果开头的决定全文（有决策结果时）", None)
    progress: Optional[str] = F("实施进展（汇报中填写时）", None)
    detail: CaseContext = F("该事项案卷的全部变量（同各文书的上下文，如 detail.matter.location）")


class OutcomeCtx(Ctx):
    count: int = F("评估事项数")
    names_text: str = F("各事项名称，顿号连接")
    initial_levels_text: str = F("落实措施前等级分布，如「高风险1个、中风险2个」")
    final_levels_text: str = F("最终等级分布，如「低风险2个、中风险1个」")
    decisions_text: Optional[str] = F("决策结果分布，如「实施2个、暂缓实施1个」（有决策结果时）", None)
    undecided: int = F("尚无决策结果的事项数")
    lowered: int = F("落实措施后风险等级下降的事项数")
    cases: list[CaseOutcomeCtx] = F("各事项的评估成效")


class ItemCtx(Ctx):
    no: int = F("序号")
    ordinal: str = F("「一是」「二是」……")
    text: str = F("原文")
    sentence: str = F("带序数词和句末标点的一段，如「一是……。」")


class PeriodContext(Ctx):
    """Everything the period report template may name."""

    doc: DocCtx = F("本文档（kind 为 period_summary）")
    title: str = F("标题（一行，用于文档属性）")
    title_display: str = F("标题，按2号字每行20字折行（行间为换行符，梯形排列）")
    organisation: OrganisationCtx = F("汇报单位")
    recipient: str = F("主送机关")
    period: PeriodCtx = F("汇报期间")
    issued_on: str = F("成文日期")
    mechanism: MechanismCtx = F("机制建设")
    procedure: ProcedureCtx = F("程序执行：六个步骤和征求意见，数字为各事项合计")
    outcome: OutcomeCtx = F("成效：各事项评估结果")
    problems: list[ItemCtx] = F("存在的问题", [])
    next_steps: list[ItemCtx] = F("下一步工作", [])
