"""Template sets: a county's own set beside the default, and templates that try to misbehave."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from service.generate import generate
from service.render import CompiledTemplate, DocumentProperties, TemplateRenderError
from service.render.deadline import RenderTimeout
from service.render.template_sets import TemplateSetError, resolve_template_set

from .conftest import BIN, ROOT, SAMPLE_PATH
from .helpers import by_kind, text_of, unzip
from .test_templates import template_with

EXAMPLES = ROOT / "doc_templates" / "examples"


@pytest.fixture
def example_sets(setting):
    setting("WENPING_TEMPLATE_DIRS", str(EXAMPLES))


def test_county_set_overrides_only_its_filing_form(example_sets, sample_data):
    county = resolve_template_set("county")
    own = unzip(generate(sample_data, templates=county).data)
    default = unzip(generate(sample_data).data)
    assert own["01_社会稳定风险评估事项报备表.docx"] != default["01_社会稳定风险评估事项报备表.docx"]
    for name in default:
        if name.endswith(".docx") and not name.startswith("01_"):
            assert own[name] == default[name], name
    (form,) = by_kind(generate(sample_data, templates=county).data, "filing_form")
    text = text_of(form)
    assert "江城县重大事项社会稳定风险评估报备表" in text and "县维稳办意见" in text and "承包地重新划分引发矛盾纠纷" in text


def test_manifest_names_the_set(example_sets, sample_data):
    from .helpers import manifest

    assert manifest(generate(sample_data, templates=resolve_template_set("county")).data)["template_set"] == "county"


def test_cli_template_set(example_sets, tmp_path):
    run = subprocess.run([str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(tmp_path / "x.zip"), "--template-set", "county"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    missing = subprocess.run([str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(tmp_path / "y.zip"), "--template-set", "town"],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "town" in missing.stderr and "county" in missing.stderr
    assert not (tmp_path / "y.zip").exists()


def broken_set(tmp_path, setting, tag: str, name: str = "broken") -> str:
    folder = tmp_path / "sets" / name
    folder.mkdir(parents=True)
    shutil.move(str(template_with(tmp_path, tag)), folder / "plan.docx")
    setting("WENPING_TEMPLATE_DIRS", str(tmp_path / "sets"))
    return name


@pytest.mark.parametrize(
    "tag, problem",
    [
        ("{{ matter.nmae }}", "matter.nmae"),
        ("{{ ''.__class__.__mro__ }}", "__class__"),
        ("{% include 'x.docx' %}", "include"),
        ("{{ matter['__dict__'] }}", "__dict__"),
        ("{% for %}", "没有结束标签「{% endfor %}」"),
    ],
)
def test_broken_set_refused_naming_file_and_tag(tmp_path, setting, tag, problem):
    name = broken_set(tmp_path, setting, tag)
    with pytest.raises(TemplateSetError) as err:
        resolve_template_set(name)
    assert "plan.docx" in str(err.value) and problem in str(err.value)


def render(tmp_path, tag: str, context=None):
    template = CompiledTemplate(template_with(tmp_path, tag, first=True))
    return template.render(context or {}, DocumentProperties(title="t", author="a"))


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{% include '/etc/passwd' %}",
        "{% import '/etc/passwd' as x %}",
        "{{ 'x' * 100000000 }}",
        "{{ 'x'.ljust(1000000000) }}",
        "{% for i in range(100000000) %}{% endfor %}",
        "{{ '%099999999d' % 1 }}",
        "{{ '{:>99999999}'.format('a') }}",
        "{{ lipsum(99999) }}",
        "{{ ((2**64)**64)**64 }}",
        "{{ 1 / 0 }}",
    ],
)
def test_malicious_templates_are_stopped(tmp_path, tag):
    with pytest.raises(TemplateRenderError):
        render(tmp_path, tag)


def test_endless_loop_is_stopped_by_the_time_limit(tmp_path, setting):
    setting("WENPING_RENDER_TIMEOUT", "1")
    tag = "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}"
    start = time.monotonic()
    with pytest.raises(RenderTimeout, match="超过 1 秒") as stopped:
        render(tmp_path, tag)
    assert stopped.value.status == 504
    assert time.monotonic() - start < 10
