"""CLI start-up: `wenping --help` and `wenping validate` on the sample, as a user's shell starts them.

Baselines measured in the same run: a bare interpreter (`python -c pass`: the floor no CLI can go under) and
the eager import the CLI did before it imported the pipeline inside its commands (`import service.cli,
service.generate`: what every command, `--help` included, used to load). Bytecode is written and used as in an
installed package (PYTHONDONTWRITEBYTECODE is dropped). Medians of BENCH_RUNS (default 9) runs after one warm-up.
Run with `make bench`; not part of `make test`.
"""

from __future__ import annotations

import os
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


def main() -> None:
    rows = [
        ("python -c pass (floor)", run(str(PYTHON), "-c", "pass")),
        ("import service.cli, service.generate (the eager CLI before)", run(str(PYTHON), "-c", "import service.cli, service.generate")),
        ("wenping --help", run(str(WENPING), "--help")),
        ("wenping validate sample-case.json", run(str(WENPING), "validate", str(SAMPLE))),
    ]
    print(f"CLI start-up, median of {RUNS} runs (s)")
    print("| command | median (s) |")
    print("|---|---|")
    for name, fn in rows:
        print(f"| {name} | {median_time(fn, RUNS):.3f} |")


if __name__ == "__main__":
    main()
