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
def page(server):
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="zh-CN")
        opened = context.new_page()
        opened.set_default_timeout(60_000)
        yield opened
        context.close()
        chromium.close()


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
