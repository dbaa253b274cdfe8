"""Helpers for the jobs tests: real ``wenping worker`` processes on a real Redis, and a callback receiver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

from .redis_server import RedisServer
from .web_fixtures import WENPING

CALLBACK_SECRET = "callback-secret-3c1f9a"
#: Short, so that a job of a killed worker comes back within seconds (long enough for a cold PDF job).
VISIBILITY_TIMEOUT = "8"


@dataclass
class Worker:
    proc: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the worker's whole process group, as a crashed machine would lose it (no goodbye to Redis)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""


@dataclass
class Farm:
    """A Redis, a state folder (the register: SQLite + blobs) and the workers sharing them."""

    redis: RedisServer
    state_dir: Path
    root: Path
    workers: list[Worker] = field(default_factory=list)

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
        env.update(WENPING_BROKER_URL=self.redis.url, WENPING_STATE_DIR=str(self.state_dir),
                   WENPING_JOB_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT, WENPING_CALLBACK_SECRET=CALLBACK_SECRET,
                   WENPING_PDF_WORKERS="1", PYTHONUNBUFFERED="1")
        return env

    def start_worker(self, concurrency: int = 1, timeout: float = 60) -> Worker:
        number = len(self.workers) + 1
        tmp = self.root / f"worker{number}"
        tmp.mkdir(parents=True, exist_ok=True)
        log = self.root / f"worker{number}.log"
        proc = subprocess.Popen([str(WENPING), "worker", "--concurrency", str(concurrency)], env={**self.env(), "TMPDIR": str(tmp)},
                                stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True, cwd=str(tmp))
        worker = Worker(proc, log)
        self.workers.append(worker)
        deadline = time.monotonic() + timeout
        while " ready." not in worker.text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("wenping worker did not start:\n" + worker.text()[-3000:])
            time.sleep(0.1)
        return worker

    def live_workers(self) -> list[Worker]:
        return [w for w in self.workers if w.proc.poll() is None]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


class CallbackReceiver:
    """An HTTP server on loopback that keeps every POST it gets: (headers, body)."""

    def __init__(self) -> None:
        received = self.received = []
        self.arrived = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()
                outer.arrived.set()

            def log_message(self, *args):
                pass

        outer = self
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/done"

    def wait(self, count: int, timeout: float = 60) -> list:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_job(client, location: str, headers: Optional[dict] = None, timeout: float = 120) -> dict:
    """Poll ``GET location`` (a Flask test client) until the job has finished; its status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(location, headers=headers or {})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {location} did not finish in {timeout} s: {body}")


def wait_jobs(store, ids: list[str], timeout: float = 300) -> list:
    """Poll the jobs table until every job has finished; the jobs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = store.many(ids)
        if len(jobs) == len(ids) and all(j.finished for j in jobs):
            return jobs
        time.sleep(0.1)
    raise AssertionError(f"jobs not finished: {[(j.id, j.status) for j in store.many(ids) if not j.finished]}")


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
