"""API v1 through the Flask test client: every route and every error answer."""

from __future__ import annotations

import copy
import json
import urllib.parse

import pytest

from service.context.registry import FILING_KEYS as ORDER
from service.model.schema import case_schema
from service.errors import SettingError
from service.settings import DEFAULT_MAX_BODY, Settings, parse_size
from service.web.config import flask_config
from service.web.generation import ascii_fallback, content_disposition

from .helpers import open_docx, text_of
from .web_fixtures import KEY, SAMPLE_PATH, app_with, zip_manifest


PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client():
    return app_with(API_KEYS=()).test_client()


@pytest.fixture(scope="module")
def keyed():
    return app_with(API_KEYS=f"{KEY}, second-key").test_client()


def post_json(client, path, data, headers=None):
    body = data if isinstance(data, (bytes, str)) else json.dumps(data, ensure_ascii=False)
    return client.post(path, data=body, content_type="application/json", headers=headers or {})


def assert_problem(response, status, type_suffix=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = json.loads(response.get_data(as_text=True))
    assert body["status"] == status
    assert body["type"].startswith("urn:wenping:problem:")
    if type_suffix:
        assert body["type"].endswith(type_suffix)
    # Chinese title and detail, no traceback or internals.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["title"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# ---------------------------------------------------------------- packages


def test_package_is_the_filing_zip_with_chinese_file_name(client, sample_data):
    response = post_json(client, "/api/v1/packages", sample_data)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="QS-WP-2026-001_package.zip"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert urllib.parse.unquote(encoded) == "QS-WP-2026-001_稳评报备材料.zip"
    assert response.headers["Cache-Control"] == "no-store"
    manifest = zip_manifest(response.data)
    assert manifest["case_id"] == sample_data["case_id"]
    assert manifest["risk"]["final_level"] == "低风险"
    assert {f["kind"] for f in manifest["files"]} >= set(ORDER)
    assert response.headers["X-Wenping-Warnings"] == str(len(manifest["warnings"]))


def test_package_is_byte_identical_to_the_cli_path(client, sample_data):
    from service.generate import generate

    response = post_json(client, "/api/v1/packages", sample_data)
    assert response.data == generate(copy.deepcopy(sample_data)).data


def test_package_warnings_are_in_the_manifest(client, case_data):
    case_data["report"]["assessed_level"] = "中风险"  # differs from the computed 低风险: a warning
    response = post_json(client, "/api/v1/packages", case_data)
    assert response.status_code == 200
    manifest = zip_manifest(response.data)
    assert any(w["path"] == "report.assessed_level" for w in manifest["warnings"])
    assert int(response.headers["X-Wenping-Warnings"]) == len(manifest["warnings"]) >= 1


def test_minimal_case_makes_a_package(client, minimal_data):
    response = post_json(client, "/api/v1/packages", minimal_data)
    assert response.status_code == 200
    assert zip_manifest(response.data)["case_id"] == "MIN-1"


def test_invalid_case_is_422_with_every_error_path(client, case_data):
    case_data["consultation"]["survey"]["valid"] = case_data["consultation"]["survey"]["returned"] + 6
    case_data["risks"][0]["probability"] = "极高"
    del case_data["matter"]["name"]
    response = post_json(client, "/api/v1/packages", case_data)
    body = assert_problem(response, 422, "invalid-case")
    paths = {e["path"] for e in body["errors"]}
    assert "matter.name" in paths
    assert "risks.0.probability" in paths
    assert all(e["message"] for e in body["errors"])
    assert isinstance(body["warnings"], list)
    assert str(len(body["errors"])) in body["detail"]


def test_rule_errors_are_listed_with_their_paths(client, case_data):
    survey = case_data["consultation"]["survey"]
    survey["valid"] = survey["returned"] + 6
    response = post_json(client, "/api/v1/packages", case_data)
    body = assert_problem(response, 422)
    errors = {e["path"]: e["message"] for e in body["errors"]}
    assert "不能大于回收数" in errors["consultation.survey.valid"]
    assert len(errors) == len(body["errors"]) >= 2  # every problem at once (the answers no longer sum)


def test_unreadable_json_is_400_with_the_position(client):
    response = post_json(client, "/api/v1/packages", b'{"case_id": ')
    body = assert_problem(response, 400, "unreadable-json")
    assert "第 1 行" in body["detail"]


def test_non_utf8_body_is_400(client):
    response = post_json(client, "/api/v1/packages", "{\"a\": \"稳评\"}".encode("gbk"))
    assert "UTF-8" in assert_problem(response, 400)["detail"]


def test_deeply_nested_json_is_400_not_500(client):
    response = post_json(client, "/api/v1/validate", b"[" * 100_000 + b"]" * 100_000)
    assert_problem(response, 400)


def test_json_that_is_not_an_object_is_422(client):
    body = assert_problem(post_json(client, "/api/v1/packages", b"[1, 2]"), 422)
    assert body["errors"]


def test_wrong_content_type_is_415(client, sample_data):
    response = client.post("/api/v1/packages", data=json.dumps(sample_data), content_type="text/plain")
    body = assert_problem(response, 415, "unsupported-media-type")
    assert "application/json" in body["detail"]
    assert_problem(client.post("/api/v1/validate", data=b"{}"), 415)  # no Content-Type at all


def test_json_with_charset_is_accepted(client, sample_data):
    response = client.post(
        "/api/v1/validate", data=json.dumps(sample_data).encode(), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200


def test_body_over_the_limit_is_413():
    client = app_with(API_KEYS=(), MAX_CONTENT_LENGTH=1024).test_client()
    body = assert_problem(post_json(client, "/api/v1/packages", b" " * 2048 + b"{}"), 413, "body-too-large")
    assert "1 KB" in body["detail"]
    # Just under the limit is read (and found wanting as a case, not as a body).
    assert post_json(client, "/api/v1/validate", b" " * 1000 + b"{}").status_code == 200


def test_pdf_flag_must_be_0_or_1(client, sample_data):
    assert_problem(post_json(client, "/api/v1/packages?pdf=maybe", sample_data), 400, "bad-parameter")
    assert post_json(client, "/api/v1/packages?pdf=0", sample_data).status_code == 200


def test_package_with_pdf(client, sample_data):
    from service.web.pdf_status import pdf_ready

    response = post_json(client, "/api/v1/packages?pdf=1", sample_data)
    if not pdf_ready():
        assert_problem(response, 503, "pdf-unavailable")
        return
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    names = [f["file"] for f in zip_manifest(response.data)["files"]]
    assert any(n.endswith(".pdf") for n in names)


# ---------------------------------------------------------------- documents


@pytest.mark.parametrize("kind", ORDER)
def test_each_document_alone(client, sample_data, kind):
    response = post_json(client, f"/api/v1/documents/{kind}", sample_data)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert f'filename="QS-WP-2026-001_{kind}' in response.headers["Content-Disposition"]
    assert text_of(open_docx(response.data)).strip()


def test_minutes_of_the_second_meeting(client, sample_data):
    second = sample_data["consultation"]["meetings"][1]
    response = post_json(client, "/api/v1/documents/minutes?meeting=2", sample_data)
    assert response.status_code == 200
    name = urllib.parse.unquote(response.headers["Content-Disposition"].split("''", 1)[1])
    assert second["kind"] in name
    assert 'filename="QS-WP-2026-001_minutes_2.docx"' in response.headers["Content-Disposition"]


def test_unknown_meeting_is_404(client, sample_data):
    body = assert_problem(post_json(client, "/api/v1/documents/minutes?meeting=9", sample_data), 404, "unknown-document")
    assert "第 9 次会议" in body["detail"]


def test_unknown_kind_is_404(client, sample_data):
    body = assert_problem(post_json(client, "/api/v1/documents/memo", sample_data), 404, "unknown-document")
    assert "memo" in body["detail"]


@pytest.mark.parametrize("query", ["format=odt", "meeting=0", "meeting=x"])
def test_bad_document_parameters_are_400(client, sample_data, query):
    assert_problem(post_json(client, f"/api/v1/documents/minutes?{query}", sample_data), 400, "bad-parameter")


def test_invalid_case_document_is_422(client, minimal_data):
    minimal_data["risks"][0]["measures"] = []
    body = assert_problem(post_json(client, "/api/v1/documents/report", minimal_data), 422)
    assert body["errors"][0]["path"] == "risks.0.measures"


def test_document_as_pdf(client, sample_data):
    from service.web.pdf_status import pdf_ready

    response = post_json(client, "/api/v1/documents/filing_form?format=pdf", sample_data)
    if not pdf_ready():
        assert_problem(response, 503, "pdf-unavailable")
        return
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")


# ---------------------------------------------------------------- validate, schema, templates, probes


def test_validate_valid_case_has_the_cli_json_shape(client, sample_data):
    response = post_json(client, "/api/v1/validate", sample_data)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"valid", "errors", "warnings", "risk", "readiness"}
    assert body["valid"] is True and body["readiness"]["package"] == {"ready": True, "missing": []}
    assert body["risk"]["initial"] == {"index": 0.374, "level": "中风险"}
    assert body["risk"]["residual"] == {"index": 0.103, "level": "低风险"}
    assert body["risk"]["advice"] == "可以实施"


def test_validate_invalid_case_is_still_200(client, case_data):
    case_data["risks"][0]["id"] = case_data["risks"][1]["id"]
    body = post_json(client, "/api/v1/validate", case_data).get_json()
    assert body["valid"] is False
    assert any(e["path"].startswith("risks.1.id") for e in body["errors"])


def test_validate_matches_the_cli(client, sample_data):
    import subprocess

    from .web_fixtures import WENPING

    cli = subprocess.run([str(WENPING), "validate", "--json", str(SAMPLE_PATH)], capture_output=True, check=True)
    assert post_json(client, "/api/v1/validate", sample_data).get_json() == json.loads(cli.stdout)


def test_schema_is_the_case_schema(client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert json.loads(response.data) == case_schema()


def test_openapi_describes_every_route(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    # That every route is documented, and nothing else, is tests/test_web_openapi.py's to check.
    assert {"/api/v1/packages", "/api/v1/documents/{kind}", "/healthz"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {"Case", "ValidationResult", "Problem", "TemplatesListing", "Issue"} <= set(schemas)
    packages = spec["paths"]["/api/v1/packages"]["post"]
    assert packages["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Case"}
    assert set(packages["responses"]) >= {"200", "400", "413", "415", "422", "503", "504"}
    assert "application/zip" in packages["responses"]["200"]["content"]
    assert "security" not in packages and "securitySchemes" not in spec["components"]
    # Every $ref resolves inside the document.
    text = json.dumps(spec)
    for ref in set(__import__("re").findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in schemas, ref


def test_openapi_declares_bearer_security_when_keys_are_set(keyed):
    spec = keyed.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/packages"]["post"]["security"] == [{"bearerAuth": []}]
    assert {"401", "403"} <= set(spec["paths"]["/api/v1/packages"]["post"]["responses"])
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_templates_listing(client):
    body = client.get("/api/v1/templates").get_json()
    assert body["kinds"] == list(ORDER)
    kinds = {t["kind"]: t for t in body["templates"]}
    assert set(kinds) == set(ORDER) | {"index", "period_summary", "tracking_report"}
    assert kinds["report"]["ok"] is True
    assert "matter.name" in kinds["report"]["variables"]
    assert kinds["report"]["name"] == "评估报告"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_readyz_matches_the_converter(client):
    from service.web.pdf_status import pdf_ready

    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == (200 if pdf_ready() else 503)
    assert body["pdf"] is pdf_ready()
    if body["pdf"]:  # the same report as `wenping fonts --json` and the manifest
        from service.pdf.fonts import resolve_fonts

        assert body["fonts"] == resolve_fonts()
        assert body["fonts"]["仿宋_GB2312"]["face"]


# ---------------------------------------------------------------- auth


PROTECTED = [
    ("post", "/api/v1/packages"),
    ("post", "/api/v1/documents/report"),
    ("post", "/api/v1/validate"),
    ("get", "/api/v1/templates"),
]


@pytest.mark.parametrize("method,path", PROTECTED)
def test_missing_key_is_401(keyed, sample_data, method, path):
    response = getattr(keyed, method)(path, json=sample_data if method == "post" else None)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method,path", PROTECTED)
def test_wrong_key_is_403(keyed, sample_data, method, path):
    response = getattr(keyed, method)(path, json=sample_data if method == "post" else None, headers={"Authorization": "Bearer nope"})
    assert_problem(response, 403, "forbidden")


def test_other_schemes_count_as_missing(keyed, sample_data):
    assert_problem(keyed.post("/api/v1/packages", json=sample_data, headers={"Authorization": f"Basic {KEY}"}), 401)


def test_auth_comes_before_reading_the_body(keyed):
    assert_problem(keyed.post("/api/v1/packages", data=b"not json", content_type="text/plain"), 401)


@pytest.mark.parametrize("key", [KEY, "second-key"])
def test_every_configured_key_works(keyed, sample_data, key):
    response = keyed.post("/api/v1/packages", json=sample_data, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/api/v1/schema", "/api/v1/openapi.json", "/", "/sample-case.json"])
def test_open_routes_need_no_key(keyed, path):
    assert keyed.get(path).status_code in (200, 503)


def test_keys_from_the_environment(setting, sample_data):
    setting("WENPING_API_KEYS", " a-key ,, b-key ")
    assert flask_config(Settings.load())["API_KEYS"] == ("a-key", "b-key")
    client = app_with().test_client()
    assert client.post("/api/v1/validate", json=sample_data).status_code == 401
    assert client.post("/api/v1/validate", json=sample_data, headers={"Authorization": "Bearer b-key"}).status_code == 200


# ---------------------------------------------------------------- generic errors


def test_unknown_route_is_404_problem(client):
    body = assert_problem(client.get("/api/v1/nothing"), 404, "not-found")
    assert "/api/v1/nothing" in body["detail"]


def test_wrong_method_is_405_with_allow(client):
    response = client.get("/api/v1/packages")
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]
    assert_problem(client.delete("/healthz"), 405)


def test_browser_gets_a_chinese_404_page(client):
    response = client.get("/nothing", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "未找到" in response.get_data(as_text=True)


def test_unexpected_exception_is_500_without_internals(setting, case_data, caplog):
    """A broken risk profile (an operator's mistake) must not leak its path or a traceback."""
    setting("WENPING_RISK_PROFILE", "/nonexistent/secret-profile.toml")
    response = post_json(app_with(API_KEYS=()).test_client(), "/api/v1/validate", case_data)
    body = assert_problem(response, 500, "internal-error")
    text = response.get_data(as_text=True)
    assert "secret-profile" not in text and "Traceback" not in text
    assert body["detail"].startswith("服务器处理请求时出错")
    assert any("unhandled" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------- small parts


def test_content_disposition_forms():
    assert content_disposition("案卷.zip", "case.zip") == "attachment; filename=\"case.zip\"; filename*=UTF-8''%E6%A1%88%E5%8D%B7.zip"
    assert ascii_fallback("01_社会稳定风险评估报告.docx") == "01.docx"
    assert ascii_fallback("稳评.zip") == "wenping.zip"
    assert '"' not in content_disposition('a".zip', 'a".zip').split("filename*")[0][len('attachment; filename="'):-3]


def test_size_settings(setting):
    assert parse_size("5M") == parse_size("5MB") == 5 * 1024 * 1024
    assert parse_size("512k") == 512 * 1024
    assert parse_size("1000") == 1000
    with pytest.raises(ValueError, match="5M"):
        parse_size("lots")
    setting("WENPING_MAX_BODY", None)
    assert flask_config(Settings.load(), {})["MAX_CONTENT_LENGTH"] == DEFAULT_MAX_BODY
    setting("WENPING_MAX_BODY", "lots")
    with pytest.raises(SettingError, match="WENPING_MAX_BODY"):
        Settings.load()
    setting("WENPING_MAX_BODY", "2M")
    assert flask_config(Settings.load(), {})["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert flask_config(Settings.load(), {"MAX_CONTENT_LENGTH": 10})["MAX_CONTENT_LENGTH"] == 10
    with pytest.raises(SettingError, match="MAX_CONTENT_LENGTH"):
        flask_config(Settings.load(), {"MAX_CONTENT_LENGTH": "lots"})
    assert app_with(MAX_CONTENT_LENGTH="1K").config["MAX_FORM_MEMORY_SIZE"] == 1024


# ---------------------------------------------------------------- template sets


@pytest.fixture
def county_sets(setting):
    from service.render.template_sets import DOC_TEMPLATES

    examples = DOC_TEMPLATES / "examples"
    if not (examples / "county").is_dir():
        pytest.skip("no example template set")
    setting("WENPING_TEMPLATE_DIRS", str(examples))
    return "county"


def test_package_with_a_named_template_set(client, sample_data, county_sets):
    response = post_json(client, f"/api/v1/packages?template_set={county_sets}", sample_data)
    assert response.status_code == 200
    assert zip_manifest(response.data)["template_set"] == county_sets
    listing = client.get("/api/v1/templates").get_json()
    assert listing["template_sets"] == ["default", county_sets]


def test_document_with_a_named_template_set(client, sample_data, county_sets):
    response = post_json(client, f"/api/v1/documents/filing_form?template_set={county_sets}", sample_data)
    assert response.status_code == 200


def test_unknown_template_set_is_404(client, sample_data):
    body = assert_problem(post_json(client, "/api/v1/packages?template_set=nowhere", sample_data), 404, "unknown-template-set")
    assert "nowhere" in body["detail"]


# ------------------------------------------------------------- summaries

PERIOD_EXAMPLE = SAMPLE_PATH.parent / "period-2026.json"


def test_summaries_docx(client):
    body = PERIOD_EXAMPLE.read_bytes()
    response = client.post("/api/v1/summaries", data=body, content_type="application/json", headers={})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"PK")


def test_summaries_invalid_case_inside(client):
    import json as _json

    period = _json.loads(PERIOD_EXAMPLE.read_text("utf-8"))
    period["cases"][1]["consultation"]["survey"]["valid"] = 10**6
    response = post_json(client, "/api/v1/summaries", period)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert any(e["path"].startswith("cases.1.consultation.survey") for e in response.get_json()["errors"])
