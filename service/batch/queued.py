"""A batch on the workers: each case submitted as a job through the broker, each result written as locally.

The parent reads the cases, submits one ``package`` job per case (``service.jobs.Jobs`` with the given broker,
owner ``batch``), polls the jobs table until every job has finished, and hands each outcome to the runner's
``accept`` in the shape a local worker gives (the zip under a temporary name, renamed by the runner). The
workers must share the register's database and blob folder with this process (``WENPING_DATABASE_URL``,
``WENPING_STATE_DIR``). Stopped early (Ctrl-C), the jobs already queued still run on the workers.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Callable, Optional

from service.batch.inputs import CaseInput, output_name
from service.batch.worker import case_outcome
from service.errors import WenpingError
from service.files import os_reason, temp_name, write_synced

OWNER = "batch"
POLL_SECONDS = 0.2


def run_queued(
    pending: list[CaseInput],
    broker: str,
    pdf: bool,
    template_set: Optional[str],
    outdir: Path,
    accept: Callable[[CaseInput, dict], None],
    stop: threading.Event,
) -> None:
    from service.checks.validation import read_json
    from service.jobs import Jobs
    from service.register import Register
    from service.settings import current_settings

    settings = current_settings()
    with Register.open(settings) as register:
        jobs = Jobs(register, settings, broker_url=broker)
        try:
            waiting: dict[str, CaseInput] = {}
            for item in pending:
                if stop.is_set():
                    return
                body = {"kind": "package", "case": read_json(item.path.read_bytes()), "pdf": pdf}
                if template_set:
                    body["template_set"] = template_set
                try:
                    waiting[jobs.submit(OWNER, body).id] = item
                except WenpingError as exc:  # invalid case, unknown template set, queue down
                    status, errors = case_outcome(exc)
                    accept(item, {"status": status, "errors": errors, "seconds": 0.0, "input_sha256": item.input_sha256})
            while waiting and not stop.is_set():
                time.sleep(POLL_SECONDS)
                for job in jobs.store.many(list(waiting)):
                    if job.finished:
                        item = waiting.pop(job.id)
                        accept(item, _outcome(job, item, jobs.store, outdir))
        finally:
            jobs.close()


def _outcome(job, item: CaseInput, store, outdir: Path) -> dict:
    """A finished job as the runner records a case: ok with a temporary zip, or invalid/failed with errors."""
    seconds = (job.finished_at - job.started_at).total_seconds() if job.started_at and job.finished_at else 0.0
    base = {"seconds": seconds, "input_sha256": item.input_sha256}
    if job.status != "done":
        problem = job.problem or {}
        status = "invalid" if int(problem.get("status", 500)) < 500 else "failed"
        errors = job.errors or [{"path": "", "message": problem.get("detail", "任务失败")}]
        return {**base, "status": status, "errors": errors}
    data = store.result(job)
    name = output_name(job.result_name or f"{job.id}.zip", item.suffix)
    temp = outdir / temp_name(name, os.getpid())
    try:
        write_synced(temp, data)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        return {**base, "status": "failed", "errors": [{"path": "", "message": f"无法写入 {outdir}（{os_reason(exc)}）"}]}
    return {**base, "status": "ok", "errors": [], "case_id": job.request.get("case", {}).get("case_id"), "output": name,
            "temp": str(temp), "output_sha256": hashlib.sha256(data).hexdigest()}
