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

from service.context.fmt import cn_date
from service.context.models import CaseContext, DocCtx, IndexContext, IndexEntryCtx, MinutesContext
from service.context.registry import FILING, INDEX, DocumentKind, kind as kind_of
from service.model.case import Case

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_NAME = 120


def safe_file_name(stem: str, suffix: str) -> str:
    """A file name any Windows can hold: no reserved characters, at most 120 characters."""
    clean = _UNSAFE.sub("_", stem).strip(" .") or "文档"
    return clean[: MAX_NAME - len(suffix)] + suffix


@dataclass(frozen=True)
class DocumentProperties:
    """What goes into docProps/core.xml."""

    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    issued_on: date | None = None


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
            keywords=f"社会稳定风险评估,{kind_of(self.kind).name},{self.context.case_id}",
            issued_on=self.issued_on,
        )


def plan_documents(case: Case, ctx: CaseContext, only: Optional[set[str]] = None) -> list[PlannedDocument]:
    """Every document of the filing, in filing order (minutes: one per meeting), numbered from 01.

    ``only`` picks some of them; they keep the numbers they have in the full package.
    """
    chosen = [doc for kind in FILING for doc in _instances(kind, case, ctx)]
    return [
        PlannedDocument(kind, title, f"{n:02d}_{stem}", context, day, meeting)
        for n, (kind, title, stem, context, day, meeting) in enumerate(chosen, 1)
        if only is None or kind in only
    ]


def _instances(kind: DocumentKind, case: Case, ctx: CaseContext) -> list[tuple]:
    """(kind, title, file stem, context, issued_on, meeting number) for each document of ``kind``."""
    if kind.per_meeting:
        meetings = case.consultation.meetings if case.consultation else []
        result = []
        for meeting, mctx in zip(meetings, ctx.consultation.meetings):
            title = kind.title_for(ctx.matter.name, mctx.title)
            context = MinutesContext(**_with_doc(ctx, kind.key, title, mctx.date), meeting=mctx)
            result.append((kind.key, title, kind.stem_for(title), context, meeting.date, mctx.no))
        return result
    title = kind.title_for(ctx.matter.name)
    day = kind.issued_on(case)
    context = kind.context(**_with_doc(ctx, kind.key, title, cn_date(day)))
    return [(kind.key, title, kind.stem_for(title), context, day, None)]


def index_document(case: Case, ctx: CaseContext, docs: list[PlannedDocument], suffix: str,
                   pages: Optional[list[str]] = None) -> PlannedDocument:
    """The package's 目录: every document with its file name (and page range, when known)."""
    title = INDEX.title_for(ctx.matter.name)
    entries = [
        IndexEntryCtx(no=i, title=d.title, file=d.file_name(suffix), pages=pages[i - 1] if pages else None)
        for i, d in enumerate(docs, 1)
    ]
    context = IndexContext(
        **_with_doc(ctx, INDEX.key, title, cn_date(INDEX.issued_on(case))), entries=entries, has_pages=pages is not None
    )
    return PlannedDocument(INDEX.key, title, f"00_{INDEX.stem_for(title)}", context, INDEX.issued_on(case))


def _with_doc(ctx: CaseContext, kind: str, title: str, issued_on: str) -> dict:
    fields = {name: getattr(ctx, name) for name in CaseContext.model_fields}
    fields["doc"] = DocCtx(kind=kind, title=title, issued_on=issued_on)
    return fields
