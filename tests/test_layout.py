"""Layout of the rendered papers: titles broken between words into balanced lines, table columns wide enough for
short values, the signature kept with the body, and the filing PDF's pages numbered on from its 目录."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from docx.oxml.ns import qn
from lxml import etree

from service.audit import audit_file
from service.audit.rules import broken_words, unbalanced
from service.generate import generate, render_document
from service.render.layout import CELL_MARGINS, balanced_lines, width
from service.render.page_numbers import numbered_from

from .helpers import by_kind, open_docx
from .test_pdf_converter import needs_lo

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

TITLES = [
    "镇西北片土地整理项目社会稳定风险评估工作方案",
    "镇西北片土地整理项目维稳工作方案（应急处置预案）",
    "镇西北片土地整理项目社会稳定风险评估听证会纪要",
    "镇西北片土地整理项目社会稳定风险评估报备材料目录",
    "关于镇西北片土地整理项目社会稳定风险评估工作情况的汇报",
    "青石镇化工厂关停搬迁项目社会稳定风险评估工作方案",
]


@pytest.mark.parametrize("title", TITLES)
def test_titles_break_between_words_into_balanced_lines(title):
    lines = balanced_lines(title, 20)
    assert "".join(lines) == title and len(lines) == 2
    assert all(width(line) <= 20 for line in lines)
    assert broken_words(lines) == [] and not unbalanced(lines), lines
    assert balanced_lines(title, 20) == lines  # the same every time


def test_a_short_title_stays_on_one_line():
    assert balanced_lines("社会稳定风险评估事项报备表", 20) == ["社会稳定风险评估事项报备表"]


def test_the_rendered_title_carries_its_line_break(sample_data):
    (plan,) = by_kind(generate(sample_data, only=["plan"]).data, "plan")
    (title,) = [p for p in plan.paragraphs if p.style.name == "Title"]
    assert title.text == "镇西北片土地整理项目\n社会稳定风险评估工作方案"


def test_short_cells_get_wide_enough_columns(sample_data):
    """Every cell of four characters or fewer (names, codes, short values: no 吴永/红, 编/号) fits its column;
    longer ones get room as far as the table has it, the shorter first."""
    package = generate(sample_data).data
    checked = 0
    for kind in ("report", "plan", "stability_plan", "minutes", "index"):
        for document in by_kind(package, kind):
            for table in document.tables:
                grid = [int(col.get(qn("w:w"))) for col in table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
                for row in table._tbl.findall(qn("w:tr")):
                    cells = row.findall(qn("w:tc"))
                    if len(cells) != len(grid):
                        continue  # merged cells: their width is the sum of several
                    for cell, column in zip(cells, grid):
                        for paragraph in cell.findall(qn("w:p")):
                            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
                            if text and len(text) <= 4:
                                assert width(text) * 14 * 20 + CELL_MARGINS <= column, (kind, text, column)  # 四号: 14 pt
                                checked += 1
    assert checked > 50


def footer_types(docx: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    section = root.find(f"{W}body/{W}sectPr")
    start = section.find(f"{W}pgNumType")
    types = {ref.get(f"{W}id"): ref.get(f"{W}type") for ref in section.findall(f"{W}footerReference")}
    return {"start": start.get(f"{W}start") if start is not None else None, **types}


def test_pages_numbered_from_any_number_keep_odd_right_even_left(sample_data):
    (plan,) = [f for f in [render_document(sample_data, "plan")]]
    original = footer_types(plan.data)
    assert original["start"] is None
    assert numbered_from(plan.data, 1) == plan.data
    odd = footer_types(numbered_from(plan.data, 3))
    assert odd == {**original, "start": "3"}
    even = footer_types(numbered_from(plan.data, 4))
    assert even["start"] == "4"
    swap = {"default": "even", "even": "default"}
    assert {rid: swap[kind] for rid, kind in original.items() if kind in swap} == {
        rid: kind for rid, kind in even.items() if rid != "start"}
    open_docx(numbered_from(plan.data, 4))  # still a Word document


@needs_lo
def test_a_signature_never_stands_alone_on_a_page(sample_data, tmp_path):
    """The 维稳方案 ends with its contact table: with 43 sentences more before it, the signature and date alone
    fell onto a fifth page. Kept with the table, they take its last rows and its heading along."""
    case = copy.deepcopy(sample_data)
    case["stability_plan"]["early_warning"]["reporting"] += "加强宣传解释工作。" * 43
    pdf = render_document(case, "stability_plan", fmt="pdf")
    (tmp_path / "plan.pdf").write_bytes(pdf.data)
    report = audit_file(tmp_path / "plan.pdf")
    assert report.findings == [], report.findings
    assert pdf.pages == 5
