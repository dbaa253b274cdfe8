"""The jobs door's errors, members of the one family (``service.errors.WenpingError``)."""

from __future__ import annotations

from service.errors import WenpingError


class BadJobRequest(WenpingError, ValueError):
    """The body of ``POST /api/v1/jobs`` is not a job request; the message names the field and the value."""

    code = "bad-job"
    status = 400
    title = "任务请求有误"


class JobNotReady(WenpingError):
    """The result of a job that has not finished yet was asked for."""

    code = "job-not-ready"
    status = 409
    title = "任务尚未完成"
    headers = {"Retry-After": "2"}


class JobFailed(WenpingError):
    """The result of a job that failed was asked for: its errors are in the job's status."""

    code = "job-failed"
    status = 409
    title = "任务失败，没有结果"


class QueueUnavailable(WenpingError):
    """The broker (Redis) cannot be reached: the job was not queued."""

    code = "queue-unavailable"
    status = 503
    title = "任务队列暂不可用"
    headers = {"Retry-After": "30"}

    @property
    def detail(self) -> str:
        return "任务队列暂不可用，任务未能排队。请稍后重试，或联系系统管理员。"
