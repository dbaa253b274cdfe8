"""The jobs table: each job's state, progress, errors and archived result, shared by every web node and worker.

    store = register.jobs
    job = store.create(owner, "package", request, input_key, callback_url)   # status "queued"
    store.start(job.id)            # "running" (again after a worker was lost), attempts + 1
    store.finish(job.id, digest, name, mimetype, size)   # "done", only once: a second finisher changes nothing
    store.fail(job.id, problem, errors)
    store.get(job.id, owner)       # UnknownJob unless that owner made it

The result's bytes are a blob of the register (``BlobStore``, content-addressed): two workers that finish the
same job write the same file once. ``archived(input_key)`` finds a finished job with the same input whose blob
is still there, so a job whose result is already archived is answered without recomputing it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.register.blobs import BlobStore
from service.register.database import Reachable
from service.register.errors import UnknownJob
from service.register.models import JobRow, PackageRow, utc_now

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = (DONE, FAILED)


@dataclass(frozen=True)
class Job:
    """One job as the API shows it (plain values, no session needed)."""

    id: str
    owner: str
    kind: str
    input_key: str
    status: str
    done: int
    total: int
    errors: list
    problem: Optional[dict]
    result_sha256: Optional[str]
    result_name: Optional[str]
    result_type: Optional[str]
    result_size: Optional[int]
    callback_url: Optional[str]
    attempts: int
    created_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]
    request: dict = field(repr=False)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def _job(row: JobRow) -> Job:
    return Job(
        row.id, row.owner, row.kind, row.input_key, row.status, row.done, row.total, list(row.errors or []),
        row.problem, row.result_sha256, row.result_name, row.result_type, row.result_size, row.callback_url,
        row.attempts, row.created_at, row.started_at, row.finished_at, dict(row.request or {}),
    )


class JobStore:
    def __init__(self, engine: Any, sessions: sessionmaker[Session], blobs: BlobStore) -> None:
        self.engine = engine
        self.sessions = sessions
        self.blobs = blobs

    def create(self, owner: str, kind: str, request: dict, input_key: str, callback_url: Optional[str] = None) -> Job:
        row = JobRow(
            id=uuid.uuid4().hex, owner=owner, kind=kind, input_key=input_key, request=request, status=QUEUED,
            done=0, total=1, errors=[], callback_url=callback_url, attempts=0, created_at=utc_now(),
        )
        with Reachable(self.engine), self.sessions.begin() as session:
            session.add(row)
            session.flush()
            return _job(row)

    def get(self, job_id: str, owner: Optional[str] = None) -> Job:
        """The job; ``UnknownJob`` when there is none, or ``owner`` is given and did not make it."""
        with Reachable(self.engine), self.sessions() as session:
            row = session.get(JobRow, job_id) if len(job_id) <= 32 else None
            if row is None or (owner is not None and row.owner != owner):
                raise UnknownJob(f"没有编号为「{job_id[:40]}」的任务（或它不是用这个访问密钥提交的，或已过保留期限被清除）")
            return _job(row)

    def many(self, job_ids: list[str]) -> list[Job]:
        """The jobs with these ids that exist (any owner), in no particular order."""
        with Reachable(self.engine), self.sessions() as session:
            return [_job(row) for row in session.scalars(select(JobRow).where(JobRow.id.in_(job_ids)))]

    def _set(self, job_id: str, *conditions: Any, **values: Any) -> bool:
        with Reachable(self.engine), self.sessions.begin() as session:
            result = session.execute(update(JobRow).where(JobRow.id == job_id, *conditions).values(**values))
            return result.rowcount > 0

    def start(self, job_id: str) -> bool:
        """Mark the job running (a redelivered job again); False when it has already finished."""
        with Reachable(self.engine), self.sessions.begin() as session:
            row = session.get(JobRow, job_id, with_for_update=True)
            if row is None or row.status in FINISHED:
                return False
            row.status, row.started_at, row.attempts = RUNNING, utc_now(), row.attempts + 1
            return True

    def progress(self, job_id: str, done: int, total: int) -> None:
        self._set(job_id, JobRow.status == RUNNING, done=done, total=total)

    def finish(self, job_id: str, digest: str, name: str, mimetype: str, size: int) -> bool:
        """Record the result; only the first finisher does (True), a second one changes nothing."""
        return self._set(
            job_id, JobRow.status.not_in(FINISHED),
            status=DONE, result_sha256=digest, result_name=name, result_type=mimetype, result_size=size,
            finished_at=utc_now(), done=JobRow.total, problem=None, errors=[],
        )

    def fail(self, job_id: str, problem: dict, errors: list) -> bool:
        return self._set(job_id, JobRow.status.not_in(FINISHED), status=FAILED, problem=problem, errors=errors,
                         finished_at=utc_now())

    def archived(self, input_key: str) -> Optional[Job]:
        """A finished job with this input whose result is still in the blob folder, or None."""
        with Reachable(self.engine), self.sessions() as session:
            rows = session.scalars(
                select(JobRow).where(JobRow.input_key == input_key, JobRow.status == DONE).order_by(JobRow.finished_at)
            )
            for row in rows:
                if row.result_sha256 and self.blobs.has(row.result_sha256):
                    return _job(row)
        return None

    def result(self, job: Job) -> bytes:
        """The result's bytes, checked against their hash (``MissingBlob`` otherwise)."""
        return self.blobs.get(job.result_sha256 or "")

    def ids(self, owner: Optional[str] = None) -> list[str]:
        with Reachable(self.engine), self.sessions() as session:
            query = select(JobRow.id).order_by(JobRow.created_at)
            if owner is not None:
                query = query.where(JobRow.owner == owner)
            return list(session.scalars(query))

    def unfinished(self) -> list[str]:
        """The jobs queued or running, oldest first."""
        with Reachable(self.engine), self.sessions() as session:
            query = select(JobRow.id).where(JobRow.status.not_in(FINISHED)).order_by(JobRow.created_at)
            return list(session.scalars(query))

    def referenced(self) -> set[str]:
        """The blobs that jobs' results name (kept by ``Register.remove_orphans``)."""
        with Reachable(self.engine), self.sessions() as session:
            return set(session.scalars(select(JobRow.result_sha256).where(JobRow.result_sha256.is_not(None))))

    def remove_expired(self, retention: float, now: Optional[datetime] = None) -> int:
        """Delete jobs that finished over ``retention`` seconds ago, and the result files no one else names."""
        cutoff = (now or utc_now()) - timedelta(seconds=retention)
        with Reachable(self.engine), self.sessions.begin() as session:
            expired = list(session.execute(select(JobRow.id, JobRow.result_sha256).where(JobRow.finished_at < cutoff)))
            if not expired:
                return 0
            session.execute(delete(JobRow).where(JobRow.id.in_([job_id for job_id, _ in expired])))
            digests = {digest for _, digest in expired if digest}
            kept = set(session.scalars(select(JobRow.result_sha256).where(JobRow.result_sha256.in_(digests))))
            kept |= set(session.scalars(select(PackageRow.sha256).where(PackageRow.sha256.in_(digests))))
        for digest in digests - kept:
            self.blobs.path(digest).unlink(missing_ok=True)
        return len(expired)
