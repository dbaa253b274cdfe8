"""Staged generation: each document as soon as the case holds what it needs (docs/case.md, "Step by step").

The sample at each of its six steps (tests/register_steps.py): readiness, the CLI, the API, and the register
on SQLite and on PostgreSQL (six versions, diffs, every document exactly from its step, a verified package).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from service.checks.validation import validate
from service.context.readiness import PACKAGE, NotReady, readiness
from service.context.registry import FILING_KEYS
from service.generate import generate, render_document
from service.register import STAGES, Register
from service.settings import Settings

from .conftest import BIN, SAMPLE_PATH
from .helpers import file_names, open_docx, text_of, unzip
from .register_steps import BECOMES_READY, steps
from .web_fixtures import app_with

ALL = (*FILING_KEYS, PACKAGE)


def ready_set(table: dict) -> set[str]:
    return {key for key, entry in table.items() if entry["ready"]}


def wenping(*args, env=None):
    return subprocess.run([str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, timeout=120, env=env)


# -- readiness ------------------------------------------------------------------------------------------


def test_each_document_becomes_ready_at_its_step(sample_data):
    ready: set[str] = set()
    for number, (step, new) in enumerate(zip(steps(sample_data), BECOMES_READY), 1):
        result = validate(step)
        assert result.valid, (number, [e.as_dict() for e in result.errors])
        table = readiness(result.case)
        ready |= new
        assert set(table) == set(ALL)
        assert ready_set(table) == ready, number
        for key in set(ALL) - ready:
            assert table[key]["missing"], (number, key)
    assert readiness(validate(sample_data).case) == table  # the last step is the sample's content


def test_missing_parts_are_named_by_path(sample_data):
    first = readiness(validate(steps(sample_data)[0]).case)
    assert first["plan"] == {"ready": True, "missing": []}
    assert first["minutes"] == {"ready": False, "missing": ["consultation.meetings"], "meetings": []}
    assert first["report"]["missing"] == ["risks", "report"]
    assert first[PACKAGE] == {"ready": False, "missing": ["risks", "report", "filing"]}
    second = readiness(validate(steps(sample_data)[1]).case)
    assert second["minutes"] == {"ready": True, "missing": [], "meetings": [1, 2]}


def test_rules_apply_to_what_is_present(sample_data):
    early = steps(sample_data)[1]
    early["consultation"]["meetings"][0]["date"] = "2026-02-01"  # before the plan was issued
    early["opinions"][0]["adoption"], early["opinions"][0]["response"] = "不予采纳", ""
    result = validate(early)
    assert {e.path for e in result.errors} == {"consultation.meetings.0.date", "opinions.0.response"}
    assert result.assessment is None


# -- CLI ------------------------------------------------------------------------------------------------


def test_cli_plan_at_step_one_and_the_package_refused(sample_data, tmp_path):
    case = tmp_path / "step1.json"
    case.write_text(json.dumps(steps(sample_data)[0], ensure_ascii=False), "utf-8")
    out = tmp_path / "plan.zip"
    run = wenping("generate", case, "--only", "plan", "-o", out)
    assert run.returncode == 0, run.stderr
    package = out.read_bytes()
    (name,) = file_names(package, "plan")
    assert name == "02_社会稳定风险评估工作方案.docx"  # the number it has in the full package
    assert sample_data["matter"]["name"] in text_of(open_docx(unzip(package)[name]))

    run = wenping("generate", case, "-o", tmp_path / "all.zip")
    assert run.returncode == 1 and not (tmp_path / "all.zip").exists()
    assert run.stderr.startswith("错误：") and "Traceback" not in run.stderr
    assert "risks（风险因素）" in run.stderr and "report（评估报告）" in run.stderr and "filing（报备）" in run.stderr

    run = wenping("generate", case, "--only", "report", "-o", tmp_path / "report.zip")
    assert run.returncode == 1 and "评估报告还不能生成" in run.stderr

    run = wenping("validate", case, "--json")
    assert run.returncode == 0
    shown = json.loads(run.stdout)["readiness"]
    assert ready_set(shown) == {"plan"} and shown[PACKAGE]["missing"] == ["risks", "report", "filing"]
    human = wenping("validate", case).stdout
    assert "工作方案：可以生成" in human and "报备材料包：尚缺 risks（风险因素）" in human


@pytest.fixture
def client():
    return app_with(API_KEYS=()).test_client()


def post(client, path, case):
    return client.post(path, data=json.dumps(case, ensure_ascii=False), content_type="application/json")


def test_api_documents_on_an_early_case(client, sample_data):
    first, second = steps(sample_data)[:2]
    plan = post(client, "/api/v1/documents/plan", first)
    assert plan.status_code == 200, plan.get_data(as_text=True)
    assert sample_data["matter"]["name"] in text_of(open_docx(plan.data))

    refused = post(client, "/api/v1/documents/report", first)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["type"] == "urn:wenping:problem:not-ready" and body["missing"] == ["risks", "report"]
    assert [e["path"] for e in body["errors"]] == ["risks", "report"] and "评估报告" in body["detail"]

    package = post(client, "/api/v1/packages", second)
    assert package.status_code == 422 and package.get_json()["missing"] == ["risks", "report", "filing"]

    minutes = post(client, "/api/v1/documents/minutes?meeting=2", second)
    assert minutes.status_code == 200
    assert sample_data["consultation"]["meetings"][1]["place"] in text_of(open_docx(minutes.data))

    checked = post(client, "/api/v1/validate", second).get_json()
    assert ready_set(checked["readiness"]) == {"plan", "minutes"}


# -- the register, on SQLite and on PostgreSQL ----------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path) -> Settings:
    url = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
    return Settings(state_dir=tmp_path / "state", database_url=url)


def test_six_steps_through_the_register(settings, sample_data, tmp_path):
    case_id = sample_data["case_id"]
    ready: set[str] = set()
    with Register.open(settings) as register:
        for number, (step, new) in enumerate(zip(steps(sample_data), BECOMES_READY), 1):
            submitted = register.submit(step, by="陈立新")
            assert (submitted.version.number, submitted.version.stage) == (number, STAGES[number - 1])
            ready |= new
            assert ready_set(register.readiness(case_id)) == ready
            data = register.version(case_id).data()
            for kind in FILING_KEYS:  # every document exactly from the step it becomes possible
                if kind in ready:
                    made = render_document(data, kind, meeting=2 if kind == "minutes" else None)
                    assert open_docx(made.data).paragraphs, (number, kind)
                else:
                    with pytest.raises(NotReady):
                        render_document(data, kind)
            if PACKAGE not in ready:
                with pytest.raises(NotReady):
                    register.package(case_id)
        assert [v.number for v in register.versions(case_id)] == [1, 2, 3, 4, 5, 6]
        for old in range(1, 7):
            for new in range(old + 1, 7):
                assert register.diff(case_id, old, new), (old, new)
        risks = next(c for c in register.diff(case_id, 2, 3) if c["path"] == "risks.0.name")
        assert risks["title"] == "风险名称" and risks["old"] is None
        filed = register.package(case_id, version=4)
    out = tmp_path / "filed.zip"
    out.write_bytes(filed.data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(settings.state_dir)
    if settings.database_url is not None:
        env["WENPING_DATABASE_URL"] = settings.database_url.get_secret_value()
    run = wenping("verify", out, "--json", env=env)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["issued"] and [(f["case_id"], f["version"]) for f in found["found"]] == [(case_id, 4)]


# -- the registry's needs cover what each template prints ------------------------------------------------

# The case part a context root is made from when the case has it (None: always there, from step 1).
PART_OF_CONTEXT = {"risk": "risks", "report": "report", "stability": "report", "summary": "filing", "filing": "filing"}


def test_each_template_prints_only_what_its_kind_needs():
    """A document made early must not print a part the case does not hold yet (it would be empty)."""
    from pathlib import Path

    from service.context.registry import DOCUMENT_KINDS
    from service.render.contract import check_folder

    needs = {k.key: set(k.needs) for k in DOCUMENT_KINDS}
    for report in check_folder(Path(__file__).resolve().parents[1] / "doc_templates" / "default"):
        if report.kind == "period_summary":
            continue
        for variable in report.leaf_variables():
            root = variable.split(".")[0].split("[")[0]
            if variable == "risk.standard":  # the risk standard, known before any risk is
                continue
            part = PART_OF_CONTEXT.get(root)
            assert part is None or part in needs[report.kind], (report.kind, variable)


def test_cli_register_at_step_one(sample_data, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(tmp_path / "state")
    case = tmp_path / "step1.json"
    case.write_text(json.dumps(steps(sample_data)[0], ensure_ascii=False), "utf-8")
    assert wenping("cases", "submit", case, env=env).returncode == 0
    shown = wenping("cases", "show", sample_data["case_id"], env=env)
    assert "工作方案：可以生成" in shown.stdout and "评估报告：尚缺 risks（风险因素）" in shown.stdout
    as_json = json.loads(wenping("cases", "show", sample_data["case_id"], "--json", env=env).stdout)
    assert ready_set(as_json["readiness"]) == {"plan"}
    run = wenping("cases", "package", sample_data["case_id"], "-o", tmp_path / "out.zip", env=env)
    assert run.returncode == 1 and "报备材料包还不能生成" in run.stderr and not (tmp_path / "out.zip").exists()
