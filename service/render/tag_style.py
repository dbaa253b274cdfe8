"""Which tags a clerk can read: field names, loops, conditions on fields, documented filters.

Anything else (``{{ s.tasks or '' }}``, ``{{ '一二三'[loop.index0] … }}``) works,
but reads as Python to someone editing a Word file. ``tag_warnings`` names
those tags, paragraph by paragraph, with the readable form when one is known
(``{{ s.tasks|otherwise }}``); ``wenping templates check`` shows them as
reminders, never as failures.
"""

from __future__ import annotations

from jinja2 import Environment, TemplateSyntaxError, nodes

from service.render.environment import CN_ORDINALS, DOCUMENTED_FILTERS
from service.render.tag_messages import DOCXTPL_PREFIX, TagInParagraph, tags_in, where
from service.render.tag_repair import repair_tag

TESTS_IN_CONDITIONS = ("none", "defined", "undefined")
NEUTRAL_WORDS = ("else", "endif", "endfor")


def _path(node: nodes.Node) -> str | None:
    """``matter.name`` for a field path (a name and attributes), else None."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        owner = _path(node.node)
        return f"{owner}.{node.attr}" if owner else None
    return None


def _is_value(node: nodes.Node) -> bool:
    """A field, or a field through documented filters whose arguments are fields or constants."""
    if _path(node):
        return True
    if isinstance(node, nodes.Filter):
        return (
            node.name in DOCUMENTED_FILTERS
            and node.node is not None
            and _is_value(node.node)
            and all(isinstance(a, nodes.Const) or _is_value(a) for a in node.args)
            and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None
        )
    return False


def _is_condition(node: nodes.Node) -> bool:
    """A field's value tested: ``x``, ``not x``, ``x and y``, ``x|length > 1``, ``x is not none``."""
    if _is_value(node):
        return True
    if isinstance(node, nodes.Not):
        return _is_condition(node.node)
    if isinstance(node, (nodes.And, nodes.Or)):
        return _is_condition(node.left) and _is_condition(node.right)
    if isinstance(node, nodes.Compare):
        operands = [node.expr, *(op.expr for op in node.ops)]
        return all(_is_value(o) or isinstance(o, nodes.Const) for o in operands)
    if isinstance(node, nodes.Test):
        return node.name in TESTS_IN_CONDITIONS and _is_value(node.node) and not node.args
    return False


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "\\'") + "'"


def readable_form(node: nodes.Node) -> str | None:
    """The documented-filter form of an expression the default templates use, when there is one."""
    # x or 'text' / x or other.field → x|otherwise('text') / x|otherwise(other.field)
    if isinstance(node, nodes.Or) and _path(node.left):
        if isinstance(node.right, nodes.Const):
            arg = "" if node.right.value == "" else f"({_literal(node.right.value)})"
            return f"{_path(node.left)}|otherwise{arg}"
        if _path(node.right):
            return f"{_path(node.left)}|otherwise({_path(node.right)})"
    # x|map(attribute='text')|join_cn → x|names
    if (
        isinstance(node, nodes.Filter) and node.name == "join_cn" and not node.args
        and isinstance(node.node, nodes.Filter) and node.node.name == "map"
        and [(k.key, getattr(k.value, "value", None)) for k in node.node.kwargs] == [("attribute", "text")]
        and _path(node.node.node)
    ):
        return f"{_path(node.node.node)}|names"
    if isinstance(node, nodes.CondExpr):
        # '一二三…'[loop.index0] if loop.index <= 10 else loop.index → loop.index|cn_ordinal
        if isinstance(node.expr1, nodes.Getitem) and getattr(node.expr1.node, "value", None) == CN_ORDINALS:
            return "loop.index|cn_ordinal"
        test, shown, other = node.test, node.expr1, node.expr2
        blank = isinstance(other, nodes.Const) and other.value == ""
        # x if x is not none else '' → x|otherwise
        if (blank and isinstance(test, nodes.Not) and isinstance(test.node, nodes.Test)
                and test.node.name == "none" and _path(test.node.node) and _path(test.node.node) == _path(shown)):
            return f"{_path(shown)}|otherwise"
        # x.text if x else '' → x|names
        if blank and _path(test) and isinstance(shown, nodes.Getattr) and shown.attr == "text" and _path(shown.node) == _path(test):
            return f"{_path(test)}|names"
    return None


def _expression_of(env: Environment, tag: str) -> tuple[str, nodes.Node] | None:
    """(what the tag does, its expression) for {{ }}, for, if and elif tags; None for the rest."""
    body = DOCXTPL_PREFIX.sub(r"\1", repair_tag(tag))
    try:
        if body.startswith("{{"):
            return "output", env.parse(body).body[0].nodes[0]
        inner = body[2:-2].strip().lstrip("-").rstrip("-").strip()
        word = inner.split(maxsplit=1)[0] if inner else ""
        if word == "for":
            loop = env.parse(body + "{% endfor %}").body[0]
            return "loop", loop
        if word in ("if", "elif"):
            return "condition", env.parse("{% if " + inner[len(word):] + " %}{% endif %}").body[0].test
        if word in NEUTRAL_WORDS:
            return None
        return "other", nodes.Const(None)
    except (TemplateSyntaxError, IndexError, AttributeError):
        return None  # a tag that does not compile is reported as an error elsewhere


def _is_readable(kind: str, node: nodes.Node) -> bool:
    if kind == "output":
        return _is_value(node)
    if kind == "loop":
        return _is_value(node.iter) and node.test is None and isinstance(node.target, (nodes.Name, nodes.Tuple))
    if kind == "condition":
        return _is_condition(node)
    return False


def unreadable_tags(env: Environment, body: str) -> list[tuple[TagInParagraph, str | None]]:
    """Every tag of ``body`` not in the readable forms, with its readable form when one is known."""
    found = []
    for tag in tags_in(body):
        if not tag.tag.closed or tag.tag.kind == "{#":
            continue
        parsed = _expression_of(env, tag.text)
        if parsed and not _is_readable(*parsed):
            suggestion = readable_form(parsed[1]) if parsed[0] == "output" else None
            found.append((tag, "{{ " + suggestion + " }}" if suggestion else None))
    return found


def tag_warnings(env: Environment, body: str) -> list[str]:
    """A reminder for every tag of ``body`` that is not in the readable forms."""
    warnings = []
    for tag, suggestion in unreadable_tags(env, body):
        advice = f"建议改为「{suggestion}」" if suggestion else "建议改用字段名或说明过的过滤器"
        warnings.append(f"{where(tag.paragraph, tag.text, tag.tag.start)}不是简单的字段、循环、条件或说明过的过滤器，"
                        f"模板照常可用；{advice}（见 doc_templates/README.md「过滤器」）。")
    return warnings
