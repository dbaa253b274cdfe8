"""Done when: two towns and a county reviewer, each with its own key, work on one real ``wenping serve``.

Keys are made with ``wenping keys add`` (as an operator would), the service runs under gunicorn with two
workers on a loopback port, every request is real HTTP. Each town sees only its own cases; the reviewer
returns one package with reasons and files the other; the returned town corrects and is filed; a town tracks
its measures to 结案; the county's report for the year comes from the register with the register's counts.
The server's log never shows a key.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess

import pytest
from sqlalchemy import create_engine

from .units_world import CASE_A, CASE_B, COUNTY, TOWN_A, TOWN_B, bearer, body, count_filed, docx_text, reported_count, town_b_case
from .web_fixtures import SAMPLE_PATH, WENPING, start_server, stop_server

JSON = {"Content-Type": "application/json"}


def add_key(env: dict, name: str, unit: str, role: str) -> str:
    made = subprocess.run([str(WENPING), "keys", "add", "--name", name, "--unit", unit, "--role", role],
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "只显示这一次" in made.stderr
    return made.stdout.strip()


def served_county(root, workers: int):
    """``wenping serve`` with named keys only, made by ``wenping keys add`` as an operator would: two town clerks
    and the county's 维稳办 reviewer. Yields the server, the keys by town and the state folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(root / "state")
    keys = {
        "qs": add_key(env, "qs-clerk", TOWN_A, "clerk"),
        "hq": add_key(env, "hq-clerk", TOWN_B, "clerk"),
        "county": add_key(env, "county-review", COUNTY, "reviewer"),
    }
    server = start_server(root / "server", "--workers", str(workers), env={"WENPING_STATE_DIR": env["WENPING_STATE_DIR"]})
    try:
        yield server, keys, root / "state"
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    yield from served_county(tmp_path_factory.mktemp("units-live"), workers=2)


def ask(server, method, path, key, data=None):
    status, headers, raw = server.request(method, path, body(data) if data is not None else None, {**JSON, **bearer(key)})
    return status, headers, raw


def test_two_towns_and_a_county_on_one_service(county):
    server, keys, state = county
    sample = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))

    # without a key nothing is open, although WENPING_API_KEYS is not set: the named keys protect the service
    assert server.request("GET", "/api/v1/cases")[0] == 401

    # each town submits and files its own case
    assert ask(server, "POST", "/api/v1/cases", keys["qs"], sample)[0] == 201
    assert ask(server, "POST", "/api/v1/cases", keys["hq"], town_b_case(sample))[0] == 201
    for who, case_id in (("qs", CASE_A), ("hq", CASE_B)):
        status, headers, _ = ask(server, "POST", f"/api/v1/cases/{case_id}/packages", keys[who])
        assert status == 200 and headers["X-Wenping-Version"] == "1"

    # each town sees only its own cases; the county sees both
    def listed(key):
        return [c["case_id"] for c in json.loads(ask(server, "GET", "/api/v1/cases", key)[2])["cases"]]

    assert listed(keys["qs"]) == [CASE_A] and listed(keys["hq"]) == [CASE_B]
    assert listed(keys["county"]) == sorted([CASE_A, CASE_B])
    status, headers, raw = ask(server, "GET", f"/api/v1/cases/{CASE_B}", keys["qs"])
    assert status == 404 and headers["Content-Type"] == "application/problem+json" and "河桥镇" not in raw.decode()

    # the reviewer returns town A's package with reasons and files town B's; it cannot write a case
    returned = {"result": "退回", "reasons": ["缺少听证会纪要", "风险等级测算依据不足"], "date": "2026-04-20"}
    assert ask(server, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], returned)[0] == 201
    assert ask(server, "POST", f"/api/v1/cases/{CASE_B}/reviews", keys["county"], {"result": "予以备案", "date": "2026-04-20"})[0] == 201
    assert ask(server, "POST", "/api/v1/cases", keys["county"], sample)[0] == 403

    # town A reads the reasons, corrects, files the new version, and it is filed
    seen = json.loads(ask(server, "GET", f"/api/v1/cases/{CASE_A}", keys["qs"])[2])["review"]
    assert seen["result"] == "退回" and seen["reasons"] == returned["reasons"]
    corrected = copy.deepcopy(sample)
    corrected["report"]["recommendations"] = [*sample["report"].get("recommendations", []), "补充听证会纪要"]
    assert json.loads(ask(server, "POST", "/api/v1/cases", keys["qs"], corrected)[2])["version"] == 2
    assert ask(server, "POST", f"/api/v1/cases/{CASE_A}/packages", keys["qs"])[1]["X-Wenping-Version"] == "2"
    status, _, raw = ask(server, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], {"result": "予以备案", "date": "2026-04-25"})
    assert status == 201 and json.loads(raw)["version"] == 2

    # town B tracks every measure to 结案
    measures = json.loads(ask(server, "GET", f"/api/v1/cases/{CASE_B}/tracking?as_of=2026-09-01", keys["hq"])[2])["measures"]
    for n, m in enumerate(measures, 1):
        status, _, raw = ask(server, "POST", f"/api/v1/cases/{CASE_B}/tracking", keys["hq"],
                             {"measure": m["measure"], "status": "已完成", "date": f"2026-10-{n:02d}", "note": "已落实"})
        assert status == 201
    assert json.loads(raw)["stage"] == "结案"
    assert json.loads(ask(server, "GET", f"/api/v1/cases/{CASE_B}", keys["county"])[2])["stage"] == "结案"
    status, _, report = ask(server, "GET", f"/api/v1/cases/{CASE_B}/tracking/report?as_of=2026-12-31", keys["hq"])
    assert status == 200 and "本事项结案" in docx_text(report)

    # the county's report for the year, from the register, with the register's counts
    status, headers, report = ask(server, "GET", "/api/v1/summaries?from=2026-01-01&to=2026-12-31", keys["county"])
    assert status == 200, report
    written = docx_text(report)
    engine = create_engine(f"sqlite:///{state / 'register.sqlite3'}")
    try:
        assert reported_count(written) == count_filed(engine, "2026-01-01", "2026-12-31") == 2
    finally:
        engine.dispose()
    assert "镇西北片土地整理项目" in written and "河桥镇集贸市场改造项目" in written
    assert "全部落实到位" in written  # town B's progress, from its tracking entries

    # the server's log never shows a key; the audit log says who did what to which case, and no key either
    log = server.log()
    assert all(secret not in log for secret in keys.values())
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")} | {"WENPING_STATE_DIR": str(state)}
    run = subprocess.run([str(WENPING), "audit-log", "--case", CASE_A, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    entries = json.loads(run.stdout)["entries"]
    assert [(e["key"], e["action"]) for e in entries if e["action"] != "denied"] == [
        ("qs-clerk", "submit"), ("qs-clerk", "package"), ("county-review", "review"),
        ("qs-clerk", "submit"), ("qs-clerk", "package"), ("county-review", "review"),
    ]
    theirs = subprocess.run([str(WENPING), "audit-log", "--case", CASE_B, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert ("qs-clerk", "denied") in [(e["key"], e["action"]) for e in json.loads(theirs.stdout)["entries"]]
    assert all(secret not in run.stdout for secret in keys.values())
