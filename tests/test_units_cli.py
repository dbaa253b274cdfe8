"""The command line of units and keys, review, step six and the period report from the register (real processes)."""

from __future__ import annotations

import json
import os
import subprocess

from .units_world import CASE_A, COUNTY, TOWN_A, docx_text, reported_count
from .web_fixtures import SAMPLE_PATH, WENPING


def wenping(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(tmp_path / "state")
    return subprocess.run([str(WENPING), *args], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_keys_are_shown_once_listed_without_secret_and_revoked(tmp_path):
    made = wenping(tmp_path, "keys", "add", "--name", "qs-clerk", "--unit", TOWN_A, "--role", "clerk")
    assert made.returncode == 0 and made.stdout.startswith("wpk_") and "只显示这一次" in made.stderr
    secret = made.stdout.strip()
    again = wenping(tmp_path, "keys", "add", "--name", "qs-clerk", "--unit", TOWN_A, "--role", "clerk")
    assert again.returncode == 2 and "已有名为「qs-clerk」的访问密钥" in again.stderr
    bad = wenping(tmp_path, "keys", "add", "--name", "x y", "--unit", TOWN_A, "--role", "clerk")
    assert bad.returncode == 2 and "密钥名称「x y」不可用" in bad.stderr
    listed = wenping(tmp_path, "keys", "list", "--json")
    assert json.loads(listed.stdout)["keys"][0] | {"created_at": ""} == {
        "name": "qs-clerk", "unit": TOWN_A, "role": "clerk", "created_at": "", "revoked": False, "revoked_at": None}
    assert wenping(tmp_path, "keys", "revoke", "qs-clerk").returncode == 0
    assert "已吊销" in wenping(tmp_path, "keys", "list").stdout
    log = wenping(tmp_path, "audit-log", "--json").stdout
    assert [e["action"] for e in json.loads(log)["entries"]] == ["key-add", "key-revoke"]
    everything = listed.stdout + log + wenping(tmp_path, "keys", "list").stdout
    assert secret not in everything


def test_review_track_and_summary_from_the_register(tmp_path):
    assert wenping(tmp_path, "cases", "submit", str(SAMPLE_PATH), "--unit", TOWN_A).returncode == 0
    nothing = wenping(tmp_path, "summary", "--from", "2026-01-01", "--to", "2026-12-31", "-o", "s.docx")
    assert nothing.returncode == 1 and "没有报备的案卷" in nothing.stderr
    assert wenping(tmp_path, "cases", "package", CASE_A, "-o", "p.zip").returncode == 0
    returned = wenping(tmp_path, "cases", "review", CASE_A, "--result", "退回", "--by", "李明", "--unit", COUNTY)
    assert returned.returncode == 1 and "退回须写明理由" in returned.stderr
    returned = wenping(tmp_path, "cases", "review", CASE_A, "--result", "退回", "--reason", "缺少听证会纪要",
                       "--by", "李明", "--unit", COUNTY, "--date", "2026-04-20")
    assert returned.returncode == 0 and "缺少听证会纪要" in wenping(tmp_path, "cases", "show", CASE_A).stdout

    wrong = wenping(tmp_path, "cases", "track", CASE_A, "--measure", "R7.1", "--status", "已完成")
    assert wrong.returncode == 1 and "措施「R7.1」不存在" in wrong.stderr and "R1.1" in wrong.stderr
    tracked = wenping(tmp_path, "cases", "track", CASE_A, "--measure", "R1.1", "--status", "已完成", "--date", "2026-08-10")
    assert tracked.returncode == 0 and "实施跟踪" in tracked.stdout
    listing = json.loads(wenping(tmp_path, "cases", "tracking", CASE_A, "--as-of", "2026-09-01", "--json").stdout)
    states = {m["measure"]: m["status"] for m in listing["measures"]}
    assert states["R1.1"] == "已完成" and states["R1.2"] == "逾期" and states["R2.2"] == "未开始"
    made = wenping(tmp_path, "cases", "tracking-report", CASE_A, "--as-of", "2026-09-01", "-o", "t.docx")
    assert made.returncode == 0
    assert "已完成1项" in docx_text((tmp_path / "t.docx").read_bytes())

    summary = wenping(tmp_path, "summary", "--from", "2026-01-01", "--to", "2026-12-31", "--unit", TOWN_A, "-o", "s.docx")
    assert summary.returncode == 0, summary.stderr
    assert reported_count(docx_text((tmp_path / "s.docx").read_bytes())) == 1
    both = wenping(tmp_path, "summary", str(SAMPLE_PATH), "--from", "2026-01-01", "--to", "2026-12-31")
    assert both.returncode == 2 and "二者选一" in both.stderr
