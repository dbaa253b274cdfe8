"""Documents made from what the register holds: the 跟踪督查情况报告 of a case, and the period 工作情况汇报
built from the cases filed in a period (instead of a hand-made PERIOD.json).

The period report's cases are the register's: every case with a filed package whose 报备日期 falls in the period
(``Register.filed_in``), each as the newest such version, so the figures it states are the register's counts.
What only the reporting organisation knows (its standing leading group, documents, problems, next steps) comes
from ``base`` — a PERIOD file without ``period`` and ``cases`` — or, without one, from the newest case (its
leading group and lead office) and the cases' 报备机关; each case's 实施进展 is its tracking on the last day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from service.context.tracking import tracking_document
from service.errors import UsageError, WenpingError
from service.generate import convert_all, prepare, render_docx, render_document
from service.generate_period import PeriodDocument, build_period_report
from service.model.case import MAX_PEOPLE
from service.pdf import PdfBackend, shared_converter
from service.register.register import Register
from service.render.template_sets import TemplateSet, default_set

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
DEFAULT_RECIPIENT = "上级维稳办"
BASE_FIELDS = ("title", "organisation", "recipient", "issued_on", "mechanism", "problems", "next_steps", "progress")


class NothingFiled(WenpingError):
    """No case of the unit was filed in the period: there is nothing to report on."""

    code = "nothing-filed"
    status = 404
    title = "期间内没有报备的案卷"
    exit_code = 1


@dataclass(frozen=True)
class ReportFile:
    file_name: str
    data: bytes
    media_type: str


def tracking_report(
    register: Register,
    case_id: str,
    as_of: date,
    *,
    pdf: bool = False,
    templates: Optional[TemplateSet] = None,
    converter: Optional[PdfBackend] = None,
) -> ReportFile:
    """The 跟踪督查情况报告 of the case's newest version, as its measures stand on ``as_of``."""
    prepared = prepare(register.version(case_id).data())
    states = [m.as_dict() for m in register.measures(case_id, as_of)]
    stage = register.case(case_id).stage
    doc = tracking_document(prepared.validation.case, prepared.context, states, as_of, stage)
    docx = render_docx(doc, templates or default_set())
    if pdf:
        (made,) = convert_all(converter or shared_converter(), [doc], [docx])
        return ReportFile(made.name, made.data, PDF)
    return ReportFile(docx.name, docx.data, DOCX)


def filing_document(
    register: Register, case_id: str, kind: str, version: Optional[int] = None, *, fmt: str = "docx", meeting: Optional[int] = None
) -> ReportFile:
    """One document of a version (default the newest) with the 维稳办's latest decision on that version's
    packages in its context (the 报备表's 上级维稳办备案 cell: ``filing.review``)."""
    source = register.version(case_id, version)
    review = register.latest_review(case_id, source.number)
    made = render_document(source.data(), kind, meeting=meeting, fmt=fmt, review=review.as_dict() if review else None)
    return ReportFile(made.name, made.data, PDF if fmt == "pdf" else DOCX)


def progress_of(register: Register, case_id: str, as_of: date) -> str:
    """A case's 实施进展 for the period report: its tracking counts on ``as_of``."""
    states = register.measures(case_id, as_of)
    done = sum(1 for s in states if s.done)
    overdue = sum(1 for s in states if s.overdue)
    text = f"评估提出的{len(states)}项防范化解措施已完成{done}项"
    if done == len(states):
        return text + "，全部落实到位"
    return text + (f"，{overdue}项逾期，正在督促落实" if overdue else "，其余正在推进")


def derived_base(cases: list[dict], organisation: Optional[str], unit: Optional[str]) -> dict[str, Any]:
    """The organisation's parts of the report when no base file is given: from the cases themselves."""
    newest = cases[-1]
    authorities = Counter(c["authority"]["name"] for c in cases)
    name = organisation or (next(iter(authorities)) if len(authorities) == 1 else unit)
    if not name:
        raise UsageError("期间内的案卷属于不同的责任主体：请指明汇报单位（--organisation 或 --base 文件）")
    offices = Counter(c["authority"].get("filing_office") for c in cases if c["authority"].get("filing_office"))
    group = newest["leading_group"]
    cooperating: list[str] = []
    for case in cases:
        cooperating += [u for u in case["authority"].get("cooperating_units", []) if u not in cooperating]
    people = {p["id"]: p for p in newest.get("people", [])}

    def official(ref: str) -> dict[str, str]:
        """A person of the (2.0) case as the period report names them: name and title."""
        person = people[ref]
        return {k: person[k] for k in ("name", "title") if person.get(k)}

    mechanism: dict[str, Any] = {
        "leading_group": {
            "leader": official(group["leader"]),
            "deputy_leaders": [official(r) for r in group.get("deputy_leaders", [])],
            "members": [official(r) for r in group.get("members", [])],
        },
        "lead_office": newest["authority"]["lead_office"],
        "cooperating_units": cooperating[:MAX_PEOPLE],
    }
    office = (group.get("office") or {}).get("location")
    if office:
        mechanism["leading_group"]["office"] = office
    base: dict[str, Any] = {
        "organisation": {"name": name},
        "recipient": offices.most_common(1)[0][0] if offices else DEFAULT_RECIPIENT,
        "mechanism": mechanism,
    }
    if name == newest["authority"]["name"] and newest["authority"].get("party_committee"):
        base["organisation"]["party_committee"] = newest["authority"]["party_committee"]
    return base


def period_data(
    register: Register,
    start: date,
    end: date,
    unit: Optional[str] = None,
    *,
    base: Optional[dict] = None,
    organisation: Optional[str] = None,
) -> dict[str, Any]:
    """The PERIOD data of [start, end] from the register (see the module's docstring)."""
    versions = register.filed_in(start, end, unit)
    if not versions:
        whose = f"{unit}" if unit else "台账中"
        raise NothingFiled(f"{whose}在 {start.isoformat()} 至 {end.isoformat()} 期间没有报备的案卷，无从汇报")
    cases = [v.data() for v in versions]
    own = {k: v for k, v in (base or {}).items() if k in BASE_FIELDS}
    data: dict[str, Any] = {"schema_version": "1.0", **derived_base(cases, organisation, unit), **own}
    if organisation:
        data["organisation"] = {**data.get("organisation", {}), "name": organisation}
    data["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    data.setdefault("issued_on", end.isoformat())
    data["progress"] = {
        v.case_id: data.get("progress", {}).get(v.case_id) or progress_of(register, v.case_id, end) for v in versions
    }
    data["cases"] = cases
    return data


def period_report(
    register: Register,
    start: date,
    end: date,
    unit: Optional[str] = None,
    *,
    base: Optional[dict] = None,
    organisation: Optional[str] = None,
    pdf: bool = False,
) -> PeriodDocument:
    """The period 工作情况汇报 of the cases filed in [start, end] (of ``unit`` when given)."""
    if end < start:
        raise UsageError(f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
    return build_period_report(period_data(register, start, end, unit, base=base, organisation=organisation), pdf=pdf)
