"""The 报备表 as the 维稳办 files it: one page, four 42 mm seal cells, 上级维稳办备案 and 备注, the review's decision.

Real documents: the forms are rendered and converted by LibreOffice, and their pages counted.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

import service.context.builder as builder
from service.checks import form_fit
from service.generate import prepare, render_docx
from service.model.case import Case
from service.pdf import close_shared_converter, shared_converter
from service.render.template_sets import default_set

from .conftest import ROOT
from .helpers import open_docx, text_of

EXAMPLES = ["sample-case", "land-consolidation", "factory-closure", "sewage-plant", "waste-transfer-station"]
SEAL_ROW = 2381  # twips: 42 mm, a town seal


@pytest.fixture(scope="module", autouse=True)
def shared_pool():
    yield
    close_shared_converter()


def example(name: str) -> dict:
    return json.loads((ROOT / "schemas" / "examples" / f"{name}.json").read_text("utf-8"))


def form_docx(data: dict, review=None) -> bytes:
    (doc,) = prepare(data, only=["filing_form"], review=review).documents
    return render_docx(doc, default_set()).data


def pages(docx: bytes) -> int:
    return len(PdfReader(io.BytesIO(shared_converter().convert(docx, "报备表"))).pages)


def table_rows(docx: bytes) -> list[str]:
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    return re.findall(r"<w:tr>.*?</w:tr>", xml)


def row_text(row: str) -> str:
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", row))


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_examples_form_is_one_page_with_nothing_to_warn(name):
    data = example(name)
    assert pages(form_docx(data)) == 1
    assert not list(form_fit.filing_form_fits(Case.model_validate(data)))


def test_the_estimate_accepts_only_layouts_that_print_on_one_page(monkeypatch):
    """Each example under each layout: where the estimate says the form fits, LibreOffice prints one page.

    This is what sets ``form_fit.CALIBRATION``; the layouts it refuses include some that would have fitted.
    """
    accepted = 0
    for name in EXAMPLES:
        data = example(name)
        case = Case.model_validate(data)
        for layout in form_fit.LAYOUTS:
            if form_fit.text_cells_height(case, layout) > form_fit.room(case):
                continue
            monkeypatch.setattr(builder, "filing_form_layout", lambda case, layout=layout: layout)
            assert pages(form_docx(data)) == 1, (name, layout)
            accepted += 1
    assert accepted >= len(EXAMPLES)


def test_the_seal_cells_are_42_mm_and_the_filing_cells_are_there(sample_data):
    rows = table_rows(form_docx(sample_data))
    seal_rows = [r for r in rows if "（盖章）" in row_text(r)]
    assert [re.findall(r"(?:评估单位|决策部门|本级维稳办|上级维稳办备案)意见|备注", row_text(r)) for r in seal_rows] == [
        ["评估单位意见", "决策部门意见", "本级维稳办意见"], ["上级维稳办备案意见", "备注"]]
    for row in seal_rows:
        height = re.search(r'<w:trHeight w:val="(\d+)" w:hRule="atLeast"/>', row)
        assert height and int(height.group(1)) >= SEAL_ROW and "<w:cantSplit/>" in row
    assert row_text(rows[0]) == "事项名称镇西北片土地整理项目类别重大工程项目"


def test_the_reviewers_decision_and_the_remarks_fill_their_cells(sample_data):
    data = copy.deepcopy(sample_data)
    data["filing"]["remarks"] = "听证会纪要另附。"
    review = {"result": "退回", "date": "2026-04-20", "reasons": ["缺少听证会纪要", "决策日期有误"], "unit": "江城市维稳办"}
    rows = [row_text(r) for r in table_rows(form_docx(data, review))]
    assert "上级维稳办备案意见退回。理由：缺少听证会纪要；决策日期有误。（盖章）2026年4月20日" in rows[-1]
    assert rows[-1].endswith("备注听证会纪要另附。")
    undecided = [row_text(r) for r in table_rows(form_docx(data))]
    assert "上级维稳办备案意见（盖章）年    月    日" in undecided[-1]


def test_a_case_too_long_for_one_page_is_warned_and_its_seal_cells_stay_whole(sample_data):
    data = copy.deepcopy(sample_data)
    for risk in data["risks"]:
        risk["measures"] = risk["measures"] * 4
    case = Case.model_validate(data)
    assert form_fit.filing_form_layout(case).fits is False
    (warning,) = form_fit.filing_form_fits(case)
    assert warning[0] == "matter.summary" and "报备表预计超过一页" in warning[1]
    docx = form_docx(data)
    assert pages(docx) == 2
    text = text_of(open_docx(docx))
    assert "本级维稳办意见" in text and "上级维稳办备案意见" in text


def test_a_short_case_keeps_its_whole_overview_in_the_larger_size(sample_data):
    data = copy.deepcopy(sample_data)
    for risk in data["risks"]:
        risk["measures"] = risk["measures"][:1]
    data["matter"]["summary"] = data["matter"]["summary"].split("\n\n")[0]
    layout = form_fit.filing_form_layout(Case.model_validate(data))
    assert layout.fits and not layout.brief
    context = prepare(data, only=["filing_form"]).context.filing
    assert (context.compact, context.brief) == (layout.compact, layout.brief)
    assert str(context.overview) == data["matter"]["summary"]
    assert pages(form_docx(data)) == 1
