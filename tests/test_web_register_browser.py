"""A clerk walks the sample through its six steps on the form, in Debian's Chromium (Playwright) against
``wenping serve`` with keys and its own register: each step submitted to the 台账, each document downloaded
the step it becomes possible, the package filed at the end and recognised by ``wenping verify``.

Screenshots of each step go to tests/web_artifacts/register-*.png (git-ignored) at 1280×800.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile

import pytest

from .helpers import open_docx, text_of
from .register_steps import steps
from .test_web_browser import ARGS, CHROMIUM, shot as full_shot, sync_api
from .web_fixtures import ARTIFACTS, KEY, SAMPLE_PATH, WENPING, start_server, stop_server

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")

CASE_ID = "QS-WP-2026-001"
STEP_NAMES = ("方案", "征求意见", "评估", "决策", "实施跟踪", "结案")


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("register-state")


@pytest.fixture(scope="module")
def server(tmp_path_factory, state_dir):
    env = {"WENPING_API_KEYS": KEY, "WENPING_STATE_DIR": str(state_dir)}
    live = start_server(tmp_path_factory.mktemp("register-server"), "--workers", "1", env=env)
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for the module (one Playwright per thread): each person gets a window of its own."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


def person(chromium):
    """A browser window of its own (one per clerk or reviewer): nothing shared but the server."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    return opened


@pytest.fixture(scope="module")
def page(server, chromium):
    opened = person(chromium)
    yield opened
    opened.context.close()


def submit_step(page, server, path, number: int) -> None:
    """The upload form: choose the step's file, type the key and the clerk's name, 提交到台账."""
    page.goto(server.url + "/")
    page.set_input_files("#case_file", str(path))
    page.fill("#api_key", KEY)
    page.fill("#submitted_by", "陈立新")
    page.get_by_role("button", name="提交到台账").click()
    page.wait_for_selector("#documents")
    banner = page.inner_text(".banner.good")
    assert f"第 {number} 版" in banner and f"阶段：{STEP_NAMES[number - 1]}" in banner, banner


def shot(page, name: str) -> None:
    """The whole page, and what the clerk sees first (the 1280×800 window)."""
    full_shot(page, name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-top.png"))


def ready_kinds(page) -> set[str]:
    return set(page.eval_on_selector_all("#documents tr.ready", "rows => rows.map(r => r.dataset.kind)"))


def download(page, button_name: str, target):
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).click()
    info.value.save_as(target)
    return info.value.suggested_filename


def test_a_clerk_walks_the_six_steps(page, server, state_dir, tmp_path):
    sample = json.loads(SAMPLE_PATH.read_text("utf-8"))
    files = []
    for number, step in enumerate(steps(sample), 1):
        path = tmp_path / f"第{number}步.json"
        path.write_text(json.dumps(step, ensure_ascii=False, indent=2), "utf-8")
        files.append(path)

    # Step 1: only the plan. Generating the whole package is refused, naming what is missing.
    page.goto(server.url + "/")
    page.set_input_files("#case_file", str(files[0]))
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="生成并下载报备材料").click()
    page.wait_for_selector(".banner.bad")
    refused = page.inner_text(".banner.bad")
    assert "报备材料包还不能生成" in refused and "risks（风险因素）" in refused
    shot(page, "register-00-package-refused")
    page.set_input_files("#case_file", str(files[0]))  # a browser never keeps a chosen file across pages
    page.get_by_role("button", name="只校验").click()
    page.wait_for_selector("#readiness")
    assert "尚缺" in page.inner_text("#readiness")
    shot(page, "register-00-readiness")

    submit_step(page, server, files[0], 1)
    assert ready_kinds(page) == {"plan"}
    assert "尚不能出具" in page.inner_text("#packages")
    name = download(page, "下载工作方案", tmp_path / "plan.docx")
    assert name.endswith("工作方案.docx")
    assert sample["matter"]["name"] in text_of(open_docx((tmp_path / "plan.docx").read_bytes()))
    shot(page, "register-01-plan")

    # Step 2: a 纪要 for each meeting.
    submit_step(page, server, files[1], 2)
    assert ready_kinds(page) == {"plan", "minutes"}
    meeting = sample["consultation"]["meetings"][1]
    download(page, f"第 2 次：{meeting['title']}（{meeting['date']}）", tmp_path / "minutes.docx")
    assert meeting["place"] in text_of(open_docx((tmp_path / "minutes.docx").read_bytes()))
    shot(page, "register-02-minutes")

    # Step 3: the report and the 维稳方案; the diff from step 2 names fields in Chinese.
    submit_step(page, server, files[2], 3)
    assert ready_kinds(page) == {"plan", "minutes", "report", "stability_plan"}
    download(page, "下载评估报告", tmp_path / "report.docx")
    assert sample["risks"][0]["name"] in text_of(open_docx((tmp_path / "report.docx").read_bytes()))
    risks = page.locator("#diff details", has=page.locator("summary", has_text="风险因素"))
    assert risks.get_attribute("open") is None  # a whole part added starts folded: the page stays short
    risks.locator("summary").click()
    changes = page.inner_text("#diff")
    assert "第 2 版 → 第 3 版" in changes and "第 1 项 › 风险名称" in changes and "risks.0.name" in changes
    shot(page, "register-03-report")

    # Step 4: decided and dated for filing: everything, and the package is filed.
    submit_step(page, server, files[3], 4)
    assert ready_kinds(page) == {"plan", "minutes", "report", "stability_plan", "summary", "filing_form"}
    page.get_by_role("button", name="出具报备材料包").click()
    page.wait_for_selector("#filed")
    assert "已出具第 4 版的报备材料包" in page.inner_text(".banner.good")
    filed = tmp_path / "filed.zip"
    download(page, "下载材料包", filed)
    with zipfile.ZipFile(filed) as archive:
        assert archive.testzip() is None and json.loads(archive.read("manifest.json"))["case_id"] == CASE_ID
    shot(page, "register-04-filed")

    # Steps 5 and 6, then a diff between the first and the last version, chosen by the clerk.
    submit_step(page, server, files[4], 5)
    submit_step(page, server, files[5], 6)
    page.select_option("#from", "1")
    page.select_option("#to", "6")
    page.get_by_role("button", name="比较").click()
    page.wait_for_selector("#diff")
    assert "第 1 版 → 第 6 版" in page.inner_text("#diff") and "备案编号" in page.inner_text("#diff")
    assert page.locator("#versions tbody tr").count() == 6
    shot(page, "register-05-closed-diff")

    page.get_by_role("button", name="← 返回台账").click()
    page.wait_for_selector("#cases")
    listed = page.inner_text("#cases")
    assert CASE_ID in listed and "结案" in listed and "第 6 版" in listed and "可以出具" in listed
    shot(page, "register-06-list")

    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(state_dir)
    run = subprocess.run([str(WENPING), "verify", str(filed)], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0 and "已核验" in run.stdout and "第 4 版" in run.stdout, run.stdout + run.stderr


def test_the_register_asks_for_the_key(page, server):
    page.goto(server.url + "/register/")
    page.wait_for_selector("#api_key")
    assert "需要访问密钥" in page.inner_text(".banner.bad")
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="进入台账").click()
    page.wait_for_selector("#cases")
    shot(page, "register-07-key-asked")


# ------------------------------------------------------------------ two towns and the county (issue 16)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The live county of tests/test_units_live.py, on one service worker."""
    from .test_units_live import served_county

    yield from served_county(tmp_path_factory.mktemp("register-units"), workers=1)


def submit_case(page, server, path, key: str, by: str) -> str:
    page.goto(server.url + "/")
    page.set_input_files("#case_file", str(path))
    page.fill("#api_key", key)
    page.fill("#submitted_by", by)
    page.get_by_role("button", name="提交到台账").click()
    page.wait_for_selector("#documents")
    return page.inner_text(".banner.good")


def enter(page, url: str, key: str) -> None:
    """Open a register page by its address, then type the key it asks for."""
    page.goto(url)
    page.fill("#api_key", key)
    page.get_by_role("button", name="进入台账").click()
    page.wait_for_load_state()


def open_case(page, case_id: str) -> None:
    """From the 台账 list: the case's 查看 button."""
    page.locator("#cases tr", has_text=case_id).get_by_role("button", name="查看").click()
    page.wait_for_selector("#packages")


def test_two_towns_and_the_county_in_the_form(county, chromium, tmp_path):
    from .units_world import CASE_A, CASE_B, town_b_case

    server, keys, _ = county
    sample = json.loads(SAMPLE_PATH.read_text("utf-8"))
    a_file, b_file = tmp_path / "青石镇.json", tmp_path / "河桥镇.json"
    a_file.write_text(json.dumps(sample, ensure_ascii=False), "utf-8")
    b_file.write_text(json.dumps(town_b_case(sample), ensure_ascii=False), "utf-8")
    town_a, town_b, reviewer = person(chromium), person(chromium), person(chromium)

    # each town submits its case with its own key (the form asks for a key: named keys protect the service)
    assert "第 1 版" in submit_case(town_a, server, a_file, keys["qs"], "陈立新")
    assert "第 1 版" in submit_case(town_b, server, b_file, keys["hq"], "李红梅")
    assert "qs-clerk（青石镇 · 经办人员）" in town_a.inner_text("#who")
    town_a.get_by_role("button", name="出具报备材料包").click()
    town_a.wait_for_selector("#filed")
    assert "待备案" in town_a.inner_text("#filed")
    assert "第 1 版的报备材料包已出具，待维稳办备案" in town_a.inner_text("#filing-note")
    assert town_a.get_by_role("button", name="出具报备材料包").count() == 0  # filed: offered again for a new version

    # town A sees only its case, in the list and by address (as a missing case: nothing of town B's shown)
    town_a.get_by_role("button", name="← 返回台账").click()
    town_a.wait_for_selector("#cases")
    assert CASE_A in town_a.inner_text("#cases") and CASE_B not in town_a.inner_text("#cases")
    enter(town_a, f"{server.url}/register/{CASE_B}", keys["qs"])
    hidden = town_a.inner_text("main")
    assert "台账中没有这个案卷" in hidden and "河桥镇" not in hidden and "集贸市场" not in hidden
    enter(town_a, f"{server.url}/register/NOPE-404", keys["qs"])
    assert town_a.inner_text("main").replace("NOPE-404", CASE_B) == hidden

    # the county's reviewer sees every unit's case with its 单位, and returns town A's package with reasons
    enter(reviewer, server.url + "/register/", keys["county"])
    listed = reviewer.inner_text("#cases")
    assert "单位" in listed and "青石镇" in listed and "河桥镇" in listed and "待备案（第 1 版）" in listed
    shot(reviewer, "register-units-1-reviewer-list")
    open_case(reviewer, CASE_A)
    assert reviewer.get_by_role("button", name="出具报备材料包").count() == 0
    assert reviewer.get_by_role("button", name="登记跟踪情况").count() == 0
    reviewer.get_by_role("button", name="退回").click()  # no reasons: refused, in Chinese
    reviewer.wait_for_selector(".banner.bad")
    assert "退回须写明理由" in reviewer.inner_text(".banner.bad")
    shot(reviewer, "register-units-2-reviewer-pending")
    reviewer.fill("#reasons-1", "缺少听证会纪要\n风险等级测算依据不足")
    reviewer.fill("#date-1", "2026-04-20")
    reviewer.get_by_role("button", name="退回").click()
    reviewer.wait_for_selector(".review.returned")
    assert "备案意见：退回" in reviewer.inner_text(".banner.good")
    shot(reviewer, "register-units-2b-reviewer-returned")

    # town A's clerk reads why, submits a corrected version, and files it again
    town_a.goto(server.url + "/register/")
    enter(town_a, server.url + "/register/", keys["qs"])
    open_case(town_a, CASE_A)
    packages = town_a.inner_text("#packages")
    assert "退回" in packages and "缺少听证会纪要" in packages and "风险等级测算依据不足" in packages
    assert "county-review" in packages and "2026-04-20" in packages and "已被维稳办退回" in packages
    shot(town_a, "register-units-3-clerk-returned")
    corrected = json.loads(json.dumps(sample))
    corrected["report"]["recommendations"] = [*sample["report"].get("recommendations", []), "补充听证会纪要"]
    a_file.write_text(json.dumps(corrected, ensure_ascii=False), "utf-8")
    assert "第 2 版" in submit_case(town_a, server, a_file, keys["qs"], "陈立新")
    assert "已登记第 2 版，可以出具" in town_a.inner_text("#filing-note")
    town_a.get_by_role("button", name="出具报备材料包").click()
    town_a.wait_for_selector(".banner.good")
    assert "已出具第 2 版" in town_a.inner_text(".banner.good")

    # the reviewer files the new version (予以备案); the clerk sees it
    enter(reviewer, server.url + "/register/", keys["county"])
    open_case(reviewer, CASE_A)
    reviewer.locator("tr.review-row form").get_by_role("button", name="予以备案").click()
    reviewer.wait_for_selector(".review.accepted")
    enter(town_a, server.url + "/register/", keys["qs"])
    assert "予以备案（第 2 版）" in town_a.inner_text("#cases")
    open_case(town_a, CASE_A)
    assert "维稳办意见：予以备案" in town_a.inner_text("#packages")

    # step six: the clerk records a measure done; the tracking table says so
    town_a.select_option("#measure", index=0)
    town_a.select_option("#status", "已完成")
    town_a.fill("#track-date", "2026-06-30")
    town_a.fill("#note", "已公示并完成签约")
    town_a.get_by_role("button", name="登记跟踪情况").click()
    town_a.wait_for_selector("#measures")
    first = town_a.inner_text("#measures tbody tr:first-child")
    assert "已完成" in first and "已公示并完成签约" in first and "2026-06-30" in first
    shot(town_a, "register-units-4-clerk-filed-tracking")
    for window in (town_a, town_b, reviewer):
        window.context.close()


def test_a_revoked_key_is_refused_in_the_form(county, chromium):
    from .test_units_live import add_key

    server, _, state = county
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(state)
    secret = add_key(env, "qs-leaving", "青石镇", "clerk")
    run = subprocess.run([str(WENPING), "keys", "revoke", "qs-leaving"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    window = person(chromium)
    enter(window, server.url + "/register/", secret)
    assert "访问密钥不正确或已吊销" in window.inner_text(".banner.bad")
    assert window.locator("#api_key").count() == 1 and window.locator("#cases").count() == 0
    window.context.close()
