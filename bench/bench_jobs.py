"""Jobs benchmark: packages per second through Redis and `wenping worker` processes, with 1 and 2 workers.

A real Redis (tests/redis_server.py: AOF on, fsync always) and real `wenping worker --concurrency 1` processes
sharing one register (SQLite) and blob folder, as in the tests. For each worker count: the workers are started
and warmed (one PDF job each), then N different cases are submitted at once and the clock runs until the last
job is done (DOCX packages, then packages with PDFs). Baseline in the same run: the same packages made
in-process, one after another (`generate`, a warm one-LibreOffice converter for PDFs), no queue.
Run with `make bench`; not part of `make test`. BENCH_JOBS (default 60) DOCX and BENCH_JOBS_PDF (default 8) PDF jobs.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import sample_case  # noqa: E402
from service.generate import generate  # noqa: E402
from service.jobs import Jobs  # noqa: E402
from service.pdf import new_converter  # noqa: E402
from service.register import Register  # noqa: E402
from service.settings import Settings  # noqa: E402
from tests.jobs_fixtures import Farm, wait_jobs  # noqa: E402
from tests.redis_server import start_redis  # noqa: E402

DOCX_JOBS = int(os.environ.get("BENCH_JOBS", "60"))
PDF_JOBS = int(os.environ.get("BENCH_JOBS_PDF", "8"))
_serial = iter(range(10**6))


def fresh_cases(count: int) -> list[dict]:
    """Cases never seen before (an archived result would answer a repeated one without work)."""
    base = sample_case()
    cases = []
    for _ in range(count):
        case = copy.deepcopy(base)
        case["case_id"] = f"BENCH-JOB-{next(_serial):05d}"
        cases.append(case)
    return cases


def through_jobs(door: Jobs, cases: list[dict], pdf: bool) -> float:
    """Seconds from the first submission until the last job is done."""
    start = time.perf_counter()
    ids = [door.submit("bench", {"kind": "package", "case": case, "pdf": pdf}).id for case in cases]
    jobs = wait_jobs(door.store, ids, timeout=1800)
    elapsed = time.perf_counter() - start
    assert all(j.status == "done" for j in jobs), [j.problem for j in jobs if j.status != "done"]
    return elapsed


def in_process(cases: list[dict], pdf: bool, converter) -> float:
    start = time.perf_counter()
    for case in cases:
        generate(case, pdf=pdf, converter=converter)
    return time.perf_counter() - start


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="wenping-bench-jobs-"))
    redis = start_redis()
    farm = Farm(redis, root / "state", root)
    os.environ["WENPING_PDF_WORKERS"] = "1"
    settings = Settings(state_dir=farm.state_dir, broker_url=redis.url)
    rows = []
    try:
        with new_converter(settings, pool_size=1) as converter, Register.open(settings) as register:
            door = Jobs(register, settings)
            in_process(fresh_cases(2), True, converter)  # warm: templates compiled, LibreOffice started
            docx_base = DOCX_JOBS / in_process(fresh_cases(DOCX_JOBS), False, converter)
            pdf_base = PDF_JOBS / in_process(fresh_cases(PDF_JOBS), True, converter)
            for count in (1, 2):
                while len(farm.live_workers()) < count:
                    farm.start_worker()
                through_jobs(door, fresh_cases(count * 2), True)  # each worker warm: LibreOffice started
                docx = DOCX_JOBS / through_jobs(door, fresh_cases(DOCX_JOBS), False)
                pdf = PDF_JOBS / through_jobs(door, fresh_cases(PDF_JOBS), True)
                rows.append((count, docx, pdf))
            door.close()
    finally:
        farm.stop()
        redis.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(f"Jobs through Redis and wenping worker ({DOCX_JOBS} DOCX, {PDF_JOBS} PDF packages per measure; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("| workers | DOCX packages/s | per worker | with PDF packages/s | per worker |")
    print("|---|---|---|---|---|")
    for count, docx, pdf in rows:
        print(f"| {count} | {docx:.1f} | {docx / count:.1f} | {pdf:.2f} | {pdf / count:.2f} |")
    print(f"| baseline: in-process, sequential | {docx_base:.1f} | | {pdf_base:.2f} | |")


if __name__ == "__main__":
    main()
