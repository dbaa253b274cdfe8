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
from dataclasses import dataclass, field
from typing import Any, Optional

from pydantic import BaseModel, TypeAdapter, ValidationError

from service.checks.fonts import uncovered_characters
from service.checks.rules import Issue, check_case
from service.errors import InputReadError
from service.model.case import Case, Risk
from service.risk.engine import Assessment, WeightError, assess
from service.risk.profile import RiskProfile, active_profile


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


def read_json(raw: bytes | str) -> Any:
    """Parse JSON text, raising ``CaseReadError`` with a Chinese reason."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CaseReadError(f"文件不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节无法识别）") from None
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CaseReadError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）") from None
    except RecursionError:
        raise CaseReadError("JSON 嵌套层次过深，无法读取") from None


def _no_constant(name: str):
    raise CaseReadError(f"JSON 中不能使用 {name}（不是有效的数字）")


def validate(data: Any, profile: Optional[RiskProfile] = None) -> Validation:
    """Validate parsed case JSON against the model, the rules and the risk engine."""
    profile = profile or active_profile()
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
        assessment = assess(case.risks, profile, case.report.assessed_level)
    except WeightError as exc:
        weight_error = exc
    errors, warnings = check_case(case, assessment, weight_error)
    warnings += uncovered_characters(case)
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
    "bool_type": "true 或 false",
    "list_type": "列表（[…]）",
    "dict_type": "对象（{…}）",
    "model_type": "对象（{…}）",
    "model_attributes_type": "对象（{…}）",
}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:40] + "…"


def issue_from_pydantic(err: dict) -> Issue:
    loc = err["loc"]
    path = ".".join(str(p) for p in loc)
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    label = title_at(loc)
    named = f"「{label}」" if label else ""
    if kind == "missing":
        message = f"缺少必填项{named}"
    elif kind == "extra_forbidden":
        message = f"未知字段「{loc[-1]}」（值为 {_show(value)}），请检查拼写；本格式不接受未定义的字段"
    elif kind == "literal_error":
        allowed = "、".join(re.findall(r"'([^']*)'", ctx.get("expected", "")))
        message = f"{named}的取值「{_show(value)}」无效，应为：{allowed}"
    elif kind in _TYPE_NAMES:
        shown = json.dumps(value, ensure_ascii=False)
        message = f"{named}应为{_TYPE_NAMES[kind]}，实际为 {shown if len(shown) <= 40 else shown[:40] + '…'}"
    elif kind == "greater_than_equal":
        message = f"{named}的值({_show(value)})不能小于 {ctx.get('ge')}"
    elif kind == "less_than_equal":
        message = f"{named}的值({_show(value)})不能大于 {ctx.get('le')}"
    elif kind == "too_short":
        message = f"{named}至少需要 {ctx.get('min_length')} 项" + ("，每项风险至少要有一条防范化解措施" if loc[-1] == "measures" else "")
    elif kind == "string_too_long":
        message = f"{named}「{_show(value)}」过长，最多 {ctx.get('max_length')} 个字符"
    elif kind == "string_too_short":
        message = f"{named}不能为空"
    elif kind == "string_pattern_mismatch" and loc == ("case_id",):
        message = f"案卷编号「{_show(value)}」只能包含字母、数字、- 和 _"
    elif kind == "string_pattern_mismatch":
        message = f"{named}「{_show(value)}」格式不对" + ("，应为 HH:MM，如 09:00" if "time" in str(loc[-1]) else "")
    elif kind == "value_error" or kind.startswith(("text_", "date_", "number_")):
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
