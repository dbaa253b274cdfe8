"""PDF benchmark: the sample case's PDF package, cold and warm, against one-shot soffice.

Prints medians of repeated runs, each beside the baseline measured in the same run
(`soffice --headless --convert-to pdf` over the same .docx files in one call). "Warm" is a converter that has made
a package before: its LibreOffice workers are running and the page-number sheets, which depend on the template
alone (``SheetsMemo``), are converted; the row after it forgets the sheets before every package.
Nothing of the case's own documents is kept between packages: every document is converted every time.
Run with `make bench`; not part of `make test`.
"""

from __future__ import annotations

import json
import resource
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import tree_cpu_seconds  # noqa: E402
from service.generate import generate, prepare, render_docx, sheets_memo  # noqa: E402
from service.pdf import new_converter  # noqa: E402
from service.pdf.converter import FONTS_CONF  # noqa: E402
from service.render.template_sets import default_set  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def converter_pids(conv) -> list[int]:
    """This process's LibreOffice workers and their soffice processes (found by the converter's private folder)."""
    from service.pdf.converter import processes_matching

    return processes_matching(str(conv.workdir)) if conv.workdir else []


def cpu_per_call(fn, runs: int, pids=lambda: []) -> float:
    """CPU seconds of one call: this process, ``pids()`` (long-lived helpers) and children waited for."""
    me = os.getpid()
    before = tree_cpu_seconds(me, pids()) + children_cpu()
    for _ in range(runs):
        fn()
    return (tree_cpu_seconds(me, pids()) + children_cpu() - before) / runs


def soffice_once(files: list[tuple[str, bytes]]) -> None:
    """The baseline: one cold `soffice --convert-to pdf` over every document."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (_, data) in enumerate(files):
            path = Path(tmp, f"d{i:02d}.docx")
            path.write_bytes(data)
            paths.append(str(path))
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf", "--outdir", tmp, *paths],
            check=True, capture_output=True, env=env,
        )


def main() -> None:
    case = json.loads((ROOT / "schemas/examples/sample-case.json").read_text("utf-8"))
    templates = default_set()
    prepared = prepare(case)
    files = [(d.title, render_docx(d, templates).data) for d in prepared.documents]

    baseline = timed(lambda: soffice_once(files), max(3, RUNS // 2))
    baseline_cpu = cpu_per_call(lambda: soffice_once(files), 2)

    def cold() -> None:
        with new_converter() as conv:
            generate(case, pdf=True, converter=conv)

    cold_times = timed(cold, max(3, RUNS // 2))
    with new_converter() as conv:
        conv.warm_up()
        generate(case, pdf=True, converter=conv)
        warm_times = timed(lambda: generate(case, pdf=True, converter=conv), RUNS)

        def sheets_not_yet_converted() -> None:
            sheets_memo.forget(conv)
            generate(case, pdf=True, converter=conv)

        unmemo_times = timed(sheets_not_yet_converted, RUNS)
        warm_cpu = cpu_per_call(lambda: generate(case, pdf=True, converter=conv), RUNS, lambda: converter_pids(conv))
        docx_times = timed(lambda: generate(case), RUNS)
        per_doc = {title: statistics.median(timed(lambda d=data, t=title: conv.convert(d, t), RUNS)) for title, data in files}

    med = statistics.median
    pool = new_converter().pool_size
    print(f"# PDF benchmark — sample case, {len(files)} documents, {RUNS} runs, {os.cpu_count()} cores, {pool} LibreOffice workers\n")
    print("| measure | median (s) | baseline: one `soffice --convert-to pdf` (s) | speed-up |")
    print("|---|---|---|---|")
    for label, times in (
        ("PDF package, cold (converter started inside)", cold_times),
        ("PDF package, warm", warm_times),
        ("PDF package, warm, number sheets converted too (first package of a template)", unmemo_times),
    ):
        print(f"| {label} | {med(times):.3f} | {med(baseline):.3f} | {med(baseline) / med(times):.1f}× |")
    print(f"| DOCX package (no PDF) | {med(docx_times):.3f} | | |")
    print(f"\nCPU seconds (user + system, LibreOffice included): warm PDF package {warm_cpu:.3f}, "
          f"one `soffice --convert-to pdf` {baseline_cpu:.3f} ({baseline_cpu / warm_cpu:.1f}×). "
          f"On an idle machine a warm package needs at least {warm_cpu / min(pool, os.cpu_count() or 1):.3f} s "
          f"of wall time ({pool} workers).")
    print("\n| document | warm conversion median (s) |\n|---|---|")
    for title, seconds in per_doc.items():
        print(f"| {title} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
