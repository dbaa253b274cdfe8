"""Workbook benchmark: writing and reading the case workbook, beside reading the same case as JSON (same run).

Baseline: ``read_json`` + ``validate`` of the case's JSON bytes, what a JSON upload costs before generation.
Prints medians for the sample case and the large case (40 risks, 12 meetings × 36 participants × 20 statements).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import large_case, median_time, sample_case  # noqa: E402
from service.checks.validation import read_json, validate  # noqa: E402
from service.model.case import Case  # noqa: E402
from service.workbook import read_workbook, workbook_bytes  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))


def main() -> None:
    print("| case | write workbook (ms) | read + validate workbook (ms) | baseline: read + validate JSON (ms) | workbook size (KB) |")
    print("|---|---|---|---|---|")
    for name, case in (("sample", sample_case()), ("large", large_case())):
        data = Case.model_validate(case).model_dump(mode="json", exclude_none=True)
        raw_json = json.dumps(case, ensure_ascii=False).encode("utf-8")
        raw_xlsx = workbook_bytes(data)
        write = median_time(lambda: workbook_bytes(data), RUNS)
        read = median_time(lambda: validate(read_workbook(raw_xlsx)), RUNS)
        baseline = median_time(lambda: validate(read_json(raw_json)), RUNS)
        print(f"| {name} | {write * 1000:.0f} | {read * 1000:.0f} | {baseline * 1000:.1f} | {len(raw_xlsx) / 1024:.0f} |")


if __name__ == "__main__":
    main()
