"""CLI start-up: `wenping --help` and `wenping validate` on the sample, as a user's shell starts them.

Baselines measured in the same run: a bare interpreter (`python -c pass`: the floor no CLI can go under) and
the eager import the CLI did before it imported the pipeline inside its commands (`import service.cli,
service.generate`: what every command, `--help` included, used to load). Bytecode is written and used as in an
installed package (PYTHONDONTWRITEBYTECODE is dropped). Medians of BENCH_RUNS (default 9) runs after one warm-up
round, the commands taking turns (``medians``).
Run with `make bench`; not part of `make test`.

``BENCH_BEFORE=<git revision>`` adds `wenping validate` as the code of that revision runs it (its tree exported
with ``git archive``, started as ``python -P -m service.cli`` with the tree first on PYTHONPATH), so that a change's
before and after are timed in the same run; ``BENCH_BEFORE_PATH`` adds folders holding packages that revision
needs and the venv no longer has (e.g. ``pip install --target DIR --no-deps pydantic-settings python-dotenv``).
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
PYTHON = ROOT / ".venv" / "bin" / "python"
WENPING = ROOT / ".venv" / "bin" / "wenping"
SAMPLE = ROOT / "schemas" / "examples" / "sample-case.json"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: tuple[str, ...], env: dict) -> tuple[float, float]:
    """One run of the command: (wall seconds, CPU seconds of its process, user + system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def medians(rows: list, runs: int) -> list[tuple[float, float]]:
    """(median wall, median CPU) of each row, after one warm-up round. The rows take turns, run after run, so
    that the others' load on the machine, which comes and goes, weighs on every row alike. CPU time is what
    wall time is on an idle machine, and much less disturbed than wall time when others share the cores."""
    walls: list[list[float]] = [[] for _ in rows]
    cpus: list[list[float]] = [[] for _ in rows]
    for round_number in range(runs + 1):
        for index, (_name, command, env) in enumerate(rows):
            wall, cpu = timed(command, env)
            if round_number:
                walls[index].append(wall)
                cpus[index].append(cpu)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus)]


def exported_tree(revision: str, folder: Path) -> Path:
    """The repository's files at ``revision``, written under ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True).stdout
    tree = folder / revision
    tree.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def before_row(revision: str, folder: Path):
    """`wenping validate` as ``revision``'s code runs it: the command and its environment."""
    tree = exported_tree(revision, folder)
    extra = [p for p in os.environ.get("BENCH_BEFORE_PATH", "").split(os.pathsep) if p]
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(tree), *extra])}
    return f"wenping validate sample-case.json, code of {revision} (before)", (str(PYTHON), "-P", "-m", "service.cli", "validate", str(SAMPLE)), env


def main() -> None:
    rows = [
        ("python -c pass (floor)", (str(PYTHON), "-c", "pass"), ENV),
        ("import service.cli, service.generate (the eager CLI before)", (str(PYTHON), "-c", "import service.cli, service.generate"), ENV),
        ("wenping --help", (str(WENPING), "--help"), ENV),
        ("wenping validate sample-case.json", (str(WENPING), "validate", str(SAMPLE)), ENV),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        if os.environ.get("BENCH_BEFORE"):
            rows.append(before_row(os.environ["BENCH_BEFORE"], Path(folder)))
        print(f"CLI start-up, median of {RUNS} runs (s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("| command | wall (s) | CPU (s) |")
        print("|---|---|---|")
        for (name, _command, _env), (wall, cpu) in zip(rows, medians(rows, RUNS)):
            print(f"| {name} | {wall:.3f} | {cpu:.3f} |")


if __name__ == "__main__":
    main()
