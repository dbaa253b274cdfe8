"""Template sets: which .docx template renders each document kind.

Takes a folder of templates (the default set ships in ``doc_templates/default``;
a deployment adds its own sets as sub-folders of the folders listed in
``WENPING_TEMPLATE_DIRS``); gives ``CompiledTemplate`` objects, compiled once per
process and reused. A set may hold only some kinds: the rest fall back to the
default set. Every set is checked against the template contract when it is
loaded, and a broken one is refused whole, never half-rendered.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Optional

from service.render import CompiledTemplate

DOC_TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"
DEFAULT_SET = DOC_TEMPLATES / "default"
KINDS = ("filing_form", "plan", "minutes", "report", "stability_plan", "summary", "index")
TEMPLATE_DIRS_ENV = "WENPING_TEMPLATE_DIRS"


class TemplateSetError(Exception):
    """A template set that does not exist or breaks the template contract."""


class TemplateSet:
    """The templates of one set, compiled on first use and kept; missing kinds come from ``fallback``."""

    def __init__(self, folder: Path = DEFAULT_SET, name: str = "default", fallback: Optional["TemplateSet"] = None):
        self.folder = Path(folder)
        self.name = name
        self.fallback = fallback
        self._compiled: dict[str, CompiledTemplate] = {}
        self._lock = threading.Lock()

    def owns(self, kind: str) -> bool:
        return (self.folder / f"{kind}.docx").is_file()

    def path(self, kind: str) -> Path:
        if self.owns(kind) or self.fallback is None:
            return self.folder / f"{kind}.docx"
        return self.fallback.path(kind)

    def template(self, kind: str) -> CompiledTemplate:
        if not self.owns(kind) and self.fallback is not None:
            return self.fallback.template(kind)
        with self._lock:
            if kind not in self._compiled:
                self._compiled[kind] = CompiledTemplate(self.path(kind), f"{self.name}/{kind}.docx")
            return self._compiled[kind]

    def fingerprint(self) -> str:
        """SHA-256 over every template this set renders with (its own and the fallbacks)."""
        digest = hashlib.sha256()
        for kind in KINDS:
            path = self.path(kind)
            digest.update(kind.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()


_default = TemplateSet()
_sets: dict[str, TemplateSet] = {}
_sets_lock = threading.Lock()


def default_set() -> TemplateSet:
    return _default


def template_set_folders() -> dict[str, Path]:
    """Every named set: the sub-folders of the folders in WENPING_TEMPLATE_DIRS (first wins)."""
    found: dict[str, Path] = {}
    for root in filter(None, os.environ.get(TEMPLATE_DIRS_ENV, "").split(os.pathsep)):
        root_path = Path(root)
        if not root_path.is_dir():
            continue
        for folder in sorted(root_path.iterdir()):
            if folder.is_dir() and any(folder.glob("*.docx")) and folder.name not in found:
                found[folder.name] = folder
    return found


def resolve_template_set(name: Optional[str]) -> TemplateSet:
    """The set called ``name`` (None or "default": the default set), checked once and kept."""
    if not name or name == "default":
        return _default
    with _sets_lock:
        if name in _sets:
            return _sets[name]
        folders = template_set_folders()
        if name not in folders:
            available = "、".join(["default", *folders]) or "default"
            raise TemplateSetError(f"没有名为「{name}」的模板套（可用：{available}）")
        candidate = TemplateSet(folders[name], name, fallback=_default)
        check_set(candidate)
        _sets[name] = candidate
        return candidate


def check_set(template_set: TemplateSet) -> None:
    """Refuse a set whose own templates break the contract, naming file and problem."""
    from service.render.contract import CONTEXT_OF, check_folder  # the checker compiles templates: import late

    unknown = sorted(p.stem for p in template_set.folder.glob("*.docx") if p.stem not in CONTEXT_OF)
    problems = [f"{name}.docx：不是已知的文书类型（可用：{'、'.join(CONTEXT_OF)}）" for name in unknown]
    for report in check_folder(template_set.folder, require_all=False):
        # 「plan.docx，段落「…」：…」 when the problem is at a paragraph, 「plan.docx：…」 otherwise.
        problems += [f"{report.path.name}{'，' if p.startswith('段落') else '：'}{p}" for p in report.problems]
    if problems:
        raise TemplateSetError(f"模板套「{template_set.name}」有问题，已拒绝使用：" + "；".join(problems))


def check_all_sets() -> list[str]:
    """Check every configured set (at service start); the problems found, one line per set."""
    errors = []
    for name in template_set_folders():
        try:
            resolve_template_set(name)
        except TemplateSetError as exc:
            errors.append(str(exc))
    return errors
