"""The documents of a filing: which ones, in what order, titled and named how.

Takes the shared ``CaseContext`` and the case; gives one ``PlannedDocument``
per file of the package (one minutes document per meeting), each with its
own context, title, file name and document properties.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Optional

from service.context.fmt import cn_date
from service.context.models import CaseContext, DocCtx, IndexContext, IndexEntryCtx, MinutesContext
from service.context.readiness import ready_kinds
from service.context.registry import FILING, INDEX, DocumentKind, kind as kind_of
from service.model.case import Case

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u2028\u2029]')
MAX_NAME = 120
#: Linux file systems hold at most 255 bytes per name; ``unzip`` adds nothing, but a folder a user
#: unpacks into may add a prefix: keep well below.
MAX_NAME_BYTES = 200


def visible(text: str) -> str:
    """``text`` without format characters (Unicode category Cf): the bidi controls (U+202A–202E,
    U+2066–2069, U+200E/F, U+061C) that make a name ending ``gpj.exe`` read as ``exe.jpg``, and the
    zero-width ones (U+200B–200D, U+2060, U+FEFF) that make two equal-looking names differ."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def cut_utf8(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 form has at most ``limit`` bytes (never half a character)."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", "ignore")


def safe_file_name(stem: str, suffix: str) -> str:
    """A file name any Windows and Linux can hold: no reserved or invisible characters, at most
    120 characters and 200 UTF-8 bytes; the stem is cut (on a character boundary), never ``suffix``."""
    clean = _UNSAFE.sub("_", visible(stem)).strip(" .") or "文档"
    clean = cut_utf8(clean[: MAX_NAME - len(suffix)], MAX_NAME_BYTES - len(suffix.encode("utf-8")))
    return (clean.rstrip(" .") or "文档") + suffix


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
    """Every document of the filing the case is ready for, in filing order (minutes: one per meeting),
    numbered from 01.

    ``only`` picks some of them; they keep the numbers they have in the full package. A document not
    ready yet keeps its number free, so each file has the same name at every step of the case.
    """
    ready = ready_kinds(case)
    chosen, n = [], 0
    for kind in FILING:
        if kind.key not in ready:
            n += 0 if kind.per_meeting else 1
            continue
        for instance in _instances(kind, case, ctx):
            n += 1
            chosen.append((n, instance))
    return [
        PlannedDocument(kind, title, f"{n:02d}_{stem}", context, day, meeting)
        for n, (kind, title, stem, context, day, meeting) in chosen
        if only is None or kind in only
    ]


def _instances(kind: DocumentKind, case: Case, ctx: CaseContext) -> list[tuple]:
    """(kind, title, file stem, context, issued_on, meeting number) for each document of ``kind``."""
    if kind.per_meeting:
        meetings = case.consultation.meetings if case.consultation else []
        result = []
        for meeting, mctx in zip(meetings, ctx.consultation.meetings):
            title = kind.title_for(ctx.matter.name, mctx.title)
            context = MinutesContext(**with_doc(ctx, kind.key, title, mctx.date), meeting=mctx)
            result.append((kind.key, title, kind.stem_for(title), context, meeting.date, mctx.no))
        return result
    title = kind.title_for(ctx.matter.name)
    day = kind.issued_on(case)
    context = kind.context(**with_doc(ctx, kind.key, title, cn_date(day)))
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
        **with_doc(ctx, INDEX.key, title, cn_date(INDEX.issued_on(case))), entries=entries, has_pages=pages is not None
    )
    return PlannedDocument(INDEX.key, title, f"00_{INDEX.stem_for(title)}", context, INDEX.issued_on(case))


def with_doc(ctx: CaseContext, kind: str, title: str, issued_on: str) -> dict:
    fields = {name: getattr(ctx, name) for name in CaseContext.model_fields}
    fields["doc"] = DocCtx(kind=kind, title=title, issued_on=issued_on)
    return fields
