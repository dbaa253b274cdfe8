"""PDF output: every document as PDF, GB/T 9704 on paper, the merged filing PDF, determinism."""

from __future__ import annotations

import io
import os
import json
import re
import subprocess

import pytest
from pypdf import PdfReader

from service.pdf.assemble import MERGED_NAME
from service.generate import generate, render_document
from service.pdf import Converter, ConverterUnavailable, close_shared_converter

from .conftest import BIN, SAMPLE_PATH
from .helpers import file_names, live_processes, manifest, unzip

# FangSong (仿宋), the heavy Song (小标宋), Song (宋体), Hei (黑体), Kai (楷体), Times New Roman's clone.
# DejaVu Serif: the response grades' Roman numerals Ⅰ–Ⅳ, which the Fandol faces lack (fontconfig's fallback)
SC_FACES = {"FandolFang-Regular", "FandolSong-Bold", "UMingCN", "WenQuanYiZenHei", "UKaiCN", "LiberationSerif", "DejaVuSerif"}


@pytest.fixture(scope="module", autouse=True)
def shared_pool():
    yield
    close_shared_converter()


@pytest.fixture(scope="module")
def pdf_package(sample_data):
    return generate(sample_data, pdf=True).data


def pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def fonts_of(pdf: bytes) -> list[dict]:
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True)
    if out.returncode:  # older poppler cannot read stdin
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            out = subprocess.run(["pdffonts", f.name], capture_output=True, check=True)
    rows = out.stdout.decode().splitlines()[2:]
    return [{"name": r.split()[0], "emb": r.split()[-5]} for r in rows if r.strip()]


def test_every_document_has_its_pdf(pdf_package):
    files = manifest(pdf_package)["files"]
    docx = [f["file"] for f in files if f["file"].endswith(".docx")]
    pdfs = {f["file"]: f for f in files if f["file"].endswith(".pdf")}
    assert all(name[:-5] + ".pdf" in pdfs for name in docx)
    assert MERGED_NAME in pdfs
    contents = unzip(pdf_package)
    for name, entry in pdfs.items():
        assert len(PdfReader(io.BytesIO(contents[name])).pages) == entry["pages"] > 0


def test_filing_form_is_one_page(pdf_package):
    (form,) = [f for f in manifest(pdf_package)["files"] if f["kind"] == "filing_form" and f["file"].endswith(".pdf")]
    assert form["pages"] == 1


def test_merged_pdf_index_bookmarks_and_info(pdf_package, sample_data):
    files = manifest(pdf_package)["files"]
    merged = unzip(pdf_package)[MERGED_NAME]
    reader = PdfReader(io.BytesIO(merged))
    documents = [f for f in files if f["file"].endswith(".pdf") and f["kind"] not in ("index", "filing_pdf")]
    index_pages = next(f["pages"] for f in files if f["kind"] == "index" and f["file"].endswith(".pdf"))
    assert len(reader.pages) == index_pages + sum(f["pages"] for f in documents)

    index_text = pdftotext(merged, "-f", "1", "-l", str(index_pages))
    assert "目录" in index_text
    page = index_pages + 1
    for f in documents:
        last = page + f["pages"] - 1
        expected = f"{page}" if last == page else f"{page}—{last}"
        assert re.search(rf"(?<!\d){expected}(?!\d)", index_text), (f["title"], expected)
        page = last + 1

    # The number printed on each page of the filing is its place in the file: the 目录's ranges find it.
    for number in range(1, len(reader.pages) + 1):
        printed = [line.strip() for line in pdftotext(merged, "-f", str(number), "-l", str(number)).splitlines()]
        assert f"— {number} —" in printed, (number, printed[-3:])

    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[0].endswith("目录") and "会议纪要" in titles
    assert titles.count("会议纪要") == 1
    nested = next(item for item in outline if isinstance(item, list))
    assert [i.title for i in nested] == [f["title"] for f in documents if f["kind"] == "minutes"]
    starts = {item.title: reader.get_destination_page_number(item) + 1 for item in outline if not isinstance(item, list)}
    report = next(f for f in documents if f["kind"] == "report")
    assert starts[report["title"]] == 1 + index_pages + sum(f["pages"] for f in documents[: documents.index(report)])

    info = reader.metadata
    assert info.title == sample_data["matter"]["name"] and info.author == sample_data["authority"]["name"]
    assert info.subject and "QS-WP-2026-001" in info.keywords
    assert info["/CreationDate"].startswith("D:20260416")


def test_fonts_embedded_simplified_chinese(pdf_package):
    merged = unzip(pdf_package)[MERGED_NAME]
    fonts = fonts_of(merged)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    faces = {f["name"].split("+", 1)[-1] for f in fonts}
    assert faces <= SC_FACES, faces
    assert {"FandolFang-Regular", "FandolSong-Bold", "WenQuanYiZenHei", "UKaiCN"} <= faces
    for face in faces:
        assert not re.search(r"JP|KR|TC|HK|TW|jp|kr", face)


def test_text_survives_conversion(pdf_package):
    report = unzip(pdf_package)[file_names(pdf_package, "report", ".pdf")[0]]
    text = pdftotext(report).replace("\n", "")
    for expected in ("支持率92.56%", "共梳理意见建议4类，采纳2类、部分采纳1类、不予采纳1类", "一、基本情况", "（一）事项概况"):
        assert expected in text.replace(" ", ""), expected


def test_pdf_package_is_deterministic(sample_data, pdf_package):
    assert generate(sample_data, pdf=True).data == pdf_package


def test_number_sheets_are_converted_once_per_converter(sample_data, pdf_package):
    """The page-number sheets depend on the template alone: a converter's second package converts one document fewer,
    and a package is the same bytes whether its sheets were converted for it or before it."""
    with Converter(pool_size=2) as conv:
        converted: list[str] = []
        convert_many = conv.convert_many

        def counting(items, deadline=None):
            converted.extend(name for name, _ in items)
            return convert_many(items, deadline)

        conv.convert_many = counting
        first = generate(sample_data, pdf=True, converter=conv).data
        first_count, converted[:] = len(converted), []
        second = generate(sample_data, pdf=True, converter=conv).data
    assert "页码" not in converted and first_count == len(converted) + 1
    assert first == second == pdf_package


def test_gbt9704_on_paper(sample_data):
    """A full body page: 22 lines of 28 characters, page numbers "— N —" outside, A4."""
    case = json.loads(json.dumps(sample_data))
    case["report"]["social_environment"] = "社会稳定风险评估工作坚持源头预防" * 150
    pdf = render_document(case, "report", fmt="pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points

    lines = [line for line in pdftotext(pdf, "-f", "2", "-l", "2").splitlines() if line.strip()]
    body, number = lines[:-1], lines[-1]
    assert len(body) == 22, lines
    assert all(len(line) == 28 for line in body), [len(line) for line in body]
    assert number == "— 2 —"

    bbox = pdftotext(pdf, "-bbox", "-f", "1", "-l", "2")
    pages = bbox.split("<page ")[1:]
    for page_no, page in enumerate(pages, 1):
        numbers = [float(x) for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>(\d+)</word>', page) if word == str(page_no)]
        assert numbers, page_no
        x = numbers[-1]
        assert (x > width / 2) if page_no % 2 else (x < width / 2), (page_no, x)


def test_pdf_unavailable_docx_still_works(sample_data, tmp_path):
    missing = Converter(soffice=str(tmp_path / "no-soffice"))
    assert not missing.ready()
    with pytest.raises(ConverterUnavailable, match="libreoffice"):
        generate(sample_data, pdf=True, converter=missing)
    assert generate(sample_data).data  # DOCX generation does not need LibreOffice


def test_cli_pdf(tmp_path):
    """The command's LibreOffice processes live under its own TMPDIR: none may be left once it is done
    (other runs on the machine have their own and are none of this test's business)."""
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    target = tmp_path / "x.zip"
    run = subprocess.run([str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(target), "--pdf"],
                         capture_output=True, text=True, env={**os.environ, "TMPDIR": str(own_tmp)})
    assert run.returncode == 0, run.stderr
    assert MERGED_NAME in unzip(target.read_bytes())
    assert live_processes(own_tmp) == [], "the command left LibreOffice running"


def test_punctuation_after_a_full_line_is_kept(sample_data):
    """A 。，、 right after a full 28-character line must not hang into the margin and vanish."""
    case = json.loads(json.dumps(sample_data))
    marks = "甲" * 26 + "乙" * 28 + "。" + "丙" * 27 + "，" + "丁" * 28 + "、" + "戊" * 60
    case["report"]["social_environment"] = marks
    pdf = render_document(case, "report", fmt="pdf").data
    text = re.sub(r"—\d+—", "", "".join(pdftotext(pdf).split()))  # page numbers between pages
    assert marks in text
