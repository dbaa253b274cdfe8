"""The documentation in docs/: field tables generated from the models and fresh, links inside the repository."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from service.model.case import Case
from service.model.docs import TARGETS, MarkersMissing, Target, field_rows, main, render_tables, with_tables
from service.model.period import PeriodReport

from .conftest import ROOT

DOCS = ROOT / "docs"
OUTSIDE_CONTRACT = "CASE" + ".md"  # the contract file outside the repository, which docs/case.md replaces


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_committed_field_tables_are_fresh(target):
    text = target.file.read_text("utf-8")
    assert text == with_tables(text, target), f"the field tables of {target.file.name} are stale: run `make schema`"


def test_check_reports_stale_tables_and_the_command_rewrites_them(tmp_path, capsys):
    page = tmp_path / "case.md"
    page.write_text("# x\n<!-- fields:case:start -->\nSTALE TABLE\n<!-- fields:case:end -->\ntail\n", encoding="utf-8")
    targets = (Target("case", page, Case),)
    assert main(["--check"], targets) == 1
    assert "STALE TABLE" in page.read_text("utf-8"), "--check writes nothing"
    assert "case.md is stale" in capsys.readouterr().err
    assert main([], targets) == 0
    fresh = page.read_text("utf-8")
    assert "STALE TABLE" not in fresh and "| `matter.summary` |" in fresh
    assert fresh.startswith("# x\n<!-- fields:case:start -->") and fresh.endswith("<!-- fields:case:end -->\ntail\n")
    assert main(["--check"], targets) == 0


def test_committed_docs_pass_the_check_command():
    check = subprocess.run([sys.executable, "-m", "service.model.docs", "--check"], cwd=ROOT, capture_output=True)
    assert check.returncode == 0, check.stderr.decode()


def test_missing_markers_are_an_error(tmp_path):
    with pytest.raises(MarkersMissing):
        with_tables("no markers here\n", Target("case", tmp_path / "x.md", Case))


def every_field(model, prefix=""):
    """(path, FieldInfo) of every field reachable from ``model``, in the docs' path notation."""
    import typing

    from pydantic import BaseModel

    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path, info
        nested = [a for a in typing.get_args(info.annotation) + (info.annotation,)
                  for a in typing.get_args(a) + (a,) if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested:
            is_list = list in {typing.get_origin(a) for a in (info.annotation, *typing.get_args(info.annotation))}
            yield from every_field(nested[0], f"{path}[]." if is_list else f"{path}.")


@pytest.mark.parametrize("model", [Case, PeriodReport], ids=["case", "period"])
def test_every_field_has_a_chinese_title_and_description(model):
    for path, info in every_field(model):
        assert info.title and re.search(r"[\u4e00-\u9fff]", info.title), path
        assert info.description and re.search(r"[\u4e00-\u9fff]", info.description), path


def test_rows_cover_every_field_once():
    rows = {row.path: row for row in field_rows(Case)}
    assert len(rows) == len(field_rows(Case))
    # A model met again (Person, Contact) is not expanded again: its row names the path that lists its fields.
    for path, _ in every_field(Case):
        if path in rows:
            continue
        parent = max((p for p in rows if path.startswith((f"{p}.", f"{p}[]."))), key=len)
        listed = re.search(r"字段同 `([^`]+)`", rows[parent].type).group(1)
        rest = path[len(parent):].lstrip("[]").lstrip(".")
        assert f"{listed}.{rest}" in rows, path


def test_rows_carry_types_requirements_and_enumerations():
    rows = {row.path: row for row in field_rows(Case)}
    assert rows["matter.summary"].type == "Markdown 文字" and rows["matter.summary"].required
    assert rows["matter.name"].constraints == "最多 2000 个字符；不能为空白"
    assert rows["plan.issued_on"].type == "日期"
    assert rows["risks"].constraints == "至少 1 项；最多 50 项"
    assert rows["matter.summary"].constraints == "最多 5000 个字符；列表最多 300 项、嵌套最多 4 层"
    assert rows["consultation.survey.questions[].answers"].constraints.startswith("最多 30 项；每个键最多 200 个字符")
    assert "`很高`" in rows["risks[].probability"].constraints
    assert rows["risks[].weight"].constraints == "≥ 0；≤ 1"
    assert not rows["consultation"].required and rows["consultation.survey.issued"].required
    assert rows["consultation.survey.questions[].multiple"].constraints == "默认 `false`"
    assert rows["leading_group.deputy_leaders"].type == "列表，每项为文字"  # person ids (schema 2.0)
    assert "`^[A-Za-z0-9_-]+$`" in rows["leading_group.deputy_leaders"].constraints
    assert rows["schema_version"].constraints == "只能为 `2.0`"


def test_period_tables_point_to_the_case_format():
    rows = {row.path: row for row in field_rows(PeriodReport)}
    assert "case.md" in rows["cases"].type and "案卷文件路径" in rows["cases"].type
    assert "`period.start`" in render_tables(PeriodReport)


def test_pipes_in_patterns_do_not_break_tables():
    table = render_tables(Case)
    row = next(line for line in table.splitlines() if line.startswith("| `case_id`"))
    assert row.count(" | ") == 5


def test_docs_cite_only_files_inside_the_repository():
    for page in DOCS.glob("*.md"):
        text = page.read_text("utf-8")
        assert OUTSIDE_CONTRACT not in text, page
        for link in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if "://" in link:
                continue
            assert (page.parent / link).resolve().is_relative_to(ROOT), link
            assert (page.parent / link).exists(), f"{page.name}: broken link {link}"


def test_case_md_anchors_resolve():
    text = (DOCS / "case.md").read_text("utf-8")
    slugs = {github_slug(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}
    for page in DOCS.glob("*.md"):
        for anchor in re.findall(r"\]\(case\.md#([^)]+)\)|\]\(#([^)]+)\)", page.read_text("utf-8")):
            anchor = anchor[0] or anchor[1]
            assert anchor in slugs, f"{page.name}: #{anchor}"


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_code_cites_the_docs_not_an_outside_contract():
    cited = []
    for folder in ("service", "tests", "bench", "doc_templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".toml", ".md", ".html") and path != Path(__file__):
                if OUTSIDE_CONTRACT in path.read_text("utf-8", errors="replace"):
                    cited.append(str(path.relative_to(ROOT)))
    assert OUTSIDE_CONTRACT not in (ROOT / "README.md").read_text("utf-8")
    assert cited == []


def test_risk_tables_are_written_from_the_default_profile():
    from service.risk.docs import tables, with_tables
    from service.risk.profile import DEFAULT_PROFILE, load_profile

    text = (ROOT / "docs" / "case.md").read_text("utf-8")
    profile = load_profile(DEFAULT_PROFILE)
    assert text == with_tables(text, profile), "run make schema"
    moved = profile.model_copy(update={"degree": [profile.degree[0].model_copy(update={"min": 0.7}), *profile.degree[1:]]})
    assert "| R ≥ | 0.7 |" in tables(moved)["degrees"] and with_tables(text, moved) != text
