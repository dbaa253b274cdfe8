"""The field tables of ``docs/``, generated from the models (the models are the contract).

Takes a model (``Case``, ``PeriodReport``); gives one Markdown table per part of
it: each field's path, Chinese title, type, whether it is required, description
and constraints. ``python -m service.model.docs`` rewrites the tables between the
``<!-- fields:NAME:start -->`` / ``<!-- fields:NAME:end -->`` markers of
``docs/case.md`` and ``docs/period.md`` (``make schema`` runs it); ``--check``
only reports stale files, as the test does.

Types and constraints come from the model's JSON Schema (what
``schemas/*.json`` say); what the schema cannot say (Markdown text, text that
must not be blank) is read from the field's validators.
"""

from __future__ import annotations

import argparse
import json
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from service.model.case import Case
from service.model.period import CASE_PLACEHOLDER, PeriodReport
from service.model.types import MAX_YEAR, MIN_YEAR, Clock, Markdown, Name

DOCS = Path(__file__).resolve().parents[2] / "docs"

# The validator objects that mark the Markdown and Name types (pydantic keeps them on every field of that type).
_MARKDOWN_MARK = typing.get_args(Markdown)[1]
_NOT_BLANK_MARK = typing.get_args(Name)[1]
_CLOCK_PATTERN = TypeAdapter(Clock).json_schema()["pattern"]


@dataclass(frozen=True)
class FieldRow:
    path: str
    title: str
    type: str
    required: bool
    description: str
    constraints: str


@dataclass(frozen=True)
class Target:
    """A generated block: the marker name, the file holding it and the model it documents."""

    name: str
    file: Path
    model: type[BaseModel]


TARGETS = (
    Target("case", DOCS / "case.md", Case),
    Target("period", DOCS / "period.md", PeriodReport),
)


# ------------------------------------------------------------------ walking the model


def _annotations(annotation: Any) -> Iterator[Any]:
    """The annotation and every type nested in it (Optional, list, dict, Annotated)."""
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _annotations(arg)


def _markers(info: FieldInfo) -> list[Any]:
    """Every metadata object of the field, also those inside Optional[...] and list[...]."""
    found = list(info.metadata)
    for annotation in _annotations(info.annotation):
        if typing.get_origin(annotation) is typing.Annotated:
            found += annotation.__metadata__
    return found


def _nested_model(info: FieldInfo) -> Optional[type[BaseModel]]:
    for annotation in _annotations(info.annotation):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
    return None


def _is_list(info: FieldInfo) -> bool:
    return any(typing.get_origin(a) is list for a in _annotations(info.annotation))


def _without_null(schema: dict) -> dict:
    branches = schema.get("anyOf")
    if branches and any(b.get("type") == "null" for b in branches):
        rest = [b for b in branches if b.get("type") != "null"]
        merged = {k: v for k, v in schema.items() if k != "anyOf"}
        if len(rest) == 1:
            return {**rest[0], **merged}
        return {**merged, "anyOf": rest}
    return schema


class _Schema:
    """The model's JSON Schema, with its ``$defs`` to resolve references."""

    def __init__(self, model: type[BaseModel]):
        self.root = model.model_json_schema(mode="validation")
        self.defs = self.root.get("$defs", {})

    def of(self, model: type[BaseModel]) -> dict:
        return self.root if model.__name__ not in self.defs else self.defs[model.__name__]

    def resolve(self, schema: dict) -> dict:
        ref = schema.get("$ref")
        return self.defs[ref.rsplit("/", 1)[-1]] if ref else schema


def _type_label(schema: dict, markdown: bool) -> str:
    schema = _without_null(schema)
    if schema.get(CASE_PLACEHOLDER):
        return "案卷（对象，格式见 [case.md](case.md)）"
    if "anyOf" in schema:
        return " 或 ".join(_branch_label(branch, markdown) for branch in schema["anyOf"])
    if "$ref" in schema:
        return "对象"
    if "enum" in schema or "const" in schema:
        return "文字（固定取值）"
    kind = schema.get("type")
    if kind == "array":
        return f"列表，每项为{_type_label(schema.get('items', {}), markdown)}"
    if kind == "object":
        values = schema.get("additionalProperties")
        return f"对象：键为文字，值为{_type_label(values, False)}" if isinstance(values, dict) else "对象"
    if kind == "string" and schema.get("format") == "date":
        return "日期"
    if kind == "string" and schema.get("pattern") == _CLOCK_PATTERN:
        return "时刻（HH:MM，24 小时制）"
    if kind == "string":
        return "Markdown 文字" if markdown else "文字"
    return {"integer": "整数", "number": "数字", "boolean": "true 或 false"}.get(kind, str(kind))


def _branch_label(schema: dict, markdown: bool) -> str:
    label = _type_label(schema, markdown)
    return f"{label}（{schema['title']}）" if "title" in schema else label


def _constraints(schema: dict, info: FieldInfo, not_blank: bool) -> list[str]:
    schema = _without_null(schema)
    items = schema.get("items", {}) if schema.get("type") == "array" else {}
    values = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else {}
    out: list[str] = []
    if "const" in schema:
        out.append(f"只能为 `{schema['const']}`")
    for part in (schema, items):
        if "enum" in part:
            out.append("取值：" + "、".join(f"`{v}`" for v in part["enum"]))
    if "minItems" in schema:
        out.append(f"至少 {schema['minItems']} 项")
    for key in ("maxItems", "maxProperties"):
        if key in schema:
            out.append(f"最多 {schema[key]} 项")
    if "maxLength" in schema.get("propertyNames", {}):
        out.append(f"每个键最多 {schema['propertyNames']['maxLength']} 个字符")
    for part, prefix in ((schema, ""), (items, "每项"), (values, "每个值")):
        if part.get("format") == "date":
            out.append(f"{prefix}写作 YYYY-MM-DD，年份 {MIN_YEAR}—{MAX_YEAR}")
        elif "pattern" in part and part["pattern"] != _CLOCK_PATTERN:
            out.append(f"{prefix}须符合 `{part['pattern']}`")
        if "minLength" in part and "maxLength" in part:
            out.append(f"{prefix}{part['minLength']}—{part['maxLength']} 个字符")
        elif "maxLength" in part:
            out.append(f"{prefix}最多 {part['maxLength']} 个字符")
        if "x-markdown-max-items" in part:
            out.append(f"{prefix}列表最多 {part['x-markdown-max-items']} 项、嵌套最多 {part['x-markdown-max-depth']} 层")
        if "minimum" in part:
            out.append(f"{prefix} ≥ {part['minimum']}".strip())
        if "maximum" in part:
            out.append(f"{prefix} ≤ {part['maximum']}".strip())
    if not_blank:
        out.append("每项不能为空白" if items else "每个值不能为空白" if values else "不能为空白")
    default = info.get_default(call_default_factory=True)
    if not info.is_required() and default not in (None, [], {}):
        out.append(f"默认 `{str(default).lower() if isinstance(default, bool) else default}`")
    return out


def _examples(info: FieldInfo) -> str:
    if not info.examples:
        return ""
    shown = [ex if isinstance(ex, str) else json.dumps(ex, ensure_ascii=False) for ex in info.examples]
    return "例：" + "；".join(f"`{ex}`" for ex in shown)


def field_rows(model: type[BaseModel]) -> list[FieldRow]:
    """Every field of ``model`` and of the models inside it, depth first, by dot-joined path.

    A list's items are written ``name[]``; a model met a second time is not expanded
    again: its row points to the path where its fields are listed.
    """
    schema = _Schema(model)
    rows: list[FieldRow] = []
    expanded: dict[type[BaseModel], str] = {}

    def walk(current: type[BaseModel], prefix: str) -> None:
        properties = schema.of(current)["properties"]
        for name, info in current.model_fields.items():
            path = f"{prefix}{name}"
            markers = _markers(info)
            prop = properties[name]
            label = _type_label(prop, any(m is _MARKDOWN_MARK for m in markers))
            nested = _nested_model(info)
            if nested is not None and nested in expanded:
                label += f"，字段同 `{expanded[nested]}`"
            description = " ".join(part for part in (info.description or "", _examples(info)) if part)
            constraints = _constraints(prop, info, any(m is _NOT_BLANK_MARK for m in markers))
            rows.append(FieldRow(path, info.title or name, label, info.is_required(), description, "；".join(constraints)))
            if nested is not None and nested not in expanded:
                expanded[nested] = f"{path}[]" if _is_list(info) else path
                walk(nested, f"{path}[]." if _is_list(info) else f"{path}.")

    walk(model, "")
    return rows


# ------------------------------------------------------------------ Markdown


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[FieldRow]) -> list[str]:
    lines = ["| 路径 | 中文名 | 类型 | 必填 | 说明 | 约束与取值 |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = [f"`{row.path}`", row.title, row.type, "是" if row.required else "否", row.description, row.constraints]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def render_tables(model: type[BaseModel]) -> str:
    """The top-level fields in one table, then one table per top-level object or list of objects."""
    rows = field_rows(model)
    top = [r for r in rows if "." not in r.path]
    lines = ["### 顶层字段 / Top level", "", *_table(top)]
    for parent in top:
        below = [r for r in rows if r.path.startswith((f"{parent.path}.", f"{parent.path}[]."))]
        if below:
            lines += ["", f"### `{parent.path}` {parent.title}", "", *_table(below)]
    return "\n".join(lines) + "\n"


def _markers_of(name: str) -> tuple[str, str]:
    return f"<!-- fields:{name}:start -->", f"<!-- fields:{name}:end -->"


class MarkersMissing(ValueError):
    """The documentation file lacks the start/end markers of its generated block."""


def with_tables(text: str, target: Target) -> str:
    """``text`` with the block between the target's markers replaced by freshly generated tables."""
    start, end = _markers_of(target.name)
    head, found_start, rest = text.partition(start)
    body, found_end, tail = rest.partition(end)
    if not found_start or not found_end:
        raise MarkersMissing(f"{target.file}: markers {start} … {end} not found")
    note = "<!-- Generated from the models by `make schema` (python -m service.model.docs); do not edit by hand. -->"
    return f"{head}{start}\n{note}\n\n{render_tables(target.model)}\n{end}{tail}"


def stale_targets(targets: tuple[Target, ...] = TARGETS) -> list[Target]:
    return [t for t in targets if t.file.read_text("utf-8") != with_tables(t.file.read_text("utf-8"), t)]


def main(argv: Optional[list[str]] = None, targets: tuple[Target, ...] = TARGETS) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.model.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1), write nothing")
    args = parser.parse_args(argv)
    stale = stale_targets(targets)
    if args.check:
        for target in stale:
            print(f"docs/{target.file.name} is stale: run `make schema`", file=sys.stderr)
        return 1 if stale else 0
    for target in stale:
        target.file.write_text(with_tables(target.file.read_text("utf-8"), target), encoding="utf-8")
        print(f"rewrote the field tables of docs/{target.file.name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
