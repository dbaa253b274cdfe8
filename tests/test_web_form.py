"""The upload form through the Flask test client (the browser tests drive the same pages for real)."""

from __future__ import annotations

import io
import json
import re

import pytest

from .web_fixtures import KEY, SAMPLE_PATH, app_with, zip_manifest


@pytest.fixture(scope="module")
def client():
    return app_with(API_KEYS=()).test_client()


@pytest.fixture(scope="module")
def keyed():
    return app_with(API_KEYS=KEY).test_client()


def submit(client, text="", file: bytes | None = None, file_name="case.json", **fields):
    data = {"case_text": text, **fields}
    if file is not None:
        data["case_file"] = (io.BytesIO(file), file_name)
    return client.post("/", data=data, content_type="multipart/form-data")


def page_text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


def test_form_page_is_chinese_html(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    for words in ("案卷文件", "同时生成 PDF", "只校验", "下载示例案卷"):
        assert words in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert "访问密钥" not in html  # no keys configured: no key field
    assert "<script" not in html


def test_form_shows_the_key_field_when_keys_are_set(keyed):
    html = keyed.get("/").get_data(as_text=True)
    assert re.search(r'<input type="password" id="api_key" name="api_key"', html)
    assert "访问密钥" in html


def test_uploaded_file_downloads_the_zip(client, sample_data):
    response = submit(client, file=SAMPLE_PATH.read_bytes(), action="generate")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert zip_manifest(response.data)["case_id"] == sample_data["case_id"]


def test_pasted_text_downloads_the_zip(client):
    response = submit(client, text=SAMPLE_PATH.read_text(encoding="utf-8"))
    assert response.mimetype == "application/zip"


def test_invalid_case_reshows_the_form_with_every_error_and_the_text(client, case_data):
    case_data["risks"][0]["probability"] = "极高"
    case_data["report"]["assessed_level"] = "中风险"  # a warning as well
    case_data["matter"]["name"] = "<b>镇西北片</b>"  # must be escaped, never markup
    text = json.dumps(case_data, ensure_ascii=False, indent=2)
    response = submit(client, text=text, action="generate")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "案卷未通过校验" in html
    assert "risks.0.probability" in html and "极高" in html
    assert 'id="errors"' in html
    # The pasted text comes back, escaped.
    assert "&lt;b&gt;镇西北片&lt;/b&gt;" in html and "<b>镇西北片</b>" not in html
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert json.loads(textarea.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")) == case_data


def test_invalid_case_lists_warnings_too(client, case_data):
    case_data["report"]["assessed_level"] = "中风险"
    case_data["risks"][1]["id"] = case_data["risks"][0]["id"]  # a rule error: the warnings still come
    html = submit(client, text=json.dumps(case_data, ensure_ascii=False)).get_data(as_text=True)
    assert 'id="errors"' in html and 'id="warnings"' in html
    assert "report.assessed_level" in html


def test_validate_only_shows_the_risk_summary(client):
    response = submit(client, file=SAMPLE_PATH.read_bytes(), file_name="样例.json", action="validate")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    text = page_text(response)
    assert "案卷通过校验" in text
    assert "0.3740" in text and "中风险" in text
    assert "0.1030" in text and "低风险" in text
    assert "可以实施，同时做好解释说明，妥善处理群众合理诉求" in text
    assert "承包地重新划分引发矛盾纠纷" in text
    assert "样例.json" in text


def test_unreadable_json_is_explained(client):
    response = submit(client, text='{"case_id": "x",')
    assert response.status_code == 400
    assert "案卷无法读取" in page_text(response)
    assert '{&#34;case_id&#34;: &#34;x&#34;,' in response.get_data(as_text=True)


def test_empty_submission_is_explained(client):
    response = submit(client, text="   ")
    assert response.status_code == 400
    assert "没有收到案卷" in page_text(response)


def test_file_wins_over_text_and_says_so(client):
    response = submit(client, text="garbage", file=SAMPLE_PATH.read_bytes(), action="validate")
    assert response.status_code == 200
    assert "本次使用所选文件" in page_text(response)


def test_form_needs_the_key_like_the_api(keyed):
    body = SAMPLE_PATH.read_bytes()
    missing = submit(keyed, file=body)
    assert missing.status_code == 401 and "需要访问密钥" in page_text(missing)
    wrong = submit(keyed, file=body, api_key="guess")
    assert wrong.status_code == 403 and "访问密钥无效" in page_text(wrong)
    assert 'value="guess"' not in wrong.get_data(as_text=True)
    validate_only = submit(keyed, file=body, action="validate")
    assert validate_only.status_code == 401  # 只校验 is no way around the key either
    ok = submit(keyed, file=body, api_key=KEY)
    assert ok.status_code == 200 and ok.mimetype == "application/zip"


def test_form_accepts_a_bearer_header_too(keyed):
    response = keyed.post(
        "/",
        data={"case_file": (io.BytesIO(SAMPLE_PATH.read_bytes()), "c.json")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert response.mimetype == "application/zip"


def test_form_over_the_limit_is_413_page():
    client = app_with(API_KEYS=(), MAX_CONTENT_LENGTH=2048).test_client()
    response = submit(client, file=SAMPLE_PATH.read_bytes())
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "请求内容过大" in page_text(response)
    assert "2 KB" in page_text(response)


def test_large_pasted_text_within_the_body_limit_is_accepted(client, case_data):
    # Werkzeug's default form-field limit is 500 KB; the body limit (5 MB) must govern. Each narrative
    # stays within its own limit (docs/case.md §10): 50 risks of 4,800 characters make the 700 KB.
    risk = {k: v for k, v in case_data["risks"][0].items() if k != "weight"}
    case_data["risks"] = [dict(risk, id=f"R{n}", description="拟实施土地整理。" * 600) for n in range(50)]
    text = json.dumps(case_data, ensure_ascii=False)
    assert len(text.encode("utf-8")) > 700_000
    response = submit(client, text=text, action="validate")
    assert response.status_code == 200
    assert "案卷通过校验" in page_text(response)


def test_sample_case_download(client, sample_data):
    response = client.get("/sample-case.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    from .conftest import ROOT

    assert json.loads(response.data) == json.loads((ROOT / "schemas" / "examples" / "land-consolidation.json").read_text("utf-8"))


def test_pages_carry_safe_headers(client):
    response = client.get("/")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/static/style.css").status_code == 200
