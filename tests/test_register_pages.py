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


# ------------------------------------------------------------------ units and roles on the pages (issue 16)


@pytest.fixture
def towns(tmp_path, setting, sample_data):
    """Two town clerks, a county reviewer and a revoked clerk key, as named keys; each town's case submitted
    through the upload form with its own key."""
    from service.register import Register
    from service.settings import Settings

    from .units_world import COUNTY, TOWN_A, TOWN_B, town_b_case

    setting("WENPING_STATE_DIR", str(tmp_path / "state"))
    register = Register.open(Settings(state_dir=tmp_path / "state"))
    keys = {
        "qs": register.add_key("qs-clerk", TOWN_A, "clerk").secret,
        "hq": register.add_key("hq-clerk", TOWN_B, "clerk").secret,
        "county": register.add_key("county-review", COUNTY, "reviewer").secret,
        "old": register.add_key("qs-old", TOWN_A, "clerk").secret,
    }
    register.revoke_key("qs-old")
    client = app_with().test_client()
    assert to_register(client, sample_data, key=keys["qs"]).status_code == 200
    assert to_register(client, town_b_case(sample_data), key=keys["hq"]).status_code == 200
    yield client, keys, register
    register.close()


def post(client, path, key, **fields):
    return client.post(path, data={"api_key": key, **fields})


def test_a_clerk_sees_only_its_units_cases(towns):
    from .units_world import CASE_B

    client, keys, register = towns
    assert register.case(CASE_ID).unit == "青石镇" and register.case(CASE_B).unit == "河桥镇"
    listed = text(post(client, "/register/", keys["qs"]))
    assert CASE_ID in listed and CASE_B not in listed and "河桥镇" not in listed
    assert "<th>单位</th>" not in post(client, "/register/", keys["qs"]).get_data(as_text=True)  # one unit: no column
    missing = post(client, "/register/NOPE-404", keys["qs"])
    for path in (f"/register/{CASE_B}", f"/register/{CASE_B}/file", f"/register/{CASE_B}/tracking",
                 f"/register/{CASE_B}/document", f"/register/{CASE_B}/packages/{'0' * 64}"):
        answer = post(client, path, keys["qs"], kind="plan", measure="R1.1", status="已完成")
        assert answer.status_code == 404, path
        assert "河桥镇" not in text(answer) and "集贸市场" not in text(answer)
        assert text(answer).replace(CASE_B, "NOPE-404") == text(missing).replace("NOPE-404", "NOPE-404")
    assert register.packages(CASE_B) == []
    assert ("qs-clerk", "denied") in [(e.key_name, e.action) for e in register.audit_log(CASE_B)]


def test_the_reviewer_reads_every_unit_and_writes_only_its_decisions(towns, sample_data):
    from .units_world import CASE_B

    client, keys, register = towns
    listed = text(post(client, "/register/", keys["county"]))
    assert CASE_ID in listed and CASE_B in listed and "青石镇" in listed and "河桥镇" in listed
    assert "<th>单位</th>" in post(client, "/register/", keys["county"]).get_data(as_text=True)
    assert "县维稳办审核人员" not in listed and "county-review（江城县 · 维稳办审核人员）" in listed
    page_html = post(client, f"/register/{CASE_ID}", keys["county"]).get_data(as_text=True)
    assert "出具报备材料包</button>" not in page_html and "登记跟踪情况" not in page_html
    filing = post(client, f"/register/{CASE_ID}/file", keys["county"])
    assert filing.status_code == 403 and "此操作只能由经办人员或管理员进行" in text(filing)
    assert "维稳办审核人员" in text(filing) and "各份材料" in text(filing)  # the case page, the reason on top
    tracking = post(client, f"/register/{CASE_ID}/tracking", keys["county"], measure="R1.1", status="已完成")
    assert tracking.status_code == 403
    assert to_register(client, sample_data, key=keys["county"]).status_code == 403
    assert register.versions(CASE_ID)[-1].number == 1 and register.packages(CASE_ID) == []


def test_review_and_refiling_on_the_case_page(towns, sample_data):
    client, keys, register = towns
    assert post(client, f"/register/{CASE_ID}/file", keys["qs"]).status_code == 200
    digest = register.packages(CASE_ID)[0].sha256
    by_clerk = post(client, f"/register/{CASE_ID}/review", keys["qs"], package=digest, result="退回", reasons="x")
    assert by_clerk.status_code == 403 and "维稳办审核人员" in text(by_clerk)
    no_reason = post(client, f"/register/{CASE_ID}/review", keys["county"], package=digest, result="退回", reasons="  \n")
    assert no_reason.status_code == 422 and "退回须写明理由" in text(no_reason)
    unknown = post(client, f"/register/{CASE_ID}/review", keys["county"], package=digest, result="同意")
    assert unknown.status_code == 422 and "备案意见「同意」不可用" in text(unknown)
    bad_date = post(client, f"/register/{CASE_ID}/review", keys["county"], package=digest, result="退回",
                    reasons="缺少听证会纪要", date="2026-02-30")
    assert bad_date.status_code == 422 and "「备案日期」「2026-02-30」不是存在的日期" in text(bad_date)
    returned = post(client, f"/register/{CASE_ID}/review", keys["county"], package=digest, result="退回",
                    reasons="缺少听证会纪要\n风险等级测算依据不足", date="2026-04-20")
    assert returned.status_code == 200 and "备案意见：退回" in text(returned)
    seen = text(post(client, f"/register/{CASE_ID}", keys["qs"]))
    assert "维稳办意见：退回" in seen and "缺少听证会纪要" in seen and "风险等级测算依据不足" in seen
    assert "county-review" in seen and "2026-04-20" in seen and "已被维稳办退回" in seen
    assert [e.action for e in register.audit_log(CASE_ID)].count("review") == 1

    corrected = copy.deepcopy(sample_data)
    corrected["report"]["recommendations"] = [*sample_data["report"].get("recommendations", []), "补充听证会纪要"]
    again = to_register(client, corrected, key=keys["qs"])
    assert "第 2 版" in text(again) and "出具报备材料包</button>" in again.get_data(as_text=True)
    assert post(client, f"/register/{CASE_ID}/file", keys["qs"]).status_code == 200
    newest = register.packages(CASE_ID)[-1].sha256
    filed = post(client, f"/register/{CASE_ID}/review", keys["county"], package=newest, result="予以备案")
    assert filed.status_code == 200 and register.latest_review(CASE_ID).version == 2
    listed = text(post(client, "/register/", keys["qs"]))
    assert "予以备案 （第 2 版）" in listed
    assert "第 2 版的报备材料包已予以备案" in text(post(client, f"/register/{CASE_ID}", keys["qs"]))
    corrected["report"]["recommendations"].append("加强宣传解释")
    third = text(to_register(client, corrected, key=keys["qs"]))
    assert "第 3 版" in third and "退回" not in third.split("已出具的材料包")[0]  # the old return is history


def test_tracking_from_the_case_page_reaches_closure(towns):
    client, keys, register = towns
    measures = [m.measure for m in register.measures(CASE_ID, register.case(CASE_ID).created_at.date())]
    bad = post(client, f"/register/{CASE_ID}/tracking", keys["qs"], measure="R9.9", status="已完成")
    assert bad.status_code == 422 and "措施「R9.9」不存在" in text(bad)
    odd = post(client, f"/register/{CASE_ID}/tracking", keys["qs"], measure=measures[0], status="完成了")
    assert odd.status_code == 422 and "状态「完成了」不可用" in text(odd)
    for n, measure in enumerate(measures, 1):
        answer = post(client, f"/register/{CASE_ID}/tracking", keys["qs"], measure=measure, status="已完成",
                      date=f"2026-10-{n:02d}", note=f"第{n}项已落实")
        assert answer.status_code == 200, text(answer)
    page_text = text(answer)
    assert "阶段 结案" in page_text and f"已完成 {len(measures)} 项" in page_text and "各项措施均已完成" in page_text
    assert register.case(CASE_ID).stage == "结案"
    assert [e.key_name for e in register.audit_log(CASE_ID) if e.action == "track"] == ["qs-clerk"] * len(measures)


def test_a_revoked_key_is_refused(towns):
    client, keys, _ = towns
    for path in ("/register/", f"/register/{CASE_ID}", f"/register/{CASE_ID}/file"):
        answer = post(client, path, keys["old"])
        assert answer.status_code == 403 and "访问密钥不正确或已吊销" in text(answer), path
        assert keys["old"] not in answer.get_data(as_text=True)
