"""The document kinds: one declaration each, and every list of kinds derives from here.

A kind names its key (the API and CLI name, and the template file ``<key>.docx``), its Chinese names,
how its title and file name are made, the context model its template sees, when it is dated, whether
it repeats once per meeting, and which parts of the case it draws on. The package order, the 目录, the
CLI's ``--only``, the API's ``/documents/<kind>``, the template contract and the template sets all read
this table, so adding a document kind is one entry here, one context model and one template.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Callable, Literal, Optional

from service.model.case import Case

if TYPE_CHECKING:
    from pydantic import BaseModel

Part = Literal["filing", "index", "period", "tracking"]


@dataclass(frozen=True)
class DocumentKind:
    key: str
    name: str  # short Chinese name: the form, the manifest keywords, the API listing
    # What the template may name (the template contract): the context model, as ``module.Class`` of
    # service.context. Named, not imported: listing the kinds (`wenping validate` tells which documents a case
    # can make) does not build ~50 context models (bench/bench_cli.py); ``context`` imports it when asked.
    context_model: str
    # The document's title, a pattern over {matter} (the matter's name) and {meeting} (a meeting's title).
    # The templates print it as {{ doc.title }}; the 目录, bookmarks, manifest and file properties use it too.
    title: str = ""
    # The file name in the package without number and extension; empty: the title itself.
    file_stem: str = ""
    # The date the document bears (成文日期), from the case; per-meeting kinds bear their meeting's date.
    issued_on: Optional[Callable[[Case], date]] = None
    per_meeting: bool = False
    # a document of the filing, the filing's 目录, the period report (not a case's), or the tracking report
    # (step six: made from the register's tracking entries, after the filing, never in the package)
    part: Part = "filing"
    # The parts of the case (dotted paths) that must be present before it can be made: its readiness
    # (service/context/readiness.py). Optional parts it prints when given (consultation, opinions, …) are
    # not listed: a case without them still makes the document, as it always has.
    needs: tuple[str, ...] = ()

    @property
    def context(self) -> type[BaseModel]:
        module, _, name = self.context_model.rpartition(".")
        return getattr(importlib.import_module(f"service.context.{module}"), name)

    @property
    def template(self) -> str:
        return f"{self.key}.docx"

    def title_for(self, matter: str, meeting: str = "") -> str:
        return self.title.format(matter=matter, meeting=meeting)

    def stem_for(self, title: str) -> str:
        return self.file_stem or title


_COMMON = ("matter", "authority", "leading_group")

DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "filing_form", "报备表", "models.CaseContext",
        title="社会稳定风险评估事项报备表", file_stem="社会稳定风险评估事项报备表",
        issued_on=lambda case: case.filing.filed_on,
        needs=(*_COMMON, "risks", "report", "filing"),
    ),
    DocumentKind(
        "plan", "工作方案", "models.CaseContext",
        title="{matter}社会稳定风险评估工作方案", file_stem="社会稳定风险评估工作方案",
        issued_on=lambda case: case.plan.issued_on,
        needs=(*_COMMON, "plan"),
    ),
    DocumentKind(
        "minutes", "会议纪要", "models.MinutesContext",
        title="{meeting}纪要", per_meeting=True,
        needs=(*_COMMON, "consultation.meetings"),  # and then one document per meeting recorded
    ),
    DocumentKind(
        "report", "评估报告", "models.CaseContext",
        title="{matter}社会稳定风险评估报告", file_stem="社会稳定风险评估报告",
        issued_on=lambda case: case.report.issued_on,
        needs=(*_COMMON, "plan", "risks", "report"),
    ),
    DocumentKind(
        "stability_plan", "维稳工作方案", "models.CaseContext",
        title="{matter}维稳工作方案（应急处置预案）", file_stem="维稳工作方案（应急处置预案）",
        issued_on=lambda case: case.stability_plan.issued_on if case.stability_plan else case.report.issued_on,
        needs=(*_COMMON, "risks", "report"),
    ),
    DocumentKind(
        "summary", "工作情况汇报", "models.CaseContext",
        title="关于{matter}社会稳定风险评估工作情况的汇报", file_stem="社会稳定风险评估工作情况汇报",
        issued_on=lambda case: case.summary.issued_on if case.summary else case.filing.filed_on,
        needs=(*_COMMON, "plan", "risks", "report", "filing"),
    ),
    DocumentKind(
        "index", "目录", "models.IndexContext",
        title="{matter}社会稳定风险评估报备材料目录", file_stem="目录",
        issued_on=lambda case: case.filing.filed_on, part="index",
        needs=("matter", "authority", "filing"),
    ),
    # The period report covers many cases; its title is computed from the period (context.period).
    DocumentKind("period_summary", "一段时期的工作情况汇报", "period_models.PeriodContext", part="period"),
    # Step six (全程跟踪督查): dated the day it reports on (as_of), from the register's tracking entries.
    DocumentKind(
        "tracking_report", "跟踪督查情况报告", "tracking_models.TrackingContext",
        title="{matter}防范化解措施跟踪督查情况报告", file_stem="防范化解措施跟踪督查情况报告", part="tracking",
        needs=(*_COMMON, "risks", "filing"),
    ),
)

BY_KEY: dict[str, DocumentKind] = {k.key: k for k in DOCUMENT_KINDS}
FILING: tuple[DocumentKind, ...] = tuple(k for k in DOCUMENT_KINDS if k.part == "filing")
INDEX: DocumentKind = next(k for k in DOCUMENT_KINDS if k.part == "index")
PERIOD: DocumentKind = next(k for k in DOCUMENT_KINDS if k.part == "period")
TRACKING: DocumentKind = next(k for k in DOCUMENT_KINDS if k.part == "tracking")

FILING_KEYS: tuple[str, ...] = tuple(k.key for k in FILING)  # the documents of a filing, in filing order
PACKAGE_KEYS: tuple[str, ...] = (*FILING_KEYS, INDEX.key)  # every template a filing package renders with
TEMPLATE_KEYS: tuple[str, ...] = tuple(k.key for k in DOCUMENT_KINDS)  # every template a set may hold


def kind(key: str) -> DocumentKind:
    return BY_KEY[key]
