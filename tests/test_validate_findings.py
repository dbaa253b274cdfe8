"""`wenping validate` gives the same findings as before its start-up was made fast (issue #17).

Every example of schemas/examples/ and a set of broken cases (model errors, rule errors, warnings, risk
weights, workbooks with cells, unreadable files) run through the installed console script, human and
``--json`` output; stdout, stderr and exit code are compared with tests/data/validate-findings.json, which
was recorded once with the code before the change (commit 42f03aa) (``python -m tests.test_validate_findings --record``).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
EXAMPLES = ROOT / "schemas" / "examples"
SAMPLE_PATH = EXAMPLES / "sample-case.json"
EXPECTED = ROOT / "tests" / "data" / "validate-findings.json"

# (path, value) sets a field; (path, DELETE) removes it. Paths are dotted, list indices as numbers.
DELETE = object()
MUTATIONS: dict[str, list[tuple[str, Any]]] = {
    "survey-valid-over-returned": [("consultation.survey.valid", 590)],
    "survey-returned-over-issued": [("consultation.survey.returned", 601)],
    "single-choice-sum": [("consultation.survey.questions.0.answers.支持", 470)],
    "support-answer-not-an-option": [("consultation.survey.questions.0.support_answers", ["支持", "赞成"])],
    "schedule-ends-before-start": [("plan.schedule.0.end", "2026-03-01")],
    "meeting-ends-before-start": [("consultation.meetings.0.end_time", "08:30")],
    "meeting-before-plan": [("consultation.meetings.1.date", "2026-03-01")],
    "decision-before-report": [("filing.decision.date", "2026-04-09")],
    "duplicate-risk-id": [("risks.2.id", "R1")],
    "risk-without-measures": [("risks.3.measures", [])],
    "risk-without-weight": [("risks.1.weight", DELETE)],
    "weights-not-summing-to-one": [("risks.0.weight", 0.4)],
    "speaker-not-present": [("consultation.meetings.1.statements.0.speaker", "路人甲")],
    "opinion-without-response": [("opinions.3.response", DELETE)],
    "assessed-level-differs": [("report.assessed_level", "中风险")],
    "residual-missing": [("risks.2.residual_probability", DELETE), ("risks.2.residual_impact", DELETE)],
    "filed-long-ago": [("filing.filed_on", "1979-12-31")],
    "blank-summary": [("matter.summary", "   ")],
    "unknown-field": [("matter.nmae", "错字")],
    "impossible-date": [("plan.issued_on", "2026-02-30")],
    "slashed-date": [("report.issued_on", "2026/4/10")],
    "bad-choice": [("risks.0.impact", "巨大")],
    "negative-count": [("consultation.survey.issued", -5)],
    "count-as-text": [("consultation.visits.households", "136")],
    "bad-case-id": [("case_id", "QS/2026 1")],
    "missing-summary": [("matter.summary", DELETE)],
    "control-character": [("matter.name", "项目\x07名称")],
    "several-model-errors": [("plan.issued_on", "2026-13-01"), ("risks.1.probability", "高"), ("extra", True)],
    "risks-not-a-list": [("risks", "none")],
    "uncovered-character": [("matter.name", "镇西北片\U000f0000土地整理项目")],
    "schema-2.0-upgraded-twice": [("schema_version", "2.0")],
}
RAW_TEXTS = {
    "broken-json": b'{"case_id": ',
    "nan": SAMPLE_PATH.read_bytes().replace(b'"investment_wan_yuan": 2680', b'"investment_wan_yuan": NaN'),
    "deep-nesting": b"[" * 100000 + b"]" * 100000,
    "not-utf8": "{\"case_id\": \"青石\"}".encode("gb18030"),
    "a-list": b"[1, 2]",
    "broken-workbook": b"PK\x03\x04 not really a zip",
}


def wenping(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)


def mutate(data: dict, changes: list[tuple[str, Any]]) -> dict:
    data = copy.deepcopy(data)
    for path, value in changes:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        owner = data
        for key in parents:
            owner = owner[key]
        if value is DELETE:
            del owner[last]
        else:
            owner[last] = value
    return data


def case_files(folder: Path) -> dict[str, Path]:
    """Every input the comparison runs, written into ``folder``: name → file."""
    files = {f"example/{p.name}": p for p in sorted(EXAMPLES.glob("*.json"))}
    sample = json.loads(SAMPLE_PATH.read_text("utf-8"))
    for name, changes in MUTATIONS.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(mutate(sample, changes), ensure_ascii=False, indent=2), "utf-8")
        files[f"mutation/{name}"] = path
    for name, raw in RAW_TEXTS.items():
        path = folder / f"{name}.json"
        path.write_bytes(raw)
        files[f"raw/{name}"] = path
    files["raw/missing-file"] = folder / "missing.json"
    files["raw/a-folder"] = folder
    files.update(workbooks(folder))
    return files


def workbooks(folder: Path) -> dict[str, Path]:
    """The sample and a case breaking a rule as workbooks, and a blank workbook: findings name their cells."""
    made = {}
    for name, source in (("sample", SAMPLE_PATH), ("survey-valid-over-returned", folder / "survey-valid-over-returned.json")):
        target = folder / f"{name}.xlsx"
        run = wenping("workbook", source, "-o", target, cwd=folder)
        assert run.returncode == 0, run.stderr
        made[f"workbook/{name}"] = target
    blank = folder / "blank.xlsx"
    assert wenping("workbook", "-o", blank, cwd=folder).returncode == 0
    made["workbook/blank"] = blank
    return made


def findings(folder: Path) -> dict[str, dict]:
    """What `wenping validate` says about every input, human and JSON; paths shown as <dir>."""
    seen = {}
    for name, path in case_files(folder).items():
        for flags in ((), ("--json",)):
            run = wenping("validate", path, *flags, cwd=folder)
            clean: Callable[[str], str] = lambda text: text.replace(str(folder), "<dir>").replace(str(ROOT), "<root>")
            seen[" ".join([name, *flags])] = {"exit": run.returncode, "stdout": clean(run.stdout), "stderr": clean(run.stderr)}
    return seen


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> dict[str, dict]:
    return findings(tmp_path_factory.mktemp("validate"))


EXPECTED_FINDINGS = json.loads(EXPECTED.read_text("utf-8")) if EXPECTED.exists() else {}


@pytest.mark.parametrize("name", sorted(EXPECTED_FINDINGS))
def test_same_findings_as_before(current, name):
    assert current[name] == EXPECTED_FINDINGS[name]


def test_every_input_is_compared(current):
    assert sorted(current) == sorted(EXPECTED_FINDINGS)


def test_the_comparison_covers_each_kind_of_finding():
    """Errors, warnings, exit codes 0, 1 and 2, and workbook cells are all in the recorded outputs."""
    outputs = EXPECTED_FINDINGS.values()
    assert {o["exit"] for o in outputs} == {0, 1, 2}
    assert any('"warnings": [\n    {' in o["stdout"] for o in outputs if o["exit"] == 1)
    assert any("!" in o["stdout"] and o["exit"] == 1 for o in outputs)  # a workbook error names its cell
    assert sum(o["exit"] == 1 for o in outputs) >= len(MUTATIONS)


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        recorded = findings(Path(folder).resolve())
    EXPECTED.parent.mkdir(exist_ok=True)
    EXPECTED.write_text(json.dumps(recorded, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"{len(recorded)} outputs recorded in {EXPECTED}")
