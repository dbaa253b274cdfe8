"""Slow clients against `wenping serve`: /healthz latency while 50 slow connections are open.

Loopback only, bounded in count and time, stops by itself. For each set-up (``old``:
gunicorn's plain gthread worker, as served before; ``new``: the front worker that
``wenping serve`` runs now), both with 2 workers × 4 threads:

1. 25 connections dribble a request head, one header line every 2 s, and 25 send
   a head announcing a 100-byte body, then 7 bytes of it, and stall;
2. meanwhile /healthz is probed every 0.5 s (2 s client timeout) for PROBE_SECONDS;
3. how long until the server drops the stalled connections (up to DROP_WAIT s);
4. real work: 4 clients, 40 packages (POST /api/v1/packages, no PDF), packages/s.

    .venv/bin/python bench/bench_slow_clients.py          # both set-ups
    BENCH_SLOW_SETUPS=new .venv/bin/python bench/bench_slow_clients.py
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SLOW = 50
PROBE_SECONDS = float(os.environ.get("BENCH_SLOW_PROBE_SECONDS", "20"))
DROP_WAIT = 40.0
PACKAGES = 40
SETUPS = os.environ.get("BENCH_SLOW_SETUPS", "old,new").split(",")

SERVER = """
import sys
from service.settings import current_settings
from service.web.server import WenpingServer, front_limits, gunicorn_options, _say
settings = current_settings()
options = gunicorn_options("127.0.0.1", 0, 2, 4, 300, front_limits(settings))
if sys.argv[1] == "old":
    options["worker_class"] = "gthread"
WenpingServer(options, settings=settings).run()
"""


def start(setup: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env.update({"TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"})
    proc = subprocess.Popen(
        [PYTHON, "-c", SERVER, setup], cwd=str(ROOT), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    for raw in proc.stdout:
        match = re.search(r"稳评服务已启动：http://(127\.0\.0\.1:\d+)", raw.decode("utf-8", "replace"))
        if match:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            url = "http://" + match.group(1)
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=2).read()
                    return proc, url
                except OSError:
                    time.sleep(0.2)
            break
    stop(proc)
    raise RuntimeError(f"{setup} server did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def open_slow(address: tuple[str, int]) -> list[tuple[socket.socket, str]]:
    conns = []
    for i in range(SLOW):
        sock = socket.create_connection(address, timeout=5)
        if i % 2:
            sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\n")
            conns.append((sock, "head"))
        else:
            sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"a\": 1")
            conns.append((sock, "body"))
    return conns


def dribble(conns, stop_at: float) -> None:
    """One more header line on every head-dribbling connection each 2 s, until stop_at."""
    n = 0
    while time.monotonic() < stop_at:
        time.sleep(2)
        n += 1
        for sock, kind in conns:
            if kind == "head":
                try:
                    sock.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
                except OSError:
                    pass


def probe(url: str, seconds: float) -> tuple[list[float], int]:
    times, failed = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).read()
            times.append(time.monotonic() - started)
        except OSError:
            failed += 1
        time.sleep(max(0.0, 0.5 - (time.monotonic() - started)))
    return times, failed


def dropped_after(conns, started: float) -> list[float]:
    """Seconds after `started` at which the server closed each stalled connection (None: still open)."""
    result: list = [None] * len(conns)
    waiting = selectors.DefaultSelector()
    for index, (sock, _) in enumerate(conns):
        sock.setblocking(False)
        waiting.register(sock, selectors.EVENT_READ, index)
    while waiting.get_map() and time.monotonic() < started + DROP_WAIT:
        for key, _ in waiting.select(timeout=0.2):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                result[key.data] = time.monotonic() - started
                waiting.unregister(key.fileobj)
    waiting.close()
    return result


def throughput(url: str) -> float:
    body = json.dumps(json.loads((ROOT / "schemas/examples/sample-case.json").read_text("utf-8"))).encode()

    def one(_):
        req = urllib.request.Request(url + "/api/v1/packages", data=body, headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=120).read()

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(PACKAGES)))
    return PACKAGES / (time.monotonic() - started)


def run(setup: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f"wenping-bench-slow-{setup}-"))
    proc, url = start(setup, tmp)
    try:
        host, port = url[len("http://"):].split(":")
        rate = throughput(url)
        started = time.monotonic()
        conns = open_slow((host, int(port)))
        feeder = threading.Thread(target=dribble, args=(conns, started + DROP_WAIT), daemon=True)
        feeder.start()
        with concurrent.futures.ThreadPoolExecutor(1) as watcher:
            watching = watcher.submit(dropped_after, conns, started)
            times, failed = probe(url, PROBE_SECONDS)
            drops = watching.result()
        for sock, _ in conns:
            sock.close()
        feeder.join()
        print(f"[{setup}] real work, no slow clients: {rate:.2f} packages/s (4 clients, {PACKAGES} packages)")
        if times:
            print(f"[{setup}] /healthz with {SLOW} slow connections open: {len(times)} answered, {failed} timed out (2 s); "
                  f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
        else:
            print(f"[{setup}] /healthz with {SLOW} slow connections open: none answered, {failed} timed out (2 s)")
        for kind in ("head", "body"):
            seen = [d for d, (_, k) in zip(drops, conns) if k == kind]
            closed = [d for d in seen if d is not None]
            text = f"{len(closed)}/{len(seen)} dropped"
            if closed:
                text += f", after {min(closed):.1f}–{max(closed):.1f} s"
            print(f"[{setup}] stalled {kind} connections within {DROP_WAIT:.0f} s: {text}")
    finally:
        stop(proc)


def main() -> None:
    for setup in SETUPS:
        run(setup)


if __name__ == "__main__":
    main()
