"""Field types shared by the case models.

Each type validates strictly and reports problems in Chinese through
``PydanticCustomError`` so that the message reaches the clerk unchanged.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

# Characters XML 1.0 cannot carry (a .docx could not be written with them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MIN_YEAR, MAX_YEAR = 1980, 2099  # the years a document (and a zip timestamp) can carry


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
    return value


Text = Annotated[str, BeforeValidator(_check_text)]
"""Free text: any characters a document can hold, kept verbatim."""

Name = Annotated[str, BeforeValidator(_check_not_blank), BeforeValidator(_check_text)]
"""A required, non-blank piece of text (a name, a title)."""

Markdown = Annotated[
    str,
    BeforeValidator(_check_text),
    Field(description="叙述性文字，可使用 Markdown：空行分段，`-` 或 `1.` 列表，`**加粗**`，`*倾斜*`。"),
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

Count = Annotated[int, Field(ge=0)]
"""A non-negative whole number (people, households, questionnaires)."""

Amount = Annotated[
    float,
    PlainValidator(_check_number),
    PlainSerializer(lambda v: v),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
"""A non-negative number kept as given (2680 stays 2680, not 2680.0)."""
