"""Template mistakes reported at their paragraph, in a clerk's words; readable filters; reminders for code-like tags."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

from service.render import CompiledTemplate, TemplateRenderError
from service.render.contract import check_folder, check_template
from service.render.environment import cn_ordinal, make_environment, names, otherwise
from service.render.tag_messages import paragraph_label
from service.render.template_sets import DEFAULT_SET, TemplateSetError, resolve_template_set

from .conftest import BIN
from .test_templates import template_with

JARGON = re.compile(r"unexpected|expected|token|Jinja|at \d+|lineno|TemplateSyntaxError|Traceback", re.IGNORECASE)


def problems_of(tmp_path, paragraph: str) -> list[str]:
    return check_template("plan", template_with(tmp_path, paragraph.replace("&", "&amp;"))).problems


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("评估工作由{{ 事项名称 负责", "段落「评估工作由{{ 事项名称 负责」：标签「{{ 事项名称 负责」缺少右括号「}}」"),
        ("评估工作{% if matter.name 由专班负责", "标签「{% if matter.name 由专班负责」缺少右括号「%}」"),
        ("评估工作由{{ 事项名称 }}负责", "段落「评估工作由{{ 事项名称 }}负责」：标签「{{ 事项名称 }}」中的「事项名称」不是可用的变量"),
        ("{%p for x in risk.factors %}", "标签「{%p for x in risk.factors %}」开始的循环没有结束标签「{% endfor %}」"),
        ("{% if matter.scale %}规模较大。", "标签「{% if matter.scale %}」开始的条件没有结束标签「{% endif %}」"),
        ("规模 }} 较大。", "段落「规模 }} 较大。」：多了一个「}}」，它前面没有对应的「{{」"),
        ("{%p endif %}", "标签「{%p endif %}」前面没有对应的「{% if … %}」"),
        ("{{ matter.name|nosuch }}", "标签「{{ matter.name|nosuch }}」：「nosuch」不是可用的过滤器"),
    ],
)
def test_mistake_named_at_its_paragraph_in_clerk_words(tmp_path, paragraph, expected):
    problems = problems_of(tmp_path, paragraph)
    assert problems and expected in problems[0], problems
    assert not JARGON.search(problems[0]), problems[0]
    assert "请" in problems[0]  # says what to do


def test_mistake_in_a_tag_mangled_by_an_input_method_still_found(tmp_path):
    (problem,) = problems_of(tmp_path, "由｛｛ matter.nmae ｝｝负责")
    assert "「matter.nmae」不是可用的变量" in problem and "段落「由｛｛ matter.nmae ｝｝负责」" in problem


def test_compile_error_names_file_and_paragraph(tmp_path):
    with pytest.raises(TemplateRenderError) as err:
        CompiledTemplate(template_with(tmp_path, "评估工作由{{ matter.name 负责"), "broken/plan.docx")
    message = str(err.value)
    assert message.startswith("模板「broken/plan.docx」出错：段落「评估工作由{{ matter.name 负责」：标签")
    assert "缺少右括号「}}」" in message and not JARGON.search(message)


def test_refused_set_names_file_paragraph_and_tag(tmp_path, monkeypatch):
    folder = tmp_path / "sets" / "town"
    folder.mkdir(parents=True)
    shutil.move(str(template_with(tmp_path, "评估工作由{{ 事项名称 负责")), folder / "plan.docx")
    monkeypatch.setenv("WENPING_TEMPLATE_DIRS", str(tmp_path / "sets"))
    with pytest.raises(TemplateSetError) as err:
        resolve_template_set("town")
    assert "plan.docx，段落「评估工作由{{ 事项名称 负责」：标签「{{ 事项名称 负责」缺少右括号「}}」。" in str(err.value)


def test_cli_check_reports_the_paragraph(tmp_path):
    template_with(tmp_path, "评估工作由{{ matter.name 负责")
    run = subprocess.run([str(BIN / "wenping"), "templates", "check", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "段落「评估工作由{{ matter.name 负责」：标签「{{ matter.name 负责」缺少右括号「}}」" in run.stdout
    assert not JARGON.search(run.stdout + run.stderr)


def test_long_paragraph_is_shortened_around_the_tag():
    text = "为贯彻落实重大决策社会稳定风险评估制度，从源头上预防和减少社会矛盾，确保{{ matter.name }}依法、有序、平稳推进，根据有关规定制定本方案。"
    label = paragraph_label(text, text.index("{{"))
    assert label.startswith("…") and label.endswith("…") and "{{ matter" in label and len(label) <= 30


def test_filters():
    assert [cn_ordinal(n) for n in (1, 2, 10, 11, 0)] == ["一", "二", "十", "11", "0"]

    class Person:
        def __init__(self, text):
            self.text = text

    assert names([Person("张三（镇长）"), Person("李四")]) == "张三（镇长）、李四"
    assert names(Person("王五")) == "王五" and names(None) == "" and names([]) == ""
    assert otherwise(None) == "" and otherwise("", "长期") == "长期" and otherwise([], "无") == "无"
    assert otherwise(0) == 0 and otherwise("三个月", "长期") == "三个月"
    env = make_environment()
    rendered = env.from_string("{% for x in xs %}{{ loop.index|cn_ordinal }}{{ x.p|names }}{{ x.d|otherwise('长期') }};{% endfor %}")
    assert rendered.render(xs=[{"p": [Person("甲")], "d": None}, {"p": Person("乙"), "d": "月底"}]) == "一甲长期;二乙月底;"


def test_readable_tags_give_no_reminder(tmp_path):
    readable = ("{% for t in work_team %}{{ loop.index|cn_ordinal }}{{ t.text }}{% if t.duty and plan.schedule|length > 1 %}"
                "{{ leading_group.members|names }}{% endif %}{{ t.duty|otherwise('无') }}{% endfor %}")
    report = check_template("plan", template_with(tmp_path, readable))
    assert report.ok, report.problems
    assert len(report.warnings) == len(check_template("plan", DEFAULT_SET / "plan.docx").warnings)  # the copy's own only


def test_code_like_tag_gives_a_reminder_not_a_failure(tmp_path):
    report = check_template("plan", template_with(tmp_path, "负责人：{{ leading_group.leader.text if leading_group.leader else '' }}"))
    assert report.ok
    (warning,) = [w for w in report.warnings if "负责人" in w]
    assert "段落「负责人：{{ leading_group…」" in warning or "标签「{{ leading_group.leader.text if" in warning
    assert "建议改为「{{ leading_group.leader|names }}」" in warning


def test_default_templates_hold_only_readable_tags():
    """Fields, loops, conditions on fields and documented filters: no template needs a reminder."""
    assert {r.kind: r.warnings for r in check_folder(DEFAULT_SET) if r.warnings} == {}


# The code-like tags the default templates held before they were rewritten, and what they became.
FORMER_TAGS = {
    "{{ leading_group.members|names }}": "{{ leading_group.members|map(attribute='text')|join_cn }}",
    "{{ leading_group.office_location|otherwise(authority.lead_office) }}": "{{ leading_group.office_location or authority.lead_office }}",
    "{{ s.tasks }}": "{{ s.tasks or '' }}",
    # (「会后研究答复」 and 「公示栏」 defaults are gone: a document does not invent a reply or a channel, #12.)
    "{{ f.category|otherwise('其他') }}": "{{ f.category or '其他' }}",
    "{{ o.count }}": "{{ o.count if o.count is not none else '' }}",
    "{{ g.leader|names }}": "{{ g.leader.text if g.leader else '' }}",
    "{{ loop.index|cn_ordinal }}": "{{ '一二三四五六七八九十'[loop.index0] if loop.index <= 10 else loop.index }}",
}


def test_readme_documents_every_filter():
    from service.render.environment import DOCUMENTED_FILTERS

    from .conftest import ROOT

    readme = (ROOT / "doc_templates" / "README.md").read_text("utf-8")
    section = readme.split("## 过滤器", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE))
    assert documented == set(DOCUMENTED_FILTERS)
    assert documented <= set(make_environment().filters)


def test_former_tags_are_reminded_with_their_readable_form_and_render_the_same(tmp_path, sample_data):
    """Put the former code-like tags back: each is reminded with the readable form the templates now hold
    (give or take an ``|otherwise`` that printing nothing for a missing value makes unnecessary), and the
    documents are the same."""
    import copy
    from xml.sax.saxutils import escape

    from service.generate import generate
    from service.render.tag_style import unreadable_tags
    from service.render.template_sets import TemplateSet

    from .helpers import documents

    env = make_environment()
    put_back = set()
    for template in DEFAULT_SET.glob("*.docx"):
        with zipfile.ZipFile(template) as source, zipfile.ZipFile(tmp_path / template.name, "w") as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "word/document.xml":
                    xml = data.decode("utf-8")
                    for readable, former in FORMER_TAGS.items():
                        if escape(readable) in xml:
                            xml = xml.replace(escape(readable), escape(former))
                            put_back.add(readable)
                    for tag, suggestion in unreadable_tags(env, xml.split("<w:body>", 1)[1]):
                        assert suggestion is not None, tag.text
                        assert suggestion.replace("|otherwise }}", " }}") in FORMER_TAGS, (tag.text, suggestion)
                    data = xml.encode("utf-8")
                out.writestr(info, data)
    assert put_back == set(FORMER_TAGS)
    former = TemplateSet(tmp_path, "former")
    assert all(r.ok for r in check_folder(tmp_path))
    mine = documents(generate(copy.deepcopy(sample_data), templates=former).data)
    default = documents(generate(copy.deepcopy(sample_data)).data)
    assert mine.keys() == default.keys()
    for name in default:
        assert [p.text for p in mine[name].paragraphs] == [p.text for p in default[name].paragraphs], name
        for mine_table, default_table in zip(mine[name].tables, default[name].tables):
            assert [c.text for r in mine_table.rows for c in r.cells] == [c.text for r in default_table.rows for c in r.cells]


def test_each_occurrence_of_a_wrong_name_is_quoted_as_typed_in_its_own_paragraph(tmp_path):
    two_paragraphs = "甲{{ matter.nmae }}</w:t></w:r></w:p><w:p><w:r><w:t>乙｛｛ matter.nmae ｝｝"
    problems = check_template("plan", template_with(tmp_path, two_paragraphs)).problems
    assert [p.split("：")[0] for p in problems] == ["段落「甲{{ matter.nmae }}」", "段落「乙｛｛ matter.nmae ｝｝」"]
