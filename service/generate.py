"""``generate``: one case in, the filing package out. The CLI, the API and the form all call it.

    case JSON → validate (model, rules, risk) → contexts → docx render → [PDF] → package
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from datetime import date
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from service.context.builder import build_case_context, with_review
from service.errors import InvalidInput, WenpingError
from service.context.documents import PlannedDocument, index_document, plan_documents, safe_file_name
from service.context.readiness import missing_for, require_ready
from service.context.registry import FILING_KEYS, INDEX
from service.pdf.assemble import (
    MERGED_NAME, NumberSheets, Part, PdfInfo, merge, normalise, numbered_document, page_count, page_ranges,
)
from service.package.archive import Manifest, PackageFile, build_zip, canonical_case_json, sha256
from service.pdf import Deadline, PdfBackend, shared_converter
from service.pdf.fonts import template_font_names
from service.risk.profile import active_profile
from service.render.page_numbers import SheetsFor, sheets_for, without_page_numbers
from service.render.template_sets import TemplateSet, default_set
from service.checks.validation import Validation, validate


class InvalidCase(InvalidInput):
    """The case has errors: nothing was generated."""

    code = "invalid-case"
    title = "案卷未通过校验"

    def __init__(self, validation: Validation):
        super().__init__(f"案卷有 {len(validation.errors)} 处错误，未生成任何材料", validation)


class UnknownDocument(WenpingError, ValueError):
    """A document kind or meeting number that the case does not have."""

    code = "unknown-document"
    status = 404
    title = "没有这份文书"


@dataclass(frozen=True)
class Package:
    data: bytes
    file_name: str
    manifest: dict
    validation: Validation


@dataclass(frozen=True)
class Prepared:
    validation: Validation
    documents: list[PlannedDocument]
    case_json: bytes
    context: Any


def checked(data: Any) -> tuple[Validation, bytes]:
    """The validation of a valid case (at whatever step) and its canonical JSON; ``InvalidCase`` otherwise."""
    result = validate(data, active_profile())
    if not result.valid:
        raise InvalidCase(result)
    return result, canonical_case_json(result.case.model_dump(mode="json", exclude_none=True))


def prepare(data: Any, only: Optional[Iterable[str]] = None, review: Optional[Mapping[str, Any]] = None) -> Prepared:
    """Validate and plan the documents; raises ``InvalidCase`` with every error, ``NotReady`` when the case
    does not hold yet what the asked-for documents (or, without ``only``, the whole package) need.

    ``review``: the 维稳办's decision recorded in the register (``{"result", "date", "reasons", "unit"}``), for
    the 报备表's 上级维稳办备案 cell (``filing.review``); a package filed for review has none yet.
    """
    profile = active_profile()
    result, case_json = checked(data)
    only_set = set(only) if only else None
    if only_set:
        unknown = only_set - set(FILING_KEYS)
        if unknown:
            raise UnknownDocument(f"没有这种文书：{'、'.join(sorted(unknown))}（可选：{'、'.join(FILING_KEYS)}）")
    require_ready(result.case, only_set)
    ctx = with_review(build_case_context(result.case, result.assessment, profile), review)
    docs = plan_documents(result.case, ctx, only_set)
    if not docs:
        raise UnknownDocument("案卷中没有会议，无法生成会议纪要")
    return Prepared(result, docs, case_json, ctx)


def render_docx(doc: PlannedDocument, templates: TemplateSet) -> PackageFile:
    data = templates.template(doc.kind).render(doc.context, doc.properties())
    return PackageFile(doc.file_name(".docx"), doc.kind, doc.title, data, meeting=doc.meeting)


def pdf_info(doc: PlannedDocument) -> PdfInfo:
    props = doc.properties()
    return PdfInfo(props.title, props.author, props.subject, props.keywords, doc.issued_on)


def convert_all(
    converter: PdfBackend, docs: list[PlannedDocument], files: list[PackageFile], deadline: Optional[Deadline] = None
) -> list[PackageFile]:
    """Each document's PDF, with fixed information and its page count (all done by ``deadline``)."""
    pdfs = converter.convert_many([(f.title, f.data) for f in files], deadline)
    result = []
    for doc, file, raw in zip(docs, files, pdfs):
        pdf = normalise(raw, pdf_info(doc))
        result.append(PackageFile(doc.file_name(".pdf"), doc.kind, doc.title, pdf, page_count(pdf), doc.meeting))
    return result


def paged_index(
    prepared: Prepared, pages: list[int], templates: TemplateSet, converter: PdfBackend, deadline: Deadline
) -> tuple[PlannedDocument, PackageFile, bytes]:
    """The 目录 listing page ranges of the merged file (re-made if its own length moves them): its plan, its
    .docx and its PDF as converted without page numbers."""
    index_pages = 1
    for _ in range(3):
        ranges = page_ranges(index_pages + 1, pages)
        doc = index_document(prepared.validation.case, prepared.context, prepared.documents, ".pdf", pages=ranges)
        docx = render_docx(doc, templates)
        (raw,) = converter.convert_many([(docx.title, without_page_numbers(docx.data))], deadline)
        if page_count(raw) == index_pages:
            break
        index_pages = page_count(raw)
    return doc, docx, raw


class SheetsMemo:
    """Converted number sheets by converter and ``SheetsFor.key``: they depend on the template and the converter's
    fonts alone, so one conversion serves every package a converter makes laid out alike (the latest ``size`` kept
    per converter)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._pdfs: "weakref.WeakKeyDictionary[PdfBackend, OrderedDict[str, bytes]]" = weakref.WeakKeyDictionary()

    def pdf(self, sheets: SheetsFor, converter: PdfBackend, deadline: Deadline) -> bytes:
        with self._lock:
            known = self._pdfs.setdefault(converter, OrderedDict())
            if sheets.key in known:
                known.move_to_end(sheets.key)
                return known[sheets.key]
        (pdf,) = converter.convert_many([("页码", sheets.docx)], deadline)
        with self._lock:
            known[sheets.key] = pdf
            while len(known) > self.size:
                known.popitem(last=False)
        return pdf

    def forget(self, converter: PdfBackend) -> None:
        with self._lock:
            self._pdfs.pop(converter, None)


sheets_memo = SheetsMemo()


def pdf_file(doc: PlannedDocument, raw: bytes, sheets: NumberSheets) -> PackageFile:
    """A document's own PDF: numbered from 1, with fixed information."""
    pdf, pages = numbered_document(raw, sheets, pdf_info(doc))
    return PackageFile(doc.file_name(".pdf"), doc.kind, doc.title, pdf, pages, doc.meeting)


def filing_pdfs(
    prepared: Prepared, docx_files: list[PackageFile], templates: TemplateSet, converter: PdfBackend,
    with_index: bool, day: date,
) -> tuple[Optional[PackageFile], Optional[PackageFile], list[PackageFile], bytes]:
    """The 目录's .docx and PDF (none for a case not yet filed), every document's PDF, and the merged filing PDF.

    Every document is converted once, without its page numbers; the numbers 1…n are printed on empty sheets
    (``sheets_for``: converted once per converter and template, see ``SheetsMemo``), laid over each document's pages
    from 1 and over the filing's pages from its 目录 on. All by one deadline (``WENPING_PDF_DEADLINE``)."""
    docs = prepared.documents
    deadline = converter.deadline_from_now()
    raws = converter.convert_many([(f.title, without_page_numbers(f.data)) for f in docx_files], deadline)
    pages = [page_count(raw) for raw in raws]
    index_docx = index_pdf = index_raw = None
    if with_index:
        index_doc, index_docx, index_raw = paged_index(prepared, pages, templates, converter, deadline)
    total = (page_count(index_raw) if index_raw else 0) + sum(pages)
    sheets = NumberSheets(sheets_memo.pdf(sheets_for((index_docx or docx_files[0]).data, total), converter, deadline))
    try:
        if with_index:
            index_pdf = pdf_file(index_doc, index_raw, sheets)
        pdf_files = [pdf_file(doc, raw, sheets) for doc, raw in zip(docs, raws)]
        case = prepared.validation.case
        merged = merge(
            Part(index_pdf.title, INDEX.key, index_raw) if with_index else None,
            [Part(doc.title, doc.kind, raw) for doc, raw in zip(docs, raws)],
            PdfInfo(case.matter.name, case.authority.name, "社会稳定风险评估报备材料",
                    f"社会稳定风险评估,报备材料,{case.case_id}", day),
            sheets,
        )
    finally:
        sheets.close()
    return index_docx, index_pdf, pdf_files, merged


def generate(
    data: Any,
    *,
    only: Optional[Iterable[str]] = None,
    pdf: bool = False,
    templates: Optional[TemplateSet] = None,
    converter: Optional[PdfBackend] = None,
) -> Package:
    """The complete filing package of one case, as zip bytes and its manifest.

    With ``pdf`` every document also comes as PDF, and 稳评报备材料.pdf joins them
    behind a 目录 page; conversion errors (``service.pdf.ConversionError``) propagate. All PDF
    conversion of the package ends by one deadline (``WENPING_PDF_DEADLINE``), else ``ConversionTimeout``.
    """
    templates = templates or default_set()
    prepared = prepare(data, only)
    case = prepared.validation.case
    docs = prepared.documents
    docx_files = [render_docx(doc, templates) for doc in docs]
    # The 目录 is dated by the filing: a case not yet filed (``--only`` at an early step) gets its documents alone.
    with_index = not missing_for(case, INDEX)
    day = case.filing.filed_on if case.filing else max(doc.issued_on for doc in docs)
    fonts = None
    if pdf:
        converter = converter or shared_converter()
        fonts = converter.fonts(template_font_names(*templates.folders()))
        index_docx, index_pdf, pdf_files, merged = filing_pdfs(prepared, docx_files, templates, converter, with_index, day)
        files = [index_docx, index_pdf] if with_index else []
        for docx_file, pdf_document in zip(docx_files, pdf_files):
            files += [docx_file, pdf_document]
        files.append(PackageFile(MERGED_NAME, "filing_pdf", f"{case.matter.name}稳评报备材料", merged, page_count(merged)))
    elif with_index:
        index = index_document(case, prepared.context, docs, ".docx")
        files = [render_docx(index, templates), *docx_files]
    else:
        files = docx_files
    manifest = Manifest(
        case_id=case.case_id,
        matter=case.matter.name,
        input_sha256=sha256(prepared.case_json),
        template_set=templates.name,
        # The case's warnings by path only: a workbook's cells are where it was typed, not part of the package.
        warnings=[{"path": w.path, "message": w.message} for w in prepared.validation.warnings],
        risk=prepared.validation.assessment.summary() if prepared.validation.assessment else None,
        fonts=fonts,
    )
    zip_bytes = build_zip(files, manifest, prepared.case_json, day)
    return Package(zip_bytes, safe_file_name(f"{case.case_id}_稳评报备材料", ".zip"), json.loads(manifest.to_json()), prepared.validation)


def render_document(
    data: Any,
    kind: str,
    meeting: Optional[int] = None,
    templates: Optional[TemplateSet] = None,
    fmt: str = "docx",
    converter: Optional[PdfBackend] = None,
    review: Optional[Mapping[str, Any]] = None,
) -> PackageFile:
    """One document of the filing (``meeting`` picks the minutes, 1-based), as docx or pdf (``review``: see ``prepare``)."""
    templates = templates or default_set()
    prepared = prepare(data, [kind], review)
    docs = prepared.documents
    if kind == "minutes":
        if not docs:
            raise UnknownDocument("案卷中没有会议，无法生成会议纪要")
        number = meeting or 1
        docs = [d for d in docs if d.meeting == number]
        if not docs:
            raise UnknownDocument(f"没有第 {number} 次会议（案卷共有 {len(prepared.documents)} 次会议）")
    docx = render_docx(docs[0], templates)
    if fmt == "pdf":
        (pdf,) = convert_all(converter or shared_converter(), docs[:1], [docx])
        return pdf
    return docx
