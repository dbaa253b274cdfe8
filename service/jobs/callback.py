"""Telling the caller a job ended: ``POST callback_url`` with the job's status, signed with HMAC-SHA256.

    X-Wenping-Signature: sha256=<hex HMAC-SHA256 of the body, key WENPING_CALLBACK_SECRET>
    X-Wenping-Job: <job id>

The receiver recomputes the HMAC over the raw body and compares in constant time. A failed delivery is
tried again twice (after 1 and 3 seconds), then logged: the job's status stays readable with GET.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from service.register.jobs import Job
from service.settings import Settings

log = logging.getLogger("wenping.jobs")

SIGNATURE_HEADER = "X-Wenping-Signature"
DELAYS = (1.0, 3.0)
TIMEOUT = 10.0


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def status_body(job: Job) -> dict:
    """A job's status as ``GET /api/v1/jobs/<id>`` answers it (also the callback's body)."""
    result = None
    if job.status == "done":
        result = {
            "url": f"/api/v1/jobs/{job.id}/result",
            "file_name": job.result_name,
            "media_type": job.result_type,
            "bytes": job.result_size,
            "sha256": job.result_sha256,
        }
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": {"done": job.done, "total": job.total},
        "errors": job.errors,
        "problem": job.problem,
        "result": result,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def notify(job: Job, settings: Settings) -> bool:
    """Send the callback; True when the receiver answered 2xx."""
    if not job.callback_url or settings.callback_secret is None:
        return False
    body = json.dumps(status_body(job), ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(settings.callback_secret.get_secret_value(), body),
        "X-Wenping-Job": job.id,
    }
    for attempt, delay in enumerate((0.0, *DELAYS)):
        time.sleep(delay)
        request = urllib.request.Request(job.callback_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                if 200 <= response.status < 300:
                    return True
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.warning("callback of job %s, attempt %d: %s", job.id, attempt + 1, exc)
    return False
