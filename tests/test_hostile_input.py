"""Hostile input: every request's work is bounded by the input limits (docs/case.md, "Limits").

The inputs a hostile test sent to a running service — Markdown of the costliest shapes up to
the body limit, integers of thousands of digits, duplicate keys, 1e-7, loose query parameters —
each refused (or printed) as the contract says: the status, a Chinese message naming the path
and the limit, an answer well within seconds (they used to take minutes: the bound is generous,
proof of boundedness, not a benchmark), and the app serving the next request. The CLI says the
same with exit 1 or 2 and no traceback. Then the render deadline, which really stops a render,
and a fuzz test: no generated case makes /api/v1/validate or /api/v1/packages answer 500.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import subprocess
import time

import pytest

from service.checks.validation import MAX_INTEGER_DIGITS, CaseReadError, read_json, validate
from service.context.fmt import cn_number, number
from service.model.case import MAX_RISKS
from service.model.types import MARKDOWN_MAX_CHARS, MARKDOWN_MAX_DEPTH, MARKDOWN_MAX_ITEMS, MAX_COUNT
from service.settings import DEFAULT_MAX_BODY

from .conftest import BIN, ROOT, SAMPLE_PATH
from .helpers import documents, text_of
from .web_fixtures import app_with

PROBLEM = "application/problem+json"
BOUND_SECONDS = 5  # the same inputs took 30 s to over 13 minutes before the limits
EXAMPLE_PERIOD = ROOT / "schemas" / "examples" / "period-2026.json"


@pytest.fixture(scope="module")
def client():
    return app_with(API_KEYS=()).test_client()


def post(client, path: str, body) -> tuple:
    """(response, seconds) of one POST of a JSON body (bytes, text or data)."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    start = time.monotonic()
    response = client.post(path, data=data, content_type="application/json")
    return response, time.monotonic() - start


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == PROBLEM
    return json.loads(response.get_data(as_text=True))


def still_serves(client, sample_data) -> None:
    response, _ = post(client, "/api/v1/validate", sample_data)
    assert response.status_code == 200 and response.get_json()["valid"] is True


def with_summary(case_data: dict, text: str) -> dict:
    case_data["matter"]["summary"] = text
    return case_data


def filling_the_body(unit: str) -> str:
    """``unit`` repeated to fill the request body limit (5 MB), the rest of the sample beside it."""
    room = DEFAULT_MAX_BODY - len(SAMPLE_PATH.read_bytes()) - 4096
    return unit * (room // (len(json.dumps(unit, ensure_ascii=False).encode("utf-8")) - 2))


# --------------------------------------------------------------------- Markdown


HOSTILE_NARRATIVES = {
    "blockquotes 215 KB": "> " * 100000,
    "bullets 1.2 MB": "- x\n" * 250000,
    "ordered list at the body limit": filling_the_body("1. x\n\n"),
    "bold and italic at the body limit": filling_the_body("**a** *b* "),
    "blockquotes at the body limit": filling_the_body("> "),
}


@pytest.mark.parametrize("text", HOSTILE_NARRATIVES.values(), ids=HOSTILE_NARRATIVES.keys())
def test_a_narrative_over_its_length_is_refused_quickly(client, case_data, sample_data, text):
    response, seconds = post(client, "/api/v1/packages", with_summary(case_data, text))
    body = problem(response, 422)
    assert {"path": "matter.summary", "message": f"「事项概况」「{text[:40]}…」过长：共 {len(text)} 个字符，最多 {MARKDOWN_MAX_CHARS} 个字符"} in body["errors"]
    assert seconds < BOUND_SECONDS
    still_serves(client, sample_data)


def test_validate_reports_the_narrative_limit_too(client, case_data):
    response, seconds = post(client, "/api/v1/validate", with_summary(case_data, "> " * 100000))
    result = response.get_json()
    assert response.status_code == 200 and result["valid"] is False
    assert [e["path"] for e in result["errors"]] == ["matter.summary"]
    assert f"最多 {MARKDOWN_MAX_CHARS} 个字符" in result["errors"][0]["message"]
    assert seconds < BOUND_SECONDS


def test_too_many_list_items_in_a_narrative(client, case_data):
    text = "- x\n" * (MARKDOWN_MAX_ITEMS + 1)
    assert len(text) <= MARKDOWN_MAX_CHARS
    body = problem(post(client, "/api/v1/packages", with_summary(case_data, text))[0], 422)
    assert body["errors"] == [
        {"path": "matter.summary", "message": f"「事项概况」：列表项过多（到第 301 行已有 301 项），最多 {MARKDOWN_MAX_ITEMS} 项"}
    ]


@pytest.mark.parametrize(
    "text, depth",
    [("- a\n" + "".join("    " * level + "- x\n" for level in range(1, 5)), 5), ("> > > > > 引用", 5), ("\t\t\t\t- x", 5)],
    ids=["nested list", "nested quotes", "tabs"],
)
def test_too_deep_a_narrative(client, case_data, text, depth):
    body = problem(post(client, "/api/v1/packages", with_summary(case_data, text))[0], 422)
    [error] = body["errors"]
    assert error["path"] == "matter.summary"
    assert f"嵌套 {depth} 层" in error["message"] and f"最多 {MARKDOWN_MAX_DEPTH} 层" in error["message"]


def test_a_narrative_within_the_limits_is_accepted(case_data):
    case_data["matter"]["summary"] = "- 项目\n    - 子项\n" * 100 + "**加粗** *倾斜* " * 100
    assert validate(case_data).valid


def test_lists_and_plain_text_are_bounded(client, case_data):
    case_data["risks"] = [dict(case_data["risks"][0], id=f"R{n}") for n in range(MAX_RISKS + 1)]
    for risk in case_data["risks"]:
        risk.pop("weight", None)
    case_data["matter"]["name"] = "名" * 2001
    case_data["consultation"]["survey"]["questions"][0]["answers"] = {f"选项{n}": 0 for n in range(31)}
    body = problem(post(client, "/api/v1/packages", case_data)[0], 422)
    messages = {e["path"]: e["message"] for e in body["errors"]}
    assert messages["risks"] == f"「风险因素」项数过多：共 {MAX_RISKS + 1} 项，最多 {MAX_RISKS} 项"
    assert messages["matter.name"].endswith("过长：共 2001 个字符，最多 2000 个字符")
    assert messages["consultation.survey.questions.0.answers"] == "「各选项回答数」项数过多：共 31 项，最多 30 项"


# --------------------------------------------------------------------- numbers


def big_integer_body(case: dict, path: tuple, digits: int) -> str:
    """The case as JSON text with the integer at ``path`` replaced by ``digits`` nines (Python cannot dump it)."""
    node = case
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "@@BIG@@"
    return json.dumps(case, ensure_ascii=False).replace('"@@BIG@@"', "9" * digits)


BIG_INTEGERS = {
    "households": ("matter", "affected", "households"),
    "survey answer": ("consultation", "survey", "questions", 0, "answers", "支持"),
}


@pytest.mark.parametrize("digits", [5000, 4300])
@pytest.mark.parametrize("where", BIG_INTEGERS.values(), ids=BIG_INTEGERS.keys())
@pytest.mark.parametrize("route", ["/api/v1/packages", "/api/v1/validate"])
def test_integers_of_thousands_of_digits_are_400(client, case_data, sample_data, route, where, digits):
    response, seconds = post(client, route, big_integer_body(case_data, where, digits))
    body = problem(response, 400)
    path = ".".join(str(step) for step in where)
    assert body["detail"] == f"无法读取案卷：「{path}」的整数有 {digits} 位，过长（最多 {MAX_INTEGER_DIGITS} 位），请核对这个数字"
    assert seconds < BOUND_SECONDS
    still_serves(client, sample_data)


def test_a_count_over_a_billion_is_422(client, case_data):
    body = problem(post(client, "/api/v1/packages", big_integer_body(case_data, BIG_INTEGERS["households"], 50))[0], 422)
    assert {"path": "matter.affected.households", "message": f"「涉及户数」的值({'9' * 40}…)不能大于 {MAX_COUNT}"} in body["errors"]


def test_the_period_route_reads_integers_the_same_way(client, sample_data):
    period = json.loads(EXAMPLE_PERIOD.read_text("utf-8"))
    body = problem(post(client, "/api/v1/summaries", big_integer_body(period, ("cases", 0, "matter", "affected", "households"), 5000))[0], 400)
    assert "「cases.0.matter.affected.households」的整数有 5000 位" in body["detail"]
    still_serves(client, sample_data)


def test_a_long_case_path_in_a_period_is_refused_without_being_echoed(client):
    period = json.loads(EXAMPLE_PERIOD.read_text("utf-8"))
    period["cases"] = ["案" * 1_000_000]
    response, seconds = post(client, "/api/v1/summaries", period)
    body = problem(response, 422)
    assert {"path": "cases.0", "message": "「评估事项案卷」案卷文件的路径过长：共 1000000 个字符，最多 1000 个"} in body["errors"]
    assert len(response.data) < 10_000 and seconds < BOUND_SECONDS


def test_huge_python_integers_are_shown_not_printed(case_data):
    case_data["matter"]["affected"]["households"] = 10**5000  # only Python can hand one over
    [error] = validate(case_data).errors
    assert error.message == f"「涉及户数」的值(一个数千位的整数)不能大于 {MAX_COUNT}"


def test_tiny_amounts_print_in_plain_decimals(client, case_data):
    case_data["matter"]["investment_wan_yuan"] = 1e-7
    response, _ = post(client, "/api/v1/packages", case_data)
    assert response.status_code == 200
    texts = "\n".join(text_of(doc) for doc in documents(response.data).values())
    assert "0.0000001万元" in texts and "e-07" not in texts
    assert [number(v) for v in (2680, 2680.0, 2680.5, 1e-7, 1.5e9)] == ["2680", "2680", "2680.5", "0.0000001", "1500000000"]


def test_chinese_numbers_go_past_ninety_nine():
    assert [cn_number(n) for n in (99, 100, 101, 110, 115, 999)] == ["九十九", "一百", "一百零一", "一百一十", "一百一十五", "九百九十九"]


# --------------------------------------------------------------------- duplicate keys


DUPLICATES = {
    "top level": ('{"case_id": "A", "case_id": "B"}', "键「case_id」在「最外层」对象中出现了不止一次"),
    "nested": ('{"matter": {"name": "甲", "affected": {"households": 1, "households": 2}}}', "键「matter.affected.households」在「matter.affected」对象中出现了不止一次"),
    "in a list": ('{"risks": [{"id": "R1"}, {"id": "R2", "id": "R3"}]}', "键「risks.1.id」在「risks.1」对象中出现了不止一次"),
}


@pytest.mark.parametrize("text, message", DUPLICATES.values(), ids=DUPLICATES.keys())
@pytest.mark.parametrize("route", ["/api/v1/packages", "/api/v1/validate", "/api/v1/summaries"])
def test_duplicate_keys_are_400_naming_the_key_and_where(client, sample_data, route, text, message):
    response, seconds = post(client, route, text)
    body = problem(response, 400)
    assert body["detail"].startswith(f"无法读取案卷：{message}")
    assert "请只保留一个" in body["detail"]
    assert seconds < BOUND_SECONDS
    still_serves(client, sample_data)


def test_duplicate_keys_in_the_sample_itself():
    text = SAMPLE_PATH.read_text("utf-8").replace('"case_id": "QS-WP-2026-001",', '"case_id": "QS-WP-2026-001", "case_id": "X",', 1)
    with pytest.raises(CaseReadError, match="键「case_id」在「最外层」对象中"):
        read_json(text)
    assert read_json(SAMPLE_PATH.read_bytes()) == json.loads(SAMPLE_PATH.read_text("utf-8"))


# --------------------------------------------------------------------- query parameters


@pytest.mark.parametrize("value", ["２", "1_0", "+2", " 2", "2 ", "0", "02", "1000", "-1", "1e1", "٢"])
def test_meeting_accepts_only_ascii_digits_1_to_999(client, sample_data, value):
    response = client.post(
        "/api/v1/documents/minutes", query_string={"meeting": value}, data=json.dumps(sample_data), content_type="application/json"
    )
    body = problem(response, 400)
    assert body["detail"] == f"参数 meeting 应为从 1 开始的会议序号（1—999 的数字），实际为「{value}」"


def test_meeting_in_ascii_digits_still_works(client, sample_data):
    response = client.post("/api/v1/documents/minutes?meeting=2", data=json.dumps(sample_data), content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["pdf=yes", "pdf=%201", "pdf=on", "pdf=1_0"])
def test_flags_are_strict(client, sample_data, query):
    body = problem(client.post(f"/api/v1/packages?{query}", data=json.dumps(sample_data), content_type="application/json"), 400)
    assert body["detail"].startswith("参数 pdf 应为 1 或 0")


@pytest.mark.parametrize("query", ["format=PDF", "format=%20docx"])
def test_format_is_strict(client, sample_data, query):
    body = problem(client.post(f"/api/v1/documents/plan?{query}", data=json.dumps(sample_data), content_type="application/json"), 400)
    assert body["detail"].startswith("参数 format 应为 docx 或 pdf")


# --------------------------------------------------------------------- the render deadline


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_worst_case", ROOT / "bench" / "bench_worst_case.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def worst():
    bench = load_bench()
    return bench.worst_case(), bench.body_of


def test_the_benchmarks_worst_case_is_valid_and_fits_the_body(worst):
    case, body_of = worst
    assert DEFAULT_MAX_BODY - 8192 < len(body_of(case)) <= DEFAULT_MAX_BODY
    assert validate(case).valid


def test_the_render_deadline_stops_a_long_valid_render_with_504(client, sample_data, worst, setting):
    case, body_of = worst
    setting("WENPING_RENDER_TIMEOUT", "0.2")
    response, seconds = post(client, "/api/v1/packages", body_of(case))
    body = problem(response, 504)
    assert body["type"] == "urn:wenping:problem:render-timeout"
    assert body["detail"].startswith("文书渲染超过 0.2 秒（WENPING_RENDER_TIMEOUT）仍未完成，已停止")
    assert seconds < BOUND_SECONDS
    setting("WENPING_RENDER_TIMEOUT", None)
    response, _ = post(client, "/api/v1/packages", sample_data)
    assert response.status_code == 200


# --------------------------------------------------------------------- the command line


def wenping(*args):
    return subprocess.run([str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, timeout=120)


def test_cli_validate_on_hostile_files(tmp_path, case_data):
    cases = {
        "digits.json": (big_integer_body(copy.deepcopy(case_data), BIG_INTEGERS["households"], 5000), 2, "的整数有 5000 位"),
        "duplicate.json": (DUPLICATES["nested"][0], 2, DUPLICATES["nested"][1]),
        "quotes.json": (json.dumps(with_summary(copy.deepcopy(case_data), "> " * 100000), ensure_ascii=False), 1, f"最多 {MARKDOWN_MAX_CHARS} 个字符"),
    }
    for name, (text, code, message) in cases.items():
        path = tmp_path / name
        path.write_text(text, "utf-8")
        run = wenping("validate", path)
        assert run.returncode == code, (name, run.stdout, run.stderr)
        assert message in run.stdout + run.stderr, name
        assert "Traceback" not in run.stdout + run.stderr, name


def test_cli_generate_past_the_render_deadline(tmp_path):
    env = {**os.environ, "WENPING_RENDER_TIMEOUT": "0.000001"}
    run = subprocess.run(
        [str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(tmp_path / "out.zip")],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith("错误：文书渲染超过 0.000001 秒（WENPING_RENDER_TIMEOUT）仍未完成，已停止")
    assert not (tmp_path / "out.zip").exists()


def test_cli_summary_reads_case_files_the_same_way(tmp_path, case_data):
    period = json.loads(EXAMPLE_PERIOD.read_text("utf-8"))
    (tmp_path / "case.json").write_text(big_integer_body(case_data, BIG_INTEGERS["households"], 5000), "utf-8")
    period["cases"] = ["case.json"]
    (tmp_path / "PERIOD.json").write_text(json.dumps(period, ensure_ascii=False), "utf-8")
    run = wenping("summary", tmp_path / "PERIOD.json", "-o", tmp_path / "out.docx")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "「matter.affected.households」的整数有 5000 位" in run.stderr
    assert not (tmp_path / "out.docx").exists()


# --------------------------------------------------------------------- fuzzing


schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from .web_fixtures import AUTH, KEY  # noqa: E402

FUZZED = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app_with(API_KEYS=KEY))


@FUZZED.include(path_regex=r"^/api/v1/(validate|packages)$", method="POST").parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_generated_case_gets_a_500(case):
    """Cases generated from the case JSON Schema, valid and not (schemathesis: positive and negative)."""
    response = case.call(headers=AUTH)
    assert response.status_code < 500, response.text[:1000]
