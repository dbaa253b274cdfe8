"""The rendering engine: user text verbatim, Markdown as real Word structure, strict templates."""

from __future__ import annotations

import copy

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from docx.oxml.ns import qn

from service.context.registry import FILING
from service.generate import generate, render_document
from service.render import CompiledTemplate, DocumentProperties, TemplateRenderError
from service.render.markdown_docx import markdown_to_wordml
from service.render.template_sets import DEFAULT_SET

from .helpers import by_kind, documents, file_names, paragraphs, text_of

HOSTILE = "A&B <项目> \"引号\" 'single' {{ 7*7 }} {% if x %} {_{ y }_} {#c#} 𠀀𝒳😀 \\n"


@pytest.fixture(scope="module")
def hostile_package(sample_data):
    case = copy.deepcopy(sample_data)
    case["matter"]["name"] = HOSTILE
    for meeting in case["consultation"]["meetings"]:  # a meeting's title names its matter, as a real one does
        meeting["title"] = meeting["title"].replace("镇西北片土地整理项目", HOSTILE)
    case["matter"]["summary"] = (
        "第一段 **加粗** 与 *倾斜*，<b>不是标签</b> &amp; {{ x }} 原样。\n"
        "同段第二行\n\n"
        "1. 甲\n2. 乙\n\n"
        "中间段落\n\n"
        "1. 丙\n2. 丁\n\n"
        "- 戊\n- 己"
    )
    case["consultation"]["meetings"][0]["statements"][0]["content"] = "第一行\n第二行\t制表"
    case["authority"]["contact"]["phone"] = "0771-<5821234>&"
    return generate(case).data


def test_user_text_verbatim_everywhere(hostile_package):
    docs = documents(hostile_package)
    for name, document in docs.items():
        if name.startswith(("01_", "00_")):
            continue  # the filing form and index name the matter differently
        assert HOSTILE in text_of(document), name


def test_core_properties_verbatim(hostile_package):
    (report,) = by_kind(hostile_package, "report")
    assert report.core_properties.title == f"{HOSTILE}社会稳定风险评估报告"


def test_newlines_and_tabs_kept(hostile_package):
    minutes = text_of(by_kind(hostile_package, "minutes")[0])
    assert "第一行\n第二行\t制表" in minutes


def test_markdown_becomes_word_structure(hostile_package):
    (report,) = by_kind(hostile_package, "report")
    paras = paragraphs(report)
    first = next(p for p in paras if p.text.startswith("第一段"))
    assert first.text == "第一段 加粗 与 倾斜，<b>不是标签</b> &amp; {{ x }} 原样。\n同段第二行"
    assert [r.text for r in first.runs if r.bold] == ["加粗"]
    assert [r.text for r in first.runs if r.italic] == ["倾斜"]
    assert first.style.name == "Normal"

    def num_id(p):
        num = p._p.find(qn("w:pPr") + "/" + qn("w:numPr") + "/" + qn("w:numId"))
        return None if num is None else num.get(qn("w:val"))

    items = {p.text: num_id(p) for p in paras if p.text in ("甲", "乙", "丙", "丁", "戊", "己")}
    assert items["甲"] == items["乙"] and items["丙"] == items["丁"]
    assert items["甲"] != items["丙"], "each numbered list restarts at 1"
    assert items["戊"] == items["己"] not in (items["甲"], items["丙"], "2"), "a - list is numbered too, from 1"
    numbering = report.part.numbering_part.element
    restarts = numbering.findall(qn("w:num"))
    assert {n.get(qn("w:numId")) for n in restarts} >= {items["甲"], items["丙"], items["戊"]}
    # No bullets anywhere: every list numbering in use counts "1."
    abstracts = {n.get(qn("w:numId")): n.find(qn("w:abstractNumId")).get(qn("w:val")) for n in restarts}
    assert {abstracts[items[k]] for k in ("甲", "丙", "戊")} == {"3"}


def test_strict_undefined_is_an_error(tmp_path):
    template = CompiledTemplate(DEFAULT_SET / "plan.docx")
    with pytest.raises(TemplateRenderError) as err:
        template.render({"matter": {}}, DocumentProperties(title="t", author="a"))
    assert "plan.docx" in str(err.value)


def test_template_cannot_reach_python_internals(tmp_path):
    from .test_templates import template_with

    path = template_with(tmp_path, "{{ matter.__class__.__mro__ }}")
    with pytest.raises(TemplateRenderError):
        CompiledTemplate(path).render({"matter": "x"}, DocumentProperties(title="t", author="a"))


def test_single_document(sample_data):
    minutes = render_document(sample_data, "minutes", meeting=2)
    assert minutes.name == file_names(generate(sample_data).data, "minutes")[1]
    with pytest.raises(Exception, match="第 3 次会议"):
        render_document(sample_data, "minutes", meeting=3)


# ------------------------------------------------------------ minimal case

FORBIDDEN = ("None", "null", "nan", "{{", "{%", "}}", "%}")


def test_minimal_case_reads_complete(minimal_data):
    package = generate(minimal_data).data
    docs = documents(package)
    assert len(docs) == 1 + sum(1 for kind in FILING if not kind.per_meeting)  # the 目录, and no minutes: no meetings
    for name, document in docs.items():
        text = text_of(document)
        for token in FORBIDDEN:
            assert token not in text, (name, token)
        for p in paragraphs(document):
            if p.style.name in ("一级标题", "二级标题", "三级标题", "Title"):
                assert p.text.strip(), f"empty heading in {name}"
        for table in document.tables:
            assert len(table.rows) > 1, f"table without rows in {name}"
    (stability,) = by_kind(package, "stability_plan")
    assert "张三任总指挥" in text_of(stability)
    (summary,) = by_kind(package, "summary")
    # no filing office in the case: the 汇报 names no addressee rather than an invented one
    assert "维稳办：" not in text_of(summary)


def test_no_none_in_sample(sample_data):
    for name, document in documents(generate(sample_data).data).items():
        text = text_of(document)
        for token in FORBIDDEN:
            assert token not in text, (name, token)


def test_markdown_keeps_what_is_not_a_list_or_emphasis(case_data):
    case_data["matter"]["summary"] = "[1]: 国务院令第679号\n\n见[1]和 [链接](http://x) `代码` C:\\路径\n\n3. 甲\n4. 乙"
    (report,) = by_kind(generate(case_data).data, "report")
    text = text_of(report)
    assert "[1]: 国务院令第679号" in text and "见[1]和 [链接](http://x) `代码` C:\\路径" in text
    numbering = report.part.numbering_part.element
    starts = [n.get(qn("w:val")) for n in numbering.iter(qn("w:startOverride"))]
    assert "3" in starts  # the list starts where the clerk started it


def test_no_reduction_is_not_called_a_reduction(case_data):
    for risk in case_data["risks"]:
        risk.pop("residual_probability"), risk.pop("residual_impact")
    (report,) = by_kind(generate(case_data).data, "report")
    text = text_of(report)
    assert "降为0.3740" not in text and "综合风险指数为0.3740（措施前0.3740）" in text


def test_only_minutes_without_meetings(minimal_data):
    from service.context.readiness import NotReady

    with pytest.raises(NotReady, match=r"会议纪要还不能生成，案卷尚缺：consultation\.meetings（座谈会、听证会、论证会）"):
        generate(minimal_data, only=["minutes"])



MARKDOWN_PIECES = ["&", "*", "**", "_", "`", "\\", "<", ">", "a", "字", " ", "\n", "\n\n", "- ", "1. ", "&amp;", "&nbsp;", "<b>"]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=40).map("".join))
@example("*\\ &amp;1.**1.<_> &*&amp;\\\\")  # leaked "klzzwxh:0004" while & < > went through as entities
def test_markdown_never_leaks_the_parsers_placeholders(source):
    """The parser stashes text as "klzzwxh:NNNN"; none of it, nor a stand-in character, may reach a document."""
    xml = markdown_to_wordml(source, None)
    text = "".join(etree.fromstring(f'<r xmlns:w="{W_NS}">{xml}</r>').itertext())
    assert "klzzwxh" not in text and not any("\ue000" <= ch <= "\ue002" for ch in text)


def test_typed_bullets_become_numbered_items():
    from service.render.markdown_docx import NumberingAllocator, current_numbering, markdown_to_wordml

    token = current_numbering.set(NumberingAllocator())
    try:
        xml = markdown_to_wordml("建设内容：\n\n• 土地平整 3260 亩；\n· 新建道路 14.6 公里。", None)
    finally:
        current_numbering.reset(token)
    assert "•" not in xml and "·" not in xml
    assert xml.count('<w:numId w:val="100"/>') == 2  # one list, numbered "1." from 1
