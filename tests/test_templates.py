"""The shipped templates: built by doc_templates/build.py, GB/T 9704 in their XML, within the template contract."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

import pytest

from service.render.contract import check_folder
from service.render.template_sets import DEFAULT_SET, KINDS

from .conftest import BIN, ROOT

sys.path.insert(0, str(ROOT / "doc_templates"))
import build  # noqa: E402


def part(kind: str, name: str) -> str:
    with zipfile.ZipFile(DEFAULT_SET / f"{kind}.docx") as z:
        return z.read(name).decode("utf-8")


def template_with(tmp_path, tag: str):
    """A copy of the default plan template with an extra paragraph holding ``tag``."""
    src = zipfile.ZipFile(DEFAULT_SET / "plan.docx")
    target = tmp_path / "plan.docx"
    with zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", f'<w:body><w:p><w:r><w:t>{tag}</w:t></w:r></w:p>'.encode(), 1)
            out.writestr(info, data)
    return target


def test_committed_templates_match_the_build_script():
    built = build.build_all()
    assert sorted(built) == sorted(f"{k}.docx" for k in KINDS)
    for name, data in built.items():
        assert (DEFAULT_SET / name).read_bytes() == data, f"{name} is stale: run python doc_templates/build.py"


@pytest.mark.parametrize("kind", KINDS)
def test_page_setup(kind):
    document = part(kind, "word/document.xml")
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in document  # A4
    margins = dict(re.findall(r'w:(top|right|bottom|left)="(\d+)"', re.search(r"<w:pgMar [^>]+>", document).group()))
    mm = {k: round(int(v) * 25.4 / 1440) for k, v in margins.items()}
    assert mm == {"top": 37, "right": 26, "bottom": 35, "left": 28}
    assert 'r:id="rIdFooterOdd"' in document and 'w:type="even"' in document


def test_styles():
    styles = part("report", "word/styles.xml")

    def style(style_id):
        return re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles).group()

    normal = style("Normal")
    assert '<w:sz w:val="32"/>' in normal and 'w:eastAsia="仿宋_GB2312"' in normal  # 3号仿宋
    assert 'w:firstLineChars="200"' in normal  # first-line indent 2 characters
    assert 'w:line="579" w:lineRule="exact"' in normal  # 22 lines in 225 mm
    title = style("Title")
    assert '<w:sz w:val="44"/>' in title and "方正小标宋简体" in title and '<w:jc w:val="center"/>' in title
    assert "黑体" in style("H1") and "楷体_GB2312" in style("H2") and "仿宋_GB2312" in style("H3")
    assert 'w:name w:val="一级标题"' in style("H1") and 'w:name w:val="表格"' in style("TableText")
    numbering = part("report", "word/numbering.xml")
    assert 'w:lvlText w:val="%1、"' in numbering and 'w:lvlText w:val="（%2）"' in numbering
    assert 'w:lvlText w:val="%3."' in numbering and 'w:lvlText w:val="（%4）"' in numbering


def test_page_numbers():
    odd, even = part("report", "word/footer1.xml"), part("report", "word/footer2.xml")
    for footer in (odd, even):
        assert "— </w:t>" in footer and " PAGE " in footer and "> —</w:t>" in footer
    assert '<w:jc w:val="right"/>' in odd and '<w:jc w:val="left"/>' in even
    assert "<w:evenAndOddHeaders/>" in part("report", "word/settings.xml")
    footer_style = re.search(r'w:styleId="Footer".*?</w:style>', part("report", "word/styles.xml")).group()
    assert 'w:eastAsia="宋体"' in footer_style and '<w:sz w:val="28"/>' in footer_style  # 4号宋体


def test_default_set_passes_the_contract():
    reports = check_folder(DEFAULT_SET)
    assert all(r.ok for r in reports), [(r.kind, r.problems) for r in reports]
    plan = next(r for r in reports if r.kind == "plan")
    assert "matter.name" in plan.variables and "plan.schedule[].period" in plan.variables


def test_contract_names_template_and_variable(tmp_path):
    template_with(tmp_path, "{{ matter.nmae }}{{ risk.factors[0].rr }}{% for f in risk.factors %}{{ f.nam }}{% endfor %}{{ undefined_thing }}")
    run = subprocess.run([str(BIN / "wenping"), "templates", "check", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1
    for expected in ("plan.docx", "matter.nmae", "risk.factors[].rr", "risk.factors[].nam", "undefined_thing"):
        assert expected in run.stdout + run.stderr, expected


def test_contract_reports_broken_tag(tmp_path):
    template_with(tmp_path, "{% for x in %}")
    run = subprocess.run([str(BIN / "wenping"), "templates", "check", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1 and "plan.docx" in run.stdout + run.stderr and "Traceback" not in run.stderr


def test_templates_open_in_python_docx():
    import docx

    for kind in KINDS:
        document = docx.Document(io.BytesIO((DEFAULT_SET / f"{kind}.docx").read_bytes()))
        assert document.paragraphs


def test_readme_variable_reference_is_fresh():
    readme = (ROOT / "doc_templates" / "README.md").read_text("utf-8")
    assert readme == build.readme_with_variables(readme), "run python doc_templates/build.py"


def test_committed_examples_match_the_build_script():
    for name, data in build.build_examples().items():
        assert (ROOT / "doc_templates" / "examples" / name).read_bytes() == data, name
