"""Template sets: which .docx template renders each document kind.

Takes a folder of templates (the default set ships in ``doc_templates/default``);
gives ``CompiledTemplate`` objects, compiled once per process and reused.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .render import CompiledTemplate

DOC_TEMPLATES = Path(__file__).resolve().parent.parent / "doc_templates"
DEFAULT_SET = DOC_TEMPLATES / "default"
KINDS = ("filing_form", "plan", "minutes", "report", "stability_plan", "summary", "index")


class TemplateSet:
    """The templates of one set, compiled on first use and kept."""

    def __init__(self, folder: Path = DEFAULT_SET, name: str = "default"):
        self.folder = Path(folder)
        self.name = name
        self._compiled: dict[str, CompiledTemplate] = {}
        self._lock = threading.Lock()

    def path(self, kind: str) -> Path:
        return self.folder / f"{kind}.docx"

    def template(self, kind: str) -> CompiledTemplate:
        with self._lock:
            if kind not in self._compiled:
                self._compiled[kind] = CompiledTemplate(self.path(kind), f"{self.name}/{kind}.docx")
            return self._compiled[kind]


_default = TemplateSet()


def default_set() -> TemplateSet:
    return _default
