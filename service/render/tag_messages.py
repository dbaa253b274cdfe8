"""Template mistakes told in a clerk's words: which paragraph, which tag, what to do.

Jinja reports "unexpected char '&' at 3339" or "Jinja was looking for the
following tags: 'endfor'": true, but of no use to someone editing a Word file.
Here a template's tags are read as the clerk sees them — paragraph by
paragraph, in the visible text — and a mistake is named by the paragraph it is
in (its text, shortened), the tag as typed, and the fix, in plain Chinese.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from service.render.tag_repair import Tag, find_tags, paragraphs, repair_tag

LABEL_WIDTH = 16  # characters of a paragraph shown around the tag in question
DOCXTPL_PREFIX = re.compile(r"^(\{[{%#])(?:p|tr|tc|r)(?=\s)")
_STYLED_NARRATIVE = re.compile(r"\{\{ \((.*?)\)\|paragraphs\([^)]*\) \}\}", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")
_CLOSERS = re.compile(r"[}｝][}｝]|[%％][}｝]")
_OPENING_WORD = re.compile(r"^\{[{%#]-?\s*(?:(?:p|tr|tc|r)\s+)?(\w+)")

MISSING_END = {"{{": "}}", "{%": "%}", "{#": "#}"}
BLOCKS = {"for": "endfor", "if": "endif"}
BLOCK_WORDS = {"for": "循环", "if": "条件"}


@dataclass(frozen=True)
class TagInParagraph:
    paragraph: str  # the paragraph's visible text
    tag: Tag

    @property
    def text(self) -> str:
        return self.paragraph[self.tag.start : self.tag.end]

    @property
    def keyword(self) -> str:
        """The first word of a ``{% %}`` tag (for, endif, …), with docxtpl's p/tr/tc prefix dropped."""
        if self.tag.kind != "{%":
            return ""
        match = _OPENING_WORD.match(repair_tag(self.text))
        return match.group(1) if match else ""


def paragraph_label(text: str, at: int = 0) -> str:
    """The paragraph as a clerk finds it: its text around position ``at``, shortened with ….

    The tag is one of the things a clerk searches for in Word, so the label starts a
    little before it and keeps its beginning.
    """
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()  # full-width and no-break spaces stay: the clerk sees them
    if len(text) <= LABEL_WIDTH * 2:
        return text
    start = max(0, at - LABEL_WIDTH // 2) if at > LABEL_WIDTH else 0
    end = min(len(text), max(at, start) + LABEL_WIDTH)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def where(paragraph: str, tag_text: str | None = None, at: int | None = None) -> str:
    """「段落「…」：标签「…」」, the prefix of every message about one tag."""
    if at is None:
        at = paragraph.find(tag_text) if tag_text else 0
    label = f"段落「{paragraph_label(paragraph, max(at, 0))}」"
    return label + (f"：标签「{tag_text}」" if tag_text else "：")


def tags_in(body: str) -> list[TagInParagraph]:
    """Every tag of a template body, in document order, each with its paragraph's text."""
    found = []
    for paragraph in paragraphs(body):
        text = paragraph.text
        found += [TagInParagraph(text, tag) for tag in find_tags(text)]
    return found


def _unclosed(tag: TagInParagraph) -> str:
    end = MISSING_END[tag.tag.kind]
    shown = tag.text if len(tag.text) <= LABEL_WIDTH * 2 else tag.text[: LABEL_WIDTH * 2] + "…"
    return (f"{where(tag.paragraph, shown, tag.tag.start)}缺少右括号「{end}」。"
            f"请在标签末尾补上「{end}」（用英文半角字符），或删去这个不完整的标签。")


def _stray_closers(body: str) -> list[str]:
    """A 「}}」 or 「%}」 outside every tag: a tag whose opening was lost."""
    problems = []
    for paragraph in paragraphs(body):
        text = paragraph.text
        outside = list(text)
        for tag in find_tags(text):
            outside[tag.start : tag.end] = [" "] * (tag.end - tag.start)
        for match in _CLOSERS.finditer("".join(outside)):
            closer = match.group(0)
            opener = "{{" if closer[0] in "}｝" else "{%"
            problems.append(f"{where(text, at=match.start())}多了一个「{closer}」，它前面没有对应的「{opener}」。"
                            f"请补全标签的开头「{opener}」，或删去多余的「{closer}」。")
    return problems


def _block_problems(tags: list[TagInParagraph]) -> list[str]:
    """Loops and conditions that are not closed, or closed without being opened."""
    problems = []
    open_blocks: list[TagInParagraph] = []
    for tag in tags:
        word = tag.keyword
        if word in BLOCKS:
            open_blocks.append(tag)
        elif word in BLOCKS.values():
            opener = next((o for o in reversed(open_blocks) if BLOCKS[o.keyword] == word), None)
            if opener is None:
                start = next(k for k, v in BLOCKS.items() if v == word)
                problems.append(f"{where(tag.paragraph, tag.text, tag.tag.start)}前面没有对应的「{{% {start} … %}}」。"
                                f"请删去这个标签，或在{BLOCK_WORDS[start]}开始处补上「{{% {start} … %}}」。")
                continue
            while open_blocks[-1] is not opener:  # blocks opened inside this one and never closed
                problems.append(_not_closed(open_blocks.pop()))
            open_blocks.pop()
        elif word in ("else", "elif") and not any(o.keyword == "if" or word == "else" for o in open_blocks):
            problems.append(f"{where(tag.paragraph, tag.text, tag.tag.start)}不在任何「{{% if … %}}」之内。"
                            "请删去它，或在前面补上「{% if … %}」。")
    problems += [_not_closed(tag) for tag in open_blocks]
    return problems


def _not_closed(opener: TagInParagraph) -> str:
    end = BLOCKS[opener.keyword]
    paragraph_form = "{%p " + end + " %}"
    return (f"{where(opener.paragraph, opener.text, opener.tag.start)}开始的{BLOCK_WORDS[opener.keyword]}没有结束标签"
            f"「{{% {end} %}}」。请在{BLOCK_WORDS[opener.keyword]}内容之后补上：同一段内写「{{% {end} %}}」，"
            f"单独成段写「{paragraph_form}」。")


def tag_problems(body: str) -> list[str]:
    """The mistakes a clerk can make in typing tags, found in a template body (``w:body`` inner XML)."""
    tags = tags_in(body)
    problems = [_unclosed(t) for t in tags if not t.tag.closed]
    problems += _stray_closers(body)
    problems += _block_problems([t for t in tags if t.tag.closed])
    return problems


# Jinja's wording → what it means for a clerk (the rest is said generically).
_JINJA_HINTS = [
    (re.compile(r"unknown tag '(\w+)'"), "「{0}」不是可用的标签（可用：if、elif、else、endif、for、endfor）"),
    (re.compile(r"unexpected char '(.)'"), "有不能识别的字符「{0}」"),
    (re.compile(r"expected token '[^']*', got '([^']*)'"), "「{0}」处写法有误，可能缺了符号或多了字"),
    (re.compile(r"Expected an expression"), "不完整，缺少要判断或列举的内容"),
    (re.compile(r"No filter named '(\w+)'"), "「{0}」不是可用的过滤器（可用的见 doc_templates/README.md「过滤器」）"),
]


def _visible(line: str) -> str:
    text = html.unescape(_XML_TAG.sub("", line))
    return _STYLED_NARRATIVE.sub(r"{{p \1 }}", text)


def line_text(source: str, lineno: int) -> str:
    """The visible text of one line of a compiled template's source (one paragraph of the body)."""
    lines = source.split("\n")
    return _visible(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""


def tag_mentioning(text: str, name: str) -> str | None:
    """The first tag of ``text`` that uses ``name`` (a word or dotted path), as typed."""
    # risk.factors[].rr is written f.rr or risk.factors[0].rr: fall back to its last part
    for needle in dict.fromkeys([name, re.split(r"[.\]]", name)[-1]]):
        word = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
        for tag in find_tags(text):
            if word.search(repair_tag(text[tag.start : tag.end])):
                return text[tag.start : tag.end]
    return None


class Locator:
    """Where the clerk typed a name Jinja found at a line of the compiled source: paragraph and tag, as typed.

    The compiled source is the repaired text, so the k-th line using a name is matched
    with the k-th paragraph of the template (as typed) that uses it.
    """

    def __init__(self, body: str, source: str):
        self.lines = [_visible(line) for line in source.split("\n")]
        self.typed = [p.text for p in paragraphs(body)]

        self._uses: dict[str, tuple[list[int], list[str]]] = {}

    def _using(self, name: str) -> tuple[list[int], list[str]]:
        """(source lines, typed paragraphs) with a tag using ``name``; a misspelt name recurs, so kept."""
        if name not in self._uses:
            self._uses[name] = (
                [i + 1 for i, line in enumerate(self.lines) if tag_mentioning(line, name)],
                [t for t in self.typed if tag_mentioning(t, name)],
            )
        return self._uses[name]

    def locate(self, lineno: int, name: str) -> tuple[str, str | None]:
        text = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        using, typed = self._using(name)
        if lineno in using and len(using) == len(typed):
            text = typed[using.index(lineno)]
        return text, tag_mentioning(text, name)


def syntax_error_message(body: str, source: str, lineno: int, jinja_message: str) -> str:
    """A compile error as a clerk can act on it: the first typing mistake found, else Jinja's, translated."""
    problems = tag_problems(body)
    if problems:
        return problems[0] + (f"（另有 {len(problems) - 1} 处类似问题）" if len(problems) > 1 else "")
    text = line_text(source, lineno)
    hint = next((h.format(*m.groups()) for p, h in _JINJA_HINTS if (m := p.search(jinja_message))), "标签写法有误")
    tags = find_tags(text)
    shown = text[tags[0].start : tags[0].end] if len(tags) == 1 else None
    return f"{where(text, shown)}{'：' if shown else ''}{hint}。请对照 doc_templates/README.md 的说明改正这一段中的标签。"
