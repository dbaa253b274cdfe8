"""The form's register pages through the real Flask app (test client) and a real SQLite register: keys,
answers to what cannot be done, and the upload form's 提交到台账 (the browser walk is test_web_register_browser.py)."""

from __future__ import annotations

import copy
import json
import re

import pytest

from .helpers import open_docx, text_of
from .register_steps import steps
from .web_fixtures import KEY, app_with

CASE_ID = "QS-WP-2026-001"


@pytest.fixture
def client(tmp_path, setting):
    setting("WENPING_STATE_DIR", str(tmp_path / "state"))
    return app_with(API_KEYS=(KEY,)).test_client()


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def to_register(client, case, key=KEY, by="陈立新"):
    return client.post("/", data={"case_text": json.dumps(case, ensure_ascii=False), "action": "register",
                                  "api_key": key, "submitted_by": by})


def test_pages_ask_for_the_key_and_refuse_a_wrong_one(client, sample_data):
    asked = client.get("/register/")
    assert asked.status_code == 401 and asked.mimetype == "text/html"
    assert 'name="api_key"' in asked.get_data(as_text=True) and "需要访问密钥" in text(asked)
    wrong = client.post("/register/", data={"api_key": "nope"})
    assert wrong.status_code == 403 and "访问密钥不正确" in text(wrong)
    assert to_register(client, sample_data, key="nope").status_code == 403
    assert client.post(f"/register/{CASE_ID}/file", data={"api_key": "nope"}).status_code == 403
    empty = client.post("/register/", data={"api_key": KEY})
    assert empty.status_code == 200 and "台账中还没有案卷" in text(empty)


def test_submit_from_the_upload_form_then_list_and_case_page(client, sample_data):
    first = to_register(client, steps(sample_data)[0])
    assert first.status_code == 200 and "已登记为案卷 QS-WP-2026-001 的第 1 版（阶段：方案）" in text(first)
    assert f'value="{KEY}"' in first.get_data(as_text=True)  # carried to the next page
    again = to_register(client, steps(sample_data)[0])
    assert "内容与第 1 版相同，未另立版本" in text(again)
    listed = text(client.post("/register/", data={"api_key": KEY}))
    assert CASE_ID in listed and "方案" in listed and "第 1 版" in listed and "尚缺 风险因素（risks）" in listed

    plan = client.post(f"/register/{CASE_ID}/document", data={"api_key": KEY, "kind": "plan"})
    assert plan.status_code == 200 and sample_data["matter"]["name"] in text_of(open_docx(plan.data))
    report = client.post(f"/register/{CASE_ID}/document", data={"api_key": KEY, "kind": "report"})
    assert report.status_code == 422 and "评估报告还不能生成" in text(report) and "各份材料" in text(report)
    filing = client.post(f"/register/{CASE_ID}/file", data={"api_key": KEY})
    assert filing.status_code == 422 and "报备材料包还不能生成" in text(filing)


def test_an_invalid_case_is_not_registered_and_its_errors_are_listed(client, sample_data):
    broken = copy.deepcopy(steps(sample_data)[0])
    broken["plan"]["issued_on"] = "2026-13-01"
    answer = to_register(client, broken)
    assert answer.status_code == 422 and "plan.issued_on" in text(answer)
    assert "台账中还没有案卷" in text(client.post("/register/", data={"api_key": KEY}))


def test_unknown_case_and_package(client, sample_data):
    missing = client.post("/register/NOPE", data={"api_key": KEY})
    assert missing.status_code == 404 and "NOPE" in text(missing)
    to_register(client, sample_data)
    unknown = client.post(f"/register/{CASE_ID}/packages/{'0' * 64}", data={"api_key": KEY})
    assert unknown.status_code == 404 and "没有出具过这个材料包" in text(unknown)
