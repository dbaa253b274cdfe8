"""Markdown narratives → real Word paragraphs.

Takes the Markdown a clerk wrote in a narrative field (paragraphs, ``-`` and
``1.`` lists, ``**bold**``, ``*italic*``) and gives WordprocessingML
paragraphs in a named paragraph style, with real list numbering. Official text
numbers its items and never bullets them, so a ``-`` list is numbered "1." too,
each list from 1. Parsing is done by the ``markdown`` package; its HTML is
walked with lxml.
"""

from __future__ import annotations

import contextvars
import functools
import re
import threading
from dataclasses import dataclass, field

import markdown
from lxml import html as lxml_html
from markupsafe import Markup

from service.context.markdown import Md
from service.render.deadline import check_deadline
from service.render.wordml import paragraph, text_run

# The "1." list numbering (w:abstractNum 3) every template defines. Their bullet numbering (w:num 2) is
# left unused: GB/T 9704 papers number their items.
ORDERED_ABSTRACT_ID = 3
FIRST_DYNAMIC_NUM_ID = 100


@dataclass
class NumberingAllocator:
    """Hands out one restarting ordered-list numbering instance per list, for one render."""

    next_id: int = FIRST_DYNAMIC_NUM_ID
    allocated: list[tuple[int, int]] = field(default_factory=list)  # (numId, first number)

    def new_ordered_list(self, start: int = 1) -> int:
        num_id = self.next_id
        self.next_id += 1
        self.allocated.append((num_id, start))
        return num_id

    def numbering_xml(self) -> str:
        """The ``w:num`` elements to append to numbering.xml."""
        return "".join(
            f'<w:num w:numId="{n}"><w:abstractNumId w:val="{ORDERED_ABSTRACT_ID}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
            for n, start in self.allocated
        )


current_numbering: contextvars.ContextVar[NumberingAllocator] = contextvars.ContextVar("current_numbering")

_parsers = threading.local()


# Narratives use paragraphs, lists, bold and italic. Everything else Markdown would
# read into the text — links, images, reference definitions ("[1]: ..." lines vanish),
# code spans, raw HTML, backslash escapes — is switched off so the text stays as typed.
_OFF_INLINE = ("backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
               "short_image_ref", "autolink", "automail", "html")
_OFF_BLOCK = ("reference", "indent", "code")


def _parser() -> markdown.Markdown:
    """One Markdown parser per thread (a parser keeps state between calls)."""
    if not hasattr(_parsers, "md"):
        md = markdown.Markdown(extensions=["sane_lists", "nl2br"], output_format="html")
        for name in _OFF_INLINE:
            md.inlinePatterns.deregister(name, strict=False)
        for name in _OFF_BLOCK:
            md.parser.blockprocessors.deregister(name, strict=False)
        _parsers.md = md
    return _parsers.md


CACHED_LENGTH = 4000  # narratives longer than this are converted each time, not kept


# User text is data: "<b>" or "&nbsp;" must come out exactly as typed. Escaping them as entities before parsing
# lets the parser's inline patterns meet the entities, which is slow on long runs of "&" and, around emphasis
# ("**a*& "), leaks the parser's own placeholders ("klzzwxh:0004") into the text. Characters from the private use
# area stand in for them instead — the parser treats them as plain letters — and become entities in its HTML.
_STAND_INS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_TO_STAND_IN = str.maketrans(_STAND_INS)
_ENTITIES = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}


# A line a clerk began with a bullet character is a list item, numbered like a "-" one.
_TYPED_BULLET = re.compile(r"^[ \t]*[•●◆◇▪■□○◦·][ \t]*", re.MULTILINE)


def _convert(source: str) -> str:
    source = _TYPED_BULLET.sub("- ", source)
    if any(ch in source for ch in _ENTITIES):  # text that holds the stand-ins themselves: escape as entities
        safe = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _parser().reset().convert(safe)
    html = _parser().reset().convert(source.translate(_TO_STAND_IN))
    for stand_in, entity in _ENTITIES.items():
        html = html.replace(stand_in, entity)
    return html


_cached_convert = functools.lru_cache(maxsize=1024)(_convert)


def _html(source: str) -> str:
    """Markdown → HTML; short narratives are cached (the same one appears in several documents)."""
    return _cached_convert(source) if len(source) <= CACHED_LENGTH else _convert(source)


def markdown_to_wordml(source: str, style: str | None) -> str:
    # The conversion grows faster than the text: the render deadline is checked before it and
    # between the blocks it gives (the model bounds one narrative, so one step stays short).
    check_deadline()
    html = _html(source)
    if not html.strip():
        return ""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    blocks = []
    for el in root:
        check_deadline()
        blocks.append(_block(el, style))
    return "".join(blocks)


def _block(el, style) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("ul", "ol"):
        num_id = _allocator().new_ordered_list(_start(el) if tag == "ol" else 1)
        numbering = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        return "".join(
            paragraph(_inline(li), style, numbering) for li in el if getattr(li, "tag", None) == "li"
        )
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return paragraph(_inline(el, bold=True), style)
    if tag == "hr":
        return ""
    return paragraph(_inline(el), style)


def _start(ol) -> int:
    """The first number of an ordered list as the clerk wrote it (3. … starts at 3)."""
    try:
        return max(0, int(ol.get("start", "1")))
    except ValueError:
        return 1


def _allocator() -> NumberingAllocator:
    try:
        return current_numbering.get()
    except LookupError:  # rendering outside the engine: numbering restarts are lost, text is not
        allocator = NumberingAllocator()
        current_numbering.set(allocator)
        return allocator


def _inline(el, bold: bool = False, italic: bool = False) -> str:
    """The runs of an element: its text, its children (formatted), their tails."""
    rpr = ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else "")
    runs = [text_run(el.text, rpr)] if el.text else []
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            runs.append("<w:r><w:br/></w:r>")
        elif tag in ("ul", "ol", "p"):  # nested block inside a list item: keep its text in the same paragraph
            runs.append("<w:r><w:br/></w:r>" + _inline(child, bold, italic))
        else:
            runs.append(
                _inline(child, bold or tag in ("strong", "b"), italic or tag in ("em", "i"))
            )
        if child.tail:
            runs.append(text_run(child.tail.lstrip("\n") if tag == "br" else child.tail, rpr))
    return "".join(runs)


def as_paragraphs(value, style: str | None = None) -> Markup:
    """Jinja filter behind ``{{p …}}``: any value → one or more paragraphs in ``style``."""
    if isinstance(value, Md):
        xml = markdown_to_wordml(value.source, style)
    elif isinstance(value, (list, tuple)):
        xml = "".join(as_paragraphs(item, style) for item in value)
    elif value is None:
        xml = ""
    elif hasattr(value, "__html__") and not isinstance(value, str):
        xml = value.__html__()
    else:
        xml = "".join(paragraph(text_run(line), style) for line in str(value).split("\n\n"))
    # A table cell must hold a paragraph: never leave the place empty.
    return Markup(xml or paragraph("", style))
