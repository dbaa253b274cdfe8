"""The register over HTTP: submit versions, read them and their differences, file a package, verify it.

A real register (SQLite in a folder of this test) behind the real Flask app, through its test client.
"""

from __future__ import annotations

import copy
import hashlib
import json
import zipfile
import io

import pytest

from .web_fixtures import AUTH, KEY, app_with

PROBLEM = "application/problem+json"


@pytest.fixture
def client(tmp_path, setting):
    setting("WENPING_STATE_DIR", str(tmp_path / "state"))
    return app_with(API_KEYS=()).test_client()


def submit(client, case, by=""):
    return client.post(f"/api/v1/cases{'?by=' + by if by else ''}", data=json.dumps(case, ensure_ascii=False),
                       content_type="application/json")


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    return body


def test_versions_diff_package_and_verify(client, sample_data):
    first = submit(client, sample_data, by="陈立新")
    assert first.status_code == 201 and first.headers["Location"] == "/api/v1/cases/QS-WP-2026-001"
    assert first.get_json() == {"case_id": "QS-WP-2026-001", "version": 1, "created": True, "stage": first.get_json()["stage"]}
    again = submit(client, sample_data)
    assert again.status_code == 200 and again.get_json()["created"] is False and again.get_json()["version"] == 1

    changed = copy.deepcopy(sample_data)
    changed["risks"][0]["name"] = "承包地调整引发的纠纷"
    assert submit(client, changed).get_json()["version"] == 2

    listing = client.get("/api/v1/cases").get_json()["cases"]
    assert [(c["case_id"], c["versions"]) for c in listing] == [("QS-WP-2026-001", 2)]
    detail = client.get("/api/v1/cases/QS-WP-2026-001").get_json()
    assert [v["version"] for v in detail["version_list"]] == [1, 2] and detail["version_list"][0]["submitted_by"] == "陈立新"
    versions = client.get("/api/v1/cases/QS-WP-2026-001/versions").get_json()["versions"]
    assert [v["sha256"] for v in versions] == [v["sha256"] for v in detail["version_list"]]

    diff = client.get("/api/v1/cases/QS-WP-2026-001/diff?from=1&to=2").get_json()
    assert diff["changes"] == [{"path": "risks.0.name", "title": diff["changes"][0]["title"],
                                "old": sample_data["risks"][0]["name"], "new": "承包地调整引发的纠纷"}]
    assert diff["changes"][0]["title"] and diff["from"] == 1 and diff["to"] == 2

    filed = client.post("/api/v1/cases/QS-WP-2026-001/packages?version=1")
    assert filed.status_code == 200 and filed.mimetype == "application/zip"
    stateless = client.post("/api/v1/packages", data=json.dumps(sample_data, ensure_ascii=False), content_type="application/json")
    assert filed.data == stateless.data  # the register files exactly what the stateless route makes
    assert filed.headers["X-Wenping-Package-Sha256"] == hashlib.sha256(filed.data).hexdigest()
    assert client.get("/api/v1/cases/QS-WP-2026-001").get_json()["packages"][0]["version"] == 1

    package_hash = hashlib.sha256(filed.data).hexdigest()
    verified = client.get(f"/api/v1/verify/{package_hash}").get_json()
    assert verified["issued"] is True and verified["found"][0]["case_id"] == "QS-WP-2026-001" and verified["found"][0]["version"] == 1
    with zipfile.ZipFile(io.BytesIO(filed.data)) as archive:
        report = next(n for n in archive.namelist() if n.endswith("报告.docx"))
        document_hash = hashlib.sha256(archive.read(report)).hexdigest()
    assert client.get(f"/api/v1/verify/{document_hash}").get_json()["found"][0]["file"] == report
    assert client.get(f"/api/v1/verify/{'0' * 64}").get_json() == {"sha256": "0" * 64, "issued": False, "found": []}


def test_refusals_are_chinese_problems(client, sample_data):
    assert submit(client, sample_data).status_code == 201
    assert problem(client.get("/api/v1/cases/NO-SUCH-CASE"), 404)
    assert problem(client.get("/api/v1/cases/QS-WP-2026-001/diff?from=1&to=9"), 404)
    for query in ("from=1", "from=１&to=1", "from=+1&to=1", "from=01&to=1", "from=1_0&to=1", "from=0&to=1"):
        assert problem(client.get(f"/api/v1/cases/QS-WP-2026-001/diff?{query}"), 400)
    assert problem(client.get("/api/v1/verify/not-a-hash"), 400)
    assert problem(client.get(f"/api/v1/verify/{'A' * 64}"), 400)  # upper case is not how hashes are written here
    broken = copy.deepcopy(sample_data)
    del broken["matter"]["name"]
    refused = submit(client, broken)
    assert refused.status_code == 422 and refused.get_json()["errors"]
    assert client.get("/api/v1/cases").get_json()["cases"][0]["versions"] == 1  # nothing stored for it


def test_keys_guard_the_register(tmp_path, setting, sample_data):
    setting("WENPING_STATE_DIR", str(tmp_path / "state"))
    keyed = app_with(API_KEYS=KEY).test_client()
    assert problem(keyed.get("/api/v1/cases"), 401)
    assert problem(keyed.get("/api/v1/cases", headers={"Authorization": "Bearer wrong"}), 403)
    assert keyed.get("/api/v1/cases", headers=AUTH).status_code == 200
    assert problem(keyed.post("/api/v1/cases", data=json.dumps(sample_data), content_type="application/json"), 401)
