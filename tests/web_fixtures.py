"""Helpers for the web tests: the Flask app, a real ``wenping serve`` subprocess, PDF capability."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from service.web import create_app
from .helpers import live_processes

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
WENPING = BIN / "wenping" if (BIN / "wenping").exists() else Path(sys.executable).with_name("wenping")
SAMPLE_PATH = ROOT / "schemas" / "examples" / "sample-case.json"
ARTIFACTS = Path(__file__).resolve().parent / "web_artifacts"

KEY = "test-key-5f0c2a9e71d4"
AUTH = {"Authorization": f"Bearer {KEY}"}



def app_with(**config):
    app = create_app(config)
    app.config["TESTING"] = True
    return app


def zip_manifest(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return json.loads(archive.read("manifest.json"))


# ---------------------------------------------------------------- live server


@dataclass
class LiveServer:
    proc: subprocess.Popen
    url: str
    tmpdir: Path
    lines: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[dict] = None, timeout: float = 120):
        """(status, headers, body) of a real HTTP request; HTTP errors are answers, not exceptions."""
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def log(self) -> str:
        return "".join(self.lines)


def processes_under(path: Path) -> list[tuple[int, str]]:
    """Live processes whose command line mentions path (the server's private TMPDIR)."""
    return live_processes(path)


def start_server(tmpdir: Path, *args: str, env: Optional[dict] = None, timeout: float = 30) -> LiveServer:
    """``wenping serve --port 0 …`` in a subprocess with a private TMPDIR; waits for its address."""
    tmpdir.mkdir(parents=True, exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    full_env.update({"TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1"})
    full_env.update(env or {})
    proc = subprocess.Popen(
        [str(WENPING), "serve", "--host", "127.0.0.1", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=full_env,
        cwd=str(tmpdir),
        start_new_session=True,
    )
    server = LiveServer(proc, "", tmpdir)
    ready = threading.Event()

    def pump() -> None:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            server.lines.append(line)
            match = re.search(r"稳评服务已启动：(http://127\.0\.0\.1:\d+)", line)
            if match and not server.url:
                server.url = match.group(1)
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout) or not server.url:
        stop_server(server)
        raise RuntimeError("wenping serve did not start:\n" + server.log())
    # Workers boot after the master listens: wait until one answers.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if server.request("GET", "/healthz", timeout=5)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("wenping serve did not answer:\n" + server.log())


def stop_server(server: LiveServer, timeout: float = 40) -> int:
    """SIGTERM (graceful), then SIGKILL the group if it hangs; returns the exit code."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=10)
    return server.proc.returncode
