"""The documents of a filing: which ones, in what order, titled and named how.

Takes the shared ``CaseContext`` and the case; gives one ``PlannedDocument``
per file of the package (one minutes document per meeting), each with its
own context, title, file name and document properties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from service.context.models import CaseContext, DocCtx, IndexContext, IndexEntryCtx, MinutesContext
from service.model.case import Case
from service.render import DocumentProperties

# Filing order; the index (目录) comes first in the package but is made last.
ORDER = ("filing_form", "plan", "minutes", "report", "stability_plan", "summary")
KIND_NAMES = {
    "filing_form": "报备表",
    "plan": "工作方案",
    "minutes": "会议纪要",
    "report": "评估报告",
    "stability_plan": "维稳工作方案",
    "summary": "工作情况汇报",
    "index": "目录",
}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_NAME = 120


def safe_file_name(stem: str, suffix: str) -> str:
    """A file name any Windows can hold: no reserved characters, at most 120 characters."""
    clean = _UNSAFE.sub("_", stem).strip(" .") or "文档"
    return clean[: MAX_NAME - len(suffix)] + suffix


@dataclass(frozen=True)
class PlannedDocument:
    kind: str
    title: str
    stem: str  # file name without extension, e.g. "01_社会稳定风险评估事项报备表"
    context: CaseContext
    issued_on: date
    meeting: Optional[int] = None  # 1-based meeting number, for minutes

    def file_name(self, suffix: str) -> str:
        return safe_file_name(self.stem, suffix)

    def properties(self) -> DocumentProperties:
        return DocumentProperties(
            title=self.title,
            author=self.context.authority.name,
            subject=f"{self.context.matter.name}社会稳定风险评估",
            keywords=f"社会稳定风险评估,{KIND_NAMES[self.kind]},{self.context.case_id}",
            issued_on=self.issued_on,
        )


def _titles(ctx: CaseContext) -> dict[str, str]:
    name = ctx.matter.name
    return {
        "filing_form": "社会稳定风险评估事项报备表",
        "plan": f"{name}社会稳定风险评估工作方案",
        "report": f"{name}社会稳定风险评估报告",
        "stability_plan": f"{name}维稳工作方案（应急处置预案）",
        "summary": f"关于{name}社会稳定风险评估工作情况的汇报",
        "index": f"{name}社会稳定风险评估报备材料目录",
    }


FILE_STEMS = {
    "filing_form": "社会稳定风险评估事项报备表",
    "plan": "社会稳定风险评估工作方案",
    "report": "社会稳定风险评估报告",
    "stability_plan": "维稳工作方案（应急处置预案）",
    "summary": "社会稳定风险评估工作情况汇报",
}


def plan_documents(case: Case, ctx: CaseContext, only: Optional[set[str]] = None) -> list[PlannedDocument]:
    """Every document of the filing, in filing order (minutes: one per meeting), numbered from 01.

    ``only`` picks some of them; they keep the numbers they have in the full package.
    """
    titles = _titles(ctx)
    issued = {
        "filing_form": case.filing.filed_on,
        "plan": case.plan.issued_on,
        "report": case.report.issued_on,
        "stability_plan": case.stability_plan.issued_on if case.stability_plan else case.report.issued_on,
        "summary": case.summary.issued_on if case.summary else case.filing.filed_on,
    }
    # (kind, title, file stem, context, issued_on, meeting number)
    chosen: list[tuple] = []
    for kind in ORDER:
        if kind == "minutes":
            meetings = case.consultation.meetings if case.consultation else []
            for meeting, mctx in zip(meetings, ctx.consultation.meetings):
                title = f"{mctx.title}纪要"
                context = MinutesContext(**_with_doc(ctx, kind, title, mctx.date), meeting=mctx)
                chosen.append((kind, title, title, context, meeting.date, mctx.no))
        else:
            context = CaseContext(**_with_doc(ctx, kind, titles[kind], _cn(issued[kind])))
            chosen.append((kind, titles[kind], FILE_STEMS[kind], context, issued[kind], None))
    return [
        PlannedDocument(kind, title, f"{n:02d}_{stem}", context, day, meeting)
        for n, (kind, title, stem, context, day, meeting) in enumerate(chosen, 1)
        if only is None or kind in only
    ]


def index_document(case: Case, ctx: CaseContext, docs: list[PlannedDocument], suffix: str,
                   pages: Optional[list[str]] = None) -> PlannedDocument:
    """The package's 目录: every document with its file name (and page range, when known)."""
    title = _titles(ctx)["index"]
    entries = [
        IndexEntryCtx(no=i, title=d.title, file=d.file_name(suffix), pages=pages[i - 1] if pages else None)
        for i, d in enumerate(docs, 1)
    ]
    context = IndexContext(
        **_with_doc(ctx, "index", title, _cn(case.filing.filed_on)), entries=entries, has_pages=pages is not None
    )
    return PlannedDocument("index", title, "00_目录", context, case.filing.filed_on)


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _with_doc(ctx: CaseContext, kind: str, title: str, issued_on: str) -> dict:
    fields = {name: getattr(ctx, name) for name in CaseContext.model_fields}
    fields["doc"] = DocCtx(kind=kind, title=title, issued_on=issued_on)
    return fields
