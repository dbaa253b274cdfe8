"""Templates a clerk saves in an office suite still render the same documents.

(a) Every default template goes through real LibreOffice (open, save as .docx:
``soffice --headless --convert-to docx``, one invocation for all files);
(b) a Word-like re-save done here: every tag split into one run per character
with proofing marks, bookmarks and revision ids between the pieces, quotes
AutoCorrected to curly ones, spaces and brackets typed with a Chinese input
method. The sample case (and every case and period example) rendered with each
re-saved set must read exactly like the default set's documents. The clerk's
how-to of doc_templates/README.md is followed on a copy (change a sentence, add
a paragraph with a tag, move a section, add the 发文机关标志), saved through
LibreOffice, and rendered.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import zipfile
from copy import deepcopy
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from service.generate import generate
from service.generate_period import build_period_report
from service.render.contract import check_template
from service.render.template_sets import DEFAULT_SET, TemplateSet

from .conftest import ROOT
from .template_structure import structure_problems
from .helpers import by_kind, open_docx, paragraphs, unzip

EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))
TEMPLATES = sorted(DEFAULT_SET.glob("*.docx"))
SOFFICE = os.environ.get("WENPING_SOFFICE") or shutil.which("soffice")  # as service/pdf/converter.py finds it
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
RUN = re.compile(r"<w:r>(<w:rPr>.*?</w:rPr>)?<w:t(?: xml:space=\"preserve\")?>([^<]*)</w:t></w:r>")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


# --- reading what a set renders --------------------------------------------------------------------

def lines(document_bytes: bytes) -> list[str]:
    return [p.text for p in paragraphs(open_docx(document_bytes))]


def case_examples() -> list[dict]:
    found = [json.loads(p.read_text("utf-8")) for p in EXAMPLES]
    return [d for d in found if "case_id" in d]


def period_examples() -> list[dict]:
    found = [json.loads(p.read_text("utf-8")) for p in EXAMPLES]
    return [d for d in found if "period" in d and "case_id" not in d]


def rendered(templates: TemplateSet) -> dict[str, list[str]]:
    """Text of every document of every example, by example and file name."""
    out = {}
    for n, case in enumerate(case_examples()):
        for name, data in unzip(generate(deepcopy(case), templates=templates).data).items():
            if name.endswith(".docx"):
                out[f"case{n}/{name}"] = lines(data)
    for n, period in enumerate(period_examples()):
        out[f"period{n}"] = lines(build_period_report(deepcopy(period), templates=templates).docx)
    return out


@pytest.fixture(scope="module")
def default_text() -> dict[str, list[str]]:
    return rendered(TemplateSet(DEFAULT_SET, "default"))


# --- (a) LibreOffice: one soffice run for every file this module needs ---------------------------

def clerk_edit(source: Path, target: Path) -> None:
    """Follow the how-to of doc_templates/README.md on the plan template, as Word would store it (python-docx)."""
    document = docx.Document(str(source))
    body = document.paragraphs

    def at(text: str) -> int:
        (index,) = [i for i, p in enumerate(body) if text in p.text]
        return index

    # 1. Change a sentence: wording only, and wording in the same run as a tag.
    change_words(body[at("重点围绕合法性")], "可行性和可控性", "可行性、可控性和安全性")
    change_words(body[at("组成人员如下：")], "组成人员如下：", "成员名单如下：")
    # 2. Add a paragraph (with a tag) before the signature, in the body text style.
    signature = [i for i, p in enumerate(body) if p.text == "{{ plan.issuing.issuer }}"][0]
    added = body[signature].insert_paragraph_before("本方案由{{ authority.lead_office }}负责解释。", style=body[at("{{ req }}")].style)
    assert added.text.startswith("本方案")
    # 3. Move a section: 评估方法 (heading and its paragraph) before 评估内容.
    method = [i for i, p in enumerate(body) if p.text == "评估方法"][0]
    content = [i for i, p in enumerate(body) if p.text == "评估内容"][0]
    for moved in (body[method], body[method + 1]):
        body[content]._p.addprevious(moved._p)
    # 4. The county's own 发文机关标志: red, bold, centred, right above the title.
    mark = body[at("{{ doc.title }}")].insert_paragraph_before()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = mark.add_run("江城县人民政府文件")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(26), RGBColor(0xFF, 0, 0)
    document.save(str(target))


def change_words(paragraph, old: str, new: str) -> None:
    (run,) = [r for r in paragraph.runs if old in r.text]
    run.text = run.text.replace(old, new)


@pytest.fixture(scope="module")
def libreoffice_saved(tmp_path_factory) -> Path:
    """Every default template, and the clerk's edited plan, opened and saved as .docx by LibreOffice."""
    work = tmp_path_factory.mktemp("libreoffice")
    inputs, outputs = work / "in", work / "out"
    inputs.mkdir()
    for template in TEMPLATES:
        shutil.copy(template, inputs / template.name)
    clerk_edit(DEFAULT_SET / "plan.docx", inputs / "clerk_plan.docx")
    run = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
         "--convert-to", "docx", "--outdir", str(outputs), *sorted(str(p) for p in inputs.iterdir())],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in outputs.iterdir()) == sorted(p.name for p in inputs.iterdir()), run.stdout + run.stderr
    return outputs


def set_of(folder: Path, files: dict[str, Path], name: str) -> TemplateSet:
    folder.mkdir(parents=True)
    for target, source in files.items():
        shutil.copy(source, folder / target)
    return TemplateSet(folder, name)


def test_libreoffice_resave_changes_the_tags_bytes(libreoffice_saved):
    """The premise: LibreOffice writes a quote inside a tag as an entity (so the test below tests the repair)."""
    for template in TEMPLATES:
        original = zipfile.ZipFile(template).read("word/document.xml").decode()
        saved = zipfile.ZipFile(libreoffice_saved / template.name).read("word/document.xml").decode()
        if any("'" in tag for tag in TAG.findall(original)):
            assert "&apos;" in saved, template.name


def test_libreoffice_saved_set_renders_the_same_documents(libreoffice_saved, default_text, tmp_path):
    saved = set_of(tmp_path / "lo", {t.name: libreoffice_saved / t.name for t in TEMPLATES}, "lo")
    for kind in ("plan", "report", "summary", "period_summary"):
        assert check_template(kind, saved.path(kind)).ok, check_template(kind, saved.path(kind)).problems
    assert rendered(saved) == default_text


def test_clerk_how_to_on_a_copy(libreoffice_saved, tmp_path, sample_data):
    edited = set_of(tmp_path / "county", {"plan.docx": libreoffice_saved / "clerk_plan.docx"}, "county")
    report = check_template("plan", edited.path("plan"))
    assert report.ok, report.problems
    edited.fallback = TemplateSet()
    (mine,) = by_kind(generate(deepcopy(sample_data), templates=edited).data, "plan")
    (default,) = by_kind(generate(deepcopy(sample_data)).data, "plan")
    authority = sample_data["authority"]
    (title,) = [p.text for p in paragraphs(default) if p.style.name == "Title"]  # broken into lines between words
    expected = clerk_edited_lines(text_lines(default), authority["lead_office"], authority["name"], title)
    assert text_lines(mine) == expected


def text_lines(document) -> list[str]:
    return [p.text for p in paragraphs(document)]


def clerk_edited_lines(default: list[str], lead_office: str, authority: str, title_line: str) -> list[str]:
    """The default plan's text with the four edits of ``clerk_edit`` made to what it renders."""
    out = [line.replace("可行性和可控性", "可行性、可控性和安全性").replace("组成人员如下：", "成员名单如下：") for line in default]
    content, methods, steps = out.index("评估内容"), out.index("评估方法"), out.index("步骤和时间安排")
    out = out[:content] + out[methods:steps] + out[content:methods] + out[steps:]
    signature = len(out) - 1 - out[::-1].index(authority)
    out.insert(signature, f"本方案由{lead_office}负责解释。")
    title = out.index(title_line)
    return [*out[:title], "江城县人民政府文件", *out[title:]]


# --- (b) a Word-like re-save, done here -----------------------------------------------------------

FULL_WIDTH = {"{": "｛", "}": "｝", "(": "（", ")": "）"}
SPACES = ("\u3000", "\u00a0")


def as_typed(tag: str) -> str:
    """``tag`` as Word + a Chinese input method leave it: curly quotes, full-width brackets and spaces.

    Quoted wording inside the tag is the clerk's own and stays (only its quotes curl).
    """
    out, quote, spaces = [], "", 0
    for ch in tag:
        if quote:
            out.append(("’" if quote == "'" else "”") if ch == quote else ch)
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
            out.append("‘" if ch == "'" else "“")
        elif ch == " ":
            out.append(SPACES[spaces % 2])
            spaces += 1
        else:
            out.append(FULL_WIDTH.get(ch, ch))
    return "".join(out)


def split_run(rpr: str, text: str, counter: list[int]) -> str:
    """One run of text → runs as Word writes them after editing: every tag character its own run."""
    pieces, last = [], 0
    for match in TAG.finditer(text):
        pieces.append(word_run(rpr, text[last : match.start()], counter))
        for n, ch in enumerate(as_typed(match.group(0))):
            counter[0] += 1
            marks = [
                '<w:proofErr w:type="spellStart"/>',
                f'<w:bookmarkStart w:id="{counter[0]}" w:name="_Hlk{counter[0]:08d}"/><w:bookmarkEnd w:id="{counter[0]}"/>',
                '<w:proofErr w:type="gramEnd"/>',
            ]
            pieces.append(marks[n % 3] + word_run(rpr, ch, counter))
        last = match.end()
    pieces.append(word_run(rpr, text[last:], counter))
    return "".join(pieces)


def word_run(rpr: str, text: str, counter: list[int]) -> str:
    if not text:
        return ""
    rsid = f"00{counter[0] * 2654435761 % 0xFFFFFF:06X}"
    return f'<w:r w:rsidR="{rsid}" w:rsidRPr="{rsid}">{rpr}<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r>'


def word_resave(document_xml: str) -> str:
    counter = [0]
    xml = document_xml.replace("<w:p>", '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6" w:rsidP="00A1B2C3">')
    return RUN.sub(lambda m: split_run(m.group(1) or "", html.unescape(m.group(2)), counter), xml)


def word_saved(template: Path, target: Path, edit=word_resave) -> None:
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)


def test_word_like_resave_really_damages_the_tags(tmp_path):
    word_saved(DEFAULT_SET / "plan.docx", tmp_path / "plan.docx")
    text = "\n".join(lines((tmp_path / "plan.docx").read_bytes()))
    assert "{{" not in text and "确保｛｛\u3000matter.name\u00a0｝｝依法" in text and "otherwise（authority.lead_office）" in text
    xml = zipfile.ZipFile(tmp_path / "plan.docx").read("word/document.xml").decode()
    assert xml.count("<w:proofErr") > 100 and xml.count("<w:bookmarkStart") > 100 and "w:rsidRPr=" in xml
    assert "<w:t xml:space=\"preserve\">｛</w:t>" in xml  # one character per run


def test_word_like_saved_set_renders_the_same_documents(default_text, tmp_path):
    folder = tmp_path / "word"
    folder.mkdir()
    for template in TEMPLATES:
        word_saved(template, folder / template.name)
    saved = TemplateSet(folder, "word")
    for template in TEMPLATES:
        report = check_template(template.stem, folder / template.name)
        assert report.ok, report.problems
    assert rendered(saved) == default_text


def test_broken_tag_in_a_word_saved_template_is_reported_at_its_paragraph(tmp_path):
    def drop_one_closing(xml: str) -> str:
        xml = word_resave(xml)
        # 「成立{{ leading_group.name }}，组成…」 loses its 「}}」: the last two pieces of that tag's runs.
        start = xml.index("成立")
        first = xml.index("｝", start)
        second = xml.index("｝", first + 1)
        return xml[:first] + xml[first + 1 : second] + xml[second + 1 :]

    word_saved(DEFAULT_SET / "plan.docx", tmp_path / "plan.docx", drop_one_closing)
    (problem,) = check_template("plan", tmp_path / "plan.docx").problems
    assert problem.startswith("段落「为加强对评估工作的组织领导，成立｛｛\u3000leading_group…」："
                              "标签「｛｛\u3000leading_group.name\u00a0，组成人员如下：」")
    assert "缺少右括号「}}」" in problem and "请" in problem
    assert not re.search(r"unexpected|expected|token|at \d+", problem)


def test_libreoffice_saved_templates_keep_the_official_structure(libreoffice_saved):
    """The structure tests judge what a template does, so a set saved by an office suite still passes them."""
    for template in TEMPLATES:
        assert structure_problems(libreoffice_saved / template.name) == [], template.name
