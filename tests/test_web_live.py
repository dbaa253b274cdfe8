"""``wenping serve`` for real: gunicorn with 2 workers on a random loopback port, real HTTP.

8 concurrent clients × 10 packages, a few with PDF; the access log carries no
personal data; after a graceful stop no process the server started (soffice,
UNO workers) is left. A second server without LibreOffice answers 503 for PDF
and still makes DOCX.
"""

from __future__ import annotations

import concurrent.futures
import copy
import json
import re
import subprocess
import urllib.parse

import pytest

from service.web.server import check_binding, is_loopback, ServeError

from .web_fixtures import (
    AUTH,
    KEY,
    SAMPLE_PATH,
    WENPING,
    processes_under,
    start_server,
    stop_server,
    zip_manifest,
)

CLIENTS = 8
PACKAGES_EACH = 10
JSON_AUTH = {**AUTH, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("live-server"), "--workers", "2", env={"WENPING_API_KEYS": KEY})
    yield live
    stop_server(live)


def body_of(case: dict) -> bytes:
    return json.dumps(case, ensure_ascii=False).encode("utf-8")


def test_probes_and_auth_over_http(server, sample):
    status, _, body = server.request("GET", "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, headers, body = server.request("POST", "/api/v1/packages", body_of(sample), {"Content-Type": "application/json"})
    assert status == 401 and headers["Content-Type"] == "application/problem+json"
    status, _, _ = server.request("POST", "/api/v1/packages", body_of(sample), {"Content-Type": "application/json", "Authorization": "Bearer x"})
    assert status == 403
    status, headers, body = server.request("POST", "/api/v1/validate", body_of(sample), JSON_AUTH)
    assert status == 200 and json.loads(body)["valid"] is True


def test_concurrent_clients_get_their_own_packages(server, sample):
    def client(number: int) -> list[str]:
        seen = []
        for i in range(PACKAGES_EACH):
            case = copy.deepcopy(sample)
            case["case_id"] = f"LOAD-{number}-{i}"
            status, headers, data = server.request("POST", "/api/v1/packages", body_of(case), JSON_AUTH)
            assert status == 200, data[:300]
            assert headers["Content-Type"] == "application/zip"
            assert f"LOAD-{number}-{i}_" in headers["Content-Disposition"]
            manifest = zip_manifest(data)
            seen.append(manifest["case_id"])
        return seen

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))
    for number, seen in enumerate(results):
        assert seen == [f"LOAD-{number}-{i}" for i in range(PACKAGES_EACH)]


def test_concurrent_pdf_packages(server, sample):
    status, _, _ = server.request("GET", "/readyz")
    if status != 200:
        pytest.skip("PDF conversion unavailable on this machine (readyz 503)")

    def client(number: int) -> dict:
        case = copy.deepcopy(sample)
        case["case_id"] = f"PDF-{number}"
        status, _, data = server.request("POST", "/api/v1/packages?pdf=1", body_of(case), JSON_AUTH, timeout=240)
        assert status == 200, data[:500]
        return zip_manifest(data)

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        manifests = list(pool.map(client, range(3)))
    for number, manifest in enumerate(manifests):
        assert manifest["case_id"] == f"PDF-{number}"
        pdfs = [f for f in manifest["files"] if f["file"].endswith(".pdf")]
        assert len(pdfs) >= 7  # every document, the index and the merged filing PDF
    # The server's LibreOffice processes live under its private TMPDIR.
    assert any("soffice" in cmd for _, cmd in processes_under(server.tmpdir))


def test_access_log_has_no_personal_data(server, sample):
    server.request("GET", "/healthz?" + urllib.parse.urlencode({"name": "王建国", "phone": "0771-5821234"}))
    server.request("POST", "/api/v1/validate", body_of(sample), JSON_AUTH)
    log = server.log()
    assert re.search(r'"POST /api/v1/packages" 200 \d+ \d+ms', log)
    assert re.search(r'"GET /healthz" 200 \d+ \d+ms', log)
    quoted = urllib.parse.quote("王建国")
    for secret in ("王建国", quoted, "陈立新", "0771-5821234", "镇西北片土地整理项目", "phone=", KEY):
        assert secret not in log, secret


def test_graceful_stop_leaves_nothing_behind(server):
    assert stop_server(server) == 0
    leftovers = processes_under(server.tmpdir)
    assert leftovers == [], leftovers
    assert not any("soffice" in cmd for _, cmd in processes_under(server.tmpdir))


# ---------------------------------------------------------------- without LibreOffice, small body limit


@pytest.fixture(scope="module")
def no_pdf_server(tmp_path_factory):
    live = start_server(
        tmp_path_factory.mktemp("no-pdf-server"),
        "--workers",
        "1",
        env={"WENPING_SOFFICE": "/nonexistent/soffice", "WENPING_MAX_BODY": "64K"},
    )
    yield live
    stop_server(live)


def test_without_libreoffice_readyz_is_503(no_pdf_server):
    status, headers, body = no_pdf_server.request("GET", "/readyz")
    assert status == 503
    assert json.loads(body)["pdf"] is False


def test_without_libreoffice_pdf_is_503_and_docx_still_works(no_pdf_server, sample):
    headers = {"Content-Type": "application/json"}
    status, response_headers, body = no_pdf_server.request("POST", "/api/v1/packages?pdf=1", body_of(sample), headers)
    assert status == 503
    assert response_headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["type"] == "urn:wenping:problem:pdf-unavailable" and "PDF" in problem["detail"]
    assert "soffice" not in problem["detail"]  # no internals
    status, _, body = no_pdf_server.request("POST", "/api/v1/documents/report?format=pdf", body_of(sample), headers)
    assert status == 503
    status, _, data = no_pdf_server.request("POST", "/api/v1/packages", body_of(sample), headers)
    assert status == 200 and zip_manifest(data)["case_id"] == sample["case_id"]


def test_body_limit_over_http_is_413(no_pdf_server):
    status, headers, body = no_pdf_server.request(
        "POST", "/api/v1/validate", b"{" + b" " * (70 * 1024) + b"}", {"Content-Type": "application/json"}
    )
    assert status == 413
    assert json.loads(body)["title"] == "请求内容过大"


def test_chunked_body_over_the_limit_is_413_not_cut_short(no_pdf_server):
    import http.client

    host, port = no_pdf_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = (b" " * 8192 for _ in range(10))  # 80 KB against a 64 KB limit, no Content-Length
    connection.request("POST", "/api/v1/validate", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["type"] == "urn:wenping:problem:body-too-large"
    connection.close()


def test_no_keys_server_says_it_is_loopback_only(no_pdf_server):
    assert "未配置访问密钥" in no_pdf_server.log() and "只监听本机地址" in no_pdf_server.log()


# ---------------------------------------------------------------- refusing to expose an open service


def test_serve_refuses_a_public_address_without_keys(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(WENPING), "serve", "--host", "0.0.0.0", "--port", "0"], capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 2
    message = result.stderr.decode("utf-8")
    assert "未配置访问密钥" in message and "--insecure-no-auth" in message
    assert "Traceback" not in message


def test_binding_rules():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("example.org")
    assert "只监听本机地址" in check_binding("127.0.0.1", (), False)[0]
    with pytest.raises(ServeError, match="WENPING_API_KEYS"):
        check_binding("0.0.0.0", (), False)
    assert check_binding("0.0.0.0", (), True)[0].startswith("警告")
    assert "1 个访问密钥" in check_binding("0.0.0.0", ("k",), False)[0]


def test_serve_refuses_an_unusable_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "WENPING_API_KEYS": "good-key,密钥 一"}
    result = subprocess.run([str(WENPING), "serve", "--port", "0"], capture_output=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "第 2 个访问密钥" in result.stderr.decode("utf-8")


def test_serve_refuses_a_broken_risk_profile(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "WENPING_RISK_PROFILE": str(tmp_path / "missing.toml")}
    result = subprocess.run([str(WENPING), "serve", "--port", "0"], capture_output=True, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8").startswith("错误：")
