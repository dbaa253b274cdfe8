"""Cases for the benchmarks (the sample, and a large case made from it) and the one way they time things."""

from __future__ import annotations

import copy
import json
import os
import statistics
import time
from typing import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ["专家", "人大代表", "政协委员", "法律工作者", "群众代表", "利益相关方", "村(社区)干部", "部门代表"]
PROBABILITY = ["很低", "较低", "中等", "较高", "很高"]
IMPACT = ["可忽略", "较小", "中等", "较大", "严重"]


def sample_case() -> dict:
    return json.loads((ROOT / "schemas/examples/sample-case.json").read_text("utf-8"))


def large_case(risks: int = 40, meetings: int = 12, participants: int = 36, statements: int = 20) -> dict:
    """The sample grown to ``risks`` risks and ``meetings`` meetings of ``participants`` people and ``statements`` statements."""
    case = sample_case()
    case["case_id"] = "BENCH-LARGE"
    base = case["risks"][0]
    case["risks"] = []
    for n in range(risks):
        risk = copy.deepcopy(base)
        risk.pop("weight", None)
        risk.update(id=f"R{n + 1}", name=f"风险因素{n + 1}：{base['name']}", probability=PROBABILITY[2 + n % 3],
                    impact=IMPACT[1 + n % 4], residual_probability=PROBABILITY[n % 2], residual_impact=IMPACT[n % 2])
        case["risks"].append(risk)
    template = case["consultation"]["meetings"][0]
    start = date(2026, 3, 9)
    case["consultation"]["meetings"] = []
    for m in range(meetings):
        meeting = copy.deepcopy(template)
        meeting["kind"] = ("座谈会", "听证会", "论证会")[m % 3]
        meeting["title"] = f"第{m + 1}次{meeting['kind']}"
        meeting["date"] = (start + timedelta(days=m)).isoformat()
        meeting["participants"] = [
            {"name": f"参会人{m + 1}-{p + 1}", "category": CATEGORIES[p % len(CATEGORIES)], "unit": f"单位{p + 1}"}
            for p in range(participants)
        ]
        meeting["statements"] = [
            {"speaker": f"参会人{m + 1}-{s % participants + 1}", "content": f"第{s + 1}条意见：" + "希望做好群众工作，" * 4,
             "response": "采纳。将在实施方案中落实。"}
            for s in range(statements)
        ]
        case["consultation"]["meetings"].append(meeting)
    return case


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median seconds of ``runs`` calls, after one warm-up call (imports, compiled templates, caches)."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tree_cpu_seconds(pid: int, descendants: list[int]) -> float:
    """CPU time (user + system, with that of reaped children) used so far by ``pid`` and ``descendants`` (LibreOffice
    included): on a machine shared with other work, far steadier than wall time."""
    ticks = 0
    for each in [pid, *descendants]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")
