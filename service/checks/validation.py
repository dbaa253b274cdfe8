"""Validation: raw case JSON in, a ``Validation`` out.

Takes the bytes or parsed JSON of a case; gives the typed ``Case`` (when its
structure is right), every error and warning as ``{path, message}`` in
Chinese, and the risk ``Assessment`` whenever the risks can be scored. This
is what ``wenping validate``, the API and the form all report.
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from pydantic import BaseModel, TypeAdapter, ValidationError

from service.checks.fonts import uncovered_characters
from service.checks.rules import Issue, check_case
from service.errors import InputReadError
from service.model.case import Case, Risk
from service.model.upgrade import upgrade
from service.risk.engine import Assessment, WeightError, assess
from service.risk.profile import RiskProfile, active_profile
from service.workbook.read import WorkbookCase, is_workbook, read_workbook


class CaseReadError(InputReadError):
    """The input is not a readable JSON document (bad encoding or syntax)."""

    code = "unreadable-json"
    title = "案卷无法读取"


@dataclass
class Validation:
    case: Optional[Case]
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    assessment: Optional[Assessment] = None

    @property
    def valid(self) -> bool:
        return self.case is not None and not self.errors

    def as_dict(self) -> dict:
        """The ``wenping validate --json`` shape."""
        return {
            "valid": self.valid,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "risk": self.assessment.summary() if self.assessment else None,
        }


MAX_INTEGER_DIGITS = 100  # far above any count or amount of a case (they stop at 10 digits)


def read_json(raw: bytes | str) -> Any:
    """Parse JSON text, raising ``CaseReadError`` with a Chinese reason.

    Refused as well, naming where they are: a key written twice in one object (JSON
    readers keep only the last value: the first would be silently lost), and an
    integer of more than ``MAX_INTEGER_DIGITS`` digits (no case holds one, and
    Python refuses to read one of over 4300 digits).
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CaseReadError(f"文件不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节无法识别）") from None
    marks = _Marks()
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_int=marks.integer, object_pairs_hook=marks.object)
    except json.JSONDecodeError as exc:
        raise CaseReadError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）") from None
    except RecursionError:
        raise CaseReadError("JSON 嵌套层次过深，无法读取") from None
    if marks.found:
        _refuse_marked(data)
    return data


def _no_constant(name: str):
    raise CaseReadError(f"JSON 中不能使用 {name}（不是有效的数字）")


class _DuplicateKeys(dict):
    """An object of the document that wrote ``key`` twice (found by its path once parsing is done)."""

    def __init__(self, pairs: list, key: str):
        super().__init__(pairs)
        self.duplicate = key


class _LongInteger(str):
    """The digits of an integer too long to read."""


class _Marks:
    """Parser hooks that mark what cannot be accepted; the marks are looked for only when one was made."""

    def __init__(self) -> None:
        self.found = False

    def object(self, pairs: list) -> dict:
        data = dict(pairs)
        if len(data) == len(pairs):
            return data
        seen: set = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))
        self.found = True
        return _DuplicateKeys(pairs, duplicate)

    def integer(self, digits: str) -> Any:
        if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
            self.found = True
            return _LongInteger(digits)
        return int(digits)


def _refuse_marked(data: Any) -> None:
    """Raise ``CaseReadError`` for the first marked value, in document order, naming its path."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        where = ".".join(shown_step(p) for p in path) or "最外层"
        if isinstance(value, _DuplicateKeys):
            key = ".".join(shown_step(p) for p in (*path, value.duplicate))
            raise CaseReadError(
                f"键「{key}」在「{where}」对象中出现了不止一次："
                "同一对象中的键不能重复（否则前面的值会被悄悄丢弃），请只保留一个"
            )
        if isinstance(value, _LongInteger):
            raise CaseReadError(
                f"「{where}」的整数有 {len(value.lstrip('-'))} 位，过长（最多 {MAX_INTEGER_DIGITS} 位），请核对这个数字"
            )
        if isinstance(value, dict):
            stack += [((*path, k), v) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [((*path, i), v) for i, v in reversed(list(enumerate(value)))]


def read_case_bytes(raw: bytes) -> Any:
    """A case file's data: a workbook (.xlsx, known by its zip signature) or JSON text.

    Raises ``CaseReadError`` / ``WorkbookReadError`` (unreadable) or ``WorkbookInvalid`` (sheets that
    do not fit together, each problem at its cell).
    """
    return read_workbook(raw) if is_workbook(raw) else read_json(raw)


def validate(data: Any, profile: Optional[RiskProfile] = None) -> Validation:
    """Validate parsed case data against the model, the rules and the risk engine.

    Data read from a workbook (``WorkbookCase``) gets the cell of each error and warning as well.
    """
    result = _validate(data, profile or active_profile())
    if isinstance(data, WorkbookCase):
        result.errors = [replace(e, cell=data.cells.locate(e.path)) for e in result.errors]
        result.warnings = [replace(w, cell=data.cells.locate(w.path)) for w in result.warnings]
    return result


def _validate(data: Any, profile: RiskProfile) -> Validation:
    data, notes = upgrade(data)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        return Validation(
            case=None,
            errors=[issue_from_pydantic(err) for err in exc.errors()],
            assessment=_assess_risks_alone(data, profile),
        )
    assessment, weight_error = None, None
    try:
        if case.risks:  # scored from the step the risks are identified
            assessment = assess(case.risks, profile, case.report.assessed_level if case.report else None)
    except WeightError as exc:
        weight_error = exc
    errors, warnings = check_case(case, assessment, weight_error)
    warnings += uncovered_characters(case)
    warnings = [Issue(n.path, n.message) for n in notes] + warnings
    return Validation(case, errors, warnings, assessment)


_RISKS = TypeAdapter(list[Risk])


def _assess_risks_alone(data: Any, profile: RiskProfile) -> Optional[Assessment]:
    """Score the risks of a case whose other parts are broken, when they themselves are sound."""
    try:
        risks = _RISKS.validate_python(data.get("risks"))
        level = (data.get("report") or {}).get("assessed_level")
        return assess(risks, profile, level if level in {s.name for s in profile.level} else None) if risks else None
    except (AttributeError, ValidationError, WeightError, TypeError):
        return None


# ------------------------------------------------------- error messages

_TYPE_NAMES = {
    "string_type": "文字",
    "int_type": "整数",
    "float_type": "数字",
    "bool_type": "true 或 false（表格中为「是」或「否」）",
    "list_type": "列表（[…]）",
    "dict_type": "对象（{…}）",
    "model_type": "对象（{…}）",
    "model_attributes_type": "对象（{…}）",
}


SHOWN_CHARS = 40  # how much of an offending value or key a message quotes


def _show(value: Any) -> str:
    """The value as a message quotes it: at most SHOWN_CHARS characters, never an error itself."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        return "一个数千位的整数"  # str() of over 4300 digits is refused: only Python code hands one over
    if isinstance(value, str):
        text = value[: SHOWN_CHARS + 1]
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = type(value).__name__
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def shown_step(step: Any) -> str:
    """A step of a path as messages and paths show it: a long key is cut short."""
    text = str(step)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _too_long(named: str, value: Any, ctx: dict) -> str:
    """A list, object or text over its limit (docs/case.md, "Limits")."""
    limit, actual = ctx.get("max_length"), ctx.get("actual_length")
    if isinstance(value, str):
        return f"{named}「{_show(value)}」过长：共 {len(value)} 个字符，最多 {limit} 个字符"
    if actual is None and isinstance(value, (list, dict)):
        actual = len(value)
    return f"{named}项数过多：共 {actual} 项，最多 {limit} 项"


def path_of(loc: tuple) -> str:
    """The dot-joined path of a pydantic error location, long keys cut short."""
    return ".".join(shown_step(p) for p in loc)


def issue_from_pydantic(err: dict) -> Issue:
    loc = err["loc"]
    path = path_of(loc)
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    label = title_at(loc)
    named = f"「{label}」" if label else ""
    if kind == "missing":
        message = f"缺少必填项{named}"
    elif kind == "extra_forbidden":
        message = f"未知字段「{shown_step(loc[-1])}」（值为 {_show(value)}），请检查拼写；本格式不接受未定义的字段"
    elif kind == "literal_error":
        allowed = "、".join(re.findall(r"'([^']*)'", ctx.get("expected", "")))
        message = f"{named}的取值「{_show(value)}」无效，应为：{allowed}"
    elif kind in _TYPE_NAMES:
        shown = _show(value) if not isinstance(value, str) else _show(json.dumps(value[: SHOWN_CHARS + 1], ensure_ascii=False))
        message = f"{named}应为{_TYPE_NAMES[kind]}，实际为 {shown}"
    elif kind == "greater_than_equal":
        message = f"{named}的值({_show(value)})不能小于 {ctx.get('ge')}"
    elif kind == "less_than_equal":
        message = f"{named}的值({_show(value)})不能大于 {ctx.get('le')}"
    elif kind == "too_short":
        message = f"{named}至少需要 {ctx.get('min_length')} 项" + ("，每项风险至少要有一条防范化解措施" if loc[-1] == "measures" else "")
    elif kind in ("string_too_long", "too_long"):
        message = _too_long(named, value, ctx)
    elif kind == "string_too_short":
        message = f"{named}不能为空"
    elif kind == "string_pattern_mismatch" and loc == ("case_id",):
        message = f"案卷编号「{_show(value)}」只能包含字母、数字、- 和 _"
    elif kind == "string_pattern_mismatch":
        message = f"{named}「{_show(value)}」格式不对" + ("，应为 HH:MM，如 09:00" if "time" in str(loc[-1]) else "")
    elif kind == "value_error" or kind.startswith(("text_", "date_", "number_", "markdown_")):
        message = f"{named}：{err['msg']}" if named else err["msg"]
    else:
        message = f"{named}的值 {_show(value)} 不符合要求"
    return Issue(path, message)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated/list/dict to the type a path step enters."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def title_at(loc: tuple, root: type[BaseModel] = Case) -> str:
    """The Chinese field title at a path of ``root``, for messages (empty when unknown)."""
    current: Any = root
    title = ""
    for step in loc:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(step, str):
            info = current.model_fields.get(step)
            if info is None:
                return title
            title, current = info.title or step, info.annotation
        elif origin in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return title
    return title
