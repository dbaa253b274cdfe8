"""Consistency rules of docs/case.md §4 that types alone cannot express.

Takes a structurally valid ``Case`` and the risk ``Assessment`` (or the
``WeightError`` that prevented one); gives every error and warning at once,
each an ``Issue`` with a dot-joined JSON path and a Chinese message that
names the offending values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterator, Optional

from service.model.case import Case
from service.risk.engine import Assessment, WeightError


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    cell: Optional[str] = None  # the workbook cell of the path (``风险!D4``), when the case came from one

    def as_dict(self) -> dict:
        shown = {"path": self.path, "message": self.message}
        return {**shown, "cell": self.cell} if self.cell else shown


Rule = Callable[[Case], Iterator[Issue]]


def _path(*parts) -> str:
    return ".".join(str(p) for p in parts)


def _d(day: date) -> str:
    return day.isoformat()


# ---------------------------------------------------------------- errors


def date_ranges(case: Case) -> Iterator[Issue]:
    ranges = [(("plan", "schedule", i), s.start, s.end) for i, s in enumerate(case.plan.schedule)]
    c = case.consultation
    if c:
        ranges += [(("consultation", "publicity", i), p.start, p.end) for i, p in enumerate(c.publicity)]
        if c.survey:
            ranges.append((("consultation", "survey"), c.survey.start, c.survey.end))
        if c.visits:
            ranges.append((("consultation", "visits"), c.visits.start, c.visits.end))
    for where, start, end in ranges:
        if end < start:
            yield Issue(_path(*where, "end"), f"结束日期({_d(end)})早于开始日期({_d(start)})")
    for i, m in enumerate(c.meetings if c else []):
        if m.start_time and m.end_time and m.end_time < m.start_time:
            yield Issue(
                _path("consultation", "meetings", i, "end_time"),
                f"会议结束时间({m.end_time})早于开始时间({m.start_time})",
            )


def _activities(case: Case):
    """Each consultation activity as (path, label, start, end)."""
    c = case.consultation
    if not c:
        return
    for i, p in enumerate(c.publicity):
        yield ("consultation", "publicity", i), "公示", p.start, p.end
    if c.survey:
        yield ("consultation", "survey"), "问卷调查", c.survey.start, c.survey.end
    if c.visits:
        yield ("consultation", "visits"), "实地走访", c.visits.start, c.visits.end
    for i, m in enumerate(c.meetings):
        yield ("consultation", "meetings", i), m.kind, m.date, m.date


def date_order(case: Case) -> Iterator[Issue]:
    plan_day, report_day, filed = case.plan.issued_on, case.report.issued_on, case.filing.filed_on
    for where, label, start, end in _activities(case):
        start_key = "date" if where[1] == "meetings" else "start"
        end_key = "date" if where[1] == "meetings" else "end"
        if start < plan_day:
            yield Issue(
                _path(*where, start_key),
                f"{label}日期({_d(start)})早于评估方案成文日期({_d(plan_day)})，征求意见应在方案印发之后",
            )
        if end > report_day:
            yield Issue(
                _path(*where, end_key),
                f"{label}日期({_d(end)})晚于评估报告成文日期({_d(report_day)})，征求意见应在报告形成之前",
            )
    decision = case.filing.decision
    if decision and decision.date:
        if decision.date < report_day:
            yield Issue(
                "filing.decision.date",
                f"决策日期({_d(decision.date)})早于评估报告成文日期({_d(report_day)})，应先评估后决策",
            )
        if decision.date > filed:
            yield Issue("filing.decision.date", f"决策日期({_d(decision.date)})晚于报备日期({_d(filed)})")
    if report_day > filed:
        yield Issue("report.issued_on", f"评估报告成文日期({_d(report_day)})晚于报备日期({_d(filed)})")
    if report_day < plan_day:
        yield Issue("report.issued_on", f"评估报告成文日期({_d(report_day)})早于评估方案成文日期({_d(plan_day)})")
    for key, label in (("stability_plan", "维稳工作方案"), ("summary", "工作情况汇报")):
        part = getattr(case, key)
        if part and part.issued_on > filed:
            yield Issue(f"{key}.issued_on", f"{label}成文日期({_d(part.issued_on)})晚于报备日期({_d(filed)})")


def survey_counts(case: Case) -> Iterator[Issue]:
    s = case.consultation.survey if case.consultation else None
    if not s:
        return
    base = "consultation.survey"
    if s.returned > s.issued:
        yield Issue(f"{base}.returned", f"回收问卷数({s.returned})不能大于发放数({s.issued})")
    if s.valid > s.returned:
        yield Issue(f"{base}.valid", f"有效问卷数({s.valid})不能大于回收数({s.returned})")
    for qi, q in enumerate(s.questions):
        where = f"{base}.questions.{qi}"
        total = sum(q.answers.values())
        if not q.multiple and total != s.valid:
            yield Issue(
                f"{where}.answers",
                f"单选题「{q.text}」各选项合计({total})与有效问卷数({s.valid})不一致",
            )
        for option, count in q.answers.items() if q.multiple else ():
            if count > s.valid:
                yield Issue(
                    f"{where}.answers.{option}",
                    f"多选题「{q.text}」选项「{option}」的回答数({count})超过有效问卷数({s.valid})",
                )
        for ai, option in enumerate(q.support_answers):
            if option not in q.answers:
                yield Issue(
                    f"{where}.support_answers.{ai}",
                    f"支持选项「{option}」不在本题的选项中（{'、'.join(q.answers)}）",
                )


def risk_ids_unique(case: Case) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    for i, risk in enumerate(case.risks):
        if risk.id in seen:
            yield Issue(f"risks.{i}.id", f"风险编号「{risk.id}」重复（与第{seen[risk.id] + 1}项相同）")
        seen.setdefault(risk.id, i)


def speakers_present(case: Case) -> Iterator[Issue]:
    for mi, m in enumerate(case.consultation.meetings if case.consultation else []):
        present = {p.name for p in m.participants} | {m.host.name}
        for si, s in enumerate(m.statements):
            if s.speaker not in present:
                yield Issue(
                    f"consultation.meetings.{mi}.statements.{si}.speaker",
                    f"发言人「{s.speaker}」既不是「{m.title or m.kind}」的参会人员，也不是主持人",
                )


def rejections_answered(case: Case) -> Iterator[Issue]:
    for i, o in enumerate(case.opinions):
        if o.adoption == "不予采纳" and not (o.response and o.response.strip()):
            yield Issue(f"opinions.{i}.response", f"意见「{o.topic}」不予采纳，必须写明理由和答复")


def hearing_has_public(case: Case) -> Iterator[Issue]:
    for mi, m in enumerate(case.consultation.meetings if case.consultation else []):
        categories = {p.category for p in m.participants}
        if m.kind == "听证会" and not categories & {"群众代表", "利益相关方"}:
            yield Issue(
                f"consultation.meetings.{mi}.participants",
                f"听证会「{m.title or _d(m.date)}」没有群众代表或利益相关方参加",
            )


ERROR_RULES: tuple[Rule, ...] = (
    date_ranges,
    date_order,
    survey_counts,
    risk_ids_unique,
    speakers_present,
    rejections_answered,
    hearing_has_public,
)


def weight_errors(error: WeightError) -> Iterator[Issue]:
    """The engine's refusal of the weights (``MixedWeights``, ``WeightsNotOne``), worded for the case."""
    yield Issue("risks", str(error))


def decision_matches_level(case: Case, a: Assessment) -> Iterator[Issue]:
    d = case.filing.decision
    if d and d.result == "实施" and a.final_level == "高风险":
        yield Issue("filing.decision.result", "评估结论为高风险，决策结果不能为「实施」")


# -------------------------------------------------------------- warnings


def hearing_has_expert(case: Case) -> Iterator[Issue]:
    for mi, m in enumerate(case.consultation.meetings if case.consultation else []):
        if m.kind == "听证会" and not {p.category for p in m.participants} & {"专家", "法律工作者"}:
            yield Issue(
                f"consultation.meetings.{mi}.participants",
                f"听证会「{m.title or _d(m.date)}」没有专家或法律工作者参加",
            )


def assessed_level_agrees(case: Case, a: Assessment) -> Iterator[Issue]:
    if case.report.assessed_level and case.report.assessed_level != a.computed_level:
        yield Issue(
            "report.assessed_level",
            f"评定风险等级({case.report.assessed_level})与测算等级({a.computed_level}，"
            f"综合指数 {a.residual.index:.4f})不一致，以评定等级为准",
        )


def decision_at_medium(case: Case, a: Assessment) -> Iterator[Issue]:
    d = case.filing.decision
    if d and d.result == "实施" and a.final_level == "中风险":
        yield Issue("filing.decision.result", "评估结论为中风险，建议暂缓实施，决策结果却为「实施」")


def measures_reduce(case: Case, a: Assessment) -> Iterator[Issue]:
    for i, f in enumerate(a.factors):
        if not f.reduced:
            yield Issue(
                f"risks.{i}",
                f"风险「{f.risk.name}」落实措施后风险值({f.residual_r:.2f})未低于措施前({f.r:.2f})",
            )


def check_case(case: Case, assessment: Optional[Assessment], weight_error: Optional[WeightError]):
    """All errors and warnings of a structurally valid case."""
    errors = [issue for rule in ERROR_RULES for issue in rule(case)]
    warnings = [issue for issue in hearing_has_expert(case)]
    if weight_error:
        errors += weight_errors(weight_error)
    if assessment:
        errors += decision_matches_level(case, assessment)
        for rule in (assessed_level_agrees, decision_at_medium, measures_reduce):
            warnings += rule(case, assessment)
    return errors, warnings
