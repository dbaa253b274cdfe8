"""The worker-process side of a batch: set up once per process, then generate one case per call.

Workers are spawned: each compiles the templates once and, with PDF output, owns one
converter with a single LibreOffice worker, closed when the process ends. A worker
writes a case's zip only under a temporary name; the parent renames it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any, Optional

from service.batch.inputs import input_digest, os_problem, output_name
from service.errors import InvalidInput, WenpingError
from service.files import os_reason, temp_name, write_synced

SIGMASK = hasattr(signal, "pthread_sigmask")

_worker: dict[str, Any] = {}


def init_worker(template_set_name: Optional[str], pdf: bool) -> None:
    """Per process: ignore Ctrl-C (the parent decides), compile templates, own a converter."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if SIGMASK:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while spawning
    signal.signal(signal.SIGTERM, _worker_terminated)
    try:
        from service.generate import generate  # noqa: F401  (import once, up front)
        from service.context.registry import PACKAGE_KEYS
        from service.render.template_sets import resolve_template_set

        templates = _worker["templates"] = resolve_template_set(template_set_name)
        for kind in PACKAGE_KEYS:  # compile now, so that a case's time is its own
            try:
                templates.template(kind)
            except Exception:  # reported by the cases that need it
                pass
        if pdf:
            from service.pdf import new_converter

            converter = new_converter(pool_size=1)
            _worker["converter"] = converter
            multiprocessing.util.Finalize(converter, converter.close, exitpriority=50)
    except Exception as exc:  # reported with every case of this process
        _worker["error"] = f"处理进程无法启动：{exc}"
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), daemon=True).start()


def _exit_with_parent(sentinel: int) -> None:
    """The parent was killed outright (it stops us itself otherwise): do not outlive it."""
    multiprocessing.connection.wait([sentinel])
    _worker_terminated(signal.SIGTERM, None)


def _worker_terminated(signum, frame) -> None:
    """Stopped by the parent: close the converter (bounded: the signal may have come while
    it held its lock; if so, its LibreOffice worker sees EOF and quits by itself), exit."""
    converter = _worker.get("converter")
    if converter is not None:
        closer = threading.Thread(target=_close_quietly, args=(converter,), daemon=True)
        closer.start()
        closer.join(5)
    os._exit(128 + signum)


def _close_quietly(converter) -> None:
    try:
        converter.close()
    except Exception:
        pass


def generate_one(path: str, pdf: bool, outdir: str, suffix: str) -> dict:
    """Generate one case in a worker; a small plain dict back, never an exception.

    The zip goes to a temporary file beside its final name (the parent renames it):
    big packages do not travel through the pool's pipes, and a result message stays
    small, so a worker stopped mid-send cannot leave the pool waiting for its end.
    """
    from service.generate import generate
    from service.checks.validation import read_case_bytes

    started = time.perf_counter()

    def done(status: str, errors: list[dict], **extra) -> dict:
        return {"status": status, "errors": errors, "seconds": time.perf_counter() - started, **extra}

    if "error" in _worker:
        return done("failed", [{"path": "", "message": _worker["error"]}])
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return done("invalid", [{"path": "", "message": os_problem(Path(path), exc)}])
    input_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        data = read_case_bytes(raw)
        input_sha256 = input_digest(data)
        package = generate(data, pdf=pdf, templates=_worker["templates"], converter=_worker.get("converter"))
    except WenpingError as exc:  # the case's own errors, or conversion, rendering, profile
        return done(*case_outcome(exc), input_sha256=input_sha256)
    except Exception as exc:  # a bug: this case fails, the batch goes on
        message = f"内部错误（{type(exc).__name__}）：{exc}"
        return done("failed", [{"path": "", "message": message}], input_sha256=input_sha256)
    name = output_name(package.file_name, suffix)
    temp = Path(outdir) / temp_name(name, os.getpid())
    try:
        write_synced(temp, package.data)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        message = f"无法写入 {temp.parent}（{os_reason(exc)}）"
        return done("failed", [{"path": "", "message": message}], input_sha256=input_sha256)
    return done(
        "ok",
        [],
        input_sha256=input_sha256,
        case_id=package.manifest.get("case_id"),
        output=name,
        temp=str(temp),
        output_sha256=hashlib.sha256(package.data).hexdigest(),
    )


def case_outcome(exc: WenpingError) -> tuple[str, list[dict]]:
    """The status and errors a case's ``WenpingError`` is recorded with.

    An error of the input (HTTP status 4xx: unreadable, invalid) makes the case ``invalid``,
    listing every error an invalid input has; anything else (PDF conversion, templates, risk
    profile) makes it ``failed`` with the error's message.
    """
    if isinstance(exc, InvalidInput):
        return "invalid", [e.as_dict() for e in exc.validation.errors]
    status = "invalid" if exc.status < 500 else "failed"
    return status, [{"path": "", "message": str(exc)}]
