"""Jobs: work submitted now and fetched later (``/api/v1/jobs``), run on Celery workers or in-process.

    jobs = Jobs(register, settings)        # WENPING_BROKER_URL: Celery + Redis; unset: this process's threads
    job = jobs.submit(owner_of(key), {"kind": "package", "case": {...}, "pdf": True})
    jobs.status(job.id, owner)             # {"id", "status", "progress", "errors", "result", ...}
    job, data = jobs.result(job.id, owner) # the bytes the synchronous route gives

Modules: ``requests`` (the request body, its input key), ``queue`` (``Jobs`` and the two dispatchers),
``work`` (doing one job, idempotently), ``callback`` (the signed notification), ``celery_app`` (the Celery
app, its task and ``wenping worker``), ``errors``. The state lives in the register's ``jobs`` table
(``service.register.jobs``), results in its blob folder.
"""

from service.jobs.callback import SIGNATURE_HEADER, signature, status_body
from service.jobs.errors import BadJobRequest, JobFailed, JobNotReady, QueueUnavailable
from service.jobs.queue import Jobs, owner_of
from service.jobs.requests import JobRequest
from service.jobs.work import run_job

__all__ = [
    "BadJobRequest",
    "JobFailed",
    "JobNotReady",
    "JobRequest",
    "Jobs",
    "QueueUnavailable",
    "SIGNATURE_HEADER",
    "owner_of",
    "run_job",
    "signature",
    "status_body",
]
