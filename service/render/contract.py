"""The template contract: every name a template uses must be in its documented context.

Takes a template folder; gives, per template, the context paths it uses and
the problems found (a tag that does not compile, a name or field the context
model does not provide). Used by ``wenping templates check`` and the tests.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from jinja2 import TemplateSyntaxError, nodes
from pydantic import BaseModel

from service.context.models import CaseContext
from service.context.registry import DOCUMENT_KINDS
from service.render.engine import CompiledTemplate, TemplateRenderError
from service.render.tag_messages import Locator, tag_problems, where
from service.render.tag_style import tag_warnings

CONTEXT_OF: dict[str, type[BaseModel]] = {k.key: k.context for k in DOCUMENT_KINDS}

UNKNOWN = object()  # a value whose type the checker does not follow (loop, filters, literals)


@dataclass
class TemplateReport:
    kind: str
    path: Path
    variables: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # reminders: the template works, but reads as code

    @property
    def ok(self) -> bool:
        return not self.problems

    def leaf_variables(self) -> list[str]:
        """The paths printed, without the prefixes of longer ones (matter.name, not matter)."""
        used = self.variables
        return sorted(v for v in used if not any(o.startswith((v + ".", v + "[]")) for o in used))


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        elif origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _item_type(tp: Any) -> Any:
    tp = _unwrap(tp)
    if typing.get_origin(tp) in (list, tuple):
        return _unwrap(typing.get_args(tp)[0])
    return UNKNOWN


class _Walker:
    def __init__(self, root: type[BaseModel], report: TemplateReport, env_globals: set[str], compiled: CompiledTemplate):
        self.root = root
        self.report = report
        self.globals = env_globals | {"loop"}
        self.compiled = compiled
        self.locator: Optional[Locator] = None  # built on the first problem: most templates have none

    def problem(self, node: nodes.Node, name: str, what: str) -> None:
        """Report ``what`` about ``name`` at the paragraph and tag of ``node`` (e.g. 「x」不是可用的变量)."""
        self.locator = self.locator or Locator(self.compiled.typed_body, self.compiled.source)
        text, tag = self.locator.locate(node.lineno, name)
        self.report.problems.append(where(text, tag) + ("中的" if tag else "") + what)

    # Each scope maps a local name to (type, dotted path it stands for).
    def walk(self, node: nodes.Node, scope: dict[str, tuple[Any, str]]) -> None:
        if isinstance(node, nodes.For):
            item, path = self.resolve(node.iter, scope)
            inner = dict(scope)
            for target in _names(node.target):
                inner[target] = (_item_type(item) if item is not UNKNOWN else UNKNOWN, f"{path}[]" if path else "")
            for child in node.body:
                self.walk(child, inner)
            for child in node.else_:
                self.walk(child, scope)
            if node.test is not None:
                self.walk(node.test, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for child in node.iter_child_nodes(exclude=("target",)):
                self.walk(child, scope)
            for target in _names(node.target):
                scope[target] = (UNKNOWN, "")
            return
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            keyword = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import"}.get(type(node), "extends")
            self.problem(node, keyword, f"「{keyword}」引用其他文件，模板不能引用其他文件（include / import / extends），请删去这个标签。")
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.resolve(node, scope)
            return
        for child in node.iter_child_nodes():
            self.walk(child, scope)

    def resolve(self, node: nodes.Node, scope) -> tuple[Any, str]:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            fields = self.root.model_fields
            if node.name in fields:
                self.report.variables.add(node.name)
                return _unwrap(fields[node.name].annotation), node.name
            if node.name not in self.globals:
                self.problem(node, node.name, _unknown_variable(node.name))
            return UNKNOWN, ""
        if isinstance(node, nodes.Getattr):
            owner, path = self.resolve(node.node, scope)
            if node.attr.startswith("_"):
                self.problem(node, node.attr, _internal(node.attr))
                return UNKNOWN, ""
            if _is_model(owner):
                full = f"{path}.{node.attr}" if path else node.attr
                if node.attr in owner.model_fields:
                    self.report.variables.add(full)
                    return _unwrap(owner.model_fields[node.attr].annotation), full
                self.problem(node, full, _unknown_variable(full))
            return UNKNOWN, ""
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
                self.problem(node, str(node.arg.value), _internal(node.arg.value))
                return UNKNOWN, ""
            owner, path = self.resolve(node.node, scope)
            self.walk(node.arg, scope)
            return (_item_type(owner), f"{path}[]") if owner is not UNKNOWN else (UNKNOWN, "")
        self.walk(node, scope)
        return UNKNOWN, ""


def _unknown_variable(name: str) -> str:
    return (f"「{name}」不是可用的变量。请对照 doc_templates/README.md 的变量表改正（注意拼写、大小写，"
            "变量名用英文半角字符）。")


def _internal(name: str) -> str:
    return f"「{name}」是内部属性，模板不能访问，请删去这个标签。"


def _names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n for item in target.items for n in _names(item)]
    return []


def check_template(kind: str, path: Path) -> TemplateReport:
    report = TemplateReport(kind, path)
    if not path.exists():
        report.problems.append("模板文件不存在")
        return report
    try:
        compiled = CompiledTemplate(path, f"{path.parent.name}/{path.name}")
        tree = compiled.env.parse(compiled.source)
    except TemplateRenderError as exc:
        report.problems.append(exc.reason)
        return report
    except TemplateSyntaxError as exc:  # compiled above, so not expected; said plainly all the same
        report.problems.append(f"模板标签有误：{exc.message}")
        return report
    report.problems += tag_problems(compiled.typed_body)  # a stray 「}}」 compiles, but shows in the document
    _Walker(CONTEXT_OF[kind], report, set(compiled.env.globals), compiled).walk(tree, {})
    report.warnings += tag_warnings(compiled.env, compiled.typed_body)
    return report


def check_folder(folder: Path, kinds: Optional[list[str]] = None, require_all: bool = True) -> list[TemplateReport]:
    """Check every template of a set; a set may omit kinds when ``require_all`` is false (it falls back)."""
    folder = Path(folder)
    reports = []
    for kind in kinds or list(CONTEXT_OF):
        path = folder / f"{kind}.docx"
        if path.exists() or require_all:
            reports.append(check_template(kind, path))
    return reports


def variables_markdown() -> str:
    """The variable reference of doc_templates/README.md, generated from the context models."""
    lines: list[str] = []

    def walk(model: type[BaseModel], prefix: str, only: Optional[set[str]] = None) -> None:
        for name, info in model.model_fields.items():
            if only is not None and name not in only:
                continue
            tp = _unwrap(info.annotation)
            item = _item_type(tp)
            path = f"{prefix}{name}"
            if item is not UNKNOWN and _is_model(item):
                lines.append(f"| `{path}` | {info.description}（列表：`{{%p for x in {path} %}}`） |")
                walk(item, path + "[].")
            else:
                lines.append(f"| `{path}` | {info.description} |")
                if _is_model(tp):
                    walk(tp, path + ".")

    def table(heading: str, model: type[BaseModel], only: Optional[set[str]] = None) -> None:
        lines.extend([heading, "", "| 变量 | 含义 |", "|---|---|"])
        walk(model, "", only)
        lines.append("")

    table("### 所有文书共有的变量", CaseContext)
    for kind in DOCUMENT_KINDS:
        if kind.context is CaseContext:
            continue
        if issubclass(kind.context, CaseContext):
            extra = set(kind.context.model_fields) - set(CaseContext.model_fields)
            table(f"### {kind.name}（{kind.template}）另有", kind.context, extra)
        else:
            table(f"### {kind.name}（{kind.template}）", kind.context)
    return "\n".join(lines)


def kinds_markdown() -> str:
    """The templates of a set, one row per registered document kind."""
    rows = ["| 文件 | 文书 | 标题 |", "|---|---|---|"]
    for kind in DOCUMENT_KINDS:
        title = kind.title.format(matter="（事项名称）", meeting="（会议名称）") if kind.title else "（按汇报期间生成）"
        rows.append(f"| `{kind.template}` | {kind.name}{'（每次会议一份）' if kind.per_meeting else ''} | {title} |")
    return "\n".join(rows) + "\n"


README_BLOCKS = {
    ("<!-- kinds:start -->", "<!-- kinds:end -->"): kinds_markdown,
    ("<!-- variables:start -->", "<!-- variables:end -->"): variables_markdown,
}


def readme_with_variables(readme: str) -> str:
    """doc_templates/README.md with its list of templates and variable reference regenerated from the registry
    and the context models."""
    for (start, end), make in README_BLOCKS.items():
        head, rest = readme.split(start, 1)
        _, tail = rest.split(end, 1)
        readme = f"{head}{start}\n{make()}{end}{tail}"
    return readme


if __name__ == "__main__":  # make schema: rewrite the variable reference of doc_templates/README.md
    import sys

    target = Path(sys.argv[1])
    target.write_text(readme_with_variables(target.read_text("utf-8")), "utf-8")
