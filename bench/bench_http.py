"""HTTP benchmark: the production server (gunicorn, `wenping serve`) under 1, 4 and 8 clients.

Prints packages per second and p50/p95 latency, DOCX-only and with PDF, beside
the baseline measured in the same run: the same packages made in-process, one
after another, with no HTTP; and the CPU time the server (its workers and their
LibreOffice processes) spent per package, which other work on a shared machine
disturbs far less than wall time: on an otherwise idle machine, cores ÷ that is the
most packages per second the server can make. Then the peak resident memory of the service
processes (gunicorn master and workers, LibreOffice excluded) and of each
LibreOffice worker.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cases import sample_case, tree_cpu_seconds  # noqa: E402
from service.generate import generate  # noqa: E402
from service.pdf import new_converter  # noqa: E402

DOCX_PER_CLIENT = int(os.environ.get("BENCH_HTTP_REQUESTS", "25"))
PDF_PER_CLIENT = int(os.environ.get("BENCH_HTTP_PDF_REQUESTS", "3"))
BODY = json.dumps(sample_case(), ensure_ascii=False).encode("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, path: str) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("POST", path, BODY, {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status != 200 or not data.startswith(b"PK"):
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return time.perf_counter() - start


def load(port: int, path: str, clients: int, per_client: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(per_client):
            seconds = post(port, path)
            with lock:
                latencies.append(seconds)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return clients * per_client / (time.perf_counter() - start), latencies


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):  # peak resident set size
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout.split("\n")
    children: dict[int, list[int]] = {}
    for line in filter(None, (l.split() for l in out)):
        children.setdefault(int(line[1]), []).append(int(line[0]))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    case = sample_case()
    docx_baseline = statistics.median([_timed(lambda: generate(case)) for _ in range(15)])
    with new_converter() as conv:
        generate(case, pdf=True, converter=conv)
        pdf_baseline = statistics.median([_timed(lambda: generate(case, pdf=True, converter=conv)) for _ in range(3)])

    port = free_port()
    env = dict(os.environ, TMPDIR=tempfile.mkdtemp(prefix="wenping-bench-"))
    env.pop("WENPING_API_KEYS", None)
    server = subprocess.Popen([str(ROOT / ".venv/bin/wenping"), "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        post(port, "/api/v1/packages")  # first request of a worker imports and compiles
        # Four at once, so that every service worker has started its LibreOffice pool before anything is measured.
        load(port, "/api/v1/packages?pdf=1", 4, 1)
        print(f"# HTTP benchmark — gunicorn, 2 workers × 4 threads, {os.cpu_count()} cores\n")
        print("| package | clients | packages/s | p50 (ms) | p95 (ms) | baseline: in-process, sequential (packages/s) "
              "| server CPU s per package |")
        print("|---|---|---|---|---|---|---|")
        for label, path, per_client, baseline in (
            ("DOCX", "/api/v1/packages", DOCX_PER_CLIENT, 1 / docx_baseline),
            ("with PDF", "/api/v1/packages?pdf=1", PDF_PER_CLIENT, 1 / pdf_baseline),
        ):
            for clients in (1, 4, 8):
                cpu = tree_cpu_seconds(server.pid, descendants(server.pid))
                rate, lat = load(port, path, clients, per_client)
                cpu = (tree_cpu_seconds(server.pid, descendants(server.pid)) - cpu) / (clients * per_client)
                print(f"| {label} | {clients} | {rate:.1f} | {pct(lat, .5) * 1000:.0f} | {pct(lat, .95) * 1000:.0f} | {baseline:.1f} "
                      f"| {cpu:.3f} |")
        service, office = [], []
        for pid in [server.pid, *descendants(server.pid)]:
            line = cmdline(pid)
            if "soffice.bin" in line:
                office.append(rss_kib(pid))
            elif not any(part in line for part in ("libreoffice", "oosplash", "soffice", "uno_worker")):
                service.append(rss_kib(pid))
        print("\n| process | peak RSS (MiB) |\n|---|---|")
        for n, kib in enumerate(service):
            print(f"| service {'master' if n == 0 else f'worker {n}'} | {kib / 1024:.0f} |")
        for n, kib in enumerate(office, 1):
            print(f"| LibreOffice worker {n} | {kib / 1024:.0f} |")
    finally:
        server.terminate()
        server.wait(timeout=60)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
