"""``generate``: one case in, the filing package out. The CLI, the API and the form all call it.

    case JSON → validate (model, rules, risk) → contexts → docx render → package
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .context.builder import build_case_context
from .documents import ORDER, PlannedDocument, index_document, plan_documents
from .package import Manifest, PackageFile, build_zip, canonical_case_json, sha256
from .risk.profile import active_profile
from .templates import TemplateSet, default_set
from .validation import Validation, validate


class InvalidCase(Exception):
    """The case has errors: nothing was generated."""

    def __init__(self, validation: Validation):
        super().__init__(f"案卷有 {len(validation.errors)} 处错误，未生成任何材料")
        self.validation = validation


class UnknownDocument(ValueError):
    """A document kind or meeting number that the case does not have."""


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


def prepare(data: Any, only: Optional[Iterable[str]] = None) -> Prepared:
    """Validate and plan the documents; raises ``InvalidCase`` with every error."""
    profile = active_profile()
    result = validate(data, profile)
    if not result.valid:
        raise InvalidCase(result)
    only_set = set(only) if only else None
    if only_set:
        unknown = only_set - set(ORDER)
        if unknown:
            raise UnknownDocument(f"没有这种文书：{'、'.join(sorted(unknown))}（可选：{'、'.join(ORDER)}）")
    ctx = build_case_context(result.case, result.assessment, profile)
    docs = plan_documents(result.case, ctx, only_set)
    case_json = canonical_case_json(result.case.model_dump(mode="json", exclude_none=True))
    return Prepared(result, docs, case_json, ctx)


def render_docx(doc: PlannedDocument, templates: TemplateSet) -> PackageFile:
    data = templates.template(doc.kind).render(doc.context, doc.properties())
    return PackageFile(doc.file_name(".docx"), doc.kind, doc.title, data, meeting=doc.meeting)


def generate(data: Any, *, only: Optional[Iterable[str]] = None, templates: Optional[TemplateSet] = None) -> Package:
    """The complete filing package of one case, as zip bytes and its manifest."""
    templates = templates or default_set()
    prepared = prepare(data, only)
    case = prepared.validation.case
    files = [render_docx(doc, templates) for doc in prepared.documents]
    index = index_document(case, prepared.context, prepared.documents, ".docx")
    files.insert(0, render_docx(index, templates))
    manifest = Manifest(
        case_id=case.case_id,
        matter=case.matter.name,
        input_sha256=sha256(prepared.case_json),
        template_set=templates.name,
        warnings=[w.as_dict() for w in prepared.validation.warnings],
        risk=prepared.validation.assessment.summary(),
    )
    zip_bytes = build_zip(files, manifest, prepared.case_json, case.filing.filed_on)
    return Package(zip_bytes, f"{case.case_id}_稳评报备材料.zip", json.loads(manifest.to_json()), prepared.validation)


def render_document(data: Any, kind: str, meeting: Optional[int] = None, templates: Optional[TemplateSet] = None) -> PackageFile:
    """One document of the filing (``meeting`` picks the minutes, 1-based)."""
    templates = templates or default_set()
    prepared = prepare(data, [kind])
    docs = prepared.documents
    if kind == "minutes":
        if not docs:
            raise UnknownDocument("案卷中没有会议，无法生成会议纪要")
        number = meeting or 1
        docs = [d for d in docs if d.meeting == number]
        if not docs:
            raise UnknownDocument(f"没有第 {number} 次会议（案卷共有 {len(prepared.documents)} 次会议）")
    return render_docx(docs[0], templates)
