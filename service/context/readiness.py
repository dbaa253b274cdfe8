"""Readiness: which documents a case can make now, and what each of the others still lacks.

A 稳评 runs for weeks (docs/case.md, "Step by step"): the plan is issued first, a 纪要 follows each
meeting, the report comes when consultation is over, the 维稳方案 and the filing last. Each document
kind declares the parts of the case it needs (``DocumentKind.needs`` in the registry); a document is
ready as soon as the case holds them. The filing package is ready when every document of it is (the
纪要 are one per meeting recorded: a package may hold none) and its 目录 can be dated.

Takes a structurally valid ``Case``; gives ``{kind: {"ready", "missing"}, …, "package": {…}}`` with
dotted paths, the shape of ``wenping validate --json`` (``readiness``), the API and the form.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from service.checks.validation import title_at
from service.context.registry import FILING, INDEX, DocumentKind, kind as kind_of
from service.errors import WenpingError
from service.model.case import Case

PACKAGE = "package"  # the readiness entry of the whole filing package


class NotReady(WenpingError):
    """The case does not yet hold what the asked-for document or package needs; nothing was generated.

    ``missing`` are the dotted paths of the absent parts; the message names each with its Chinese title.
    """

    code = "not-ready"
    status = 422
    title = "案卷尚不完整，材料还不能生成"
    exit_code = 1

    def __init__(self, what: str, missing: Iterable[str]) -> None:
        self.missing = list(missing)
        super().__init__(f"{what}还不能生成，案卷尚缺：{describe(self.missing)}")

    def members(self) -> dict[str, Any]:
        return {
            "missing": self.missing,
            "errors": [{"path": path, "message": f"缺少「{title_of(path)}」"} for path in self.missing],
            "warnings": [],
        }


def title_of(path: str) -> str:
    """The Chinese title of a dotted case path (``consultation.meetings`` → 座谈会、听证会、论证会)."""
    return title_at(tuple(path.split("."))) or path


def describe(paths: Iterable[str]) -> str:
    """「risks（风险因素）、report（评估报告）」: each path with its title, for messages."""
    return "、".join(f"{path}（{title_of(path)}）" for path in paths)


def is_present(case: Case, path: str) -> bool:
    """Whether the case holds ``path``: given, and not an empty list."""
    value: Any = case
    for step in path.split("."):
        value = getattr(value, step, None)
        if value is None:
            return False
    return value != []


def missing_for(case: Case, kind: DocumentKind) -> list[str]:
    return [path for path in kind.needs if not is_present(case, path)]


def meetings_of(case: Case) -> list[int]:
    """The 1-based numbers of the meetings recorded: one 纪要 each."""
    return list(range(1, len(case.consultation.meetings) + 1)) if case.consultation else []


def package_missing(case: Case) -> list[str]:
    """What the full filing package lacks: the needs of every document that is always in it, and the 目录."""
    kinds = [k for k in FILING if not k.per_meeting] + [INDEX]
    return _unique(path for k in kinds for path in missing_for(case, k))


def readiness(case: Case) -> dict[str, dict]:
    """Per filing document kind ``{"ready", "missing"}`` (the 纪要 also list their ``meetings``), and ``package``."""
    result: dict[str, dict] = {}
    for k in FILING:
        missing = missing_for(case, k)
        entry: dict[str, Any] = {"ready": not missing, "missing": missing}
        if k.per_meeting:
            entry["meetings"] = meetings_of(case)
        result[k.key] = entry
    missing = package_missing(case)
    result[PACKAGE] = {"ready": not missing, "missing": missing}
    return result


def ready_kinds(case: Case) -> set[str]:
    return {k.key for k in FILING if not missing_for(case, k)}


def require_ready(case: Case, only: Optional[set[str]]) -> None:
    """Raise ``NotReady`` when the asked-for documents (``only``) or the whole package (``None``) cannot be made."""
    if only is None:
        missing = package_missing(case)
        if missing:
            raise NotReady("报备材料包", missing)
        return
    for key in sorted(only, key=[k.key for k in FILING].index):
        kind = kind_of(key)
        missing = missing_for(case, kind)
        if missing:
            raise NotReady(kind.name, missing)


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def validation_with_readiness(result: Any) -> dict:
    """The ``wenping validate --json`` shape (a ``Validation``'s) with ``readiness`` (None when unreadable as a case)."""
    return {**result.as_dict(), "readiness": readiness(result.case) if result.case is not None else None}
