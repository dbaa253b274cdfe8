"""``generate_period_report``: PERIOD.json in, the period 工作情况汇报 out (.docx, or .pdf).

    PERIOD.json → [read case files] → validate (period model, every case, cross rules)
                → PeriodContext → period_summary.docx (sandboxed engine) → [PDF]

The CLI (``wenping summary``) and the API (``POST /api/v1/summaries``) both call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from service.checks.rules import Issue
from service.context.documents import safe_file_name
from service.errors import InvalidInput
from service.pdf.assemble import PdfInfo, normalise
from service.pdf import PdfBackend, shared_converter
from service.context.documents import DocumentProperties
from service.risk.profile import active_profile
from service.render.template_sets import TemplateSet, default_set
from service.context.period import build_period_context
from service.context.registry import PERIOD
from service.context.period_models import PeriodContext
from service.checks.period import PeriodValidation, resolve_case_files, validate_period

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
SUBJECT = "社会稳定风险评估工作情况汇报"


class PeriodInvalid(InvalidInput):
    """PERIOD.json or a case in it has errors: nothing was generated.

    ``errors`` and ``warnings`` are ``[{path, message}]``; ``validation`` has them as
    ``Issue`` objects (``.errors``/``.warnings``), like ``InvalidCase.validation``.
    """

    code = "invalid-period"
    title = "汇报未通过校验"

    def __init__(self, validation: PeriodValidation):
        super().__init__(f"汇报有 {len(validation.errors)} 处错误，未生成汇报", validation)

    @property
    def errors(self) -> list[dict]:
        return [e.as_dict() for e in self.validation.errors]

    @property
    def warnings(self) -> list[dict]:
        return [w.as_dict() for w in self.validation.warnings]


@dataclass(frozen=True)
class PeriodDocument:
    """The rendered report: its .docx, its PDF when asked, and what it was made from."""

    title: str
    stem: str
    docx: bytes
    pdf: Optional[bytes]
    validation: PeriodValidation
    context: PeriodContext

    def file_name(self, suffix: str) -> str:
        return safe_file_name(self.stem, suffix)

    @property
    def warnings(self) -> list[Issue]:
        return self.validation.warnings


def prepare_period(data: Any, base_dir: Optional[Path] = None) -> tuple[PeriodValidation, PeriodContext]:
    """Validate and build the context; raises ``PeriodInvalid`` with every error.

    With ``base_dir`` (command line), cases given as paths are read relative to it
    (``PeriodReadError`` when one cannot be read); without it, cases must be inline.
    """
    if base_dir is not None:
        data = resolve_case_files(data, base_dir)
    profile = active_profile()
    result = validate_period(data, profile)
    if not result.valid:
        raise PeriodInvalid(result)
    context = build_period_context(
        result.period, [c.case for c in result.cases], [c.assessment for c in result.cases], profile
    )
    return result, context


def build_period_report(
    data: Any,
    *,
    pdf: bool = False,
    base_dir: Optional[Path] = None,
    templates: Optional[TemplateSet] = None,
    converter: Optional[PdfBackend] = None,
) -> PeriodDocument:
    """The period report as .docx bytes (and PDF bytes with ``pdf``); see ``prepare_period``.

    PDF conversion errors (``service.pdf.ConversionError``) propagate.
    """
    result, ctx = prepare_period(data, base_dir)
    period = result.period
    props = DocumentProperties(
        title=ctx.title,
        author=period.organisation.name,
        subject=SUBJECT,
        keywords=f"社会稳定风险评估,工作情况汇报,{ctx.period.text}",
        issued_on=period.issued_on,
    )
    docx = (templates or default_set()).template(PERIOD.key).render(ctx, props)
    pdf_bytes = None
    if pdf:
        raw = (converter or shared_converter()).convert(docx, ctx.title)
        pdf_bytes = normalise(raw, PdfInfo(props.title, props.author, props.subject, props.keywords, period.issued_on))
    stem = f"{period.organisation.name}{ctx.period.text}社会稳定风险评估工作情况汇报"
    return PeriodDocument(ctx.title, stem, docx, pdf_bytes, result, ctx)


def generate_period_report(data: Any, *, pdf: bool = False, base_dir: Optional[Path] = None) -> tuple[str, bytes, str]:
    """For ``POST /api/v1/summaries``: ``(file_name, bytes, media_type)`` of the .docx, or of the PDF with ``pdf``.

    Raises ``PeriodInvalid`` (its ``errors``: ``[{path, message}]``, paths inside a
    case prefixed ``cases.N.``), ``service.pdf.ConversionError`` subclasses when the
    PDF cannot be made, ``service.risk.profile.ProfileError`` for a broken risk profile.
    Cases must be inline unless ``base_dir`` is given (then ``PeriodReadError`` too).
    """
    document = build_period_report(data, pdf=pdf, base_dir=base_dir)
    if pdf:
        return document.file_name(".pdf"), document.pdf, PDF
    return document.file_name(".docx"), document.docx, DOCX
