"""The Jinja environment templates run in: sandboxed, strict, escaping.

A template can name only what its context provides (StrictUndefined makes a
missing name an error, never a blank), cannot reach Python internals
(SandboxedEnvironment), and every value it prints is XML-escaped, so user
text is data and never markup.
"""

from __future__ import annotations

from datetime import date

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .markdown_docx import as_paragraphs


def cn_date(value) -> str:
    """2026-04-10 → 2026年4月10日 (Arabic numerals, no leading zeros)."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def join_cn(items, sep: str = "、") -> str:
    return sep.join(str(i) for i in items)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(paragraphs=as_paragraphs, cn_date=cn_date, join_cn=join_cn)
    return env
