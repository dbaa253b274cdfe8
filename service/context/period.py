"""Context building for the period report: the validated period and its cases in, ``PeriodContext`` out.

Every figure the report prints is computed here, once, from the cases: the
sums over all cases (notices, questionnaires, households, meetings by kind,
participants by category, opinions, risks, measures) and each case's own
results, which come from the same ``build_case_context`` the case documents
use. The template only places them.

Case text spliced into these sentences (scale, risk names, measures, progress)
loses the spaces between Chinese and figures (「3260 亩」 → 「3260亩」): justified
Chinese text would otherwise print them as wide gaps.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date
from typing import Optional, Sequence, get_args

from service.context.builder import CATEGORY_LABELS, build_case_context, category_label, opinions_sentence, person
from service.context.fmt import cn_date, cn_number, counted, joined, percent, period as date_span
from service.context.models import CaseContext, DocCtx
from service.context.registry import PERIOD
from service.model import case as m
from service.risk.engine import Assessment
from service.risk.profile import RiskProfile
from service.context.period_models import (
    CaseOutcomeCtx,
    CaseRowCtx,
    CountCtx,
    IssuedDocumentCtx,
    ItemCtx,
    MechanismCtx,
    OrganisationCtx,
    OutcomeCtx,
    PeriodContext,
    PeriodCtx,
    ProcedureCtx,
)
from service.model.period import Mechanism, Organisation, PeriodReport

MEETING_KINDS = get_args(m.MeetingKind)
DECISIONS = get_args(m.DecisionResult)
DASH = "—"
_END_PUNCT = "。！？；;.!?，,、：:"
_UNIT_SUFFIXES = ("人民政府", "办事处", "委员会", "党工委", "党委", "政府")
_UNITS = ("街道", "镇", "乡", "县", "区", "市")


# ----------------------------------------------------------------- words


_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_GAP = re.compile(rf"(?<={_CJK})[ \t]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])[ \t]+(?={_CJK})")
TITLE_WIDTH = 20  # 2号 (22 pt) characters on one line of the 156 mm type area


def tidy(text: str) -> str:
    """Case text spliced into a sentence: no spaces between Chinese and figures (「3260 亩」 → 「3260亩」)."""
    return _GAP.sub("", text)


def width(text: str) -> float:
    """Printed width in Chinese characters (ASCII letters and digits count half)."""
    return sum(0.5 if ord(ch) < 0x2000 else 1 for ch in text)


def title_lines(title: str, preferred: Optional[int] = None) -> list[str]:
    """The title broken into lines for the 2号 title: upper lines longer (梯形), none over the line width.

    ``preferred`` is a break position to use when it fits (after 「社会稳定风险评估」 in the default title).
    """
    if width(title) <= TITLE_WIDTH:
        return [title]
    if preferred and width(title[:preferred]) <= TITLE_WIDTH and width(title[preferred:]) <= width(title[:preferred]):
        return [title[:preferred], title[preferred:]]
    lines, rest = [], title
    while width(rest) > TITLE_WIDTH:
        count = -(-int(width(rest) * 2) // (TITLE_WIDTH * 2))  # lines still needed
        target = width(rest) / count
        best = None
        for k in range(1, len(rest)):
            head = rest[:k]
            if width(head) > TITLE_WIDTH:
                break
            a, b = rest[k - 1], rest[k]
            if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) or b in "，、。；：）》”" or a in "（《“":
                continue
            if width(head) >= target - 0.5 and best is None:
                best = k
        best = best or next(k for k in range(len(rest), 0, -1) if width(rest[:k]) <= TITLE_WIDTH)
        lines.append(rest[:best])
        rest = rest[best:]
    return lines + [rest]


def sentence(text: str) -> str:
    """Text ending in a full stop (its own closing punctuation replaced)."""
    return text.rstrip().rstrip(_END_PUNCT) + "。"


def clause(text: str) -> str:
    """Text without closing punctuation, to go inside a sentence."""
    return text.strip().rstrip(_END_PUNCT)


def ordinal(n: int) -> str:
    return f"{cn_number(n)}是"


def items(texts: Sequence[str]) -> list[ItemCtx]:
    return [
        ItemCtx(no=i, ordinal=ordinal(i), text=t, sentence=ordinal(i) + sentence(t))
        for i, t in enumerate(texts, 1)
    ]


def each(n: int) -> str:
    """「3个事项均」; 「该事项」 for one."""
    return f"{n}个事项均" if n > 1 else "该事项"


# ------------------------------------------------------------ organisation


def organisation_ctx(org: Organisation) -> OrganisationCtx:
    self_name = org.self_name
    if not self_name:
        stem = org.name
        for suffix in _UNIT_SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
                break
        unit = next((u for u in _UNITS if stem.endswith(u)), None)
        self_name = f"我{unit}" if unit else "我们"
    whole = f"全{self_name[1:]}" if self_name.startswith("我") and self_name != "我们" and len(self_name) > 1 else "辖区内"
    return OrganisationCtx(name=org.name, party_committee=org.party_committee, self_name=self_name, whole=whole)


def period_ctx(start: date, end: date) -> PeriodCtx:
    first = start.day == 1
    last = end.day == calendar.monthrange(end.year, end.month)[1]
    if first and last and start.month == 1 and end.month == 12:
        text = f"{start.year}年度" if start.year == end.year else f"{start.year}年至{end.year}年"
        lead = f"{start.year}年" if start.year == end.year else text
    elif first and last and start.year == end.year and (start.month, end.month) in ((1, 6), (7, 12)):
        text = lead = f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    elif first and last:
        if (start.year, start.month) == (end.year, end.month):
            text = f"{start.year}年{start.month}月"
        elif start.year == end.year:
            text = f"{start.year}年{start.month}月至{end.month}月"
        else:
            text = f"{start.year}年{start.month}月至{end.year}年{end.month}月"
        lead = text
    else:
        text = lead = date_span(start, end)
    return PeriodCtx(start=cn_date(start), end=cn_date(end), text=text, lead=lead)


def document_text(title: str, doc_number: Optional[str]) -> str:
    quoted = title if title.startswith("《") else f"《{title}》"
    return f"{quoted}（{doc_number}）" if doc_number else quoted


def mechanism_ctx(mech: Mechanism, cases: Sequence[m.Case]) -> MechanismCtx:
    group = mech.leading_group
    deputies = [person(p) for p in group.deputy_leaders]
    documents = sorted(mech.documents, key=lambda d: (d.issued_on is None, d.issued_on or date.min))
    teams = [c.work_team for c in cases if c.work_team]
    return MechanismCtx(
        group_name=group.name or "社会稳定风险评估工作领导小组",
        leader=person(group.leader),
        deputy_leaders=deputies,
        deputies_text=joined(p.text for p in deputies) or None,
        members=[person(p) for p in group.members],
        members_count=len(group.members),
        office=group.office,
        documents=[
            IssuedDocumentCtx(
                title=d.title,
                doc_number=d.doc_number,
                issued_on=cn_date(d.issued_on) or None,
                text=document_text(d.title, d.doc_number),
            )
            for d in documents
        ],
        documents_text=joined(document_text(d.title, d.doc_number) for d in documents) or None,
        lead_office=mech.lead_office,
        cooperating_units=list(mech.cooperating_units),
        cooperating=joined(mech.cooperating_units) or None,
        practices=list(mech.practices),
        practices_text=joined((clause(p) for p in mech.practices), "，") or None,
        team_cases=len(teams),
        team_members=sum(len(t) for t in teams),
    )


# ------------------------------------------------------------- procedure


def _row(no: str, name: str, values: dict[str, Optional[int]]) -> CaseRowCtx:
    return CaseRowCtx(no=no, name=name, **{k: DASH if v is None else str(v) for k, v in values.items()})


def _row_values(c: m.Consultation, opinions: int) -> dict[str, Optional[int]]:
    return {
        "publicity": len(c.publicity) or None,
        "surveys_issued": c.survey.issued if c.survey else None,
        "surveys_valid": c.survey.valid if c.survey else None,
        "households": c.visits.households if c.visits and c.visits.households is not None else None,
        "meetings": len(c.meetings) or None,
        "participants": sum(len(mt.participants) for mt in c.meetings) if c.meetings else None,
        "opinions": opinions or None,
    }


def procedure_ctx(
    cases: Sequence[m.Case], assessments: Sequence[Assessment], profile: RiskProfile, filing_office: str
) -> ProcedureCtx:
    n = len(cases)
    consultations = [c.consultation or m.Consultation() for c in cases]
    publicity = [p for c in consultations for p in c.publicity]
    feedback = [p.feedback_count for p in publicity if p.feedback_count is not None]
    surveys = [c.survey for c in consultations if c.survey]
    visits = [c.visits for c in consultations if c.visits]
    households = sum(v.households or 0 for v in visits)
    meetings = [mt for c in consultations for mt in c.meetings]
    kinds = Counter(mt.kind for mt in meetings)
    categories = Counter(category_label(p.category) for mt in meetings for p in mt.participants)
    opinions = [o for c in cases for o in c.opinions]
    adoption = Counter(o.adoption for o in opinions)
    factors = [f for a in assessments for f in a.factors]
    degrees = Counter(f.degree for f in factors)
    measures = [ms for c in cases for r in c.risks for ms in r.measures]
    units = {ms.owner_unit for ms in measures}
    consulted = sum(1 for c in consultations if c.publicity or c.survey or c.visits or c.meetings)

    methods = [
        label
        for label, used in (
            ("公示", publicity),
            ("问卷调查", surveys),
            ("实地走访", visits),
            *((k, kinds[k]) for k in MEETING_KINDS),
        )
        if used
    ]
    meetings_text = counted(kinds, MEETING_KINDS, "次")
    activities = []
    if publicity:
        activities.append(f"公示{len(publicity)}次")
    if surveys:
        activities.append(f"发放问卷{sum(s.issued for s in surveys)}份")
    if visits:
        activities.append(f"走访群众{households}户" if any(v.households is not None for v in visits) else "实地走访")
    if meetings_text:
        activities.append(f"召开{meetings_text}")
    methods_text = joined(methods) or None

    plans_issued = sum(1 for c in cases if c.plan.issuing and c.plan.issuing.number)
    rows = [
        _row(str(i), c.matter.name, _row_values(con, len(c.opinions)))
        for i, (c, con) in enumerate(zip(cases, consultations), 1)
    ]
    totals = _row(
        "",
        "合计",
        {
            "publicity": len(publicity),
            "surveys_issued": sum(s.issued for s in surveys),
            "surveys_valid": sum(s.valid for s in surveys),
            "households": households,
            "meetings": len(meetings),
            "participants": sum(categories.values()),
            "opinions": len(opinions),
        },
    )
    issued, returned, valid = (sum(getattr(s, k) for s in surveys) for k in ("issued", "returned", "valid"))
    clauses = []
    if publicity:
        clauses.append(f"累计公示{len(publicity)}次" + (f"，收到反馈意见{sum(feedback)}条" if feedback else ""))
    if surveys:
        rate = percent(returned, issued)
        clauses.append(
            f"发放问卷{issued}份，回收{returned}份" + (f"（回收率{rate}）" if rate else "") + f"，其中有效问卷{valid}份"
        )
    if visits:
        clauses.append(f"入户走访群众{households}户" if any(v.households is not None for v in visits) else "深入村组开展走访")
    if meetings:
        clauses.append(f"召开{meetings_text}，参会{sum(categories.values())}人次")
    return ProcedureCtx(
        case_count=n,
        each_case=each(n),
        plans_issued=plans_issued,
        all_plans_issued=plans_issued == n,
        consulted_cases=consulted,
        filing_office=filing_office,
        any_consultation=consulted > 0,
        methods=methods,
        methods_text=methods_text,
        activities_text=joined(activities) or None,
        consultation_sentence=("各评估事项" + "；".join(clauses)) if clauses else None,
        publicity_count=len(publicity),
        publicity_feedback=sum(feedback) if feedback else None,
        survey_cases=len(surveys),
        surveys_issued=issued,
        surveys_returned=returned,
        surveys_valid=valid,
        response_rate=percent(returned, issued),
        valid_rate=percent(valid, returned),
        visit_cases=len(visits),
        visit_households=households,
        meetings_total=len(meetings),
        meetings_by_kind=[CountCtx(label=k, count=kinds[k]) for k in MEETING_KINDS if kinds[k]],
        meetings_text=meetings_text,
        participants_total=sum(categories.values()),
        participants_by_category=[CountCtx(label=k, count=categories[k]) for k in CATEGORY_LABELS if categories[k]],
        participants_text=counted(categories, CATEGORY_LABELS, "人次"),
        opinions_total=len(opinions),
        adopted=adoption["采纳"],
        partly_adopted=adoption["部分采纳"],
        rejected=adoption["不予采纳"],
        opinions_sentence=opinions_sentence(opinions),
        risks_total=len(factors),
        degrees_text=counted(degrees, [d.name for d in profile.degree], "项") or "",
        measures_total=len(measures),
        measure_units=len(units),
        rows=rows,
        totals=totals,
    )


# --------------------------------------------------------------- outcome


def case_outcome(no: int, case: m.Case, a: Assessment, ctx: CaseContext, progress: Optional[str]) -> CaseOutcomeCtx:
    mt, con, risk, filing = ctx.matter, ctx.consultation, ctx.risk, ctx.filing
    overview = joined(
        [x for x in (mt.scale and tidy(clause(mt.scale)), mt.investment and f"总投资{mt.investment}", mt.affected and f"涉及{mt.affected}") if x],
        "，",
    ) or None
    support = con.survey.support_rate if con.survey else None
    ranked = sorted(risk.factors, key=lambda f: -float(f.r))
    main = joined(f"{tidy(f.name)}（{f.degree}）" for f in ranked[:3]) + ("等" if len(ranked) > 3 else "")
    top = ranked[0]
    key_measures = f"针对{tidy(top.name)}，{joined((tidy(clause(ms.action)) for ms in top.measures), '；')}"
    result = filing.decision_result
    decided = None
    if result:
        content = clause(filing.decision_content) if filing.decision_content else ""
        decided = content if content.startswith(result) else result
    return CaseOutcomeCtx(
        no=no,
        case_id=case.case_id,
        name=mt.name,
        overview=overview,
        activities_text=con.activities_text,
        support_rate=support,
        opinions_sentence=con.opinions_sentence,
        risk_count=risk.count,
        main_risks=main,
        measures_count=len(risk.measures),
        key_measures=key_measures,
        initial_index=risk.initial_index,
        initial_level=risk.initial_level,
        residual_index=risk.residual_index,
        residual_level=risk.residual_level,
        assessed_level=risk.assessed_level,
        final_level=risk.final_level,
        advice=risk.advice,
        advice_detail=risk.advice_detail,
        index_lowered=a.residual.index < a.initial.index,
        decision_result=result,
        decision_body=filing.decision_body,
        decision_date=filing.decision_date if result else None,
        decided=decided,
        progress=sentence(tidy(progress)) if progress else None,
        detail=ctx,
    )


def _level_rank(profile: RiskProfile, name: str) -> int:
    """0 for the highest level of the profile, growing downwards."""
    return [lv.name for lv in profile.level].index(name)


# ------------------------------------------------------------- the whole


def build_period_context(
    period: PeriodReport, cases: Sequence[m.Case], assessments: Sequence[Assessment], profile: RiskProfile
) -> PeriodContext:
    """The context of ``period_summary.docx``: cases valid, in PERIOD.json's order, with their assessments."""
    org = organisation_ctx(period.organisation)
    span = period_ctx(period.period.start, period.period.end)
    lead = f"关于{span.text}社会稳定风险评估"
    title = period.title or f"{lead}工作情况的汇报"
    lines = title_lines(title, None if period.title else len(lead))
    issued_on = cn_date(period.issued_on)
    level_order = [lv.name for lv in profile.level][::-1]  # lowest first
    initial_levels = counted(Counter(a.initial.level for a in assessments), level_order[::-1], "个") or ""
    final_levels = counted(Counter(a.final_level for a in assessments), level_order, "个") or ""
    decisions = Counter(c.filing.decision.result for c in cases if c.filing.decision and c.filing.decision.result)
    offices = list(dict.fromkeys(c.authority.filing_office for c in cases if c.authority.filing_office))
    contexts = [build_case_context(c, a, profile) for c, a in zip(cases, assessments)]
    outcomes = [
        case_outcome(i, c, a, ctx, period.progress.get(c.case_id))
        for i, (c, a, ctx) in enumerate(zip(cases, assessments, contexts), 1)
    ]
    return PeriodContext(
        doc=DocCtx(kind=PERIOD.key, title=title, issued_on=issued_on),
        title=title,
        title_display="\n".join(lines),
        organisation=org,
        recipient=period.recipient,
        period=span,
        issued_on=issued_on,
        mechanism=mechanism_ctx(period.mechanism, cases),
        procedure=procedure_ctx(cases, assessments, profile, joined(offices) or period.recipient),
        outcome=OutcomeCtx(
            count=len(cases),
            names_text=joined(c.matter.name for c in cases),
            initial_levels_text=initial_levels,
            final_levels_text=final_levels,
            decisions_text=counted(decisions, DECISIONS, "个"),
            undecided=len(cases) - sum(decisions.values()),
            lowered=sum(1 for a in assessments if _level_rank(profile, a.residual.level) > _level_rank(profile, a.initial.level)),
            cases=outcomes,
        ),
        problems=items([p for p in period.problems]),
        next_steps=items([s for s in period.next_steps]),
    )
