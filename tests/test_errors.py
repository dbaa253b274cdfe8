"""One error family: every error a user can act on is a ``WenpingError``, and each door maps it in one place.

The door tests raise real errors deep in the pipeline (a template that divides by zero, a
missing LibreOffice, a broken risk profile, an invalid case) and look at what the user of
each door gets: the CLI's exit code and Chinese line, the API's problem+json, the form's
page, the batch's report.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import os
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import service
from service.errors import InvalidInput, WenpingError

from .conftest import BIN, SAMPLE_PATH
from .test_templates import template_with
from .web_fixtures import app_with

PROBLEM_TYPE = "urn:wenping:problem:"
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Exceptions defined in service/ that are deliberately not in the family, and why.
OUTSIDE_THE_FAMILY = {
    "service.web.problems.ApiProblem": "the web door's own answer (request errors, HTTP errors), built from the family",
    "service.model.period_schema.SchemaConflict": "a programming error in the models, caught by the schema tests",
    "service.pdf.uno_worker.DocumentError": "lives in the UNO worker process, reported to the converter as text",
    "service.model.docs.MarkersMissing": "a developer tool's error (make schema), never reaches a door",
}

# The stage errors that must stay in the family (the doors rely on it).
EXPECTED = {
    "service.errors.SettingError",
    "service.checks.validation.CaseReadError",
    "service.checks.period.PeriodReadError",
    "service.generate.InvalidCase",
    "service.generate.UnknownDocument",
    "service.context.readiness.NotReady",
    "service.generate_period.PeriodInvalid",
    "service.risk.engine.MixedWeights",
    "service.risk.engine.WeightsNotOne",
    "service.risk.profile.ProfileError",
    "service.render.engine.TemplateRenderError",
    "service.render.deadline.RenderTimeout",
    "service.render.template_sets.TemplateSetError",
    "service.render.template_sets.UnknownTemplateSet",
    "service.pdf.converter.ConversionError",
    "service.pdf.converter.ConversionTimeout",
    "service.pdf.converter.ConverterUnavailable",
    "service.audit.UnreadableDocument",
    "service.web.server.ServeError",
    "service.batch.errors.BatchError",
    "service.register.errors.UnknownCase",
    "service.register.errors.UnknownVersion",
    "service.register.errors.RegisterUnavailable",
    "service.register.errors.RegisterOutdated",
    "service.register.errors.MissingBlob",
}


def service_modules() -> list:
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(service.__path__, "service.")]


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.fixture(scope="module")
def family() -> list[type[WenpingError]]:
    service_modules()
    found, todo = {}, [WenpingError]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("service."):
            found[qualified(cls)] = cls
        todo.extend(cls.__subclasses__())
    return sorted(found.values(), key=qualified)


# ------------------------------------------------------------------ the family itself


def test_every_member_has_its_own_code_status_title_and_exit_code(family):
    assert EXPECTED <= {qualified(c) for c in family}
    for cls in family:
        name = qualified(cls)
        assert "code" in vars(cls), f"{name} inherits its code: give it its own"
        assert KEBAB.match(cls.code), f"{name}.code {cls.code!r} is not kebab-case"
        assert 400 <= cls.status <= 599, f"{name}.status {cls.status}"
        assert CJK.search(cls.title), f"{name}.title {cls.title!r} is not Chinese"
        assert cls.exit_code in (1, 2), f"{name}.exit_code {cls.exit_code}"


def test_codes_are_unique(family):
    codes = [cls.code for cls in family]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)


def test_exit_code_1_means_the_input_has_errors(family):
    for cls in family:
        if issubclass(cls, InvalidInput):
            assert (cls.exit_code, cls.status) == (1, 422), qualified(cls)


def test_no_other_public_exception_in_service():
    outside = set()
    for module in service_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, BaseException):
                continue
            if not issubclass(cls, WenpingError) and not cls.__name__.startswith("_"):
                outside.add(qualified(cls))
    assert outside <= set(OUTSIDE_THE_FAMILY), f"not in the error family: {sorted(outside - set(OUTSIDE_THE_FAMILY))}"


def test_weight_errors_are_told_apart_by_type(minimal_data):
    from service.checks.validation import validate
    from service.model.case import Risk
    from service.risk.engine import MixedWeights, WeightsNotOne, assess
    from service.risk.profile import active_profile

    risks = [Risk.model_validate(r) for r in minimal_data["risks"]]
    first = risks[0]
    second = first.model_copy(update={"id": "R9", "weight": None})
    with pytest.raises(MixedWeights, match="R9 未给出权重"):
        assess([first.model_copy(update={"weight": 0.5}), second], active_profile())
    with pytest.raises(WeightsNotOne, match="合计为 0.7"):
        assess([first.model_copy(update={"weight": 0.5}), second.model_copy(update={"weight": 0.2})], active_profile())

    minimal_data["risks"].append({**minimal_data["risks"][0], "id": "R9", "weight": 0.2})
    minimal_data["risks"][0]["weight"] = 0.5
    assert "各风险权重合计为 0.7，应为 1" in [e.message for e in validate(minimal_data).errors if e.path == "risks"]


# ------------------------------------------------------------------ real errors, deep inside


@pytest.fixture
def divide_set(tmp_path, setting) -> str:
    """A template set whose plan passes the contract check and fails when rendered (1 / 0)."""
    folder = tmp_path / "sets" / "divide"
    folder.mkdir(parents=True)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.move(str(template_with(scratch, "{{ 1 / 0 }}")), folder / "plan.docx")
    setting("WENPING_TEMPLATE_DIRS", str(tmp_path / "sets"))
    return "divide"


@pytest.fixture
def broken_profile(tmp_path, setting) -> Path:
    """A risk profile that is not TOML (profiles are cached per path: a new path is read anew)."""
    path = tmp_path / "secret-profile.toml"
    path.write_text("probability = [", "utf-8")
    setting("WENPING_RISK_PROFILE", str(path))
    return path


@pytest.fixture
def no_libreoffice(setting):
    """The converter cannot find soffice: every PDF request fails with ConverterUnavailable."""
    from service.pdf import close_shared_converter

    setting("WENPING_SOFFICE", "/nonexistent/soffice")
    close_shared_converter()
    yield
    close_shared_converter()  # the next one is made from the restored environment


def wenping(*args, cwd=None, env=None):
    return subprocess.run(
        [str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


# ------------------------------------------------------------------ CLI


def test_cli_template_error_deep_in_rendering(tmp_path, divide_set):
    from service.render import TemplateRenderError

    run = wenping("generate", SAMPLE_PATH, "-o", tmp_path / "out.zip", "--template-set", divide_set, env=dict(os.environ))
    assert run.returncode == TemplateRenderError.exit_code == 2
    assert run.stderr == "错误：模板「divide/plan.docx」出错：模板运行出错（ZeroDivisionError: division by zero）\n"
    assert not (tmp_path / "out.zip").exists()


def test_cli_converter_unavailable_deep_in_pdf(tmp_path):
    from service.pdf import ConverterUnavailable

    env = {**os.environ, "WENPING_SOFFICE": "/nonexistent/soffice"}
    run = wenping("generate", SAMPLE_PATH, "--pdf", "-o", tmp_path / "out.zip", env=env)
    assert run.returncode == ConverterUnavailable.exit_code == 2
    assert run.stderr.startswith("错误：") and "未找到 LibreOffice（soffice：/nonexistent/soffice）" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out.zip").exists()


def test_cli_broken_risk_profile(tmp_path):
    from service.risk.profile import ProfileError

    profile = tmp_path / "profile.toml"
    profile.write_text("probability = [", "utf-8")
    run = wenping("validate", SAMPLE_PATH, env={**os.environ, "WENPING_RISK_PROFILE": str(profile)})
    assert run.returncode == ProfileError.exit_code == 2
    assert run.stderr.startswith(f"错误：风险标准文件 {profile} 无法使用：") and "Traceback" not in run.stderr


def test_cli_invalid_case_lists_every_error(tmp_path, case_data):
    from service.generate import InvalidCase

    case_data["consultation"]["survey"]["valid"] = 590
    case_data["risks"][0]["weight"] = 0.4
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case_data, ensure_ascii=False), "utf-8")
    run = wenping("generate", path, "-o", tmp_path / "out.zip")
    assert run.returncode == InvalidCase.exit_code == 1
    lines = run.stderr.splitlines()
    assert re.fullmatch(r"案卷有 \d+ 处错误，未生成任何材料：", lines[0])
    assert int(re.search(r"\d+", lines[0]).group()) == len(lines) - 1
    assert "  - consultation.survey.valid：有效问卷数(590)不能大于回收数(584)" in lines
    assert "  - risks：各风险权重合计为 1.05，应为 1" in lines
    assert not (tmp_path / "out.zip").exists()


def test_cli_usage_and_unknown_document(tmp_path):
    period = SAMPLE_PATH.parent / "period-2026.json"
    run = wenping("summary", period, "-o", tmp_path / "report.txt")
    assert (run.returncode, run.stderr) == (2, f"错误：输出文件 {tmp_path / 'report.txt'} 应以 .docx 或 .pdf 结尾\n")
    run = wenping("generate", SAMPLE_PATH, "--only", "memo", "-o", tmp_path / "out.zip")
    assert run.returncode == 2 and run.stderr.startswith("错误：没有这种文书：memo")


# ------------------------------------------------------------------ HTTP API


@pytest.fixture
def client():
    return app_with(API_KEYS=()).test_client()


def post(client, path, body):
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.post(path, data=data, content_type="application/json")


def assert_family_problem(response, cls) -> dict:
    """The answer is the problem of ``cls``: its status, type, title."""
    assert response.status_code == cls.status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == PROBLEM_TYPE + cls.code
    assert (body["status"], body["title"]) == (cls.status, cls.title)
    assert CJK.search(body["detail"])
    return body


def test_api_maps_the_errors_of_the_pipeline(client, case_data, sample_data, tmp_path):
    from service.checks.validation import CaseReadError
    from service.generate import InvalidCase, UnknownDocument
    from service.generate_period import PeriodInvalid
    from service.render.template_sets import UnknownTemplateSet

    assert "第 1 行" in assert_family_problem(post(client, "/api/v1/packages", b'{"case_id": '), CaseReadError)["detail"]
    assert "第 9 次会议" in assert_family_problem(
        post(client, "/api/v1/documents/minutes?meeting=9", sample_data), UnknownDocument
    )["detail"]
    assert "nowhere" in assert_family_problem(
        post(client, "/api/v1/packages?template_set=nowhere", sample_data), UnknownTemplateSet
    )["detail"]

    case_data["consultation"]["survey"]["valid"] = 590
    body = assert_family_problem(post(client, "/api/v1/packages", case_data), InvalidCase)
    assert {"path": "consultation.survey.valid", "message": "有效问卷数(590)不能大于回收数(584)"} in body["errors"]
    assert isinstance(body["warnings"], list)

    period = json.loads((SAMPLE_PATH.parent / "period-2026.json").read_text("utf-8"))
    period["cases"][1]["consultation"]["survey"]["valid"] = 10**6
    body = assert_family_problem(post(client, "/api/v1/summaries", period), PeriodInvalid)
    assert body["detail"] == f"汇报有 {len(body['errors'])} 处错误，未生成汇报"


def test_api_converter_unavailable_deep_in_pdf(client, sample_data, no_libreoffice):
    from service.pdf import ConverterUnavailable
    from service.pdf.converter import PDF_UNAVAILABLE

    response = post(client, "/api/v1/packages?pdf=1", sample_data)
    body = assert_family_problem(response, ConverterUnavailable)
    assert body["detail"] == PDF_UNAVAILABLE
    assert response.headers["Retry-After"] == "60"
    assert "/nonexistent" not in response.get_data(as_text=True)  # the operator's message stays in the log


def test_api_operator_errors_are_a_plain_500(client, sample_data, divide_set, caplog):
    response = post(client, f"/api/v1/packages?template_set={divide_set}", sample_data)
    assert response.status_code == 500
    body = response.get_json()
    assert body["type"] == PROBLEM_TYPE + "internal-error"
    assert body["detail"].startswith("服务器处理请求时出错")
    assert "ZeroDivision" not in response.get_data(as_text=True)
    assert any("TemplateRenderError" in r.getMessage() and r.exc_info for r in caplog.records)


class Conflict(WenpingError):
    code = "test-conflict"
    status = 409
    title = "测试：冲突"
    headers = {"Retry-After": "5"}

    def members(self):
        return {"which": "甲"}


def test_api_maps_any_member_of_the_family():
    """Not a list of classes: an error the web door has never heard of is answered by its own fields."""
    app = app_with(API_KEYS=())

    def deep():
        raise Conflict("甲与乙冲突")

    app.add_url_rule("/api/v1/test-conflict", "test_conflict", lambda: deep())
    response = app.test_client().get("/api/v1/test-conflict")
    body = assert_family_problem(response, Conflict)
    assert (body["detail"], body["which"]) == ("甲与乙冲突", "甲")
    assert response.headers["Retry-After"] == "5"


# ------------------------------------------------------------------ form


def test_form_shows_an_operator_error_and_keeps_the_text(client, broken_profile, caplog):
    text = SAMPLE_PATH.read_text("utf-8")
    response = client.post("/", data={"case_text": text, "action": "generate"}, content_type="multipart/form-data")
    assert response.status_code == 500 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "服务器处理请求时出错" in html
    assert "QS-WP-2026-001" in html  # the pasted case is still in the form
    assert broken_profile.name not in html and "Traceback" not in html
    assert any("ProfileError" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


# ------------------------------------------------------------------ batch


def test_batch_records_a_deep_error_as_the_case_failure(tmp_path, divide_set, sample_data):
    from service.batch import run_batch

    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.json").write_text(json.dumps(sample_data, ensure_ascii=False), "utf-8")
    (cases / "b.json").write_text('{"case_id": ', "utf-8")
    report = run_batch([cases], tmp_path / "out", jobs=1, template_set=divide_set)
    by_file = {Path(r.case_file).name: r for r in report.records}
    assert by_file["a.json"].status == "failed"
    assert by_file["a.json"].errors == [
        {"path": "", "message": "模板「divide/plan.docx」出错：模板运行出错（ZeroDivisionError: division by zero）"}
    ]
    assert by_file["b.json"].status == "invalid"
    assert by_file["b.json"].errors[0]["message"].startswith("JSON 格式错误：第 1 行")
    assert report.exit_code == 1
    assert not list((tmp_path / "out").glob("*.zip"))
