"""`wenping validate` and `wenping schema` as a user runs them: the installed console script."""

from __future__ import annotations

import json
import subprocess

from .conftest import BIN, SAMPLE_PATH


def wenping(*args, **kw):
    return subprocess.run([str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, timeout=60, **kw)


def test_sample_json_output():
    run = wenping("validate", SAMPLE_PATH, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) == {"valid", "errors", "warnings", "risk", "readiness"}
    assert out["valid"] is True and [w["path"] for w in out["warnings"]] == ["report.findings"] and out["errors"] == []
    assert out["readiness"]["package"] == {"ready": True, "missing": []}
    assert out["readiness"]["minutes"] == {"ready": True, "missing": [], "meetings": [1, 2]}
    risk = out["risk"]
    assert risk["initial"] == {"index": 0.374, "level": "中风险"}
    assert risk["residual"] == {"index": 0.103, "level": "低风险"}
    assert risk["final_level"] == "低风险" and risk["advice"] == "可以实施"
    assert set(risk["factors"][0]) == {"id", "r", "degree", "residual_r", "residual_degree"}


def test_human_output_in_chinese():
    run = wenping("validate", SAMPLE_PATH)
    assert run.returncode == 0
    assert "通过校验" in run.stdout and "0.3740" in run.stdout and "可以实施" in run.stdout


def test_invalid_exits_1(tmp_path, case_data):
    case_data["consultation"]["survey"]["valid"] = 590
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case_data, ensure_ascii=False), "utf-8")
    run = wenping("validate", path, "--json")
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert out["valid"] is False
    assert {"path": "consultation.survey.valid", "message": "有效问卷数(590)不能大于回收数(584)"} in out["errors"]
    human = wenping("validate", path)
    assert human.returncode == 1 and "consultation.survey.valid" in human.stdout


def test_unreadable_exits_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"case_id": ', "utf-8")
    for target in (broken, tmp_path / "missing.json"):
        run = wenping("validate", target)
        assert run.returncode == 2
        assert "错误" in run.stderr and "Traceback" not in run.stderr
    assert "不存在" in wenping("validate", tmp_path / "missing.json").stderr


def test_bad_usage_exits_2():
    assert wenping("validate").returncode == 2


def test_schema_command():
    run = wenping("schema")
    assert run.returncode == 0 and json.loads(run.stdout)["title"] == "稳评案卷"


def test_deeply_nested_json_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000, "utf-8")
    run = wenping("validate", path)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "嵌套" in run.stderr


def test_nan_is_not_a_number(tmp_path, case_data):
    text = json.dumps(case_data, ensure_ascii=False).replace('"investment_wan_yuan": 2680', '"investment_wan_yuan": NaN')
    path = tmp_path / "nan.json"
    path.write_text(text, "utf-8")
    run = wenping("validate", path)
    assert run.returncode == 2 and "NaN" in run.stderr
