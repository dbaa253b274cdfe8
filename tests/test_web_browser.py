"""The form in a real browser: Debian's Chromium driven by Playwright, against ``wenping serve``.

Screenshots of every state go to tests/web_artifacts/ (git-ignored) at 1280×800.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from .web_fixtures import ARTIFACTS, KEY, SAMPLE_PATH, start_server, stop_server

CHROMIUM = Path(os.environ.get("WENPING_CHROMIUM", "/usr/bin/chromium"))
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("browser-server"), "--workers", "1", env={"WENPING_API_KEYS": KEY})
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server.url + "/")
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_upload_sample_downloads_the_zip(page, tmp_path):
    shot(page, "01-form")
    assert page.locator("h1").first.inner_text() == "生成报备材料"
    page.set_input_files("#case_file", str(SAMPLE_PATH))
    page.fill("#api_key", KEY)
    with page.expect_download() as info:
        page.get_by_role("button", name="生成并下载报备材料").click()
    download = info.value
    assert download.suggested_filename == "QS-WP-2026-001_稳评报备材料.zip"
    target = tmp_path / "package.zip"
    download.save_as(target)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["case_id"] == "QS-WP-2026-001"
    shot(page, "02-after-download")


def test_invalid_case_lists_the_errors(page, tmp_path):
    case = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    survey = case["consultation"]["survey"]
    survey["valid"] = survey["returned"] + 6
    case["risks"][0]["probability"] = "极高"
    case["report"]["assessed_level"] = "中风险"
    bad = tmp_path / "错误案卷.json"
    bad.write_text(json.dumps(case, ensure_ascii=False, indent=2), encoding="utf-8")
    page.set_input_files("#case_file", str(bad))
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="生成并下载报备材料").click()
    page.wait_for_selector("#errors")
    assert "案卷未通过校验" in page.inner_text(".banner")
    errors = page.inner_text("#errors")
    assert "risks.0.probability" in errors and "极高" in errors
    shot(page, "03-invalid-case")


def test_pasted_invalid_text_is_kept(page):
    text = '{"schema_version": "1.0", "case_id": "坏 编号"}'
    page.fill("#case_text", text)
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="生成并下载报备材料").click()
    page.wait_for_selector("#errors")
    assert page.input_value("#case_text") == text
    assert "case_id" in page.inner_text("#errors")
    # The accepted key is kept for the next try.
    assert page.input_value("#api_key") == KEY
    shot(page, "04-pasted-invalid")


def test_validate_only_shows_the_risk_levels(page):
    page.set_input_files("#case_file", str(SAMPLE_PATH))
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="只校验").click()
    page.wait_for_selector("#risk")
    risk = page.inner_text("#risk")
    assert "中风险" in risk and "低风险" in risk
    assert "0.3740" in risk and "0.1030" in risk
    assert "可以实施" in risk
    shot(page, "05-validate-only")


def test_wrong_key_is_refused(page):
    page.set_input_files("#case_file", str(SAMPLE_PATH))
    page.fill("#api_key", "wrong")
    page.get_by_role("button", name="生成并下载报备材料").click()
    page.wait_for_selector(".banner")
    assert "访问密钥无效" in page.inner_text(".banner")
    assert page.input_value("#api_key") == ""
    shot(page, "06-wrong-key")


def test_sample_link_downloads_the_sample(page, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name="下载示例案卷").first.click()
    target = tmp_path / "sample.json"
    info.value.save_as(target)
    example = SAMPLE_PATH.with_name("land-consolidation.json")  # the complete 2.0 example of the sample's matter
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(example.read_text(encoding="utf-8"))


def test_oversized_file_is_refused_with_a_page(page, tmp_path):
    big = tmp_path / "过大的案卷.json"
    big.write_text('{"a": "' + "x" * (6 * 1024 * 1024) + '"}', encoding="utf-8")
    page.set_input_files("#case_file", str(big))
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="生成并下载报备材料").click()
    page.wait_for_selector(".banner")
    assert "请求内容过大" in page.inner_text(".banner") and "5 MB" in page.inner_text(".banner")
    shot(page, "07-too-large")


def test_a_clerk_downloads_fills_and_uploads_the_workbook(page, tmp_path):
    """Download the sample workbook, type a wrong grade word into a risk row, upload: the error is shown at
    its cell; put it right, upload again: the package is the one the JSON sample gives."""
    import io

    import openpyxl

    from service.generate import generate

    with page.expect_download() as info:
        page.click("#blank-workbook")
    assert info.value.suggested_filename == "稳评案卷.xlsx"
    with page.expect_download() as info:
        page.click("#sample-workbook")
    workbook = tmp_path / "示例案卷.xlsx"
    info.value.save_as(workbook)
    wb = openpyxl.load_workbook(workbook)
    wb["风险"]["H3"] = "很大"
    wrong = tmp_path / "填错的案卷.xlsx"
    wb.save(wrong)

    page.set_input_files("#case_file", str(wrong))
    page.fill("#api_key", KEY)
    page.get_by_role("button", name="只校验").click()
    row = page.locator("#errors tbody tr").first
    assert row.locator(".cell").inner_text() == "风险!H3"
    assert "「发生概率」的取值「很大」无效，应为：很低、较低、中等、较高、很高" in row.inner_text()
    shot(page, "08-workbook-error-at-its-cell")

    page.set_input_files("#case_file", str(workbook))
    page.fill("#api_key", KEY)
    with page.expect_download() as info:
        page.get_by_role("button", name="生成并下载报备材料").click()
    target = tmp_path / "package.zip"
    info.value.save_as(target)
    assert target.read_bytes() == generate(json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))).data
    assert openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()))["风险"]["H3"].value == "较高"
