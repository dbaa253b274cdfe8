"""Context building: a validated case and its risk assessment in, document contexts out.

Every figure a document prints is computed here, once, from the case: the
participant counts, survey rates, adoption counts, risk values and levels.
Templates only place them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Iterable, Mapping, Optional, Sequence, get_args

from service.model import case as m
from service.risk.engine import Assessment, FactorScore
from service.risk.profile import RiskProfile
from service.checks.form_fit import filing_form_layout, overview
from service.context.markdown import Md
from service.context.findings import findings_ctx
from service.context.nature import nature_words
from service.context.fmt import cn_date, counted, joined, number, percent, period, index4
from service.context.models import (
    AnswerCtx,
    AuthorityCtx,
    CaseContext,
    CategoryCountCtx,
    CategoryRisksCtx,
    ConsultationCtx,
    DimensionCtx,
    DocCtx,
    FactorCtx,
    FindingCtx,
    IssuingCtx,
    FilingCtx,
    ReviewCtx,
    LeadingGroupCtx,
    MatterCtx,
    MeasureCtx,
    MeetingCtx,
    OpinionCtx,
    PersonCtx,
    PlanCtx,
    PublicityCtx,
    QuestionCtx,
    ReportCtx,
    ResponseLevelCtx,
    RiskCtx,
    ScheduleRowCtx,
    StabilityCtx,
    StatementCtx,
    SummaryCtx,
    SurveyCtx,
    TeamMemberCtx,
    VisitsCtx,
    WorkGroupCtx,
)

PARTICIPANT_ORDER = get_args(m.ParticipantCategory)


def category_label(category: str) -> str:
    """A participant category as printed: the case's 「村(社区)干部」 with full-width brackets (GB/T 15834)."""
    return category.replace("(", "（").replace(")", "）")


CATEGORY_LABELS = tuple(category_label(c) for c in PARTICIPANT_ORDER)  # the printed labels, in the same order


def md(text: Optional[str]) -> Optional[Md]:
    return Md(text) if text and text.strip() else None


def person(p: Optional[m.Person]) -> Optional[PersonCtx]:
    if p is None:
        return None
    return PersonCtx(
        name=p.name,
        title=p.title,
        unit=getattr(p, "unit", None),  # a period report's people have name and title only
        text=f"{p.name}（{p.title}）" if p.title else p.name,
        phone=getattr(p, "phone", None),
    )


class People:
    """Person ids of one case resolved to what documents print (checks have made sure every id is known)."""

    def __init__(self, case: m.Case) -> None:
        self._by_id = {p.id: p for p in case.people}

    def entry(self, ref: Optional[str]) -> Optional[m.Person]:
        return self._by_id.get(ref) if ref else None

    def __call__(self, ref: Optional[str]) -> Optional[PersonCtx]:
        return person(self.entry(ref))

    def all(self, refs: Iterable[str]) -> list[PersonCtx]:
        return [c for c in map(self, refs) if c is not None]


def matter_ctx(matter: m.Matter) -> MatterCtx:
    a = matter.affected
    affected = None
    if a and (a.areas or a.households is not None or a.persons is not None):
        areas = f"{joined(a.areas)}{len(a.areas)}个村（社区）" if a.areas else ""
        counts = "".join(
            f"{n}{unit}" for n, unit in ((a.households, "户"), (a.persons, "人")) if n is not None
        )
        affected = "，".join(x for x in (areas, counts) if x)
    words = nature_words(matter)
    return MatterCtx(
        nature=words.nature,
        start_verb=words.start_verb,
        scale_label=words.scale_label,
        start_sentence=f"计划于{cn_date(matter.planned_start)}{words.start_verb}" if matter.planned_start else None,
        proponent=matter.proponent,
        necessity=md(matter.necessity),
        duration=matter.duration,
        duration_label=words.duration_label,
        investment_label=words.investment_label,
        planned_investment_label=words.planned_investment_label,
        funding=matter.funding,
        name=matter.name,
        category=matter.category,
        summary=Md(matter.summary),
        location=matter.location,
        scale=matter.scale,
        investment=f"{number(matter.investment_wan_yuan)}万元" if matter.investment_wan_yuan is not None else None,
        areas=list(a.areas) if a else [],
        affected=affected,
        planned_start=cn_date(matter.planned_start) or None,
        legal_basis=list(matter.legal_basis),
    )


def authority_ctx(auth: m.Authority, who: People) -> AuthorityCtx:
    return AuthorityCtx(
        name=auth.name,
        party_committee=auth.party_committee,
        lead_office=auth.lead_office,
        cooperating_units=list(auth.cooperating_units),
        cooperating=joined(auth.cooperating_units) or None,
        decision_body=auth.decision_body or auth.name,
        filing_office=auth.filing_office,
        contact=who(auth.contact),
    )


def leading_group_name(case: m.Case) -> str:
    """The leading group's name: the body that assesses, named alike in the plan and the report."""
    return case.leading_group.name or f"{case.matter.name}社会稳定风险评估工作领导小组"


def leading_group_ctx(case: m.Case, who: People) -> LeadingGroupCtx:
    group = case.leading_group
    office = group.office
    return LeadingGroupCtx(
        name=leading_group_name(case),
        leader=who(group.leader),
        deputy_leaders=who.all(group.deputy_leaders),
        members=who.all(group.members),
        office_location=office.location if office else None,
        office_director=who(office.director) if office else None,
    )


DIMENSION_LABELS = (
    ("legality", "合法性"),
    ("rationality", "合理性"),
    ("feasibility", "可行性"),
    ("controllability", "可控性"),
)


def plan_ctx(plan: m.Plan, issuing: IssuingCtx) -> PlanCtx:
    dims = plan.dimensions
    return PlanCtx(
        issued_on=cn_date(plan.issued_on),
        doc_number=issuing.number,
        issuing=issuing,
        scope=md(plan.scope),
        dimensions=[
            DimensionCtx(label=label, text=Md(getattr(dims, key)))
            for key, label in DIMENSION_LABELS
            if dims and md(getattr(dims, key))
        ],
        methods=list(plan.methods),
        methods_text=joined(plan.methods) or None,
        schedule=[
            ScheduleRowCtx(no=i, step=s.step, period=period(s.start, s.end), tasks=s.tasks)
            for i, s in enumerate(plan.schedule, 1)
        ],
        requirements=list(plan.requirements),
    )


# ---------------------------------------------------------- consultation


def quoted_options(options: Iterable[str]) -> str:
    """「“支持”“基本支持”」: options quoted one after another, with no 顿号 between quotation marks (GB/T 15834)."""
    return "".join(f"“{o}”" for o in options)


# A question on compensation terms answered 认可 / 基本认可 reports an 认可率, not a 支持率 for the project.
RATE_WORDS = ("认可", "同意", "满意", "赞成")


def support_word(options: list[str]) -> str:
    return next((f"{w}率" for w in RATE_WORDS if all(w in o for o in options)), "支持率")


def question_ctx(no: int, q: m.Question, valid: int) -> QuestionCtx:
    """One question with every option's count and share. Support is only what the case marks as support: a
    question without support options claims none, and no option is read as opposition from its wording."""
    support = sum(q.answers.get(opt, 0) for opt in q.support_answers) if q.support_answers else None
    return QuestionCtx(
        no=no,
        text=q.text,
        multiple=q.multiple,
        multiple_note="（多选）" if q.multiple and "多选" not in q.text else None,
        answers=[AnswerCtx(option=o, count=c, rate=percent(c, valid)) for o, c in q.answers.items()],
        support_options=quoted_options(q.support_answers) if q.support_answers else None,
        support_count=support,
        support_rate=percent(support, valid) if support is not None else None,
        support_word=support_word(q.support_answers) if q.support_answers else None,
    )


def survey_ctx(s: m.Survey) -> SurveyCtx:
    questions = [question_ctx(no, q, s.valid) for no, q in enumerate(s.questions, 1)]
    # The first question that marks support answers gives the survey's support rate.
    headline = next((q for q in questions if q.support_count is not None), None)
    return SurveyCtx(
        period=period(s.start, s.end),
        scope=s.scope,
        issued=s.issued,
        returned=s.returned,
        valid=s.valid,
        response_rate=percent(s.returned, s.issued),
        valid_rate=percent(s.valid, s.returned),
        support_question=headline.text if headline else None,
        support_options=headline.support_options if headline else None,
        support_count=headline.support_count if headline else None,
        support_rate=headline.support_rate if headline else None,
        questions=questions,
    )


def attendance(participants: Iterable[m.Participant], who: People) -> list[CategoryCountCtx]:
    groups: dict[str, list[m.Person]] = {}
    for p in participants:
        groups.setdefault(p.category, []).append(who.entry(p.person))
    return [
        CategoryCountCtx(
            category=category_label(cat),
            count=len(groups[cat]),
            names=joined(f"{p.name}（{p.unit}）" if p.unit else p.name for p in groups[cat]),
        )
        for cat in PARTICIPANT_ORDER
        if cat in groups
    ]


def venue(place: Optional[str], authority: str) -> Optional[str]:
    """The place as the minutes' opening sentence names it after 「青石镇人民政府在」: without the authority again."""
    if place and place.startswith(authority):
        return place[len(authority):].lstrip("，, ") or None
    return place


def meeting_ctx(no: int, meeting: m.Meeting, matter_name: str, who: People, authority: str) -> MeetingCtx:
    by_id = {p.person: p for p in meeting.participants}

    def speaker_text(ref: str) -> str:
        entry, p = who.entry(ref), by_id.get(ref)
        if p is None:  # the host
            return f"{entry.name}（主持人）"
        return f"{entry.name}（{joined((x for x in (category_label(p.category), entry.unit) if x), '，')}）"

    def with_role(role: str) -> list[PersonCtx]:
        return who.all(p.person for p in meeting.participants if p.role == role)

    def presenting(ctx: PersonCtx) -> PersonCtx:
        """A 陈述人 speaks for a body: 「沈炳南（南岭县水务投资有限公司副总经理）」, not a bare 「副总经理」."""
        if ctx.unit and ctx.title and not ctx.title.startswith(ctx.unit):
            return ctx.model_copy(update={"text": f"{ctx.name}（{ctx.unit}{ctx.title}）"})
        return ctx

    clock = ""
    if meeting.start_time:
        clock = meeting.start_time.lstrip("0") if not meeting.start_time.startswith("00") else meeting.start_time
        if meeting.end_time:
            end = meeting.end_time.lstrip("0") if not meeting.end_time.startswith("00") else meeting.end_time
            clock += f"—{end}"
    groups = attendance(meeting.participants, who)
    title = meeting.title or f"{matter_name}{meeting.kind}"
    return MeetingCtx(
        no=no,
        kind=meeting.kind,
        title=title,
        title_names_the_assessment="风险评估" in title,
        minutes_number=meeting.minutes_number,
        date=cn_date(meeting.date),
        time=cn_date(meeting.date) + clock,
        place=meeting.place,
        venue=venue(meeting.place, authority),
        host=who(meeting.host),
        recorder=who(meeting.recorder),
        panel=with_role("听证员"),
        presenters=[presenting(p) for p in with_role("陈述人")],
        absent=who.all(meeting.absent),
        observers=meeting.observers,
        participant_count=len(meeting.participants),
        attendance=groups,
        attendance_text=joined(f"{g.category}{g.count}人" for g in groups) or None,
        agenda=list(meeting.agenda),
        statements=[
            StatementCtx(
                no=i,
                speaker=who.entry(s.speaker).name,
                speaker_text=speaker_text(s.speaker),
                content=s.content,
                response=s.response,
                adoption=s.adoption,
            )
            for i, s in enumerate(meeting.statements, 1)
        ],
        resolutions=md(meeting.resolutions),
    )


def opinions_sentence(opinions: list[m.Opinion]) -> Optional[str]:
    if not opinions:
        return None
    counts = Counter(o.adoption for o in opinions)
    parts = [f"{word}{counts[word]}类" for word in get_args(m.Adoption) if counts[word]]
    return f"共梳理意见建议{len(opinions)}类，{joined(parts)}"


def consultation_ctx(case: m.Case, who: People) -> ConsultationCtx:
    c = case.consultation or m.Consultation()
    opinions = list(case.opinions)
    meetings = [meeting_ctx(i, mt, case.matter.name, who, case.authority.name) for i, mt in enumerate(c.meetings, 1)]
    kinds = Counter(mt.kind for mt in c.meetings)
    meetings_text = counted(kinds, get_args(m.MeetingKind), "次")
    feedback = [p.feedback_count for p in c.publicity if p.feedback_count is not None]
    activities = []
    if c.publicity:
        activities.append(f"公示{len(c.publicity)}次")
    if c.survey:
        activities.append(f"问卷调查{c.survey.issued}份")
    if c.visits:
        activities.append(f"实地走访{c.visits.households}户" if c.visits.households is not None else "实地走访")
    if meetings_text:
        activities.append(meetings_text)
    adoption = Counter(o.adoption for o in opinions)
    return ConsultationCtx(
        any=bool(activities),
        publicity=[
            PublicityCtx(
                no=i,
                period=period(p.start, p.end),
                days=(p.end - p.start).days + 1,
                channels=joined(p.channels) or None,
                feedback_count=p.feedback_count,
            )
            for i, p in enumerate(c.publicity, 1)
        ],
        publicity_feedback=sum(feedback) if feedback else None,
        survey=survey_ctx(c.survey) if c.survey else None,
        visits=VisitsCtx(
            period=period(c.visits.start, c.visits.end),
            households=c.visits.households,
            visitors=joined(p.name for p in who.all(c.visits.visitors)) or None,
            visited=c.visits.visited,
            findings=md(c.visits.findings),
        )
        if c.visits
        else None,
        meetings=meetings,
        meetings_text=meetings_text,
        participants_total=sum(len(mt.participants) for mt in c.meetings),
        activities_text=joined(activities) or None,
        opinions=[
            OpinionCtx(no=i, topic=o.topic, source=o.source, count=o.count, adoption=o.adoption, response=o.response)
            for i, o in enumerate(opinions, 1)
        ],
        opinions_sentence=opinions_sentence(opinions),
        adopted=adoption["采纳"],
        partly_adopted=adoption["部分采纳"],
        rejected=adoption["不予采纳"],
    )


# ------------------------------------------------------------------ risk


def sentence_body(text: Optional[str]) -> Optional[str]:
    """A clause the template closes with its own 「。」: a 「。」 the clerk typed at the end is dropped, not doubled."""
    return text.rstrip().rstrip("。；;.").rstrip() or None if text else None


def _value(v: float) -> str:
    return f"{v:g}"


def factor_ctx(no: int, f: FactorScore, first_measure_no: int, who: People) -> FactorCtx:
    r = f.risk
    return FactorCtx(
        no=no,
        id=r.id,
        category=r.category,
        name=r.name,
        description=md(r.description),
        cause=sentence_body(r.cause),
        trigger=sentence_body(r.trigger),
        weight=f"{f.weight:.4f}".rstrip("0").rstrip(".") if f.weight else "0",
        probability=r.probability,
        p=_value(f.p),
        impact=r.impact,
        i=_value(f.i),
        r=f"{f.r:.2f}",
        degree=f.degree,
        residual_probability=r.residual_probability or r.probability,
        residual_p=_value(f.residual_p),
        residual_impact=r.residual_impact or r.impact,
        residual_i=_value(f.residual_i),
        residual_r=f"{f.residual_r:.2f}",
        residual_degree=f.residual_degree,
        measures=[
            MeasureCtx(
                no=first_measure_no + k,
                risk_id=r.id,
                risk_name=r.name,
                action=ms.action,
                owner_unit=ms.owner_unit,
                owner_person=who.entry(ms.owner_person).name if ms.owner_person else None,
                deadline=cn_date(ms.deadline) or None,
            )
            for k, ms in enumerate(r.measures)
        ],
    )


def risk_ctx(a: Optional[Assessment], profile: RiskProfile, assessed_level: Optional[str], who: People) -> RiskCtx:
    if a is None:  # the risks are not identified yet: only the standard they will be graded by is known
        return RiskCtx(count=0, factors=[], by_category=[], measures=[], standard=profile.cited)
    factors, next_measure = [], 1
    for no, f in enumerate(a.factors, 1):
        factors.append(factor_ctx(no, f, next_measure, who))
        next_measure += len(f.risk.measures)
    categories: dict[str, list[FactorCtx]] = {}
    for f in factors:
        categories.setdefault(f.category or "其他", []).append(f)
    weights = "各风险因素权重相等" if not a.weights_given else "各风险因素权重按重要程度确定"
    return RiskCtx(
        count=len(factors),
        factors=factors,
        by_category=[CategoryRisksCtx(category=k, factors=v) for k, v in categories.items()],
        measures=[ms for f in factors for ms in f.measures],
        weights_text=weights,
        initial_index=index4(a.initial.index),
        initial_level=a.initial.level,
        residual_index=index4(a.residual.index),
        residual_level=a.residual.level,
        reduced=a.residual.index < a.initial.index,
        assessed_level=assessed_level,
        final_level=a.final_level,
        advice=a.advice,
        advice_detail=a.advice_detail,
        main_risks=joined(f"{f.name}（{f.degree}）" for f in sorted(factors, key=lambda f: -float(f.r))),
        standard=profile.cited,
    )


# --------------------------------------------------------- the documents


def stability_ctx(case: m.Case, who: People) -> Optional[StabilityCtx]:
    s = case.stability_plan
    if s is None and case.report is None:  # nothing to date it by yet
        return None
    lg = case.leading_group
    command = s.command if s else None
    commander = (command.commander if command else None) or lg.leader
    deputies = (command.deputy_commanders if command else None) or lg.deputy_leaders
    issued_on = s.issued_on if s else case.report.issued_on
    return StabilityCtx(
        issued_on=cn_date(issued_on),
        given=s is not None,
        issuing=issuing_ctx(case, who, s.issuing if s else None, issued_on, upward=False),
        principles=list(s.principles) if s else [],
        commander=who(commander),
        deputy_commanders=who.all(deputies),
        scope=md(s.scope) if s else None,
        termination=md(s.termination) if s else None,
        supplementary=md(s.supplementary) if s else None,
        groups=[
            WorkGroupCtx(name=g.name, lead_unit=g.lead_unit, leader=who(g.leader), duties=g.duties)
            for g in (s.groups if s else [])
        ],
        indicators=list(s.early_warning.indicators) if s and s.early_warning else [],
        reporting=md(s.early_warning.reporting) if s and s.early_warning else None,
        response_levels=[
            ResponseLevelCtx(level=f"{r.grade}（{r.name}）" if r.name else r.grade, grade=r.grade, name=r.name, trigger=r.trigger, actions=r.actions)
            for r in (s.response_levels if s else [])
        ],
        aftermath=md(s.aftermath) if s else None,
        support=md(s.support) if s else None,
        contacts=who.all(s.contacts if s else []),
    )


def attachment_lines(names: Sequence[str]) -> list[str]:
    """附件说明 (GB/T 9704 §7.3.4): 「附件：1. 名称」, later items under the first one's number."""
    if len(names) == 1:
        return [f"附件：{names[0]}"]
    return [f"{'附件：' if n == 1 else '　　　'}{n}. {name}" for n, name in enumerate(names, 1)]


def issuing_ctx(
    case: m.Case, who: People, issuing: Optional[m.Issuing], issued_on: Optional[date], upward: bool
) -> IssuingCtx:
    """A document's issuing data, each element the case leaves out taken from the authority: an upward document
    (a report to the 维稳办) goes to the filing office and is signed by the leading group's leader."""
    given = issuing or m.Issuing()
    issuer = given.issuer or case.authority.name
    to = list(given.to) or ([case.authority.filing_office] if upward and case.authority.filing_office else [])
    return IssuingCtx(
        issuer=issuer,
        number=given.number,
        signer=who(given.signer or (case.leading_group.leader if upward else None)),
        to=joined(to) or None,
        cc=joined(given.cc) or None,
        printed_by=given.printed_by or issuer,
        printed_on=cn_date(given.printed_on or issued_on),
        attachments=list(given.attachments),
        attachment_lines=attachment_lines(given.attachments),
        contact=who(given.contact or case.authority.contact),
    )


def report_ctx(case: m.Case, who: People, consultation: ConsultationCtx, risk: RiskCtx, stability: Optional[StabilityCtx]) -> Optional[ReportCtx]:
    r = case.report
    if r is None:
        return None
    return ReportCtx(
        issued_on=cn_date(r.issued_on),
        issuing=issuing_ctx(case, who, r.issuing, r.issued_on, upward=True),
        assessor=leading_group_name(case),
        findings=findings_ctx(case, consultation, risk, stability),
        social_environment=md(r.social_environment),
        conclusion=md(r.conclusion),
        recommendations=list(r.recommendations),
    )


def summary_ctx(case: m.Case, who: People) -> Optional[SummaryCtx]:
    summary = case.summary
    if summary is None and case.filing is None:  # nothing to date it by yet
        return None
    issued_on = summary.issued_on if summary else case.filing.filed_on
    return SummaryCtx(
        issued_on=cn_date(issued_on),
        issuing=issuing_ctx(case, who, summary.issuing if summary else None, issued_on, upward=True),
        problems=list(summary.problems) if summary else [],
        next_steps=list(summary.next_steps) if summary else [],
    )


def filing_ctx(case: m.Case) -> Optional[FilingCtx]:
    if case.filing is None:
        return None
    decision = case.filing.decision or m.Decision()
    layout = filing_form_layout(case)
    return FilingCtx(
        filed_on=cn_date(case.filing.filed_on),
        number=case.filing.number,
        decision_body=case.authority.decision_body or case.authority.name,
        decision_date=cn_date(decision.date) or None,
        decision_result=decision.result,
        decision_content=decision.content,
        remarks=case.filing.remarks,
        overview=Md(case.matter.summary if layout.whole_overview else overview(case.matter.summary)),
        compact=layout.compact,
        brief=layout.brief,
    )


def build_case_context(case: m.Case, assessment: Optional[Assessment], profile: RiskProfile) -> CaseContext:
    """The context shared by all documents of one case (``doc`` is a placeholder until ``for_document``).

    A case at an early step (docs/case.md, "Step by step") has no assessment yet and leaves the later
    parts None; the registry's ``needs`` keep the documents that would print them from being made.
    """
    who = People(case)
    consultation = consultation_ctx(case, who)
    risk = risk_ctx(assessment, profile, case.report.assessed_level if case.report else None, who)
    stability = stability_ctx(case, who)
    return CaseContext(
        case_id=case.case_id,
        doc=DocCtx(kind="", title="", issued_on=""),
        matter=matter_ctx(case.matter),
        authority=authority_ctx(case.authority, who),
        leading_group=leading_group_ctx(case, who),
        work_team=[TeamMemberCtx(**who(t.person).model_dump(), duty=t.duty) for t in case.work_team],
        plan=plan_ctx(case.plan, issuing_ctx(case, who, case.plan.issuing, case.plan.issued_on, upward=False)),
        consultation=consultation,
        risk=risk,
        report=report_ctx(case, who, consultation, risk, stability),
        stability=stability,
        summary=summary_ctx(case, who),
        filing=filing_ctx(case),
    )


def with_review(ctx: CaseContext, review: Optional[Mapping[str, Any]]) -> CaseContext:
    """The context with the 维稳办's decision on the filing (``{"result", "date", "reasons", "unit"}``), if any."""
    if not review:
        return ctx
    reasons = list(review.get("reasons") or [])
    decided = ReviewCtx(
        result=review["result"],
        date=cn_date(review["date"]),
        reasons=reasons,
        reasons_text="；".join(reasons) or None,
        unit=review.get("unit") or None,
    )
    return ctx.model_copy(update={"filing": ctx.filing.model_copy(update={"review": decided})})
