"""The shipped templates are the committed .docx files: GB/T 9704 in their structure, within the template contract."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from service.context.registry import BY_KEY, TEMPLATE_KEYS
from service.render.contract import check_folder, readme_with_variables
from service.render.template_sets import DEFAULT_SET

from .conftest import BIN, ROOT
from .template_structure import structure_problems

EXAMPLES = ROOT / "doc_templates" / "examples"


def part(kind: str, name: str) -> str:
    with zipfile.ZipFile(DEFAULT_SET / f"{kind}.docx") as z:
        return z.read(name).decode("utf-8")


def template_with(tmp_path, tag: str, first: bool = False):
    """A copy of the default plan template with an extra paragraph holding ``tag`` (``first``: before all else,
    so that it runs before any name of the context is looked up)."""
    src = zipfile.ZipFile(DEFAULT_SET / "plan.docx")
    target = tmp_path / "plan.docx"
    with zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                # after the opening paragraph: ordinary text on both sides (the 版头 above the title is
                # conditional, and a tag paragraph next to it would be joined with it by docxtpl)
                title_end = (data.index(b"<w:body>") + len(b"<w:body>") if first
                             else data.index(b"</w:p>", data.index("制定本方案。".encode())) + len(b"</w:p>"))
                data = data[:title_end] + f"<w:p><w:r><w:t>{tag}</w:t></w:r></w:p>".encode() + data[title_end:]
            out.writestr(info, data)
    return target


def test_every_registered_kind_has_a_default_template_and_nothing_else():
    assert sorted(p.name for p in DEFAULT_SET.glob("*.docx")) == sorted(BY_KEY[k].template for k in TEMPLATE_KEYS)


@pytest.mark.parametrize("kind", TEMPLATE_KEYS)
def test_official_structure(kind):
    assert structure_problems(DEFAULT_SET / BY_KEY[kind].template) == []


@pytest.mark.parametrize("kind", TEMPLATE_KEYS)
def test_titles_come_from_the_registry(kind):
    """The title is printed from {{ doc.title }}: one place for it, shared with the 目录 and the manifest."""
    import docx

    document = docx.Document(str(DEFAULT_SET / BY_KEY[kind].template))
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    expected = "{{ title_display }}" if kind == "period_summary" else "{{ doc.title }}"
    assert titles == [expected]


def test_structure_check_finds_a_wrong_page(tmp_path):
    import docx
    from docx.shared import Inches

    document = docx.Document(str(DEFAULT_SET / "plan.docx"))
    document.sections[-1].page_width, document.sections[-1].page_height = Inches(8.5), Inches(11)
    document.styles["Normal"].font.size = docx.shared.Pt(12)
    document.save(tmp_path / "plan.docx")
    problems = structure_problems(tmp_path / "plan.docx")
    assert any("A4" in p for p in problems) and any("Normal: size" in p for p in problems)


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

    for kind in TEMPLATE_KEYS:
        document = docx.Document(io.BytesIO((DEFAULT_SET / BY_KEY[kind].template).read_bytes()))
        assert document.paragraphs


def test_readme_variable_reference_is_fresh():
    readme = (ROOT / "doc_templates" / "README.md").read_text("utf-8")
    assert readme == readme_with_variables(readme), "run make schema"


def test_example_set_keeps_the_contract_and_the_format():
    assert all(r.ok for r in check_folder(EXAMPLES / "county", require_all=False))
    assert structure_problems(EXAMPLES / "county" / "filing_form.docx") == []
