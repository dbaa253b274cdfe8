"""Undo what office suites do to template tags, without touching the wording around them.

A clerk edits a template in Word, WPS or LibreOffice and saves it; the suite
then rewrites the tags it does not know are code:

* LibreOffice writes ``'`` and ``"`` as ``&apos;`` / ``&quot;`` (some tools
  escape twice: ``&amp;apos;``);
* AutoCorrect turns typed quotes into ‘ ’ “ ”;
* editing splits one tag over several runs, with ``w:proofErr`` marks,
  bookmarks and revision ids (``w:rsid*``) between the pieces;
* a Chinese input method types ｛ ｝ （ ） ｜ ， and full-width or non-breaking
  spaces.

``repair_body`` finds every tag of every paragraph in the visible text (the
``w:t`` nodes, pieces joined), normalises the tag, and writes it back whole
into the text node where it starts, emptying the pieces after it. Everything
outside a tag, and the quoted text inside one (``'（无）'``), is left as it is;
a paragraph without a damaged tag is not touched at all, so a clean template
compiles from exactly the same bytes as before.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

# What an input method or AutoCorrect puts where template syntax needs ASCII.
_SPACES = "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_SINGLE_QUOTES = "'‘’′"
_DOUBLE_QUOTES = '"“”″'
_OPEN_BRACE = "{｛"
_CLOSE_BRACE = "}｝"
_PERCENT = "%％"
_HASH = "#＃"

_TOKENS = re.compile(r"<w:p(?=[\s>/])[^>]*?(/?)>|</w:p>|<w:t(?=[\s>/])[^>]*?(/?)>")
_TEXT_END = "</w:t>"


@dataclass
class TextNode:
    """One ``w:t`` element: where its content lies in the body and the content as text."""

    start: int  # offset of the content in the body XML
    end: int
    text: str
    raw: str  # the content as written, entities and all


@dataclass
class Paragraph:
    """The text nodes of one ``w:p`` (its own, not those of a text box nested inside it)."""

    start: int
    nodes: list[TextNode]

    @property
    def text(self) -> str:
        return "".join(n.text for n in self.nodes)


@dataclass(frozen=True)
class Tag:
    """A tag found in a paragraph's text: ``[start, end)``; ``closed`` is false when its end is missing."""

    start: int
    end: int
    kind: str  # "{{", "{%" or "{#"
    closed: bool


def paragraphs(body: str) -> list[Paragraph]:
    """Every paragraph of ``body`` in document order, with its text nodes."""
    found: list[Paragraph] = []
    stack: list[Paragraph] = []
    pos = 0
    while match := _TOKENS.search(body, pos):
        token = match.group(0)
        pos = match.end()
        if token.startswith("<w:p"):
            if not match.group(1):  # <w:p/> holds nothing
                stack.append(Paragraph(match.start(), []))
                found.append(stack[-1])
        elif token == "</w:p>":
            if stack:
                stack.pop()
        elif not match.group(2):  # <w:t …>content</w:t>
            end = body.find(_TEXT_END, pos)
            if end < 0:
                break
            if stack:
                stack[-1].nodes.append(TextNode(pos, end, html.unescape(body[pos:end]), body[pos:end]))
            pos = end + len(_TEXT_END)
    found.sort(key=lambda p: p.start)
    return found


def _opening(text: str, i: int) -> str | None:
    """The kind of tag opening at ``text[i]`` ("{{", "{%", "{#"), full-width forms included."""
    if text[i] not in _OPEN_BRACE or i + 1 >= len(text):
        return None
    second = text[i + 1]
    if second in _OPEN_BRACE:
        return "{{"
    if second in _PERCENT:
        return "{%"
    if second in _HASH:
        return "{#"
    return None


def _closes(text: str, i: int, kind: str) -> bool:
    if i + 1 >= len(text) or text[i + 1] not in _CLOSE_BRACE:
        return False
    return text[i] in {"{{": _CLOSE_BRACE, "{%": _PERCENT, "{#": _HASH}[kind]


def find_tags(text: str) -> list[Tag]:
    """The tags of one paragraph's text, in order; a tag whose end is missing stops at the next tag or the end."""
    tags: list[Tag] = []
    i = 0
    while i < len(text) - 1:
        kind = _opening(text, i)
        if not kind:
            i += 1
            continue
        j = i + 2
        while j < len(text) - 1 and not _closes(text, j, kind) and not _opening(text, j):
            j += 1
        if j < len(text) - 1 and _closes(text, j, kind):
            tags.append(Tag(i, j + 2, kind, True))
            i = j + 2
        else:
            end = j if j < len(text) - 1 and _opening(text, j) else len(text)
            tags.append(Tag(i, end, kind, False))
            i = end
    return tags


def _ascii_form(ch: str) -> str:
    """The character template syntax means by ``ch`` (outside quoted text)."""
    if ch in _SPACES:
        return " "
    if ch in _INVISIBLE:
        return ""
    if ch in _SINGLE_QUOTES:
        return "'"
    if ch in _DOUBLE_QUOTES:
        return '"'
    if ch == "。":
        return "."
    if "\uff01" <= ch <= "\uff5e":  # full-width ASCII forms: ｛ → {, （ → (, ｜ → |, ， → , …
        return chr(ord(ch) - 0xFEE0)
    return ch


def _unescape_fully(tag: str) -> str:
    """Entities left as text inside a tag (``&apos;``, ``&amp;quot;`` escaped twice) → their characters."""
    for _ in range(3):
        if "&" not in tag:
            break
        tag = html.unescape(tag)
    return tag


def repair_tag(tag: str) -> str:
    """One tag's text as Jinja needs it: entities resolved, quotes, brackets and spaces made ASCII.

    Text inside a quoted string is kept as typed (only its quotes are made straight),
    since it is wording the document prints.
    """
    tag = _unescape_fully(tag)
    out: list[str] = []
    closing = ""  # the quotes that end the string literal being read, if any
    for ch in tag:
        if closing:
            ends = ch in closing
            out.append(("'" if closing is _SINGLE_QUOTES else '"') if ends else ch)
            closing = "" if ends else closing
            continue
        plain = _ascii_form(ch)
        if plain in ("'", '"'):
            closing = _SINGLE_QUOTES if plain == "'" else _DOUBLE_QUOTES
        out.append(plain)
    return "".join(out)


def _rewrite(paragraph: Paragraph) -> list[tuple[TextNode, str]]:
    """New text per text node: each tag whole in the node where it starts, repaired.

    Only nodes holding part of a tag are rewritten, and only when their XML changes
    (a piece moved, a character repaired, or ``&apos;`` that docxtpl would read as code).
    """
    text = paragraph.text
    tags = {t.start: t for t in find_tags(text) if t.closed}
    changes, offset = [], 0
    inside_until = 0  # text offset up to which the current tag was already written
    for node in paragraph.nodes:
        pieces, i, touches_tag = [], offset, offset < inside_until
        while i < offset + len(node.text):
            if i < inside_until:
                i = min(inside_until, offset + len(node.text))
            elif i in tags:
                tag = tags[i]
                pieces.append(repair_tag(text[tag.start : tag.end]))
                inside_until, touches_tag = tag.end, True
            else:
                pieces.append(text[i])
                i += 1
        new = "".join(pieces)
        if touches_tag and escape(new) != node.raw:
            changes.append((node, new))
        offset += len(node.text)
    return changes


_T_OPEN = re.compile(r"<w:t(?=[\s>])[^>]*>$")


def repair_body(body: str) -> str:
    """``body`` (the inside of ``w:body``) with every tag repaired; unchanged when no tag needed it."""
    edits: list[tuple[TextNode, str]] = []
    for paragraph in paragraphs(body):
        if any(_opening(paragraph.text, i) for i in range(len(paragraph.text))):
            edits += _rewrite(paragraph)
    for node, new in sorted(edits, key=lambda e: e[0].start, reverse=True):
        head = body[: node.start]
        opening = head[head.rfind("<w:t") :]
        if _T_OPEN.match(opening) and "xml:space" not in opening:
            # The node may now start or end with a space, which Word drops unless told to keep it.
            head = head[: len(head) - len(opening)] + '<w:t xml:space="preserve">'
        body = head + escape(new) + body[node.end :]
    return body
