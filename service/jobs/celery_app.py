"""Jobs on Celery workers: the app (broker: Redis), the one task, and ``wenping worker``.

Nothing is lost (the settings below): a task is acknowledged only after it ran (``task_acks_late``), a worker
process that dies mid-task has it redelivered (``task_reject_on_worker_lost``), each worker takes one task at a
time (prefetch 1), and a task taken by a worker that was killed outright (SIGKILL, machine gone) goes back to
the queue once ``WENPING_JOB_VISIBILITY_TIMEOUT`` has passed. Redelivery is safe: ``run_job`` is idempotent.
Queued tasks live in Redis: run it with ``--appendonly yes`` so that a restart keeps them.

Each worker process runs ``--concurrency`` threads and owns one LibreOffice pool (``WENPING_PDF_WORKERS``),
closed when it stops. Workers share the broker, the register's database and the blob folder.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Optional

from celery import Celery, signals

from service.settings import Settings, current_settings

log = logging.getLogger("wenping.jobs")

TASK_NAME = "wenping.run_job"
QUEUE = "wenping"
#: A job whose database was unreachable is tried again after this many seconds (it is not dropped).
RETRY_SECONDS = 5


def transport_options(settings: Settings) -> dict:
    visibility = settings.job_visibility_timeout
    return {
        "visibility_timeout": visibility,
        # look for tasks of lost workers often enough that one comes back soon after its timeout
        "unacked_restore_interval": max(1, min(10, int(visibility // 2) or 1)),
        "unacked_restore_throttle": 1,
    }


def make_celery(broker_url: str, settings: Optional[Settings] = None) -> Celery:
    settings = settings or current_settings()
    app = Celery("wenping", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,  # the state is in the register's jobs table
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE,
        broker_transport_options=transport_options(settings),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        enable_utc=True,
    )
    app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)(_run_job_task)
    return app


_register_lock = threading.Lock()
_register = None


def worker_register():
    """This worker process's register (opened on first use, shared by its threads)."""
    global _register
    with _register_lock:
        if _register is None:
            from service.register import Register

            _register = Register.open(current_settings())
        return _register


def _run_job_task(task, job_id: str) -> None:
    from service.jobs.work import run_job
    from service.register import RegisterUnavailable

    try:
        run_job(job_id, worker_register())
    except RegisterUnavailable as exc:
        log.warning("job %s: register unavailable, again in %ss: %s", job_id, RETRY_SECONDS, exc)
        raise task.retry(countdown=RETRY_SECONDS)


def _warm_up(**_kwargs) -> None:
    """Compile the templates and open the register before the first task, so a task's time is its own."""
    from service.context.registry import PACKAGE_KEYS
    from service.render.template_sets import default_set

    templates = default_set()
    for kind in PACKAGE_KEYS:
        templates.template(kind)
    worker_register()


def _close_converter(**_kwargs) -> None:
    from service.pdf import close_shared_converter

    close_shared_converter()


def check_broker(broker_url: str) -> None:
    """``QueueUnavailable`` (Chinese, the address without its password) unless the broker answers now."""
    import redis

    from service.jobs.errors import QueueUnavailable
    from service.settings import mask_url

    if not broker_url.startswith(("redis://", "rediss://", "unix://")):
        raise QueueUnavailable(f"任务队列地址「{mask_url(broker_url)}」不是 Redis 地址（应以 redis:// 开头）")
    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=5, socket_timeout=5)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise QueueUnavailable(f"无法连接任务队列 {mask_url(broker_url)}（{exc}）；请检查 Redis 是否在运行、地址和密码是否正确") from None


def run_worker(broker_url: str, concurrency: int, settings: Optional[Settings] = None) -> None:
    """``wenping worker``: consume jobs until stopped (SIGTERM: finish the running ones, then stop)."""
    check_broker(broker_url)
    app = make_celery(broker_url, settings)
    signals.worker_ready.connect(_warm_up, weak=False)
    signals.worker_shutdown.connect(_close_converter, weak=False)
    name = f"wenping-{os.getpid()}@{socket.gethostname()}"
    app.worker_main([
        "worker", "--pool=threads", f"--concurrency={concurrency}", "--loglevel=INFO", f"--hostname={name}",
        f"--queues={QUEUE}", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ])
