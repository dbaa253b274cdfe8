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

from service.checks.form_fit import filing_form_fits
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
    """The steps in their order: plan, consultation, report, decision, filing. Each comparison is made
    once both of its dates are recorded (a case is checked at every step, docs/case.md "Step by step")."""
    plan_day = case.plan.issued_on
    report_day = case.report.issued_on if case.report else None
    filed = case.filing.filed_on if case.filing else None
    yield from _consultation_order(case, plan_day, report_day)
    decision = case.filing.decision if case.filing else None
    if decision and decision.date:
        if report_day and decision.date < report_day:
            yield Issue(
                "filing.decision.date",
                f"决策日期({_d(decision.date)})早于评估报告成文日期({_d(report_day)})，应先评估后决策",
            )
        if decision.date > filed:
            yield Issue("filing.decision.date", f"决策日期({_d(decision.date)})晚于报备日期({_d(filed)})")
    if report_day and filed and report_day > filed:
        yield Issue("report.issued_on", f"评估报告成文日期({_d(report_day)})晚于报备日期({_d(filed)})")
    if report_day and report_day < plan_day:
        yield Issue("report.issued_on", f"评估报告成文日期({_d(report_day)})早于评估方案成文日期({_d(plan_day)})")
    for key, label in (("stability_plan", "维稳工作方案"), ("summary", "工作情况汇报")):
        part = getattr(case, key)
        if part and filed and part.issued_on > filed:
            yield Issue(f"{key}.issued_on", f"{label}成文日期({_d(part.issued_on)})晚于报备日期({_d(filed)})")


def _consultation_order(case: Case, plan_day: date, report_day: Optional[date]) -> Iterator[Issue]:
    """Every consultation activity after the plan and (once there is one) before the report."""
    for where, label, start, end in _activities(case):
        start_key = "date" if where[1] == "meetings" else "start"
        end_key = "date" if where[1] == "meetings" else "end"
        if start < plan_day:
            yield Issue(
                _path(*where, start_key),
                f"{label}日期({_d(start)})早于评估方案成文日期({_d(plan_day)})，征求意见应在方案印发之后",
            )
        if report_day and end > report_day:
            yield Issue(
                _path(*where, end_key),
                f"{label}日期({_d(end)})晚于评估报告成文日期({_d(report_day)})，征求意见应在报告形成之前",
            )


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
    for i, risk in enumerate(case.risks or []):
        if risk.id in seen:
            yield Issue(f"risks.{i}.id", f"风险编号「{risk.id}」重复（与第{seen[risk.id] + 1}项相同）")
        seen.setdefault(risk.id, i)


def person_ids_unique(case: Case) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    for i, p in enumerate(case.people):
        if p.id in seen:
            yield Issue(f"people.{i}.id", f"人员编号「{p.id}」重复（与第{seen[p.id] + 1}人「{case.people[seen[p.id]].name}」相同）")
        seen.setdefault(p.id, i)


def person_refs(case: Case) -> Iterator[tuple[str, Optional[str]]]:
    """Every (path, person id) the case holds, in document order."""
    def one(path: str, ref: Optional[str]):
        if ref is not None:
            yield path, ref

    def many(path: str, refs):
        for i, ref in enumerate(refs):
            yield f"{path}.{i}", ref

    yield from one("authority.contact", case.authority.contact)
    g = case.leading_group
    yield from one("leading_group.leader", g.leader)
    yield from many("leading_group.deputy_leaders", g.deputy_leaders)
    yield from many("leading_group.members", g.members)
    if g.office:
        yield from one("leading_group.office.director", g.office.director)
    for i, t in enumerate(case.work_team):
        yield f"work_team.{i}.person", t.person
    for key, part in (("plan", case.plan), ("report", case.report), ("stability_plan", case.stability_plan), ("summary", case.summary)):
        issuing = part.issuing if part else None
        if issuing:
            yield from one(f"{key}.issuing.signer", issuing.signer)
            yield from one(f"{key}.issuing.contact", issuing.contact)
    c = case.consultation
    if c and c.visits:
        yield from many("consultation.visits.visitors", c.visits.visitors)
    for mi, m in enumerate(c.meetings if c else []):
        where = f"consultation.meetings.{mi}"
        yield from one(f"{where}.host", m.host)
        yield from one(f"{where}.recorder", m.recorder)
        for pi, p in enumerate(m.participants):
            yield f"{where}.participants.{pi}.person", p.person
        yield from many(f"{where}.absent", m.absent)
    for ri, r in enumerate(case.risks or []):
        for mi, ms in enumerate(r.measures):
            yield from one(f"risks.{ri}.measures.{mi}.owner_person", ms.owner_person)
    s = case.stability_plan
    if s:
        if s.command:
            yield from one("stability_plan.command.commander", s.command.commander)
            yield from many("stability_plan.command.deputy_commanders", s.command.deputy_commanders)
        for gi, wg in enumerate(s.groups):
            yield from one(f"stability_plan.groups.{gi}.leader", wg.leader)
        yield from many("stability_plan.contacts", s.contacts)


def people_known(case: Case) -> Iterator[Issue]:
    known = {p.id for p in case.people}
    for path, ref in person_refs(case):
        if ref not in known:
            yield Issue(path, f"人员编号「{ref}」不在「人员」名单（people）中，请先在名单中登记此人")


def speakers_present(case: Case) -> Iterator[Issue]:
    for mi, m in enumerate(case.consultation.meetings if case.consultation else []):
        present = {p.person for p in m.participants} | {m.host}
        for si, s in enumerate(m.statements):
            if s.speaker not in present:
                who = case.person(s.speaker)
                yield Issue(
                    f"consultation.meetings.{mi}.statements.{si}.speaker",
                    f"发言人「{who.name if who else s.speaker}」既不是「{m.title or m.kind}」的参会人员，也不是主持人",
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
    person_ids_unique,
    people_known,
    speakers_present,
    rejections_answered,
    hearing_has_public,
)


def weight_errors(error: WeightError) -> Iterator[Issue]:
    """The engine's refusal of the weights (``MixedWeights``, ``WeightsNotOne``), worded for the case."""
    yield Issue("risks", str(error))


def decision_matches_level(case: Case, a: Assessment) -> Iterator[Issue]:
    d = case.filing.decision if case.filing else None
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
    if case.report and case.report.assessed_level and case.report.assessed_level != a.computed_level:
        yield Issue(
            "report.assessed_level",
            f"评定风险等级({case.report.assessed_level})与测算等级({a.computed_level}，"
            f"综合指数 {a.residual.index:.4f})不一致，以评定等级为准",
        )


def decision_at_medium(case: Case, a: Assessment) -> Iterator[Issue]:
    d = case.filing.decision if case.filing else None
    if d and d.result == "实施" and a.final_level == "中风险":
        yield Issue("filing.decision.result", "评估结论为中风险，建议暂缓实施，决策结果却为「实施」")


def measures_reduce(case: Case, a: Assessment) -> Iterator[Issue]:
    for i, f in enumerate(a.factors):
        if not f.reduced:
            yield Issue(
                f"risks.{i}",
                f"风险「{f.risk.name}」落实措施后风险值({f.residual_r:.2f})未低于措施前({f.r:.2f})",
            )


FINDING_LABELS = (("legality", "合法性"), ("rationality", "合理性"), ("feasibility", "可行性"), ("controllability", "可控性"))


def findings_stated(case: Case) -> Iterator[Issue]:
    """The report needs a finding on each of the four aspects; those the case leaves out are drawn from its data."""
    if case.report is None:
        return
    stated = case.report.findings
    missing = [label for key, label in FINDING_LABELS if not ((text := getattr(stated, key) if stated else None) and text.strip())]
    if missing:
        yield Issue(
            "report.findings",
            f"未填写{'、'.join(missing)}结论，评估报告按案卷数据归纳了{'这一方面' if len(missing) == 1 else '这几方面'}的结论，请核对或改写",
        )


def form_fits(case: Case) -> Iterator[Issue]:
    for path, message in filing_form_fits(case):
        yield Issue(path, message)


def check_case(case: Case, assessment: Optional[Assessment], weight_error: Optional[WeightError]):
    """All errors and warnings of a structurally valid case."""
    errors = [issue for rule in ERROR_RULES for issue in rule(case)]
    warnings = [*hearing_has_expert(case), *findings_stated(case), *form_fits(case)]
    if weight_error:
        errors += weight_errors(weight_error)
    if assessment:
        errors += decision_matches_level(case, assessment)
        for rule in (assessed_level_agrees, decision_at_medium, measures_reduce):
            warnings += rule(case, assessment)
    return errors, warnings
