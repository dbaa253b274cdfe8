"""The period template and its contract: every name ``period_summary.docx`` uses must be in ``PeriodContext``.

``service.template_check`` checks the case documents' templates against their
contexts; this applies the same checker to the period template (it is not one
of the filing's document kinds, so ``wenping templates check`` does not list it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from jinja2 import TemplateSyntaxError

from ..render.engine import CompiledTemplate, TemplateRenderError
from ..template_check import TemplateReport, _Walker
from ..templates import DEFAULT_SET
from .builder import KIND
from .context import PeriodContext

TEMPLATE_PATH = DEFAULT_SET / f"{KIND}.docx"


def check_period_template(path: Optional[Path] = None) -> TemplateReport:
    """The names the period template uses and the problems found (empty when it keeps the contract)."""
    path = Path(path or TEMPLATE_PATH)
    report = TemplateReport(KIND, path)
    if not path.exists():
        report.problems.append("模板文件不存在")
        return report
    try:
        compiled = CompiledTemplate(path, f"{path.parent.name}/{path.name}")
        tree = compiled.env.parse(compiled.source)
    except TemplateRenderError as exc:
        report.problems.append(exc.reason)
        return report
    except TemplateSyntaxError as exc:
        report.problems.append(f"模板标签有误：{exc.message}")
        return report
    _Walker(PeriodContext, report, set(compiled.env.globals)).walk(tree, {})
    return report
