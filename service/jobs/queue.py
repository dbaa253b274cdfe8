"""The jobs door: submit a job, read its status and result; where the jobs run is the dispatcher's business.

    jobs = Jobs(register, settings)          # WENPING_BROKER_URL set: Celery workers; else this process's threads
    job = jobs.submit(owner, body)           # 202: the job is in the table and queued
    jobs.status(job_id, owner)               # the dict GET /api/v1/jobs/<id> answers
    job, data = jobs.result(job_id, owner)   # the result's bytes (JobNotReady / JobFailed otherwise)

``owner`` is the SHA-256 of the caller's API key (never the key): a job is visible only to the key that made it.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
from typing import Any, Optional, Protocol

from service.jobs.callback import status_body
from service.jobs.errors import BadJobRequest, JobFailed, JobNotReady, QueueUnavailable
from service.jobs.requests import canonical, input_key, read_request
from service.jobs.work import run_job
from service.register import Register
from service.register.jobs import DONE, FAILED, Job
from service.settings import Settings, current_settings

log = logging.getLogger("wenping.jobs")

OPEN_OWNER = "open"  # no API keys configured: every caller is the same one


def owner_of(key: Optional[str]) -> str:
    """What the jobs table stores for a caller: the SHA-256 of their key, never the key itself."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest() if key else OPEN_OWNER


class Dispatcher(Protocol):
    def dispatch(self, job_id: str) -> None: ...

    def close(self) -> None: ...


class Embedded:
    """Jobs run in this process, on a small thread pool (no broker: nothing to set up).

    Nothing lost when the process stops: a job it had queued or was running stays so in the table, and the
    next process to start the embedded mode on that register takes up every unfinished job again (two
    processes starting at once may both do one: ``run_job`` is idempotent, one result is recorded).
    """

    def __init__(self, register: Register, settings: Settings) -> None:
        self.register = register
        self.settings = settings
        self.pool = concurrent.futures.ThreadPoolExecutor(settings.job_threads, thread_name_prefix="wenping-job")
        for job_id in register.jobs.unfinished():
            self.dispatch(job_id)

    def dispatch(self, job_id: str) -> None:
        self.pool.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            run_job(job_id, self.register, self.settings)
        except Exception as exc:  # logged: the job stays as the table says (running), nothing else to tell
            log.error("job %s could not run", job_id, exc_info=exc)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


class Brokered:
    """Jobs go to the Celery workers through the broker (``wenping worker`` processes, on any machine)."""

    def __init__(self, broker_url: str, settings: Settings) -> None:
        from service.jobs.celery_app import make_celery

        self.app = make_celery(broker_url, settings)

    def dispatch(self, job_id: str) -> None:
        from service.jobs.celery_app import QUEUE, TASK_NAME

        try:
            self.app.send_task(TASK_NAME, args=[job_id], queue=QUEUE,
                               retry=True, retry_policy={"max_retries": 2, "interval_start": 0.5, "interval_step": 1})
        except Exception as exc:  # kombu's OperationalError and friends: the broker is unreachable
            log.error("job %s not queued: %s", job_id, exc)
            raise QueueUnavailable(f"无法把任务 {job_id} 交给任务队列：{exc}") from None

    def close(self) -> None:
        self.app.close()


class Jobs:
    def __init__(self, register: Register, settings: Optional[Settings] = None, broker_url: Optional[str] = None) -> None:
        self.register = register
        self.settings = settings or current_settings()
        broker_url = broker_url or self.settings.broker()
        self.dispatcher: Dispatcher = Brokered(broker_url, self.settings) if broker_url else Embedded(register, self.settings)

    @property
    def store(self):
        return self.register.jobs

    def submit(self, owner: str, body: Any) -> Job:
        """Check the request (400 / 404 / 422 at once, nothing queued), record the job, queue it."""
        request = read_request(body)
        if request.callback_url and self.settings.callback_secret is None:
            raise BadJobRequest("本服务未设置 WENPING_CALLBACK_SECRET，不能接受带 callback_url 的任务")
        plain = request.model_dump(mode="json", exclude_none=True)
        key = self._input_key(plain)
        self.store.remove_expired(self.settings.job_retention)
        job = self.store.create(owner, request.kind, plain, key, request.callback_url)
        try:
            self.dispatcher.dispatch(job.id)
        except QueueUnavailable as exc:
            self.store.fail(job.id, {"type": f"urn:wenping:problem:{exc.code}", "title": exc.title,
                                     "status": exc.status, "detail": exc.detail}, [])
            raise
        return job

    def _input_key(self, plain: dict) -> str:
        """Check what can be checked now and name the input: the case's hash, or the register version's."""
        from service.render.template_sets import resolve_template_set
        from service.risk.profile import profile_path

        templates = resolve_template_set(plain.get("template_set") if plain.get("template_set") != "default" else None)
        if plain.get("case_id") is not None:
            version = self.register.version(plain["case_id"], plain.get("version"))  # UnknownCase / UnknownVersion
            plain["version"] = version.number  # "the newest" is fixed when the job is made
            source = version.sha256
        else:
            if plain["kind"] != "summary":
                self._check_case(plain["case"])
            source = hashlib.sha256(canonical(plain["case"])).hexdigest()
        profile = hashlib.sha256(profile_path(self.settings).read_bytes()).hexdigest()
        return input_key(plain, source, templates.fingerprint(), profile)

    @staticmethod
    def _check_case(data: Any) -> None:
        from service.checks.validation import validate
        from service.generate import InvalidCase

        result = validate(data)
        if not result.valid:
            raise InvalidCase(result)

    def status(self, job_id: str, owner: str) -> dict:
        return status_body(self.store.get(job_id, owner))

    def result(self, job_id: str, owner: str) -> tuple[Job, bytes]:
        job = self.store.get(job_id, owner)
        if job.status == FAILED:
            detail = (job.problem or {}).get("detail", "")
            raise JobFailed(f"任务 {job.id} 失败，没有结果：{detail}（详见 GET /api/v1/jobs/{job.id}）")
        if job.status != DONE:
            raise JobNotReady(f"任务 {job.id} 尚未完成（状态：{STATUS_WORDS.get(job.status, job.status)}），请稍后再取")
        return job, self.store.result(job)

    def close(self) -> None:
        self.dispatcher.close()


STATUS_WORDS = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
