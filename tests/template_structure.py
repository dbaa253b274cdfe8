"""What a template must keep, however an office suite saved it: GB/T 9704 page set-up, the official styles
by their Chinese names, Word's own heading numbers and the "— N —" page numbers.

Read through python-docx (parsed values, not XML text), so that a template re-saved by Word, WPS or
LibreOffice — other attribute order, other ids, other defaults written out — is judged by what it does.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TOLERANCE = Mm(0.5)


def _east_asia_font(style) -> str | None:
    """The East Asian face a style sets, following its base styles."""
    while style is not None:
        fonts = style.element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def _size(style):
    while style is not None:
        if style.font.size is not None:
            return style.font.size
        style = style.base_style
    return None


def _close(a, b) -> bool:
    return a is not None and abs(int(a) - int(b)) <= TOLERANCE


def structure_problems(path: Path, *, body_styles: bool = True) -> list[str]:
    """Every way the template at ``path`` departs from the official format (empty: none)."""
    document = docx.Document(str(path))
    problems: list[str] = []
    section = document.sections[-1]
    if not (_close(section.page_width, Mm(210)) and _close(section.page_height, Mm(297))):
        problems.append(f"paper is not A4: {section.page_width} × {section.page_height}")
    for name, expected in (("top_margin", 37), ("bottom_margin", 35), ("left_margin", 28), ("right_margin", 26)):
        if not _close(getattr(section, name), Mm(expected)):
            problems.append(f"{name} is {getattr(section, name)}, not {expected} mm")
    if body_styles:
        problems += _style_problems(document)
    problems += _numbering_problems(document)
    problems += _footer_problems(document)
    return problems


def _style_problems(document) -> list[str]:
    problems = []
    styles = {s.name: s for s in document.styles}
    expected = {
        # name: (size, East Asian face)
        "Normal": (Pt(16), "仿宋_GB2312"),
        "Title": (Pt(22), "方正小标宋简体"),
        "一级标题": (Pt(16), "黑体"),
        "二级标题": (Pt(16), "楷体_GB2312"),
        "三级标题": (Pt(16), "仿宋_GB2312"),
    }
    for name, (size, face) in expected.items():
        style = styles.get(name)
        if style is None:
            problems.append(f"style {name} is missing")
            continue
        if _size(style) != size:
            problems.append(f"style {name}: size {_size(style)}, not {size.pt} pt")
        if _east_asia_font(style) != face:
            problems.append(f"style {name}: face {_east_asia_font(style)}, not {face}")
    normal = styles.get("Normal")
    if normal is not None:
        fmt = normal.paragraph_format
        if fmt.line_spacing_rule != WD_LINE_SPACING.EXACTLY or not _close(fmt.line_spacing, Pt(28.95)):
            problems.append(f"Normal: line spacing {fmt.line_spacing}, not exactly 28.95 pt (22 lines)")
        indent = normal.element.find(qn("w:pPr") + "/" + qn("w:ind"))
        chars = indent.get(qn("w:firstLineChars")) if indent is not None else None
        if chars != "200" and not _close(fmt.first_line_indent, Pt(32)):
            problems.append("Normal: first line not indented by 2 characters")
    title = styles.get("Title")
    if title is not None and title.paragraph_format.alignment != WD_ALIGN_PARAGRAPH.CENTER:
        problems.append("Title is not centred")
    return problems


def _numbering_problems(document) -> list[str]:
    numbering = document.part.numbering_part.element
    texts = {lvl.get(qn("w:val")) for lvl in numbering.iter(qn("w:lvlText"))}
    return [f"heading number {t} is missing" for t in ("%1、", "（%2）", "%3.", "（%4）") if t not in texts]


def _footer_problems(document) -> list[str]:
    section = document.sections[-1]
    problems = []
    if not document.settings.odd_and_even_pages_header_footer:
        problems.append("odd and even pages do not have their own footers")
    # Word writes right/left; LibreOffice writes end/start (python-docx reads only the former).
    for footer, sides in ((section.footer, {"right", "end"}), (section.even_page_footer, {"left", "start"})):
        xml = footer._element.xml
        text = "".join(p.text for p in footer.paragraphs)
        if "PAGE" not in xml or not text.startswith("—") or not text.endswith("—"):
            problems.append(f"footer has no — N — page number: {text!r}")
        aligned = {jc.get(qn("w:val")) for jc in footer._element.iter(qn("w:jc"))}
        if not aligned & sides:
            problems.append(f"footer not aligned {'/'.join(sorted(sides))}: {aligned}")
    return problems
