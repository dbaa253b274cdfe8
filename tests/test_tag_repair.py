"""Tag repair on WordprocessingML snippets: what Word, WPS and LibreOffice do to a tag is undone, the wording is not."""

from __future__ import annotations

import html
import re

import pytest

from service.render.engine import CompiledTemplate, template_source
from service.render.tag_repair import find_tags, paragraphs, repair_body, repair_tag


def run(text: str, rsid: str = "") -> str:
    attrs = f' w:rsidR="{rsid}"' if rsid else ""
    return f'<w:r{attrs}><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*parts: str) -> str:
    return '<w:p w:rsidR="00A11B22" w:rsidRDefault="00C33D44"><w:pPr><w:pStyle w:val="a3"/></w:pPr>' + "".join(parts) + "</w:p>"


def texts(body: str) -> list[str]:
    return [p.text for p in paragraphs(body)]


def compiles_to(body: str, context: dict) -> str:
    """The visible text a repaired body renders to (through the engine's own compile step)."""
    source = template_source(f"<w:document><w:body>{body}</w:body></w:document>")
    rendered = CompiledTemplate.env.from_string(source).render(context)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def test_libreoffice_entities_inside_tags_become_characters():
    body = para(run("{{ s.tasks or &apos;&apos; }}"), run("与&quot;引号&quot;"))
    repaired = repair_body(body)
    assert "{{ s.tasks or '' }}" in repaired
    assert "与&quot;引号&quot;" in repaired  # outside the tag: untouched, byte for byte


def test_entities_escaped_twice():
    assert repair_tag("{{ x or &amp;apos;无&amp;apos; }}") == "{{ x or '无' }}"
    assert repair_tag("{{ a &amp;amp;&amp;amp; b }}") == "{{ a && b }}"


def test_tag_split_over_runs_with_proofing_marks_bookmarks_and_rsids():
    body = para(
        run("评估工作由{", "00112233"),
        '<w:proofErr w:type="spellStart"/>',
        run("{ mat", "00445566"),
        '<w:bookmarkStart w:id="3" w:name="_GoBack"/>',
        run("ter.na"),
        '<w:bookmarkEnd w:id="3"/><w:proofErr w:type="spellEnd"/>',
        '<w:ins w:id="9" w:author="x">' + run("me }", "00778899") + "</w:ins>",
        run("}负责（牵头）。"),
    )
    repaired = repair_body(body)
    assert texts(repaired) == ["评估工作由{{ matter.name }}负责（牵头）。"]
    assert "评估工作由{{ matter.name }}</w:t>" in repaired  # the whole tag in the run where it starts
    assert '<w:bookmarkStart w:id="3" w:name="_GoBack"/>' in repaired and "<w:b/>" in repaired
    assert compiles_to(repaired, {"matter": {"name": "某工程"}}) == "评估工作由某工程负责（牵头）。"


def test_curly_quotes_become_straight_inside_tags_only():
    body = para(run("他说“好”，{{ s.response or ‘会后研究答复’ }}，‘完’"))
    (text,) = texts(repair_body(body))
    assert text == "他说“好”，{{ s.response or '会后研究答复' }}，‘完’"


def test_full_width_brackets_and_spaces_typed_with_a_chinese_input_method():
    body = para(run("（一）｛｛\u3000matter.name\u00a0｝｝｛％p if x ％｝，｛｛ y｜join_cn（‘，’） ｝｝"))
    (text,) = texts(repair_body(body))
    assert text == "（一）{{ matter.name }}{%p if x %}，{{ y|join_cn('，') }}"


def test_quoted_wording_inside_a_tag_is_kept():
    assert repair_tag("{{ x or ‘（无）\u3000见附件’ }}") == "{{ x or '（无）\u3000见附件' }}"
    assert repair_tag("{{ x or '“无”' }}") == "{{ x or '“无”' }}"


@pytest.mark.parametrize("form", ["{%p if a %}", "{%tr for r in rows %}", "{{p matter.summary }}", "{%tc endfor %}"])
def test_docxtpl_forms_survive(form):
    broken = form.replace("{", "｛").replace(" ", "\u3000", 1)
    body = para(run(broken[:3]), '<w:proofErr w:type="gramStart"/>', run(broken[3:]))
    assert texts(repair_body(body)) == [form]


def test_clean_template_is_left_byte_for_byte():
    body = para(run("{{ matter.name }}"), run("（全角）“引号” &amp; &apos;")) + para(run("没有标签"))
    assert repair_body(body) == body


def test_tags_never_join_across_paragraphs():
    body = para(run("{{ a")) + para(run("b }}"))
    assert repair_body(body) == body


def test_text_box_paragraphs_nested_in_a_paragraph_are_separate():
    inner = para(run("框内｛｛ x ｝｝"))
    body = para(run("前"), f"<w:r><w:pict><w:txbxContent>{inner}</w:txbxContent></w:pict></w:r>", run("后{{ y }}"))
    assert texts(repair_body(body)) == ["前后{{ y }}", "框内{{ x }}"]


def test_deleted_text_of_a_revision_is_not_part_of_a_tag():
    body = para(run("{{ a"), '<w:del w:id="1"><w:r><w:delText>xyz</w:delText></w:r></w:del>', run(".b }}"))
    assert texts(repair_body(body)) == ["{{ a.b }}"]


def test_find_tags_marks_a_tag_without_its_end():
    text = "前{{ a }}中{{ b 后{% if c %}"
    assert [(text[t.start : t.end], t.closed) for t in find_tags(text)] == [
        ("{{ a }}", True), ("{{ b 后", False), ("{% if c %}", True)]


def test_spaces_become_preserved_where_a_tag_now_ends_a_node():
    body = para("<w:r><w:t>{{</w:t></w:r>", "<w:r><w:t> x }}</w:t></w:r>")
    assert '<w:t xml:space="preserve">{{ x }}</w:t>' in repair_body(body)
