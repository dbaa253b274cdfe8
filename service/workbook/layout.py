"""The workbook's layout, derived from the case model's JSON Schema (nothing here names a case field).

The walk over the schema decides, for every property:

- a scalar (text, Markdown, date, time, number, whole number, yes/no, enumeration) is a column (or,
  on a key/value sheet, a row) whose header is the field's title, prefixed by the titles of the nested
  objects it sits in (``主持人·姓名``); its description becomes the header's comment;
- a list of scalars is one cell holding one item per line;
- an object nested in an object is flattened into its owner's columns;
- a list of objects is a sheet of rows; a dictionary (e.g. the answers of a question) is a sheet of
  name/value rows. When such a sheet sits inside another sheet of rows, each row carries the key of
  the row it belongs to: the parent's ``id`` field when it has one (措施 carry 风险编号), else a
  ``序号`` column of the parent sheet (参会人员 carry 会议序号);
- each object of the case's top level is a key/value sheet (one row per field), the case's own
  scalars a first key/value sheet.

``SHEET_NAMES`` (names.py) only shortens sheet names and is optional: a new field gets a sheet or a
column on its own, titled from the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from service.model.schema import case_schema
from service.workbook.names import DICT_HEADERS, ROOT_SHEET, SHEET_NAMES

LABEL_JOIN = "·"
REQUIRED_MARK = "＊"
SEQUENCE_TITLE = "序号"
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})

# Column kinds: how a value is written and read back.
TEXT, MARKDOWN, DATE, CLOCK, WHOLE, NUMBER, YESNO, CHOICE, LINES = (
    "text", "markdown", "date", "clock", "whole", "number", "yesno", "choice", "lines",
)
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    """One value of an item: where it is in the item, how it is titled, typed and checked."""

    path: tuple[str, ...]  # within the row's item (or the key/value sheet's object)
    title: str  # the header, without the required mark
    description: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    const: Optional[str] = None
    max_length: Optional[int] = None
    refers_to: Optional[str] = None  # the top-level list (e.g. ``people``) whose item ids this value names

    @property
    def header(self) -> str:
        return self.title + (REQUIRED_MARK if self.required else "")

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass
class Sheet:
    """A sheet: key/value (one object), table (a list of objects) or entries (a dictionary).

    ``path`` is the field's path from its owner (the parent sheet's row item, or the case for a
    sheet without a parent); ``required`` whether that field must be there when its owner is.
    """

    name: str
    form: str  # "kv" | "table" | "entries"
    path: tuple[str, ...]
    title: str
    description: str
    required: bool
    parent: Optional["Sheet"] = None
    columns: list[Column] = field(default_factory=list)
    children: list["Sheet"] = field(default_factory=list)
    id_column: Optional[Column] = None  # a table's own key field (e.g. 编号), if the items have one
    objects: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # nested objects: (path, required)
    max_items: Optional[int] = None  # a table's most rows (the list's maxItems)

    @property
    def keyed(self) -> bool:
        """Rows of other sheets point at this sheet's rows."""
        return self.form == "table" and bool(self.children)

    @property
    def key_title(self) -> str:
        return self.id_column.title if self.id_column else SEQUENCE_TITLE

    @property
    def reference_title(self) -> Optional[str]:
        """The header of the column that names the parent row, when the parent is a sheet of rows."""
        if self.parent is None or self.parent.form != "table":
            return None
        return f"{self.parent.name}{self.parent.key_title}"

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Layout:
    sheets: list[Sheet]  # in workbook order

    def by_name(self) -> dict[str, Sheet]:
        return {s.name: s for s in self.sheets}

    def list_sheet(self, field_name: str) -> Optional[Sheet]:
        """The sheet of rows of a top-level list of the case (``people`` → 人员), if the case has one."""
        return next((s for s in self.sheets if s.form == "table" and s.path == (field_name,) and s.parent is self.sheets[0]), None)


# ------------------------------------------------------------------ the walk


class _Schema:
    def __init__(self, schema: dict[str, Any]):
        self.defs = schema.get("$defs", {})
        self.root = schema

    def resolve(self, node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The node with ``$ref`` and ``anyOf [X, null]`` taken away, and whether null was allowed."""
        nullable = False
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            nullable = len(options) < len(node["anyOf"])
            node = {**{k: v for k, v in node.items() if k != "anyOf"}, **options[0]} if len(options) == 1 else node
        if "$ref" in node:
            target = self.defs[node["$ref"].rsplit("/", 1)[-1]]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node, nullable


def _is_object(node: dict) -> bool:
    return node.get("type") == "object" and "properties" in node


def _is_dict(node: dict) -> bool:
    return node.get("type") == "object" and "properties" not in node and isinstance(node.get("additionalProperties"), dict)


def scalar_kind(node: dict) -> str:
    if "enum" in node or "const" in node:
        return CHOICE
    kind = node.get("type")
    if kind == "boolean":
        return YESNO
    if kind == "integer":
        return WHOLE
    if kind == "number":
        return NUMBER
    if node.get("format") == "date":
        return DATE
    if "x-markdown-max-items" in node:
        return MARKDOWN
    if node.get("pattern", "").startswith("^([01]\\d|2[0-3])"):
        return CLOCK
    return TEXT


def _column(path, title, node, required) -> Column:
    choices = tuple(node.get("enum") or ([node["const"]] if "const" in node else []))
    return Column(
        path=path,
        title=title,
        description=node.get("description", ""),
        kind=scalar_kind(node),
        required=required,
        choices=choices,
        const=node.get("const"),
        max_length=node.get("maxLength"),
        refers_to=node.get("x-refers-to") or node.get("items", {}).get("x-refers-to"),
    )


class _Walker:
    def __init__(self, schema: dict[str, Any]):
        self.schema = _Schema(schema)
        self.sheets: list[Sheet] = []
        self.used_names: set[str] = set()

    def name_for(self, dotted: str, title: str, parent: Optional[Sheet]) -> str:
        name = SHEET_NAMES.get(dotted) or title
        if name in self.used_names and parent is not None:
            name = parent.name + name
        name = name.translate(_SHEET_NAME_FORBIDDEN)[:SHEET_NAME_MAX]
        base, n = name, 2
        while name in self.used_names:
            name = f"{base[: SHEET_NAME_MAX - 3]}{n}"
            n += 1
        self.used_names.add(name)
        return name

    def new_sheet(self, form, path, dotted, title, description, required, parent) -> Sheet:
        sheet = Sheet(self.name_for(dotted, title, parent), form, path, title, description, required, parent)
        self.sheets.append(sheet)
        if parent is not None:
            parent.children.append(sheet)
        return sheet

    def fill(self, sheet: Sheet, node: dict, dotted: str, prefix: tuple[str, ...] = (), labels: tuple[str, ...] = (), required: bool = True) -> None:
        """Add the properties of object ``node`` (at ``prefix`` within the sheet's item) to ``sheet``."""
        needed = set(node.get("required", []))
        for name, raw in node.get("properties", {}).items():
            prop, _ = self.schema.resolve(raw)
            title = raw.get("title") or prop.get("title") or name
            description = raw.get("description") or prop.get("description", "")
            path, must = (*prefix, name), required and name in needed
            here = f"{dotted}.{name}" if dotted else name
            if _is_object(prop):
                sheet.objects.append((path, name in needed))
                self.fill(sheet, prop, here, path, (*labels, title), must)
            elif prop.get("type") == "array" and _is_object(self.schema.resolve(prop.get("items", {}))[0]):
                item, _ = self.schema.resolve(prop["items"])
                child = self.new_sheet("table", path, here, title, description, name in needed, sheet)
                child.max_items = prop.get("maxItems")
                self.fill(child, item, here)
                ids = [c for c in child.columns if c.path == ("id",) and c.kind == TEXT and c.required]
                child.id_column = ids[0] if ids else None
            elif _is_dict(prop):
                child = self.new_sheet("entries", path, here, title, description, name in needed, sheet)
                key_title, value_title = DICT_HEADERS.get(here, ("名称", title))
                key_node = {"type": "string", **prop.get("propertyNames", {})}
                child.columns = [
                    _column(("key",), key_title, {**key_node, "description": description}, True),
                    _column(("value",), value_title, {**prop["additionalProperties"], "description": description}, True),
                ]
            elif prop.get("type") == "array":
                column = _column(path, LABEL_JOIN.join((*labels, title)), {**prop, "description": description}, must)
                sheet.columns.append(Column(**{**column.__dict__, "kind": LINES, "max_length": None}))
            else:
                sheet.columns.append(_column(path, LABEL_JOIN.join((*labels, title)), {**prop, "description": description}, must))

    def walk_case(self) -> Layout:
        root = self.schema.root
        needed = set(root.get("required", []))
        case_sheet = self.new_sheet("kv", (), "", ROOT_SHEET, root.get("description", ""), True, None)
        for name, raw in root["properties"].items():
            prop, _ = self.schema.resolve(raw)
            if _is_object(prop):
                sheet = self.new_sheet("kv", (name,), name, raw.get("title", name), raw.get("description", ""), name in needed, None)
                self.fill(sheet, prop, name)
            else:
                self.fill(case_sheet, {"properties": {name: raw}, "required": [name] if name in needed else []}, "")
        return Layout([s for s in self.sheets if s.columns or s.children])


@lru_cache(maxsize=1)
def case_layout() -> Layout:
    """The workbook layout of the case model in force."""
    return _Walker(case_schema()).walk_case()
