"""The period work report (工作情况汇报 over a period): PERIOD.json in, one official document out.

PERIOD.json (``model.PeriodReport``, schema ``schemas/period.schema.json``) names the
organisation, the recipient, the period, the mechanism it built, its problems and next
steps, and the cases assessed in the period (inline case objects; on the command line
also paths of case files). Every figure of the report is computed from the cases.

    generate_period_report(data, pdf=False, base_dir=None) -> (file_name, bytes, media_type)
"""

from .model import PeriodReport
from .report import DOCX, PDF, PeriodDocument, PeriodInvalid, build_period_report, generate_period_report, prepare_period
from .validation import PeriodReadError, PeriodValidation, validate_period



def __getattr__(name: str):
    # Imported lazily so that ``python -m service.period.schema`` runs without a runpy warning.
    if name == "period_schema":
        from .schema import period_schema

        return period_schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PeriodReport",
    "PeriodDocument",
    "PeriodInvalid",
    "PeriodReadError",
    "PeriodValidation",
    "build_period_report",
    "generate_period_report",
    "prepare_period",
    "period_schema",
    "validate_period",
    "DOCX",
    "PDF",
]
