"""The batch's inputs: expand files, folders and patterns into case files, read them, plan output names."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from service.batch.errors import BatchError
from service.context.documents import cut_utf8, safe_file_name, visible


CASE_SUFFIXES = (".json", ".xlsx")  # a case as JSON or as the clerk's workbook


def expand_inputs(inputs: Iterable[str | os.PathLike], skip: Iterable[Path] = ()) -> list[Path]:
    """Case files from files, folders (direct ``*.json`` and ``*.xlsx`` children) and glob patterns.

    A pattern (``*``, ``?``, ``[…]``; ``**`` recurses) is expanded here, sorted, and each
    match taken as if it had been named, so quoting it changes nothing. Inputs keep
    their order; a file named twice is kept where it first appears. ``skip``: files
    never to take (the batch's own reports). An input naming no case raises ``BatchError``.
    """
    skipped = {p.resolve() for p in skip}
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in inputs:
        text = os.fspath(raw)
        path = Path(text)
        if path.is_dir():
            names = _folder_cases(path, skipped)
            if not names:
                raise BatchError(f"文件夹 {text} 中没有案卷文件（*.json 或 *.xlsx）")
        elif path.is_file():
            names = [path]
        elif glob.has_magic(text):
            names = []
            for match in sorted(glob.glob(text, recursive=True)):
                match_path = Path(match)
                if match_path.is_dir():
                    names += _folder_cases(match_path, skipped)
                elif match_path.is_file() and match_path.resolve() not in skipped:
                    names.append(match_path)
            if not names:
                raise BatchError(f"没有与 {text} 匹配的案卷文件")
        elif path.exists():
            raise BatchError(f"{text} 不是普通文件或文件夹")
        else:
            raise BatchError(f"文件或文件夹 {text} 不存在")
        for name in names:
            key = name.resolve()
            if key not in seen:
                seen.add(key)
                found.append(name)
    return found


def _folder_cases(folder: Path, skipped: set[Path]) -> list[Path]:
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        raise BatchError(f"无法读取文件夹 {folder}（{exc.strerror or exc}）") from exc
    return [
        p for p in children
        if p.suffix.lower() in CASE_SUFFIXES and not p.name.startswith(".") and p.is_file() and p.resolve() not in skipped
    ]


@dataclass
class CaseInput:
    index: int
    path: Path
    case_id: Optional[str] = None
    input_sha256: Optional[str] = None
    suffix: str = ""  # added to the output name when case ids collide
    problem: Optional[str] = None  # unreadable: the reason

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def state_key(self) -> str:
        return str(self.path.resolve())

    def suffix_note(self) -> str:
        return f"案卷编号与其他输入文件重复，输出文件名加了「_{self.suffix}」" if self.suffix else ""


def input_digest(data: Any) -> str:
    """The SHA-256 a re-run compares: of the normalised case (what the manifest records as
    ``input_sha256``), so that the same case as JSON or as a workbook, or saved again unchanged,
    is the same input; of the data's canonical JSON when it is not a valid case."""
    from pydantic import ValidationError

    from service.model.case import Case
    from service.package.archive import canonical_case_json

    try:
        body = canonical_case_json(Case.model_validate(data).model_dump(mode="json", exclude_none=True))
    except ValidationError:
        body = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def read_input(item: CaseInput) -> None:
    from service.checks.validation import read_case_bytes
    from service.errors import InputReadError, InvalidInput

    try:
        raw = item.path.read_bytes()
    except OSError as exc:
        item.problem = os_problem(item.path, exc)
        return
    item.input_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        data = read_case_bytes(raw)
    except InputReadError as exc:
        item.problem = str(exc)
        return
    except InvalidInput:  # a workbook whose sheets do not fit: the worker lists each problem at its cell
        return
    item.input_sha256 = input_digest(data)
    if isinstance(data, dict) and isinstance(data.get("case_id"), str):
        item.case_id = data["case_id"]


def os_problem(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"文件 {path} 不存在"
    if isinstance(exc, PermissionError):
        return f"没有读取文件 {path} 的权限"
    return f"无法读取文件 {path}（{exc.strerror or exc}）"


def plan_names(items: list[CaseInput]) -> list[str]:
    """Give every input whose case id another input shares a suffix: its file stem.

    Deterministic (input order only); all inputs of a shared id get a suffix, so
    none of them passes for "the" package of that id. Returns notes for the user.
    """
    groups: dict[str, list[CaseInput]] = {}
    for item in items:
        if item.problem is None and item.case_id:
            groups.setdefault(item.case_id, []).append(item)
    notes = []
    used: set[str] = set()
    for case_id, members in groups.items():
        if len(members) < 2:
            continue
        for item in members:
            base = _safe_suffix(item.path.stem)
            suffix, n = base, 1
            while (case_id, suffix) in used:
                n += 1
                suffix = f"{base}_{n}"
            used.add((case_id, suffix))
            item.suffix = suffix
        files = "、".join(m.label for m in members)
        notes.append(f"案卷编号 {case_id} 重复（{files}），输出文件名后加上了各自的文件名以示区分")
    return notes


#: A suffix is cut to this many UTF-8 bytes, so that it fits in an output name (see ``output_name``).
MAX_SUFFIX_BYTES = 60


def _safe_suffix(stem: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in visible(stem)).strip("._")
    return cut_utf8(cleaned, MAX_SUFFIX_BYTES).rstrip("._") or "case"


def output_name(file_name: str, suffix: str) -> str:
    """``X_稳评报备材料.zip`` → ``X_稳评报备材料_<suffix>.zip`` (unchanged without a suffix).

    Made by ``safe_file_name``: at most 200 UTF-8 bytes, the stem cut, the suffix kept (it is
    what tells two packages of one case id apart).
    """
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        stem, ext = file_name, ""
    tail = (f"_{suffix}" if suffix else "") + (f".{ext}" if ext else "")
    return safe_file_name(stem, tail)
