"""Field types shared by the case models.

Each type validates strictly and reports problems in Chinese through
``PydanticCustomError`` so that the message reaches the clerk unchanged.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

# Characters XML 1.0 cannot carry (a .docx could not be written with them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MIN_YEAR, MAX_YEAR = 1980, 2099  # the years a document (and a zip timestamp) can carry

# Input limits (docs/case.md, "Limits"). Each is many times what a real case holds, and together they
# bound the work one request can cause: the Markdown → Word conversion grows faster than the text
# (a paragraph of many inline marks, a long list), so a narrative is bounded in length, list items
# and nesting; the lists of the case are bounded in count, numbers in size.
MARKDOWN_MAX_CHARS = 5_000  # a real town's whole work report is ~2,300 characters; 5,000 fill 8 pages
MARKDOWN_MAX_ITEMS = 300  # list items in one narrative
MARKDOWN_MAX_DEPTH = 4  # nesting of lists (4 spaces a level) and quote marks (>) in one narrative
TEXT_MAX_CHARS = 2_000  # one paragraph, a statement, a name: real ones hold tens to a few hundred
OPTION_MAX_CHARS = 200  # a questionnaire option
MAX_COUNT = 1_000_000_000  # people, households, questionnaires: 10⁹ (China has 1.4 × 10⁹ people)
MAX_AMOUNT = 1_000_000_000  # 万元: 10⁹ 万元 = 10¹³ yuan, far above any project a town decides


def _check_text(value: Any) -> Any:
    if isinstance(value, str):
        bad = _XML_INVALID.search(value)
        if bad:
            raise PydanticCustomError(
                "text_control_char",
                "文字中含有无法写入文档的控制字符(U+{code})，请删除后重试",
                {"code": f"{ord(bad.group()):04X}"},
            )
    return value


def _check_not_blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("text_blank", "不能为空")
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise PydanticCustomError(
            "date_format", "日期「{value}」格式不对，应写作 YYYY-MM-DD，如 2026-04-10", {"value": value}
        )
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_invalid", "日期「{value}」不存在，请核对年月日", {"value": value}
        ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PydanticCustomError(
            "date_range", "日期「{value}」的年份应在 {low} 至 {high} 年之间", {"value": value, "low": MIN_YEAR, "high": MAX_YEAR}
        )
    return day


def _check_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PydanticCustomError("number_type", "「{value}」不是数字", {"value": value})
    if value < 0:
        raise PydanticCustomError("number_negative", "数值({value})不能为负数", {"value": value})
    if value > MAX_AMOUNT:
        raise PydanticCustomError("number_too_large", "数值({value})不能大于 {limit}", {"value": value, "limit": MAX_AMOUNT})
    return value


_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]")
_QUOTES = re.compile(r"^[ \t]*((?:>[ \t]*)+)")


def _indent_levels(line: str) -> int:
    """Levels of indentation as Markdown counts them: 4 columns (or a tab) a level."""
    columns = 0
    for char in line:
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        else:
            break
    return columns // 4


def _check_markdown_shape(value: str) -> str:
    """At most MARKDOWN_MAX_ITEMS list items and MARKDOWN_MAX_DEPTH levels of nesting."""
    items = 0
    for number, line in enumerate(value.splitlines(), 1):
        quotes = _QUOTES.match(line)
        depth = quotes.group(1).count(">") if quotes else 0
        if _LIST_ITEM.match(line):
            items += 1
            depth += _indent_levels(line) + 1
        if depth > MARKDOWN_MAX_DEPTH:
            raise PydanticCustomError(
                "markdown_depth",
                "第 {line} 行嵌套 {depth} 层（列表缩进或引用符 >），最多 {limit} 层",
                {"line": number, "depth": depth, "limit": MARKDOWN_MAX_DEPTH},
            )
        if items > MARKDOWN_MAX_ITEMS:
            raise PydanticCustomError(
                "markdown_items",
                "列表项过多（到第 {line} 行已有 {items} 项），最多 {limit} 项",
                {"line": number, "items": items, "limit": MARKDOWN_MAX_ITEMS},
            )
    return value


Text = Annotated[str, BeforeValidator(_check_text), Field(max_length=TEXT_MAX_CHARS)]
"""Free text: any characters a document can hold, kept verbatim."""

Name = Annotated[
    str, BeforeValidator(_check_not_blank), BeforeValidator(_check_text), Field(max_length=TEXT_MAX_CHARS)
]
"""A required, non-blank piece of text (a name, a title)."""

OptionText = Annotated[str, Field(max_length=OPTION_MAX_CHARS)]
"""A questionnaire option (a key of ``answers``)."""

Markdown = Annotated[
    str,
    BeforeValidator(_check_text),
    Field(
        max_length=MARKDOWN_MAX_CHARS,
        description="叙述性文字，可使用 Markdown：空行分段，`-` 或 `1.` 列表，`**加粗**`，`*倾斜*`。",
        json_schema_extra={"x-markdown-max-items": MARKDOWN_MAX_ITEMS, "x-markdown-max-depth": MARKDOWN_MAX_DEPTH},
    ),
    AfterValidator(_check_markdown_shape),  # after the length check: it reads the text line by line
]

RequiredMarkdown = Annotated[Markdown, BeforeValidator(_check_not_blank)]
"""A narrative that must say something."""

IsoDate = Annotated[
    date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _ISO_DATE.pattern}),
]

Clock = Annotated[
    str,
    Field(pattern=_CLOCK.pattern, examples=["09:00"], description="24 小时制时刻，HH:MM"),
]

Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
"""A non-negative whole number (people, households, questionnaires)."""

Amount = Annotated[
    float,
    PlainValidator(_check_number),
    PlainSerializer(lambda v: v),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_AMOUNT}),
]
"""A non-negative number kept as given (2680 stays 2680, not 2680.0)."""
