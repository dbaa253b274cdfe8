"""Validation of PERIOD.json: the period model, every case in it, and the rules that join them.

Takes the parsed PERIOD.json (its cases inline; ``resolve_case_files`` first
reads the cases given as paths, for the command line); gives a
``PeriodValidation`` with the typed ``PeriodReport``, each case's own
``service.checks.validation.Validation`` and every error and warning as ``Issue``
(``{path, message}``, Chinese). A case's problems keep the paths
``wenping validate`` gives them, prefixed with ``cases.N.`` (N from 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from pydantic import ValidationError

from service.checks.rules import Issue
from service.errors import InputReadError
from service.files import unreadable
from service.model.case import Case
from service.risk.profile import RiskProfile, active_profile
from service.checks.validation import (
    CaseReadError,
    Validation,
    issue_from_pydantic,
    path_of,
    read_json,
    shown_step,
    title_at,
    validate,
)
from service.model.period import MAX_PATH_CHARS, PeriodReport


class PeriodReadError(InputReadError):
    """A case file named in PERIOD.json cannot be read (missing, unreadable, not JSON)."""

    code = "unreadable-case-file"
    title = "案卷文件无法读取"

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}：{message}")
        self.path = path
        self.message = message


@dataclass
class PeriodValidation:
    period: Optional[PeriodReport]
    cases: list[Validation] = field(default_factory=list)  # one per case object, in order
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.period is not None and not self.errors and all(c.valid for c in self.cases)

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


# ------------------------------------------------------------- case files


def resolve_case_files(data: Any, base_dir: Path) -> Any:
    """PERIOD.json with each case given as a path replaced by that file's JSON.

    Paths are relative to ``base_dir`` (the folder of PERIOD.json); absolute
    paths are taken as they are. Raises ``PeriodReadError`` naming the entry.
    """
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        return data
    cases = []
    for i, entry in enumerate(data["cases"]):
        if isinstance(entry, str) and entry.strip():
            where = f"cases.{i}（{shown_step(entry)}）"
            if len(entry) > MAX_PATH_CHARS:
                raise PeriodReadError(where, f"案卷文件的路径过长：共 {len(entry)} 个字符，最多 {MAX_PATH_CHARS} 个")
            path = Path(base_dir) / entry
            try:
                entry = read_json(path.read_bytes())
            except OSError as exc:
                raise PeriodReadError(where, unreadable(path, exc, "案卷文件")) from None
            except CaseReadError as exc:
                raise PeriodReadError(where, f"案卷文件 {path}：{exc}") from None
        cases.append(entry)
    return {**data, "cases": cases}


# ---------------------------------------------------------- error messages

# service.checks.validation.issue_from_pydantic words every message; it finds a field's title by walking
# the Case model. It is asked about a stand-in Case field whose title is known, and that
# title is then replaced by the period field's own.
_STAND_IN = ("matter", "name")
_STAND_IN_LABEL = "「事项名称」"


def translate(err: dict) -> Issue:
    """A pydantic error of the period model as an ``Issue``, worded like the case's own errors."""
    loc = tuple(err["loc"])
    path = path_of(loc)
    label = title_at(loc, PeriodReport)
    named = f"「{label}」" if label else ""
    if err["type"].startswith("period_"):
        return Issue(path, f"{named}{err['msg']}")
    if err["type"] == "extra_forbidden":  # names the field itself, no title
        return Issue(path, issue_from_pydantic(err).message)
    message = issue_from_pydantic({**err, "loc": _STAND_IN}).message
    return Issue(path, message.replace(_STAND_IN_LABEL, named, 1))


# ------------------------------------------------------------- validation

# A period report sums up filed matters: a case still in progress (docs/case.md "Step by step") has no
# risks, report or filing to count yet.
FILED_PARTS = ("risks", "report", "filing")


def unfiled_parts(case: Optional[Case]) -> Iterator[Issue]:
    for key in FILED_PARTS if case is not None else ():
        if getattr(case, key) is None:
            yield Issue(key, f"工作情况汇报只汇总已报备的事项：事项「{case.matter.name}」尚缺「{title_at((key,))}」")



def _prefixed(issues: list[Issue], i: int) -> list[Issue]:
    return [Issue(f"cases.{i}.{x.path}" if x.path else f"cases.{i}", x.message) for x in issues]


def validate_period(data: Any, profile: Optional[RiskProfile] = None) -> PeriodValidation:
    """Validate PERIOD.json (cases inline) and every case in it; names every problem at once."""
    profile = profile or active_profile()
    result = PeriodValidation(period=None)
    try:
        result.period = PeriodReport.model_validate(data)
    except ValidationError as exc:
        result.errors += [translate(e) for e in exc.errors()]
    entries = data.get("cases") if isinstance(data, dict) else None
    indexed: list[tuple[int, Validation]] = []
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, str) and entry.strip():
            result.errors.append(
                Issue(f"cases.{i}", f"「{shown_step(entry)}」是文件路径：通过接口提交时，案卷须直接写在 cases 中（文件路径只能在命令行使用）")
            )
        elif isinstance(entry, dict):
            checked = validate(entry, profile)
            result.cases.append(checked)
            indexed.append((i, checked))
            result.errors += _prefixed(checked.errors, i)
            result.warnings += _prefixed(checked.warnings, i)
            result.errors += _prefixed(list(unfiled_parts(checked.case)), i)
    if result.period is not None and indexed and all(c.valid for _, c in indexed) and len(indexed) == len(entries):
        errors, warnings = cross_checks(result.period, [(i, c.case) for i, c in indexed])
        result.errors += errors
        result.warnings += warnings
    return result


def cross_checks(period: PeriodReport, cases: list[tuple[int, Case]]) -> tuple[list[Issue], list[Issue]]:
    """The rules joining the period and its cases (run once both are sound)."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    start, end, issued = period.period.start, period.period.end, period.issued_on
    if end < start:
        errors.append(Issue("period.end", f"结束日期({end.isoformat()})早于开始日期({start.isoformat()})"))
    if issued < start:
        errors.append(Issue("issued_on", f"成文日期({issued.isoformat()})早于汇报期间开始日期({start.isoformat()})"))
    seen: dict[str, int] = {}
    for i, case in cases:
        if case.case_id in seen:
            errors.append(
                Issue(f"cases.{i}.case_id", f"案卷编号「{case.case_id}」重复（与第{seen[case.case_id] + 1}个案卷相同）")
            )
        seen.setdefault(case.case_id, i)
        if case.filing is None:  # reported by unfiled_parts
            continue
        filed = case.filing.filed_on
        if filed > issued:
            errors.append(
                Issue(
                    "issued_on",
                    f"成文日期({issued.isoformat()})早于事项「{case.matter.name}」的报备日期({filed.isoformat()})，应先报备后汇报",
                )
            )
        if end >= start and not start <= filed <= end:
            warnings.append(
                Issue(
                    f"cases.{i}.filing.filed_on",
                    f"事项「{case.matter.name}」的报备日期({filed.isoformat()})不在汇报期间"
                    f"({start.isoformat()}至{end.isoformat()})内",
                )
            )
    for key in period.progress:
        if key not in seen:
            errors.append(
                Issue(f"progress.{key}", f"没有案卷编号为「{key}」的事项（本汇报的案卷：{'、'.join(seen)}）")
            )
    return errors, warnings
