"""Template sets: which .docx template renders each document kind.

Takes a folder of templates (the default set ships in ``doc_templates/default``;
a deployment adds its own sets as sub-folders of the folders listed in the
``WENPING_TEMPLATE_DIRS`` setting, handed in as ``dirs``); gives ``CompiledTemplate`` objects, compiled once per
process and reused. A set may hold only some kinds: the rest fall back to the
default set. Every set is checked against the template contract when it is
loaded, and a broken one is refused whole, never half-rendered.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Optional, Sequence

from service.context.registry import PACKAGE_KEYS, TEMPLATE_KEYS
from service.errors import WenpingError
from service.render import CompiledTemplate
from service.settings import current_settings

DOC_TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"
DEFAULT_SET = DOC_TEMPLATES / "default"


class TemplateSetError(WenpingError):
    """A template set that breaks the template contract: the operator's to fix."""

    code = "bad-template-set"
    status = 500
    title = "模板套有误"
    internal = True


class UnknownTemplateSet(TemplateSetError):
    """No template set of that name is configured: the caller asked for the wrong one."""

    code = "unknown-template-set"
    status = 404
    title = "没有这个模板套"
    internal = False


class TemplateSet:
    """The templates of one set, compiled on first use and kept; missing kinds come from ``fallback``."""

    def __init__(self, folder: Path = DEFAULT_SET, name: str = "default", fallback: Optional["TemplateSet"] = None):
        self.folder = Path(folder)
        self.name = name
        self.fallback = fallback
        self._compiled: dict[str, CompiledTemplate] = {}
        self._lock = threading.Lock()

    def folders(self) -> list[Path]:
        """This set's folder, then its fall-backs'."""
        return [self.folder, *(self.fallback.folders() if self.fallback else [])]

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
        for kind in PACKAGE_KEYS:
            path = self.path(kind)
            digest.update(kind.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()


_default = TemplateSet()
_sets: dict[str, TemplateSet] = {}
_sets_lock = threading.Lock()


def default_set() -> TemplateSet:
    return _default


def template_set_folders(dirs: Optional[Sequence[Path]] = None) -> dict[str, Path]:
    """Every named set: the sub-folders of the folders ``dirs`` (first wins).

    ``dirs``: the ``WENPING_TEMPLATE_DIRS`` setting; None: the process's settings."""
    if dirs is None:
        dirs = current_settings().template_dirs
    found: dict[str, Path] = {}
    for root in dirs:
        root_path = Path(root)
        if not root_path.is_dir():
            continue
        for folder in sorted(root_path.iterdir()):
            if folder.is_dir() and any(folder.glob("*.docx")) and folder.name not in found:
                found[folder.name] = folder
    return found


def resolve_template_set(name: Optional[str], dirs: Optional[Sequence[Path]] = None) -> TemplateSet:
    """The set called ``name`` (None or "default": the default set) found in ``dirs`` (see
    ``template_set_folders``), checked once and kept."""
    if not name or name == "default":
        return _default
    with _sets_lock:
        folders = template_set_folders(dirs)
        if name not in folders:
            available = "、".join(["default", *folders]) or "default"
            raise UnknownTemplateSet(f"没有名为「{name}」的模板套（可用：{available}）")
        key = str(folders[name])  # the same name in other folders is another set
        if key not in _sets:
            candidate = TemplateSet(folders[name], name, fallback=_default)
            check_set(candidate)
            _sets[key] = candidate
        return _sets[key]


def check_set(template_set: TemplateSet) -> None:
    """Refuse a set whose own templates break the contract, naming file and problem."""
    from service.render.contract import check_folder  # the checker compiles templates: import late

    unknown = sorted(p.stem for p in template_set.folder.glob("*.docx") if p.stem not in TEMPLATE_KEYS)
    problems = [f"{name}.docx：不是已知的文书类型（可用：{'、'.join(TEMPLATE_KEYS)}）" for name in unknown]
    for report in check_folder(template_set.folder, require_all=False):
        # 「plan.docx，段落「…」：…」 when the problem is at a paragraph, 「plan.docx：…」 otherwise.
        problems += [f"{report.path.name}{'，' if p.startswith('段落') else '：'}{p}" for p in report.problems]
    if problems:
        raise TemplateSetError(f"模板套「{template_set.name}」有问题，已拒绝使用：" + "；".join(problems))


def check_all_sets(dirs: Optional[Sequence[Path]] = None) -> list[str]:
    """Check every set in ``dirs`` (at service start); the problems found, one line per set."""
    errors = []
    for name in template_set_folders(dirs):
        try:
            resolve_template_set(name, dirs)
        except TemplateSetError as exc:
            errors.append(str(exc))
    return errors
