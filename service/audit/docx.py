"""Audit a .docx as Word would lay it out: page set-up, grid, the faces and sizes its styles give, footers.

A .docx has no pages until it is laid out, so page-bound rules (a page holding only a signature, where a title
wraps by itself) are the PDF's; explicit line breaks in a title are checked here.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Iterator, Optional

from lxml import etree

from service.audit import rules
from service.audit.rules import Finding

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
TWIPS_PER_MM = 1440 / 25.4


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


class _Styles:
    """Effective east-Asian face and size of a run: run → character style → paragraph style chain → defaults."""

    def __init__(self, styles: Optional[etree._Element]) -> None:
        self.by_id = {}
        self.default_paragraph = None
        self.defaults = None
        if styles is None:
            return
        for style in styles.iterfind("w:style", NS):
            self.by_id[style.get(_w("styleId"))] = style
            if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true"):
                self.default_paragraph = style.get(_w("styleId"))
        self.defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)

    def _chain(self, style_id: Optional[str]) -> Iterator[etree._Element]:
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find("w:basedOn", NS)
            style_id = based.get(_w("val")) if based is not None else None

    def _rpr_sources(self, run: etree._Element, paragraph: etree._Element) -> Iterator[etree._Element]:
        rpr = run.find("w:rPr", NS)
        if rpr is not None:
            yield rpr
            rstyle = rpr.find("w:rStyle", NS)
            if rstyle is not None:
                yield from (s.find("w:rPr", NS) for s in self._chain(rstyle.get(_w("val"))))
        pstyle = paragraph.find("w:pPr/w:pStyle", NS)
        style_id = pstyle.get(_w("val")) if pstyle is not None else self.default_paragraph
        yield from (s.find("w:rPr", NS) for s in self._chain(style_id))
        if self.defaults is not None:
            yield self.defaults

    def numbering(self, paragraph: etree._Element) -> Optional[etree._Element]:
        """The paragraph's w:numPr, its own or its style's."""
        own = paragraph.find("w:pPr/w:numPr", NS)
        if own is not None:
            return own
        pstyle = paragraph.find("w:pPr/w:pStyle", NS)
        for style in self._chain(pstyle.get(_w("val")) if pstyle is not None else self.default_paragraph):
            num = style.find("w:pPr/w:numPr", NS)
            if num is not None:
                return num
        return None

    def face_and_size(self, run: etree._Element, paragraph: etree._Element) -> tuple[Optional[str], Optional[float]]:
        face = size = None
        for rpr in self._rpr_sources(run, paragraph):
            if rpr is None:
                continue
            if face is None:
                fonts = rpr.find("w:rFonts", NS)
                if fonts is not None and fonts.get(_w("eastAsia")):
                    face = fonts.get(_w("eastAsia"))
            if size is None:
                sz = rpr.find("w:sz", NS)
                if sz is not None and sz.get(_w("val")):
                    size = int(sz.get(_w("val"))) / 2
        return face, size


def _text(element: etree._Element) -> str:
    parts = []
    for node in element.iter(_w("t"), _w("br"), _w("tab")):
        parts.append(node.text or "" if node.tag == _w("t") else "\n" if node.tag == _w("br") else "\t")
    return "".join(parts)


def _read(path: Path) -> tuple[dict[str, etree._Element], dict[str, str]]:
    """The XML parts the rules read, and the document's relationships (id → target)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        parts = {name: etree.fromstring(archive.read(name), parser) for name in names
                 if name.startswith("word/") and name.endswith((".xml", ".rels")) or name == "docProps/app.xml"}
    if "word/document.xml" not in parts:
        raise ValueError("not a Word document")
    relations = {}
    rels = parts.get("word/_rels/document.xml.rels")
    if rels is not None:
        for rel in rels:
            relations[rel.get("Id")] = "word/" + rel.get("Target", "").lstrip("/").removeprefix("word/")
    return parts, relations


def _mm(twips: Optional[str]) -> Optional[float]:
    return int(twips) / TWIPS_PER_MM if twips not in (None, "") else None


def _check_sections(body: etree._Element, found: list[Finding]) -> Optional[tuple[float, float]]:
    """Paper, margins, 版心 and grid of each section; gives the first section's 版心 (width, height) in mm."""
    area = None
    for sect in body.iter(_w("sectPr")):
        size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
        if size is None or margins is None:
            continue
        width, height = _mm(size.get(_w("w"))), _mm(size.get(_w("h")))
        top, bottom = _mm(margins.get(_w("top"))), _mm(margins.get(_w("bottom")))
        left, right = _mm(margins.get(_w("left"))), _mm(margins.get(_w("right")))
        if None in (width, height, top, bottom, left, right):
            continue
        if not (rules.near(width, 210, 1) and rules.near(height, 297, 1)):
            found.append(Finding(None, "paper", f"纸张为 {width:.1f}×{height:.1f} mm，应为 A4（210×297 mm）"))
        wrong = []
        if not rules.near(abs(top), rules.TOP, 1):
            wrong.append(f"天头（上边距）{abs(top):.1f} mm，应为 37 mm")
        if not rules.near(left, rules.LEFT, 1):
            wrong.append(f"订口（左边距）{left:.1f} mm，应为 28 mm")
        area_width, area_height = width - left - right, height - abs(top) - abs(bottom)
        if not (rules.near(area_width, rules.AREA_WIDTH, 1) and rules.near(area_height, rules.AREA_HEIGHT, 1)):
            wrong.append(f"版心 {area_width:.1f}×{area_height:.1f} mm，应为 156×225 mm")
        if wrong:
            found.append(Finding(None, "type-area", "；".join(wrong)))
        grid = sect.find("w:docGrid", NS)
        if grid is not None and grid.get(_w("linePitch")):
            lines = area_height * TWIPS_PER_MM / int(grid.get(_w("linePitch")))
            if round(lines) != rules.LINES:
                found.append(Finding(None, "lines-per-page", f"文档网格每页 {lines:.0f} 行，应为 {rules.LINES} 行"))
        area = area if area is not None else (area_width, area_height)
    return area


def _body_paragraphs(body: etree._Element) -> list[etree._Element]:
    return [p for p in body.iter(_w("p")) if not any(a.tag == _w("tbl") for a in p.iterancestors())]


HEADER_LINE = re.compile(r"(文件|会议纪要)$|〔\d{4}〕\d+号|^第\S+期$")


def _title_index(texts: list[str]) -> int:
    """Where the title is: after the 版头 (发文机关标志, 发文字号 and 签发人, a 纪要's 期号) when there is one."""
    return next((i for i, text in enumerate(texts) if not HEADER_LINE.search(text)), 0)


def _check_faces(body: etree._Element, styles: _Styles, area: Optional[tuple[float, float]], found: list[Finding]) -> None:
    paragraphs = [p for p in _body_paragraphs(body) if _text(p).strip()]
    if not paragraphs:
        return
    first = _title_index([_text(p).strip() for p in paragraphs])
    title = paragraphs[first]
    counts: Counter = Counter()
    for paragraph in paragraphs[first + 1:]:
        for run in paragraph.iterfind("w:r", NS):
            count = len(re.findall(r"[\u3400-\u9fff]", _text(run)))
            if count:
                counts[styles.face_and_size(run, paragraph)] += count
    if sum(counts.values()) >= 100:
        (face, size), _ = counts.most_common(1)[0]
        if size is not None and not rules.near(size, rules.BODY_SIZE, rules.SIZE_TOLERANCE):
            found.append(Finding(None, "body-size", f"正文字号为 {rules.size_name(size)}，应为三号（16 磅）"))
        if face is not None and not rules.FANGSONG.search(face):
            found.append(Finding(None, "body-face", f"正文字体为 {face}，应为仿宋（仿宋_GB2312）"))
        if area is not None and size:
            chars = area[0] / (size / rules.MM)
            if round(chars) != rules.CHARS and rules.near(size, rules.BODY_SIZE, rules.SIZE_TOLERANCE):
                found.append(Finding(None, "chars-per-line", f"每行约 {chars:.0f} 字，应为 {rules.CHARS} 字"))
    runs = [r for r in title.iterfind("w:r", NS) if _text(r).strip()]
    if runs:
        face, size = styles.face_and_size(runs[0], title)
        text = _text(title).replace("\n", "")
        if size is not None and not rules.near(size, rules.TITLE_SIZE, rules.SIZE_TOLERANCE):
            found.append(Finding(None, "title-size", f"标题「{text[:20]}」字号为 {rules.size_name(size)}，应为二号（22 磅）"))
        if face is not None and not rules.XIAOBIAOSONG.search(face):
            found.append(Finding(None, "title-face", f"标题「{text[:20]}」字体为 {face}，应为小标宋（方正小标宋简体）"))
        lines = _text(title).split("\n")
        if rules.unbalanced(lines):
            lengths = "／".join(str(len(l.strip())) for l in lines if l.strip())
            found.append(Finding(None, "title-shape", f"标题「{text[:20]}」各行字数 {lengths}，长短悬殊；应排成梯形或菱形"))
        for broken in rules.broken_words(lines):
            found.append(Finding(None, "title-break", f"标题「{text[:20]}」在词中间换行：「{broken}」（词应保持完整）"))


def _bullet_numbering(parts: dict[str, etree._Element]) -> set[tuple[str, str]]:
    """(numId, ilvl) pairs whose numbering is a bullet."""
    numbering = parts.get("word/numbering.xml")
    if numbering is None:
        return set()
    bullet_levels = {}
    for abstract in numbering.iterfind("w:abstractNum", NS):
        for level in abstract.iterfind("w:lvl", NS):
            fmt = level.find("w:numFmt", NS)
            if fmt is not None and fmt.get(_w("val")) == "bullet":
                bullet_levels.setdefault(abstract.get(_w("abstractNumId")), set()).add(level.get(_w("ilvl")))
    found = set()
    for num in numbering.iterfind("w:num", NS):
        abstract = num.find("w:abstractNumId", NS)
        if abstract is not None:
            for level in bullet_levels.get(abstract.get(_w("val")), ()):
                found.add((num.get(_w("numId")), level))
    return found


def _check_text(body: etree._Element, parts: dict[str, etree._Element], styles: _Styles, found: list[Finding]) -> None:
    bullets = _bullet_numbering(parts)
    for paragraph in body.iter(_w("p")):
        text = _text(paragraph)
        num = styles.numbering(paragraph)
        if num is not None:
            num_id, level = num.find("w:numId", NS), num.find("w:ilvl", NS)
            key = (num_id.get(_w("val")) if num_id is not None else None, level.get(_w("val")) if level is not None else "0")
            if key in bullets:
                found.append(Finding(None, "bullet", f"「{text.strip()[:16]}」是项目符号列表；公文应编号（1.、（1））或写成句子"))
        bullet = rules.bullet_in(text)
        if bullet:
            found.append(Finding(None, "bullet", f"「{text.strip()[:16]}」以项目符号“{bullet}”开头；公文应编号（1.、（1））或写成句子"))
        for mark in rules.half_width_marks(text):
            found.append(Finding(None, "half-width-punctuation", f"中文里用了半角标点：{mark}"))


def _check_footers(body: etree._Element, parts: dict[str, etree._Element], relations: dict[str, str], found: list[Finding]) -> None:
    footers = {}
    for sect in body.iter(_w("sectPr")):
        for ref in sect.iterfind("w:footerReference", NS):
            part = parts.get(relations.get(ref.get(f"{{{R}}}id"), ""))
            if part is not None:
                footers.setdefault(ref.get(_w("type"), "default"), part)
    numbered = {}
    for kind, footer in footers.items():
        for paragraph in footer.iter(_w("p")):
            instructions = "".join(t.text or "" for t in paragraph.iter(_w("instrText")))
            instructions += "".join(f.get(_w("instr"), "") for f in paragraph.iter(_w("fldSimple")))
            if "PAGE" in instructions.upper():
                numbered[kind] = paragraph
    if not numbered:
        found.append(Finding(None, "page-number", "页脚中没有页码（应为“— n —”，单页居右、双页居左）"))
        return
    for kind, paragraph in numbered.items():
        shown = re.sub(r"\d+", "", _text(paragraph)).replace(" ", "").replace("\u00a0", "")
        if shown != "——":
            found.append(Finding(None, "page-number", f"页码「{_text(paragraph).strip()}」格式不对，应为“— n —”（一字线、半角数字）"))
        jc = paragraph.find("w:pPr/w:jc", NS)
        align = jc.get(_w("val")) if jc is not None else "left"
        expected = "left" if kind == "even" else ("right", "end")
        if align not in (expected if isinstance(expected, tuple) else (expected,)):
            side = "双页居左" if kind == "even" else "单页居右"
            found.append(Finding(None, "page-number", f"页码位置不对：应{side}、空一字"))
    settings = parts.get("word/settings.xml")
    if "even" not in numbered or settings is None or settings.find("w:evenAndOddHeaders", NS) is None:
        found.append(Finding(None, "page-number", "页码单双页不分：应单页居右、双页居左（设置“奇偶页不同”）"))


def _pages(parts: dict[str, etree._Element]) -> Optional[int]:
    app = parts.get("docProps/app.xml")
    if app is None:
        return None
    for element in app.iter():
        if isinstance(element.tag, str) and element.tag.endswith("}Pages") and (element.text or "").isdigit():
            return int(element.text)
    return None


def audit_docx(path: Path) -> tuple[Optional[int], list[Finding]]:
    parts, relations = _read(path)
    body = parts["word/document.xml"].find("w:body", NS)
    if body is None:
        raise ValueError("document without a body")
    found: list[Finding] = []
    area = _check_sections(body, found)
    styles = _Styles(parts.get("word/styles.xml"))
    _check_faces(body, styles, area, found)
    _check_footers(body, parts, relations, found)
    _check_text(body, parts, styles, found)
    return _pages(parts), found
