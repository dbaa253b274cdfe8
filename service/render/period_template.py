"""The period template and its contract: every name ``period_summary.docx`` uses must be in ``PeriodContext``.

``service.render.contract`` checks the case documents' templates against their
contexts; this applies the same checker to the period template (it is not one
of the filing's document kinds, so ``wenping templates check`` does not list it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from service.render.contract import TemplateReport, check_template
from service.render.template_sets import DEFAULT_SET
from service.context.period import KIND

TEMPLATE_PATH = DEFAULT_SET / f"{KIND}.docx"


def check_period_template(path: Optional[Path] = None) -> TemplateReport:
    """The names the period template uses and the problems found (empty when it keeps the contract)."""
    return check_template(KIND, Path(path or TEMPLATE_PATH))
