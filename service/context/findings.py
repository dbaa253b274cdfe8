"""The report's 四性 findings: what the case states, or else an honest reading of its data.

Provincial rules ask every report for a finding on 合法性, 合理性, 可行性 and 可控性. A case may state each
(``report.findings``); where it does not, the finding here is drawn from the figures the report prints
anyway — the legal basis, the survey and adoption counts, funding, schedule and measures, the levels
and the emergency plan — and says plainly what the case does not record. ``validate`` warns for each
derived finding (service.checks.rules), so a clerk can replace it with the leading group's own words.
"""

from __future__ import annotations

from typing import Optional

from service.context.fmt import cn_date, joined, number
from service.context.markdown import Md
from service.context.models import ConsultationCtx, FindingCtx, RiskCtx, StabilityCtx
from service.context.nature import nature_words
from service.model import case as m

FINDINGS = (
    ("legality", "合法性"),
    ("rationality", "合理性"),
    ("feasibility", "可行性"),
    ("controllability", "可控性"),
)


def findings_ctx(
    case: m.Case, consultation: ConsultationCtx, risk: RiskCtx, stability: Optional[StabilityCtx]
) -> list[FindingCtx]:
    stated = case.report.findings
    derive = {
        "legality": lambda: legality(case),
        "rationality": lambda: rationality(consultation),
        "feasibility": lambda: feasibility(case, risk),
        "controllability": lambda: controllability(risk, stability),
    }
    result = []
    for key, label in FINDINGS:
        text = getattr(stated, key) if stated else None
        if text and text.strip():
            result.append(FindingCtx(label=label, text=Md(text), derived=False))
        else:
            result.append(FindingCtx(label=label, text=Md(derive[key]()), derived=True))
    return result


def legality(case: m.Case) -> str:
    basis = case.matter.legal_basis
    number_ = case.plan.issuing.number if case.plan.issuing else None
    procedure = f"评估按照评估工作方案（{number_}）组织开展" if number_ else "评估按照评估工作方案组织开展"
    if not basis:
        return f"事项所依据的法律法规和政策文件尚未列明，{procedure}；合法性须在决策前由有关部门进一步审查。"
    return f"事项所依据的法律法规和政策文件有{joined(basis)}等{len(basis)}件，{procedure}。"


def rationality(c: ConsultationCtx) -> str:
    parts = []
    s = c.survey
    if s and s.support_rate:
        parts.append(
            f"问卷调查有效问卷{s.valid}份，对“{s.support_question}”选择{s.support_options}的{s.support_count}人，占{s.support_rate}"
        )
    if c.opinions_sentence:
        parts.append(c.opinions_sentence)
    if c.rejected and all(o.response for o in c.opinions if o.adoption == "不予采纳"):
        parts.append("不予采纳的意见均已说明理由")
    if not parts:
        return "问卷支持率和意见采纳情况尚无统计，事项是否兼顾各方利益、为群众所接受，须在征求意见后判断。"
    return "从征求意见情况看，" + "；".join(parts) + "。"


def feasibility(case: m.Case, risk: RiskCtx) -> str:
    matter = case.matter
    words = nature_words(matter)
    parts = []
    money = []
    if matter.investment_wan_yuan is not None:
        money.append(f"事项{words.investment_label}{number(matter.investment_wan_yuan)}万元")
    if matter.funding:
        money.append(f"资金来源为{matter.funding}")
    if money:
        parts.append("，".join(money))
    timing = []
    if matter.planned_start:
        timing.append(f"计划于{cn_date(matter.planned_start)}{words.start_verb}")
    if matter.duration:
        timing.append(f"{words.duration_label}{matter.duration}")
    if timing:
        parts.append("，".join(timing))
    timed = sum(1 for ms in risk.measures if ms.deadline)
    measures = f"针对{risk.count}项风险因素制定防范化解措施{len(risk.measures)}项，均明确了责任单位"
    if timed:
        measures += f"，其中{timed}项明确了完成时限" if timed < len(risk.measures) else "和完成时限"
    parts.append(measures)
    if not money:
        parts.append(f"{words.investment_label}和资金来源尚未载明，资金保障须在决策前落实")
    return "；".join(parts) + "。"


CONTROL = {"低风险": "风险可防可控", "中风险": "风险总体可控，但须在措施落实到位后再作决策", "高风险": "风险难以有效控制"}


def controllability(risk: RiskCtx, stability: Optional[StabilityCtx]) -> str:
    levels = f"落实防范化解措施前综合风险指数为{risk.initial_index}，为{risk.initial_level}；落实后为{risk.residual_index}，为{risk.residual_level}"
    if risk.assessed_level:
        levels += f"，经综合研判评定为{risk.assessed_level}"
    plan: Optional[str] = None
    if stability and stability.response_levels:
        plan = f"维稳工作方案明确了{joined(r.grade for r in stability.response_levels)}响应的启动条件和处置措施"
    elif stability and stability.given:
        plan = "已制定维稳工作方案"
    judged = CONTROL.get(risk.final_level, f"最终风险等级为{risk.final_level}")
    return "；".join(x for x in (levels, plan) if x) + f"。总体看，{judged}。"
