"""The Jinja environment templates run in: sandboxed, strict, escaping, time-limited.

A template can name only what its context provides (StrictUndefined makes a
missing name an error, never a blank), cannot reach Python internals or files
(sandbox, no loader), every value it prints is XML-escaped so user text is data
and never markup, and it cannot run for ever: loops, calls and attribute
loop steps check a per-render deadline, and ``range`` and ``*`` are bounded.
"""

from __future__ import annotations

import operator
import re
from typing import Any

from jinja2 import FunctionLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from service.context.fmt import cn_date, joined
from service.render.deadline import RenderTimeout, check_deadline, end_deadline, render_timeout, start_deadline
from service.render.markdown_docx import as_paragraphs

# The deadline lives in service.render.deadline (markdown_docx checks it too); the engine takes it from here.
__all__ = [
    "DocumentSandbox",
    "RenderTimeout",
    "check_deadline",
    "end_deadline",
    "make_environment",
    "render_timeout",
    "start_deadline",
]

_WIDTHS = re.compile(r"%[-+ #0]*(\d+)")
MAX_RANGE = 10_000
MAX_REPEAT = 100_000  # characters or items a "*" may produce

def bounded_range(*args: int):
    """``range`` for templates: at most MAX_RANGE items, checking the deadline as it goes."""
    span = range(*args)
    if len(span) > MAX_RANGE:
        raise SecurityError(f"range() 最多 {MAX_RANGE} 项，模板要求 {len(span)} 项")
    for value in span:
        check_deadline()
        yield value


def join_cn(items, sep: str = "、") -> str:
    return joined((str(i) for i in items), sep)


# Filters a clerk can read in a template (documented in doc_templates/README.md, 「过滤器」).
CN_ORDINALS = "一二三四五六七八九十"


def cn_ordinal(number: int) -> str:
    """1 → 一 … 10 → 十; beyond ten (or below one) the number itself: 「（十一）」 is not what a clerk writes."""
    return CN_ORDINALS[number - 1] if 1 <= number <= len(CN_ORDINALS) else str(number)


def names(value: Any, sep: str = "、") -> str:
    """People or bodies by name: a list of them joined with 、, one of them, or nothing (None → "")."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return sep.join(_name_of(item) for item in value)
    return _name_of(value)


def _name_of(item: Any) -> str:
    text = getattr(item, "text", None)
    return str(item if text is None else text)


def otherwise(value: Any, fallback: Any = "") -> Any:
    """``value``, or ``fallback`` when it is missing: None, empty text or an empty list (0 is a value)."""
    if value is None or (not isinstance(value, (int, float)) and not value):
        return fallback
    return value


DOCUMENTED_FILTERS = ("cn_ordinal", "names", "otherwise", "join_cn", "length", "cn_date")


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus a deadline on every call and loop step, and bounded repetition."""

    intercepted_binops = frozenset(["*", "**", "%"])
    # Attributes that format or pad to a width the template chooses.
    unsafe_attributes = frozenset(["format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs"])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in self.unsafe_attributes:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator_name: str, left: Any, right: Any) -> Any:
        check_deadline()
        if operator_name == "%":
            if isinstance(left, str) and any(int(w) > MAX_REPEAT for w in _WIDTHS.findall(left)):
                raise SecurityError("模板中的格式宽度过大")
            return operator.mod(left, right)
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError("模板中的乘方过大")
            return operator.pow(left, right)
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                raise SecurityError("模板中的重复（*）过大")
        return operator.mul(left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        check_deadline()
        for value in (*args, *kwargs.values()):
            # A width or count this large (str.ljust(10**9), …) can only be an attack.
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_REPEAT:
                raise SecurityError(f"模板调用的参数过大（{value}）")
        return super().call(__context, __obj, *args, **kwargs)


def _blank_if_missing(value: Any) -> Any:
    """An optional field the case leaves out prints as nothing, never as "None": {{ s.tasks }} is enough."""
    return "" if value is None else value


def make_environment() -> DocumentSandbox:
    env = DocumentSandbox(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_blank_if_missing,
        loader=FunctionLoader(lambda name: None),  # include/import/extends find nothing: no file is read
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals["range"] = bounded_range
    env.globals.pop("lipsum", None)  # generates text in loops the deadline cannot see
    # Filters that pad or format to a width the template chooses could allocate without bound.
    for name in ("center", "format", "indent", "wordwrap", "pprint", "urlize", "xmlattr"):
        env.filters.pop(name, None)
    env.filters.update(paragraphs=as_paragraphs, cn_date=cn_date, join_cn=join_cn)
    env.filters.update(cn_ordinal=cn_ordinal, names=names, otherwise=otherwise)
    return env
