"""Line breaking and keeping together, done on the rendered document before it is written (GB/T 9704 §7.3).

- A title longer than one line is broken only between words, into lines of nearly equal length (a trapezoid):
  the words come from a Chinese word segmenter (rjieba, with the terms of this domain added), the breaks are
  explicit line breaks placed by width.
- A table's columns get widths from their content, so that names, codes and short values never wrap.
- The signature and date keep with the last lines of the body: the paragraph before the signature keeps
  with it, and may split (two lines at least go along), or the last two rows of a table before it do, so a
  page never holds only the signature (§7.3.5.5).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Iterable, Optional

import rjieba
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

TITLE_STYLES = {"Title"}
SIGNATURE_STYLES = {"Signature"}

# Terms a title must not be broken inside, beyond what the segmenter's own dictionary knows.
DOMAIN_WORDS = (
    "社会稳定风险评估", "社会稳定", "风险评估", "稳评", "维稳", "维稳工作方案", "应急处置预案", "应急处置",
    "工作方案", "实施方案", "报备材料", "报备表", "听证会", "座谈会", "工作情况", "情况汇报", "纪要", "目录",
)
# A line may not start with these, nor end with the opening ones.
_NO_LINE_START = set("，。、；：？！）》〕」』”’…—·")
_NO_LINE_END = set("（《〔「『“‘")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


@functools.cache
def _segmenter() -> rjieba.Jieba:
    """A segmenter of our own (the module-level one is shared state), with the domain's terms."""
    jieba = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        jieba.add_word(word, 100000, None)
    return jieba


def width(text: str) -> float:
    """Width in full-width characters: CJK and full-width punctuation 1, the rest (Latin, digits) 1/2."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def word_edges(text: str) -> list[int]:
    """Positions between two words where a line may break."""
    edges, at = [], 0
    for word in _segmenter().cut(text, False):
        at += len(word)
        if 0 < at < len(text) and text[at] not in _NO_LINE_START and text[at - 1] not in _NO_LINE_END:
            edges.append(at)
    return edges


def balanced_lines(text: str, per_line: float) -> list[str]:
    """``text`` in as few lines of at most ``per_line`` as its words allow, as equal in width as can be;
    between equally good splits, the shorter first line (a trapezoid standing on its long side)."""
    if width(text) <= per_line:
        return [text]
    edges = word_edges(text)
    lines_needed = max(2, math.ceil(width(text) / per_line))
    if lines_needed > MAX_BALANCED_LINES or len(edges) > MAX_EDGES:
        return _greedy_lines(text, edges, per_line)  # a title this long: fill each line, in linear time
    for count in range(lines_needed, min(lines_needed + 2, MAX_BALANCED_LINES) + 1):
        best: Optional[tuple] = None
        for cuts in _choices(edges, count - 1):
            bounds = [0, *cuts, len(text)]
            parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
            widths = [width(p) for p in parts]
            if max(widths) > per_line:
                continue
            mean = sum(widths) / len(widths)
            score = (round(sum((w - mean) ** 2 for w in widths), 6), widths[0])
            if best is None or score < best[0]:
                best = (score, parts)
        if best is not None:
            return best[1]
    return [text]  # no word boundary fits: leave the wrapping to the layout


MAX_BALANCED_LINES = 3  # balancing tries every split: kept to titles of a few lines
MAX_EDGES = 60


def _greedy_lines(text: str, edges: list[int], per_line: float) -> list[str]:
    """Each line as full as its words allow (a word longer than a line is left to the layout)."""
    lines, start, last_fit = [], 0, None
    for edge in [*edges, len(text)]:
        if width(text[start:edge]) <= per_line:
            last_fit = edge
            continue
        if last_fit is not None and last_fit > start:
            lines.append(text[start:last_fit])
            start = last_fit
        last_fit = edge if width(text[start:edge]) <= per_line else None
    lines.append(text[start:])
    return [line for line in lines if line]


def _choices(edges: list[int], count: int) -> Iterable[tuple[int, ...]]:
    from itertools import combinations

    return combinations(edges, count)


def _style(paragraph: etree._Element) -> Optional[str]:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return style.get(_w("val")) if style is not None else None


def _break_title(paragraph: etree._Element, per_line: float) -> bool:
    runs = paragraph.findall("w:r", NS)
    if not runs or any(r.find("w:br", NS) is not None for r in runs):
        return False  # empty, or already broken by hand
    properties = {etree.tostring(r.find("w:rPr", NS)) if r.find("w:rPr", NS) is not None else b"" for r in runs}
    if len(properties) != 1 or any(child.tag not in (_w("rPr"), _w("t")) for r in runs for child in r):
        return False  # mixed formatting or fields: left as written
    text = "".join(t.text or "" for r in runs for t in r.findall("w:t", NS))
    lines = balanced_lines(text.strip(), per_line)
    if len(lines) < 2:
        return False
    template = runs[0]
    for run in runs:
        paragraph.remove(run)
    for number, line in enumerate(lines):
        run = etree.SubElement(paragraph, _w("r"))
        if template.find("w:rPr", NS) is not None:
            run.append(etree.fromstring(etree.tostring(template.find("w:rPr", NS))))
        if number:
            etree.SubElement(run, _w("br"))
        node = etree.SubElement(run, _w("t"))
        node.text = line
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return True


def _keep_with_signature(body: etree._Element) -> bool:
    """What comes before each signature keeps with it: the paragraph before (which may split, two lines at
    least going along), or the last two rows of a table before."""
    changed = False
    for signature in body.iter(_w("p")):
        if _style(signature) not in SIGNATURE_STYLES:
            continue
        before = signature.getprevious()
        while before is not None and before.tag not in (_w("p"), _w("tbl")):
            before = before.getprevious()
        if before is None or (before.tag == _w("p") and _style(before) in SIGNATURE_STYLES):
            continue
        if before.tag == _w("p"):
            changed |= _set(before, "keepNext", "widowControl")
        else:
            for row in before.findall("w:tr", NS)[-2:]:
                for paragraph in row.iter(_w("p")):
                    changed |= _set(paragraph, "keepNext")
    return changed


def _set(paragraph: etree._Element, *names: str) -> bool:
    properties = paragraph.find("w:pPr", NS)
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    changed = False
    for name in names:
        if properties.find(f"w:{name}", NS) is None:
            _insert_in_order(properties, etree.Element(_w(name)))
            changed = True
    return changed


# CT_PPr's child order (the ones before keepNext / widowControl matter for where they go).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]


def _insert_in_order(properties: etree._Element, element: etree._Element) -> None:
    rank = _PPR_ORDER.index(etree.QName(element).localname)
    for index, child in enumerate(properties):
        name = etree.QName(child).localname
        if name in _PPR_ORDER and _PPR_ORDER.index(name) > rank:
            properties.insert(index, element)
            return
    properties.append(element)


# -- table column widths -------------------------------------------------------------------------------------

# Cell texts up to this many characters are names, codes and short values that must not wrap; when the
# table cannot give all of them room, the shorter ones come first. A column holding longer texts too is a
# column of prose: it wraps anyway, and only its short heading is kept whole.
SHORT_LIMITS = (8, 7, 6, 5, 4, 3, 2)
PROSE_LIMIT = 4
CELL_MARGINS = 200  # twips: the cell's left and right margins together (85 + 85 in the tables' style), and a little
MIN_COLUMN_CHARS = 2


def _cell_text(cell: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(_w("t"))) for p in cell.iter(_w("p"))]


def _cells(row: etree._Element) -> Iterable[tuple[int, int, etree._Element]]:
    """(first grid column, columns spanned, cell) of each cell of a row."""
    at = 0
    for cell in row.findall("w:tc", NS):
        span = cell.find("w:tcPr/w:gridSpan", NS)
        count = int(span.get(_w("val"))) if span is not None else 1
        yield at, count, cell
        at += count


def _prose_columns(rows: list, columns: int) -> set[int]:
    prose = set()
    for row in rows:
        for at, span, cell in _cells(row):
            if span == 1 and at < columns and any(len(text) > SHORT_LIMITS[0] for text in _cell_text(cell)):
                prose.add(at)
    return prose


def _needs(rows: list, columns: int, limit: int, char_twips: dict[str, int], default_char: int) -> list[int]:
    """Each column's width for its texts of at most ``limit`` characters (a prose column's: ``PROSE_LIMIT``)
    on one line."""
    needed = [0] * columns
    prose = _prose_columns(rows, columns)
    for row in rows:
        for at, span, cell in _cells(row):
            if span != 1 or at >= columns:
                continue
            for paragraph in cell.iter(_w("p")):
                text = "".join(t.text or "" for t in paragraph.iter(_w("t")))
                if text and len(text) <= (min(limit, PROSE_LIMIT) if at in prose else limit):
                    per_char = char_twips.get(_style(paragraph) or "", default_char)
                    needed[at] = max(needed[at], math.ceil(width(text) * per_char) + CELL_MARGINS)
    return needed


def _table_widths(table: etree._Element, char_twips: dict[str, int], default_char: int) -> bool:
    grid = table.find("w:tblGrid", NS)
    if grid is None:
        return False
    columns = grid.findall("w:gridCol", NS)
    widths = [int(c.get(_w("w"), "0")) for c in columns]
    total = sum(widths)
    if not total or len(columns) < 2:
        return False
    rows = table.findall("w:tr", NS)
    floor = [min(w, MIN_COLUMN_CHARS * default_char + CELL_MARGINS) for w in widths]
    for limit in SHORT_LIMITS:
        needed = [max(n, f) for n, f in zip(_needs(rows, len(columns), limit, char_twips, default_char), floor)]
        if sum(needed) <= total:
            break
    else:
        return False  # not even the shortest values fit: leave the template's widths
    if all(n <= w for n, w in zip(needed, widths)):
        return False
    # Columns short of their need get it; the others give up width in proportion to what they have spare.
    short = [max(0, n - w) for n, w in zip(needed, widths)]
    spare = [max(0, w - n) for n, w in zip(needed, widths)]
    take, spare_total = sum(short), sum(spare)
    new = [w + s - (take * sp // spare_total if spare_total else 0) for w, s, sp in zip(widths, short, spare)]
    new[new.index(max(new))] += total - sum(new)  # rounding: the widest column absorbs it
    for column, value in zip(columns, new):
        column.set(_w("w"), str(value))
    for row in rows:
        for at, span, cell in _cells(row):
            cell_width = cell.find("w:tcPr/w:tcW", NS)
            if cell_width is not None and cell_width.get(_w("type"), "dxa") == "dxa":
                cell_width.set(_w("w"), str(sum(new[at: at + span])))
    return True


class Layout:
    """What the layout of one template needs: its text width and its styles' sizes."""

    def __init__(self, document: bytes, styles: Optional[bytes]) -> None:
        self.text_width = _text_width(document)
        self.sizes = _style_sizes(styles) if styles else {}

    def title_chars(self) -> float:
        size = self.sizes.get("Title", 44)  # half-points
        return self.text_width / (size * 10) if self.text_width else 20

    def apply(self, root: etree._Element) -> bool:
        """Break titles, widen table columns, keep signatures with the body; True if anything changed."""
        body = root.find("w:body", NS)
        if body is None:
            return False
        changed = False
        per_line = math.floor(self.title_chars() + 0.25)
        for paragraph in body.iter(_w("p")):
            if _style(paragraph) in TITLE_STYLES:
                changed |= _break_title(paragraph, per_line)
        char_twips = {style: size * 10 for style, size in self.sizes.items()}
        for table in body.iter(_w("tbl")):
            changed |= _table_widths(table, char_twips, char_twips.get("TableText", 280))
        changed |= _keep_with_signature(body)
        return changed


def _text_width(document: bytes) -> int:
    """The width of the text area in twips (page width less margins) of the last section."""
    size = re.findall(rb'<w:pgSz\b[^>]*\bw:w="(\d+)"', document)
    margins = re.findall(rb"<w:pgMar\b[^>]*>", document)
    if not size or not margins:
        return 0
    left = re.search(rb'w:left="(\d+)"', margins[-1])
    right = re.search(rb'w:right="(\d+)"', margins[-1])
    return int(size[-1]) - int(left.group(1) if left else 0) - int(right.group(1) if right else 0)


def _style_sizes(styles: bytes) -> dict[str, int]:
    """Each paragraph style's font size in half-points, following basedOn."""
    root = etree.fromstring(styles)
    own, based = {}, {}
    for style in root.iterfind("w:style", NS):
        sid = style.get(_w("styleId"))
        size = style.find("w:rPr/w:sz", NS)
        if size is not None:
            own[sid] = int(size.get(_w("val")))
        parent = style.find("w:basedOn", NS)
        if parent is not None:
            based[sid] = parent.get(_w("val"))
    resolved = {}
    for sid in set(own) | set(based):
        seen, at = set(), sid
        while at is not None and at not in own and at not in seen:
            seen.add(at)
            at = based.get(at)
        if at in own:
            resolved[sid] = own[at]
    return resolved
