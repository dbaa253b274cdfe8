"""The jobs routes: submit work now, fetch it later (``/api/v1/jobs``).

A thin door on ``service.jobs.Jobs``: ``POST`` answers 202 with ``Location`` at once (the case is checked
first: 400/404/422 queue nothing); ``GET /<id>`` the status; ``GET /<id>/result`` the file, byte for byte what
the synchronous route gives. A job is visible only to the API key that made it (404 for any other key).
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, current_app, request

from service.checks.validation import CaseReadError, read_json
from service.jobs import Jobs, owner_of
from service.settings import current_settings
from service.web import SETTINGS_KEY
from service.web.api import JSON_TYPES, json_response, read_body
from service.web.auth import bearer_token, keys_configured, require_key
from service.web.cases import register
from service.web.generation import ascii_fallback, download
from service.web.problems import ApiProblem

bp = Blueprint("jobs", __name__, url_prefix="/api/v1")

JOBS_KEY = "wenping_jobs"
_open_lock = threading.Lock()


def jobs() -> Jobs:
    """The app's jobs door, made on first use (with the register it shares)."""
    with _open_lock:
        if JOBS_KEY not in current_app.extensions:
            settings = current_app.extensions.get(SETTINGS_KEY) or current_settings()
            current_app.extensions[JOBS_KEY] = Jobs(register(), settings)
        return current_app.extensions[JOBS_KEY]


def owner() -> str:
    return owner_of(bearer_token() if keys_configured() else None)


def job_body():
    mimetype = request.mimetype
    if mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
        shown = f"，实际为「{mimetype[:60]}」" if mimetype else "（请求未注明 Content-Type）"
        raise ApiProblem(415, f"请以 JSON 提交任务：Content-Type 应为 application/json{shown}")
    try:
        return read_json(read_body())
    except CaseReadError as exc:
        raise CaseReadError(f"无法读取任务请求：{exc}") from None
    except RecursionError:
        raise CaseReadError("无法读取任务请求：JSON 嵌套层数过深") from None


@bp.post("/jobs")
@require_key
def submit() -> Response:
    door = jobs()
    job = door.submit(owner(), job_body())
    response = json_response(door.status(job.id, job.owner), status=202)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return response


@bp.get("/jobs/<job_id>")
@require_key
def status(job_id: str) -> Response:
    body = jobs().status(job_id, owner())
    response = json_response(body)
    if body["status"] in ("queued", "running"):
        response.headers["Retry-After"] = "1"
    return response


@bp.get("/jobs/<job_id>/result")
@require_key
def result(job_id: str) -> Response:
    job, data = jobs().result(job_id, owner())
    name = job.result_name or "result"
    suffix = name.rpartition(".")[2] if "." in name else "bin"
    return download(data, name, job.result_type or "application/octet-stream",
                    fallback=ascii_fallback(f"wenping_job_{job.id}.{suffix}"), X_Wenping_Result_Sha256=job.result_sha256 or "")
