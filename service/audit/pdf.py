"""Audit a PDF as printed: where each line of text sits, in which face and size, measured with pdfminer.six.

Lines inside a drawn table are table text: they count for the 版心, bullets and punctuation, not for the body's
face, size and grid. Lines of 18 pt and more, larger than the body, are title lines.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from pdfminer.layout import LAParams, LTChar, LTCurve, LTTextContainer, LTTextLine
from pdfminer.high_level import extract_pages

from service.audit import rules
from service.audit.rules import MM, Finding

_CJK_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))


def _is_cjk(text: str) -> bool:
    return len(text) == 1 and any(low <= ord(text) <= high for low, high in _CJK_RANGES)


def _face(fontname: str) -> str:
    """``ABCDEF+FandolFang-Regular`` → ``FandolFang-Regular`` (the subset tag off)."""
    return fontname.split("+", 1)[1] if "+" in fontname[:8] else fontname


@dataclass
class Line:
    text: str
    x0: float  # millimetres from the left edge
    x1: float
    top: float  # millimetres from the top edge
    bottom: float
    chars: list[tuple[str, str, float, float]]  # (char, face, size, x0 in mm)
    in_table: bool = False

    @property
    def size(self) -> float:
        sizes = Counter(round(size, 1) for char, _, size, _ in self.chars if not char.isspace())
        return sizes.most_common(1)[0][0] if sizes else 0.0

    def cjk_face(self) -> Optional[str]:
        faces = Counter(face for char, face, _, _ in self.chars if _is_cjk(char))
        return faces.most_common(1)[0][0] if faces else None


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def _table_regions(graphics: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom in mm) of clusters of ruling lines: the tables of the page."""
    clusters: list[list[float]] = []
    for x0, top, x1, bottom in graphics:
        box = [x0, top, x1, bottom, 1]
        merged = True
        while merged:
            merged = False
            for other in clusters:
                if other[0] - 1 <= box[2] and box[0] <= other[2] + 1 and other[1] - 1 <= box[3] and box[1] <= other[3] + 1:
                    clusters.remove(other)
                    box = [min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3]),
                           box[4] + other[4]]
                    merged = True
                    break
        clusters.append(box)
    return [tuple(c[:4]) for c in clusters if c[4] >= 4 and c[3] - c[1] > 5]


def _text_lines(container) -> Iterator[LTTextLine]:
    for element in container:
        if isinstance(element, LTTextLine):
            yield element
        elif isinstance(element, LTTextContainer):
            yield from _text_lines(element)


def read_pages(path: Path) -> list[Page]:
    """Every page's text lines and tables; pdfminer's errors propagate (the caller calls the file unreadable)."""
    pages = []
    params = LAParams(line_margin=0.1, char_margin=4.0)
    for number, layout in enumerate(extract_pages(str(path), laparams=params), 1):
        height = layout.height
        page = Page(number, layout.width / MM, height / MM)
        graphics = [(g.x0 / MM, (height - g.y1) / MM, g.x1 / MM, (height - g.y0) / MM)
                    for g in layout if isinstance(g, LTCurve)]
        tables = _table_regions(graphics)
        for element in layout:
            if not isinstance(element, LTTextContainer):
                continue
            for line in _text_lines(element):
                chars = [(c.get_text(), _face(c.fontname), c.size, c.x0 / MM) for c in line if isinstance(c, LTChar)]
                text = line.get_text().rstrip("\n")
                if not text.strip():
                    continue
                item = Line(text, line.x0 / MM, line.x1 / MM, (height - line.y1) / MM, (height - line.y0) / MM, chars)
                middle_x, middle_y = (item.x0 + item.x1) / 2, (item.top + item.bottom) / 2
                item.in_table = any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in tables)
                page.lines.append(item)
        page.lines.sort(key=lambda l: (round(l.top, 1), l.x0))
        pages.append(page)
    return pages


# -- the rules ----------------------------------------------------------------------------------------------


class _Findings:
    """Findings of one file; rules about the whole file are reported once, at the first page that breaks them."""

    def __init__(self) -> None:
        self.items: list[Finding] = []
        self._once: dict[str, int] = {}

    def add(self, page: int, rule: str, message: str) -> None:
        self.items.append(Finding(page, rule, message))

    def once(self, page: int, rule: str, message: str) -> None:
        if rule not in self._once:
            self._once[rule] = len(self.items)
            self.add(page, rule, message)


def _page_number_line(page: Page) -> Optional[Line]:
    bottom_of_area = rules.TOP + rules.AREA_HEIGHT
    for line in page.lines:
        if line.top >= bottom_of_area - 1 and rules.PAGE_NUMBER_LIKE.match(line.text):
            return line
    return None


def _is_record(line: Line) -> bool:
    """A line of the 版记 (抄送, 印发机关和印发日期), set in 四号 by GB/T 9704 §7.4: not body text."""
    text = line.text.strip()
    return text.startswith("抄送：") or text.endswith("印发")


def _body_lines(page: Page, number_line: Optional[Line]) -> list[Line]:
    return [l for l in page.lines if l is not number_line and not l.in_table and not _is_title(l) and not _is_record(l)]


def _is_title(line: Line) -> bool:
    return line.size >= 18


def _check_paper(page: Page, found: _Findings) -> None:
    width, height = rules.PAPER
    if not (rules.near(page.width, width, rules.PAPER_TOLERANCE) and rules.near(page.height, height, rules.PAPER_TOLERANCE)):
        found.once(page.number, "paper", f"纸张为 {page.width:.1f}×{page.height:.1f} mm，应为 A4（210×297 mm）")


def _check_area(page: Page, number_line: Optional[Line], body: list[Line], found: _Findings) -> None:
    """Text inside the 版心 (28 mm from the left, 37 mm from the top, 156 × 225 mm), body lines starting at its edge."""
    left, top = rules.LEFT, rules.TOP
    right, bottom = left + rules.AREA_WIDTH, top + rules.AREA_HEIGHT
    tolerance = rules.MARGIN_TOLERANCE
    for line in page.lines:
        if line is number_line:
            continue
        outside = []
        if line.x0 < left - tolerance:
            outside.append(f"左边距 {line.x0:.1f} mm（应为 {left:g} mm）")
        if line.x1 > right + tolerance:
            outside.append(f"右边缘距纸边 {page.width - line.x1:.1f} mm（版心宽 {rules.AREA_WIDTH:g} mm）")
        if line.top < top - tolerance:
            outside.append(f"上边距 {line.top:.1f} mm（天头应为 {top:g} mm）")
        if line.bottom > bottom + tolerance:
            outside.append(f"文字下缘距纸顶 {line.bottom:.1f} mm（版心下缘为 {bottom:g} mm）")
        if outside:
            found.once(page.number, "type-area", f"文字超出版心（156×225 mm）：「{line.text.strip()[:12]}」" + "，".join(outside))
            return
    starts = Counter(round(l.x0 * 2) / 2 for l in body if len(l.text.strip()) >= 10)
    if sum(starts.values()) >= 3:
        start = starts.most_common(1)[0][0]
        if not rules.near(start, left, tolerance) and not rules.near(start, left + 2 * rules.BODY_SIZE / MM, tolerance):
            found.once(page.number, "type-area", f"正文行起于距左纸边 {start:.1f} mm，订口（左边距）应为 {left:g} mm")


def _check_grid(page: Page, body: list[Line], found: _Findings) -> None:
    """22 lines a page (one every 225/22 mm) and 28 characters a line (one every 156/28 mm)."""
    pitch = rules.AREA_HEIGHT / rules.LINES
    steps = [b.top - a.top for a, b in zip(body, body[1:]) if 0.5 * pitch < b.top - a.top < 1.6 * pitch]
    if len(steps) >= 4:
        step = statistics.median(steps)
        if not rules.near(step, pitch, 0.35):
            found.once(page.number, "lines-per-page",
                       f"行距 {step:.2f} mm，每页约 {rules.AREA_HEIGHT / step:.0f} 行；应为每页 {rules.LINES} 行（行距 {pitch:.2f} mm）")
    # One figure per line, then the median over the lines: a justified line holding digits or Latin letters
    # spreads its characters, so a page of tables with two body lines says little (four lines at least).
    per_line = []
    for line in body:
        cjk = [(char, x0) for char, _, _, x0 in line.chars]
        gaps = [b[1] - a[1] for a, b in zip(cjk, cjk[1:]) if _is_cjk(a[0]) and _is_cjk(b[0])]
        if len(gaps) >= 5:
            per_line.append(statistics.median(gaps))
    if len(per_line) >= 4:
        advance = statistics.median(per_line)
        width = rules.AREA_WIDTH / rules.CHARS
        if not rules.near(advance, width, 0.2):
            found.once(page.number, "chars-per-line",
                       f"字距 {advance:.2f} mm，每行约 {rules.AREA_WIDTH / advance:.0f} 字；应为每行 {rules.CHARS} 字（字距 {width:.2f} mm）")


def _body_faces(page: Page, body: list[Line]) -> Counter:
    return Counter((face, round(size, 1)) for line in body for char, face, size, _ in line.chars if _is_cjk(char))


def _check_body_face(faces_by_page: list[tuple[int, Counter]], found: _Findings) -> None:
    """The face and size most of the body text (outside tables and titles) of the file is printed in.

    A file with little text outside its tables (a form) is not held to the body rules."""
    faces = sum((faces for _, faces in faces_by_page), Counter())
    if sum(faces.values()) < 100:
        return
    (face, size), _ = faces.most_common(1)[0]
    first = next(number for number, page_faces in faces_by_page if page_faces[(face, size)])
    if not rules.near(size, rules.BODY_SIZE, rules.SIZE_TOLERANCE):
        found.once(first, "body-size", f"正文字号为 {rules.size_name(size)}，应为三号（16 磅）")
    if not rules.FANGSONG.search(face):
        found.once(first, "body-face", f"正文字体为 {face}，应为仿宋（仿宋_GB2312）")


def _title_blocks(page: Page) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    for line in page.lines:
        if line.in_table or not _is_title(line):
            continue
        if blocks and line.top - blocks[-1][-1].bottom < line.bottom - line.top and blocks[-1][-1].size == line.size:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _is_issuer_mark(text: str, size: float) -> bool:
    """The 发文机关标志 (「××人民政府文件」, 「××会议纪要」) of a 版头: larger than a title, with no size set by
    GB/T 9704 (§7.2.3: 醒目、美观、庄重), so not held to the title's 二号."""
    return size > rules.TITLE_SIZE + rules.SIZE_TOLERANCE and text.endswith(("文件", "纪要"))


def _check_titles(page: Page, found: _Findings) -> None:
    for block in _title_blocks(page):
        text = "".join(l.text.strip() for l in block)
        size = block[0].size
        if _is_issuer_mark(text, size):
            continue
        if not rules.near(size, rules.TITLE_SIZE, rules.SIZE_TOLERANCE):
            found.add(page.number, "title-size", f"标题「{text[:20]}」字号为 {rules.size_name(size)}，应为二号（22 磅）")
        face = next((f for f in (l.cjk_face() for l in block) if f), None)
        if face and not rules.XIAOBIAOSONG.search(face):
            found.add(page.number, "title-face", f"标题「{text[:20]}」字体为 {face}，应为小标宋（方正小标宋简体）")
        if rules.unbalanced([l.text for l in block]):
            lengths = "／".join(str(len(l.text.strip())) for l in block)
            found.add(page.number, "title-shape", f"标题「{text[:20]}」各行字数 {lengths}，长短悬殊；应排成梯形或菱形")
        for broken in rules.broken_words(l.text for l in block):
            found.add(page.number, "title-break", f"标题「{text[:20]}」在词中间换行：「{broken}」（词应保持完整）")


def _check_page_number(page: Page, number_line: Optional[Line], found: _Findings) -> None:
    if number_line is None:
        if any(len(l.text.strip()) >= 10 for l in page.lines):
            found.add(page.number, "page-number", "本页没有页码（应在版心下方 7 mm，如“— 1 —”）")
        return
    match = rules.PAGE_NUMBER.match(number_line.text)
    if match is None:
        found.add(page.number, "page-number", f"页码「{number_line.text.strip()}」格式不对，应为“— n —”（一字线、半角数字）")
        return
    printed = int(match.group(1))
    middle = (number_line.top + number_line.bottom) / 2
    expected_middle = rules.TOP + rules.AREA_HEIGHT + 7
    if not rules.near(middle, expected_middle, 2.5):
        found.add(page.number, "page-number", f"页码距版心下缘 {middle - rules.TOP - rules.AREA_HEIGHT:.1f} mm，应为 7 mm")
    indent = rules.PAGE_NUMBER_SIZE / MM
    if printed % 2:
        expected, actual, side = rules.LEFT + rules.AREA_WIDTH - indent, number_line.x1, "右"
    else:
        expected, actual, side = rules.LEFT + indent, number_line.x0, "左"
    if not rules.near(actual, expected, 2.0):
        found.add(page.number, "page-number", f"第 {printed} 页的页码应在{side}侧、空一字（{'单' if printed % 2 else '双'}页{side}空一字）")


def _check_text(page: Page, number_line: Optional[Line], found: _Findings) -> None:
    for line in page.lines:
        if line is number_line:
            continue
        bullet = rules.bullet_in(line.text)
        if bullet:
            text = line.text.strip()
            if text == bullet:  # the bullet sits apart, the item's text to its right
                text += "".join(l.text.strip() for l in page.lines if abs(l.top - line.top) < 2 and l.x0 > line.x1)
            shown = bullet if bullet.isprintable() and not 0xE000 <= ord(bullet) <= 0xF8FF else "•"
            found.add(page.number, "bullet", f"「{text.replace(bullet, shown)[:16]}」以项目符号“{shown}”开头；公文应编号（1.、（1））或写成句子")
        for mark in rules.half_width_marks(line.text):
            found.add(page.number, "half-width-punctuation", f"中文里用了半角标点：{mark}")
    texts = [l.text for l in page.lines if l is not number_line]
    if page.number > 1 and rules.signature_only(texts):
        found.add(page.number, "signature-alone", "本页只有署名和日期：应调整行距、字距，使其与正文同页（GB/T 9704 7.3.5.5）")


def audit_pdf(path: Path) -> tuple[int, list[Finding]]:
    pages = read_pages(path)
    found = _Findings()
    faces_by_page = []
    for page in pages:
        number_line = _page_number_line(page)
        body = _body_lines(page, number_line)
        _check_paper(page, found)
        _check_area(page, number_line, body, found)
        _check_grid(page, body, found)
        faces_by_page.append((page.number, _body_faces(page, body)))
        _check_titles(page, found)
        _check_page_number(page, number_line, found)
        _check_text(page, number_line, found)
    _check_body_face(faces_by_page, found)
    return len(pages), sorted(found.items, key=lambda f: f.page or 0)
