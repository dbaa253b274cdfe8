"""Layout of the rendered papers: titles broken between words into balanced lines, table columns wide enough for
short values, the signature kept with the body, and the filing PDF's pages numbered on from its 目录."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from docx.oxml.ns import qn

from service.audit import audit_file
from service.audit.rules import broken_words, unbalanced
from service.generate import generate, render_document
from service.render.layout import CELL_MARGINS, balanced_lines, width
from service.render.page_numbers import number_sheets, without_page_numbers

from .helpers import by_kind, open_docx
from .test_pdf_converter import needs_lo

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


def part(docx: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read(name)


def test_page_numbers_come_out_and_onto_sheets_of_their_own(sample_data):
    plan = render_document(sample_data, "plan").data
    bare = without_page_numbers(plan)
    for footer in ("word/footer1.xml", "word/footer2.xml"):
        assert b"PAGE" in part(plan, footer) and b"PAGE" not in part(bare, footer)
        assert part(bare, footer).count(b"<w:p>") == part(plan, footer).count(b"<w:p>")  # same layout
    assert part(bare, "word/document.xml") == part(plan, "word/document.xml")
    sheets = open_docx(number_sheets(plan, 5))
    assert [p.text for p in sheets.paragraphs] == [""] * 5
    assert part(number_sheets(plan, 5), "word/footer1.xml") == part(plan, "word/footer1.xml")


@needs_lo
def test_each_pdf_is_numbered_from_1_and_the_filing_from_its_index(sample_data):
    from pypdf import PdfReader

    from .test_pdf_output import pdftotext

    with zipfile.ZipFile(io.BytesIO(generate(sample_data, pdf=True, only=["plan", "report"]).data)) as archive:
        pdfs = {name: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}
    for name, pdf in pdfs.items():
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        printed = [line.strip() for line in pdftotext(pdf).splitlines() if line.strip().startswith("—")]
        assert printed == [f"— {n} —" for n in range(1, count + 1)], name


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


def test_a_very_long_title_is_filled_line_by_line_at_once():
    """Balancing tries every split, so it is kept to short titles; a long one is filled greedily (no hang)."""
    title = "镇西北片土地整理项目社会稳定风险评估工作方案" * 12
    lines = balanced_lines(title, 20)
    assert "".join(lines) == title and all(width(line) <= 20 for line in lines) and len(lines) > 10
