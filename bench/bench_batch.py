"""Batch benchmark: `wenping batch` over 200 cases with --jobs 2, packages per second.

Baseline, measured in the same run: the same 200 cases generated in-process, one
after another (no process start-up, no parallelism).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import sample_case  # noqa: E402
from service.generate import generate  # noqa: E402

CASES = int(os.environ.get("BENCH_BATCH_CASES", "200"))
RUNS = int(os.environ.get("BENCH_BATCH_RUNS", "3"))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="wenping-bench-batch-"))
    try:
        inputs = work / "cases"
        inputs.mkdir()
        cases = []
        for n in range(CASES):
            case = sample_case()
            case["case_id"] = f"BENCH-{n:04d}"
            cases.append(case)
            (inputs / f"case-{n:04d}.json").write_text(json.dumps(case, ensure_ascii=False), "utf-8")

        start = time.perf_counter()
        for case in cases:
            generate(case)
        baseline = CASES / (time.perf_counter() - start)

        rates = []
        for run in range(RUNS):
            out = work / f"out-{run}"
            start = time.perf_counter()
            subprocess.run([str(ROOT / ".venv/bin/wenping"), "batch", str(inputs), "-o", str(out), "--jobs", "2"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rates.append(CASES / (time.perf_counter() - start))
        rates.sort()
        print(f"# Batch benchmark — {CASES} cases, DOCX, {RUNS} runs, {os.cpu_count()} cores\n")
        print("| measure | packages/s (median) | baseline: in-process sequential (packages/s) |")
        print("|---|---|---|")
        print(f"| `wenping batch --jobs 2` (process start-up included) | {rates[len(rates) // 2]:.1f} | {baseline:.1f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
