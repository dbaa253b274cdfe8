"""Worst-case benchmark: the most expensive request the input limits let through, beside the sample.

The worst case is the largest valid case that fits the request body limit (``WENPING_MAX_BODY``,
5 MB): every narrative (Markdown) field at its length limit in the costliest shape measured for the
Markdown → Word conversion (a run of ``\\*``: escaped emphasis marks, each of which the parser's
inline patterns try in turn),
50 risks (the limit) with 30 measures each (the limit), 50 meetings (the limit), 200 opinions and
100 questions of 30 options (the limits), and the rest of the body filled with the text of the
measures, which three documents print. ``worst_case()`` builds it; tests/test_hostile_input.py
checks that it is valid and fits the body.

Prints, for the sample and the worst case: the body size, the median time over a few runs of
reading and validating it, of the whole package (.docx, in-process) and of the same over HTTP
through the Flask app; the slowest single document (``WENPING_RENDER_TIMEOUT`` applies to each
document); and the peak resident memory a fresh process adds while making the package.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import CATEGORIES, median_time, sample_case  # noqa: E402
from service.checks.validation import read_json, validate  # noqa: E402
from service.generate import generate, prepare, render_docx  # noqa: E402
from service.model.case import (  # noqa: E402
    MAX_MEASURES,
    MAX_MEETINGS,
    MAX_OPINIONS,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_RISKS,
)
from service.model.types import MARKDOWN_MAX_CHARS, TEXT_MAX_CHARS  # noqa: E402
from service.render.template_sets import default_set  # noqa: E402
from service.settings import DEFAULT_MAX_BODY  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COSTLIEST_NARRATIVE = "\\*" * (MARKDOWN_MAX_CHARS // 2)
NARRATIVE_FIELDS = (
    ("matter", "summary"),
    ("plan", "scope"),
    ("report", "social_environment"),
    ("report", "conclusion"),
    ("stability_plan", "aftermath"),
    ("stability_plan", "support"),
)


def body_of(case: dict) -> bytes:
    return json.dumps(case, ensure_ascii=False).encode("utf-8")


def _narratives(case: dict) -> None:
    for part, name in NARRATIVE_FIELDS:
        case[part][name] = COSTLIEST_NARRATIVE
    for name in ("legality", "rationality", "feasibility", "controllability"):
        case["plan"]["dimensions"][name] = COSTLIEST_NARRATIVE
    case["consultation"]["visits"]["findings"] = COSTLIEST_NARRATIVE
    case["stability_plan"]["early_warning"]["reporting"] = COSTLIEST_NARRATIVE


def _meetings(case: dict) -> None:
    template = case["consultation"]["meetings"][0]
    start = date.fromisoformat(template["date"])
    meetings = []
    for m in range(MAX_MEETINGS):
        meeting = copy.deepcopy(template)
        meeting["title"] = f"第{m + 1}次{meeting['kind']}"
        meeting["date"] = (start + timedelta(days=m % 5)).isoformat()
        meeting["participants"] = [
            {"name": f"参会人{m + 1}-{p + 1}", "category": CATEGORIES[p % len(CATEGORIES)], "unit": f"单位{p + 1}"}
            for p in range(20)
        ]
        meeting["statements"] = [
            {"speaker": f"参会人{m + 1}-{s + 1}", "content": f"第{s + 1}条意见：希望做好群众工作。", "response": "采纳。"}
            for s in range(20)
        ]
        meeting["resolutions"] = COSTLIEST_NARRATIVE
        meetings.append(meeting)
    case["consultation"]["meetings"] = meetings


def _survey_and_opinions(case: dict) -> None:
    survey = case["consultation"]["survey"]
    survey["questions"] = [
        {"text": f"第{q + 1}题", "multiple": True, "answers": {f"选项{o + 1}": o for o in range(MAX_OPTIONS)}}
        for q in range(MAX_QUESTIONS)
    ]
    survey["questions"][0]["support_answers"] = ["选项1"]
    opinion = case["opinions"][0]
    case["opinions"] = [{**opinion, "topic": f"意见{n + 1}：{opinion['topic']}"} for n in range(MAX_OPINIONS)]


def _risks(case: dict, action_chars: int) -> None:
    base = case["risks"][0]
    measure = base["measures"][0]
    risks = []
    for n in range(MAX_RISKS):
        risk = copy.deepcopy(base)
        risk.pop("weight", None)
        risk.update(id=f"R{n + 1}", name=f"风险因素{n + 1}", description=COSTLIEST_NARRATIVE)
        risk["measures"] = [
            {**measure, "action": f"措施{n + 1}-{k + 1}：" + "落" * action_chars} for k in range(MAX_MEASURES)
        ]
        risks.append(risk)
    case["risks"] = risks


def worst_case(body_limit: int = DEFAULT_MAX_BODY) -> dict:
    """The costliest valid case whose JSON fits ``body_limit`` bytes (see the module's docstring)."""
    case = sample_case()
    case["case_id"] = "BENCH-WORST"
    _narratives(case)
    _meetings(case)
    _survey_and_opinions(case)
    _risks(case, 0)
    room = body_limit - 4096 - len(body_of(case))  # a little under the limit: headers and rounding
    per_char = len("落".encode("utf-8")) * MAX_RISKS * MAX_MEASURES
    _risks(case, min(TEXT_MAX_CHARS - 20, room // per_char))
    return case


def slowest_document(case: dict) -> tuple[str, float]:
    """The document that takes longest to render (the render deadline applies to each one)."""
    prepared = prepare(case)
    times: dict[str, float] = {}
    for doc in prepared.documents:
        start = time.perf_counter()
        render_docx(doc, default_set())
        times[f"{doc.kind}{doc.meeting or ''}"] = time.perf_counter() - start
    kind = max(times, key=times.get)
    return kind, times[kind]


def peak_rss_mib(body: bytes) -> float:
    """Peak resident memory a fresh process adds, over its imports, while it reads ``body`` and makes the package."""
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(body)
        file.flush()
        run = subprocess.run([sys.executable, __file__, "--peak", file.name], capture_output=True, text=True, check=True)
    return float(run.stdout.strip())


def _high_water_kib() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))


def _peak_child(path: str) -> None:
    before = _high_water_kib()
    generate(read_json(Path(path).read_bytes()))
    print(f"{(_high_water_kib() - before) / 1024:.0f}")


def http_package(client, body: bytes) -> None:
    response = client.post("/api/v1/packages", data=body, content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


CASES = {"sample": sample_case, "worst valid case": worst_case}


def main() -> None:
    from service.web import create_app

    client = create_app({"API_KEYS": ""}).test_client()
    print(f"# Worst-case benchmark — median of {RUNS} runs, {os.cpu_count()} cores\n")
    print("| case | body (KB) | validate (s) | package in-process (s) | package over HTTP (s) | slowest document (s) | peak memory added (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for label, make in CASES.items():
        case = make()
        body = body_of(case)
        result = validate(case)
        assert result.valid, result.errors[:3]
        checking = median_time(lambda: validate(read_json(body)), RUNS)
        package = median_time(lambda: generate(case), RUNS)
        over_http = median_time(lambda: http_package(client, body), RUNS)
        kind, slowest = slowest_document(case)
        print(
            f"| {label} | {len(body) / 1024:.0f} | {checking:.3f} | {package:.3f} | {over_http:.3f} "
            f"| {slowest:.3f} ({kind}) | {peak_rss_mib(body):.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peak"]:
        _peak_child(sys.argv[2])
    else:
        main()
