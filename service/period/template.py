"""The period template and its contract: every name ``period_summary.docx`` uses must be in ``PeriodContext``.

``service.template_check`` checks the case documents' templates against their
contexts; this applies the same checker to the period template (it is not one
of the filing's document kinds, so ``wenping templates check`` does not list it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..template_check import TemplateReport, check_template
from ..templates import DEFAULT_SET
from .builder import KIND

TEMPLATE_PATH = DEFAULT_SET / f"{KIND}.docx"


def check_period_template(path: Optional[Path] = None) -> TemplateReport:
    """The names the period template uses and the problems found (empty when it keeps the contract)."""
    return check_template(KIND, Path(path or TEMPLATE_PATH))
