"""CLI start-up: `wenping --help` and `wenping validate` on the sample, as a user's shell starts them.

Baselines measured in the same run: a bare interpreter (`python -c pass`: the floor no CLI can go under) and
the eager import the CLI did before it imported the pipeline inside its commands (`import service.cli,
service.generate`: what every command, `--help` included, used to load). Bytecode is written and used as in an
installed package (PYTHONDONTWRITEBYTECODE is dropped). Medians of BENCH_RUNS (default 9) runs after one warm-up.
Run with `make bench`; not part of `make test`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import median_time  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
PYTHON = ROOT / ".venv" / "bin" / "python"
WENPING = ROOT / ".venv" / "bin" / "wenping"
SAMPLE = ROOT / "schemas" / "examples" / "sample-case.json"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(*command: str):
    return lambda: subprocess.run(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def cpu_seconds(command: tuple[str, ...], runs: int) -> float:
    """Median CPU time (user + system) of the command's process: what wall time is on an idle machine,
    and much less disturbed than wall time when others share the cores."""
    times = []
    for _ in range(runs + 1):
        proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        times.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times[1:])


def main() -> None:
    rows = [
        ("python -c pass (floor)", (str(PYTHON), "-c", "pass")),
        ("import service.cli, service.generate (the eager CLI before)", (str(PYTHON), "-c", "import service.cli, service.generate")),
        ("wenping --help", (str(WENPING), "--help")),
        ("wenping validate sample-case.json", (str(WENPING), "validate", str(SAMPLE))),
    ]
    print(f"CLI start-up, median of {RUNS} runs (s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| command | wall (s) | CPU (s) |")
    print("|---|---|---|")
    for name, command in rows:
        print(f"| {name} | {median_time(run(*command), RUNS):.3f} | {cpu_seconds(command, RUNS):.3f} |")


if __name__ == "__main__":
    main()
