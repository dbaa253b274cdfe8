"""Doing one job, wherever it runs (a Celery worker or the web process's own threads).

``run_job(job_id, register)`` is idempotent: a job already finished is left alone; a job whose input key has an
archived result is answered from it; otherwise the result is made by the same functions as the synchronous
routes (``generate``, ``render_document``, ``generate_period_report``, ``Register.package``), so the bytes are
the same, and stored as a blob under its SHA-256. Only the first finisher records it (and notifies the
callback): two workers finishing the same job leave one archived result and one notification.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

from service.errors import WenpingError
from service.jobs.callback import notify
from service.register import Register, RegisterUnavailable
from service.register.jobs import Job
from service.settings import Settings, current_settings

log = logging.getLogger("wenping.jobs")

ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
INTERNAL = "服务器处理任务时出错，已记录日志。请重新提交；如仍出错，请联系系统管理员。"


@dataclass(frozen=True)
class Result:
    data: bytes
    name: str
    mimetype: str


def make_result(request: dict, register: Register) -> Result:
    """The job's file, made exactly as the synchronous route makes it."""
    from service.render.template_sets import resolve_template_set

    name = request.get("template_set")
    templates = resolve_template_set(name) if name not in (None, "default") else None  # None: the default set
    kind = request["kind"]
    if kind == "package" and request.get("case_id") is not None:
        filed = register.package(request["case_id"], request.get("version"), pdf=request.get("pdf", False), templates=templates)
        return Result(filed.data, filed.package.file_name, ZIP)
    data = request["case"] if request.get("case") is not None else register.version(request["case_id"], request.get("version")).data()
    if kind == "package":
        from service.generate import generate

        package = generate(data, pdf=request.get("pdf", False), templates=templates)
        return Result(package.data, package.file_name, ZIP)
    if kind == "document":
        from service.generate import render_document

        document = request["document"]
        meeting = request.get("meeting") if document == "minutes" else None
        fmt = request.get("format", "docx")
        file = render_document(data, document, meeting=meeting, templates=templates, fmt=fmt)
        return Result(file.data, file.name, PDF if fmt == "pdf" else DOCX)
    from service.generate_period import generate_period_report

    name, payload, mimetype = generate_period_report(data, pdf=request.get("pdf", False))
    return Result(payload, name, mimetype)


def problem_of(exc: WenpingError) -> tuple[dict, list]:
    """What a failed job shows: the error's code, status, title and client-facing detail, and its errors."""
    if exc.internal:
        log.error("job failed: %s", exc, exc_info=exc)
        return {"type": f"urn:wenping:problem:{exc.code}", "title": exc.title, "status": 500, "detail": INTERNAL}, []
    members = exc.members()
    problem = {"type": f"urn:wenping:problem:{exc.code}", "title": exc.title, "status": exc.status, "detail": exc.detail}
    return problem, list(members.get("errors", []))


def run_job(job_id: str, register: Register, settings: Optional[Settings] = None) -> Optional[Job]:
    """Do the job (unless it has finished); the job as it ended, or None when there is no such job.

    ``RegisterUnavailable`` propagates: the database is down, and the job must be tried again later.
    """
    settings = settings or current_settings()
    store = register.jobs
    if not store.start(job_id):
        return None
    job = store.get(job_id)
    archived = store.archived(job.input_key)
    try:
        if archived is not None:
            finished = store.finish(job_id, archived.result_sha256, archived.result_name, archived.result_type, archived.result_size)
        else:
            result = make_result(job.request, register)
            digest = register.blobs.put(result.data)
            finished = store.finish(job_id, digest, result.name, result.mimetype, len(result.data))
    except RegisterUnavailable:
        raise
    except WenpingError as exc:
        problem, errors = problem_of(exc)
        finished = store.fail(job_id, problem, errors)
    except Exception as exc:  # a bug: this job fails, the worker goes on
        log.error("job %s failed", job_id, exc_info=exc)
        finished = store.fail(job_id, {"type": "urn:wenping:problem:internal-error", "title": "服务器内部错误",
                                       "status": 500, "detail": INTERNAL}, [])
    job = store.get(job_id)
    if finished and job.callback_url:
        notify(job, settings)
    return job
