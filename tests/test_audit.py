"""`wenping audit`: our packages pass GB/T 9704; hand-made bad papers (.docx and their PDFs) give each finding."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from service.audit import UnreadableDocument, audit_file
from service.audit.rules import broken_words, half_width_marks, signature_only, unbalanced
from service.generate import generate
from service.pdf import Converter

from .conftest import ROOT
from .test_pdf_converter import needs_lo

EXAMPLES = ROOT / "schemas" / "examples"
BODY = ("为贯彻落实重大决策社会稳定风险评估制度，从源头上预防和减少社会矛盾，确保项目依法、有序、平稳推进，"
        "根据有关规定，结合实际，制定本方案。")


def wenping(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *map(str, args)], capture_output=True, text=True, timeout=300)


def rules_of(report) -> set[str]:
    return {f.rule for f in report.findings}


# -- the text rules ---------------------------------------------------------------------------------------------


def test_a_segmenter_finds_words_split_by_a_line_break():
    assert broken_words(["镇西北片土地整理项目社会稳定风险评估听证", "会纪要"]) == ["听证/会"]
    assert broken_words(["维稳工作方案（应急处", "置预案）"]) == ["处/置"]
    assert broken_words(["镇西北片土地整理项目", "社会稳定风险评估听证会纪要"]) == []


def test_unbalanced_titles_and_signature_pages():
    assert unbalanced(["镇西北片土地整理项目社会稳定风险评估工作", "方案"])
    assert not unbalanced(["镇西北片土地整理项目", "社会稳定风险评估工作方案"])
    assert signature_only(["青石镇人民政府", "2026年3月2日"])
    assert not signature_only(["青石镇人民政府", "2026年3月2日", "（联系人：陈立新）", "第四行"])
    assert not signature_only(["青石镇人民政府办公室　　2026年3月2日印发"])


def test_half_width_marks_beside_chinese_only():
    marks = half_width_marks("石桥村(社区)")
    assert len(marks) == 2 and "「石桥村(社区)」中的“(”应为“（”" in marks[0] and "“)”应为“）”" in marks[1]
    assert half_width_marks("9:00—11:30，1. 第一项") == []


# -- our own papers pass ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    """Every example case's package (with PDFs), unpacked."""
    folders = {}
    with Converter(pool_size=2) as converter:
        for case in sorted(EXAMPLES.glob("*.json")):
            data = json.loads(case.read_text("utf-8"))
            if "case_id" not in data:
                continue  # the PERIOD example is not a case
            folder = tmp_path_factory.mktemp(case.stem)
            with zipfile.ZipFile(io.BytesIO(generate(data, pdf=True, converter=converter).data)) as archive:
                archive.extractall(folder)
            folders[case.stem] = folder
    return folders


@needs_lo
def test_every_example_package_passes(packages):
    for folder in packages.values():
        files = sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.docx"))
        assert files
        for path in files:
            report = audit_file(path)
            assert report.findings == [], (path.name, [f.as_dict() for f in report.findings])


@needs_lo
def test_the_command_passes_the_sample_and_says_so(packages):
    merged = packages["sample-case"] / "稳评报备材料.pdf"
    result = wenping("audit", "--json", merged)
    assert result.returncode == 0, result.stdout + result.stderr
    (report,) = json.loads(result.stdout)["files"]
    assert report["file"] == str(merged) and report["pages"] > 10 and report["findings"] == []


# -- bad papers ----------------------------------------------------------------------------------------------------


def set_run(run, size: float, face: str) -> None:
    run.font.size = Pt(size)
    run.font.name = face
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)


def bad_paper(path: Path) -> Path:
    """Letter paper with 1-inch margins, Arial 12 pt, bullets, a title split inside a word, no page numbers,
    half-width brackets, and the signature pushed alone onto the last page."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(215.9), Mm(279.4)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(25.4))
    title = document.add_paragraph()
    run = title.add_run("镇西北片土地整理项目社会稳定风险评估听证")
    set_run(run, 22, "Arial")
    run.add_break(WD_BREAK.LINE)
    set_run(title.add_run("会纪要"), 22, "Arial")
    for _ in range(3):
        set_run(document.add_paragraph().add_run(BODY * 2), 12, "Arial")
    for item in ("土地平整 3260 亩；", "新建灌排渠道 21.3 公里；"):
        set_run(document.add_paragraph(style="List Bullet").add_run(item), 12, "Arial")
    set_run(document.add_paragraph().add_run("涉及石桥村(社区)的农户。"), 12, "Arial")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    set_run(document.add_paragraph().add_run("青石镇人民政府"), 12, "Arial")
    set_run(document.add_paragraph().add_run("2026年3月2日"), 12, "Arial")
    document.save(path)
    return path


def test_a_bad_docx_gives_each_finding(tmp_path):
    report = audit_file(bad_paper(tmp_path / "bad.docx"))
    assert {"paper", "type-area", "body-size", "body-face", "title-face", "title-break", "title-shape",
            "page-number", "bullet", "half-width-punctuation"} <= rules_of(report), report.findings
    messages = " ".join(f.message for f in report.findings)
    assert "215.9×279.4 mm" in messages and "Arial" in messages and "小四（12 磅）" in messages
    assert "「听证/会」" in messages and "“(”应为“（”" in messages


@needs_lo
def test_a_bad_pdf_gives_each_finding(tmp_path):
    with Converter() as converter:
        pdf = converter.convert(bad_paper(tmp_path / "bad.docx").read_bytes(), "bad")
    (tmp_path / "bad.pdf").write_bytes(pdf)
    report = audit_file(tmp_path / "bad.pdf")
    assert {"paper", "type-area", "body-size", "body-face", "title-face", "title-break",
            "page-number", "bullet", "half-width-punctuation", "signature-alone"} <= rules_of(report), report.findings
    alone = [f for f in report.findings if f.rule == "signature-alone"]
    assert [f.page for f in alone] == [report.pages]
    paper = next(f for f in report.findings if f.rule == "paper")
    assert paper.page == 1 and "215.9×279.4 mm" in paper.message


def test_an_unreadable_file_exits_2_and_a_bad_one_1(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "notes.txt").write_text("不是公文", "utf-8")
    with pytest.raises(UnreadableDocument, match="notes.txt"):
        audit_file(tmp_path / "notes.txt")
    result = wenping("audit", tmp_path / "broken.pdf", tmp_path / "missing.docx")
    assert result.returncode == 2 and f"文件 {tmp_path / 'missing.docx'} 不存在" in result.stderr
    assert "broken.pdf」无法读取" in result.stderr
    assert "Traceback" not in result.stderr
    bad = bad_paper(tmp_path / "bad.docx")
    result = wenping("audit", bad)
    assert result.returncode == 1 and "[纸张] 纸张为 215.9×279.4 mm，应为 A4" in result.stdout
    result = wenping("audit", "--json", bad)
    (entry,) = json.loads(result.stdout)["files"]
    assert set(entry) == {"file", "pages", "findings"}
    assert all(set(f) == {"page", "rule", "message"} for f in entry["findings"])
