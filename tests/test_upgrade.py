"""Schema 1.0 → 2.0: people entered once, restated fields derived, and every 1.0 case still accepted."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from service.checks.rules import person_refs
from service.checks.validation import validate
from service.generate import generate
from service.model.case import Case
from service.model.upgrade import upgrade

from .conftest import SAMPLE_PATH


def test_sample_people_are_entered_once(sample_data):
    upgraded, notes = upgrade(sample_data)
    people = upgraded["people"]
    names = [p["name"] for p in people]
    assert notes == []
    assert len(names) == len(set(names)) == 18  # 赵春梅 is leading group, work team and host: one entry
    zhao = next(p for p in people if p["name"] == "赵春梅")
    assert zhao == {"id": zhao["id"], "name": "赵春梅", "title": "镇党委副书记、政法委员"}
    case = Case.model_validate(upgraded)
    known = {p.id for p in case.people}
    refs = list(person_refs(case))
    assert len(refs) > 30 and all(ref in known for _, ref in refs)


def test_restated_fields_become_derived(sample_data):
    upgraded, _ = upgrade(sample_data)
    assert "assessor" not in upgraded["report"]
    assert upgraded["leading_group"]["name"] == sample_data["report"]["assessor"]
    assert "recipient" not in upgraded["summary"]  # it was the filing office, the default
    assert "body" not in upgraded["filing"]["decision"]
    assert "command" not in upgraded["stability_plan"]  # it repeated the leading group
    assert upgraded["plan"]["issuing"] == {"number": sample_data["plan"]["doc_number"]}
    assert list(upgraded["plan"])[:2] == ["issued_on", "issuing"]


def test_adoption_is_split_from_the_reply(sample_data):
    upgraded, _ = upgrade(sample_data)
    first = upgraded["consultation"]["meetings"][0]["statements"][0]
    assert first["adoption"] == "采纳" and not first["response"].startswith("采纳")
    partial = upgraded["consultation"]["meetings"][1]["statements"][2]
    assert partial["adoption"] == "部分采纳" and partial["response"].startswith("补偿标准")


def test_response_levels_get_grades(sample_data):
    upgraded, _ = upgrade(sample_data)
    levels = upgraded["stability_plan"]["response_levels"]
    assert [(lv["grade"], lv["name"]) for lv in levels] == [("Ⅳ级", "一般"), ("Ⅲ级", "较大"), ("Ⅱ级", "重大")]


def test_namesakes_with_different_titles_stay_two_people(case_data):
    meeting = case_data["consultation"]["meetings"][0]
    villager = meeting["participants"][0]["name"]
    meeting["participants"][0]["name"] = "王建国"  # a villager of the leader's name
    for statement in meeting["statements"]:
        if statement["speaker"] == villager:
            statement["speaker"] = "王建国"
    upgraded, notes = upgrade(case_data)
    wangs = [p for p in upgraded["people"] if p["name"] == "王建国"]
    assert len(wangs) == 2 and {w.get("title") for w in wangs} == {"镇党委书记", None}
    assert [n.path for n in notes] == ["consultation.meetings.0.participants.0"]
    assert validate(case_data).valid
    speakers = {s["speaker"] for s in upgraded["consultation"]["meetings"][0]["statements"]}
    assert next(w["id"] for w in wangs if "title" not in w) in speakers  # the villager spoke, not the leader


def test_disagreeing_restatement_is_a_warning(case_data):
    case_data["filing"]["decision"]["body"] = "镇党委会议"
    result = validate(case_data)
    assert result.valid
    warning = next(w for w in result.warnings if w.path == "filing.decision.body")
    assert "镇党委会议" in warning.message and "镇党政联席会议" in warning.message


def test_unknown_person_is_named(sample_data):
    upgraded, _ = upgrade(sample_data)
    upgraded["consultation"]["meetings"][0]["host"] = "P99"
    errors = {e.path: e.message for e in validate(upgraded).errors}
    assert "P99" in errors["consultation.meetings.0.host"]


def test_duplicate_person_id_is_an_error(sample_data):
    upgraded, _ = upgrade(sample_data)
    upgraded["people"][1]["id"] = upgraded["people"][0]["id"]
    errors = {e.path: e.message for e in validate(upgraded).errors}
    assert "重复" in errors["people.1.id"]


def test_1_0_and_2_0_give_the_same_package(sample_data):
    upgraded, _ = upgrade(sample_data)
    assert generate(sample_data).data == generate(upgraded).data


def test_upgrade_command(tmp_path):
    out = tmp_path / "case-2.0.json"
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "upgrade", str(SAMPLE_PATH), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "已升级为 2.0 格式" in run.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["schema_version"] == "2.0" and written["people"][0]["id"] == "P01"
    again = tmp_path / "again.json"
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "upgrade", str(out), "-o", str(again)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and again.read_bytes() == out.read_bytes()


def test_upgrade_refuses_a_broken_case(tmp_path, case_data):
    case_data["risks"] = "none"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case_data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.json"
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "upgrade", str(path), "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1 and "risks" in run.stderr and not out.exists()


def test_every_1_0_shape_is_left_for_validation_when_malformed():
    broken = {"schema_version": "1.0", "leading_group": {"leader": "王建国"}, "work_team": ["x"], "consultation": []}
    upgraded, _ = upgrade(copy.deepcopy(broken))
    assert upgraded["leading_group"]["leader"] == "王建国" and upgraded["work_team"] == ["x"]
