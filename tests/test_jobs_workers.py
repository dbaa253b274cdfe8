"""Nothing lost: real ``wenping worker`` processes on a real Redis (with AOF), killed and restarted.

- a worker SIGKILLed mid-job: the other finishes it, and one result is archived;
- Redis killed and restarted with queued jobs: none is lost;
- the done-when batch: 100 cases (97 DOCX, 3 with PDFs) as jobs on two workers, one killed mid-way, every
  result byte-identical to the synchronous package;
- ``wenping batch --broker`` writes the packages and the report a local batch writes.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import subprocess
import time

import pytest

from service.generate import generate
from service.jobs import Jobs
from service.register import Register
from service.settings import Settings

from .jobs_fixtures import wait_jobs
from .web_fixtures import WENPING

pytestmark = pytest.mark.usefixtures("farm")


@pytest.fixture
def door(farm):
    settings = Settings(state_dir=farm.state_dir, broker_url=farm.redis.url)
    with Register.open(settings) as register:
        jobs = Jobs(register, settings)
        yield jobs
        jobs.close()


def varied(sample: dict, number: int) -> dict:
    """The sample with its own case id and figures, so that each package differs."""
    case = copy.deepcopy(sample)
    case["case_id"] = f"FARM-{number:03d}"
    case["matter"]["name"] = f"{sample['matter']['name']}（第{number}批）"
    case["risks"][0]["probability"] = ("很低", "较低", "中等", "较高")[number % 4]
    return case


def ensure_two_workers(farm) -> None:
    while len(farm.live_workers()) < 2:
        farm.start_worker()


def wait_running(store, job_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while store.get(job_id).status != "running":
        assert time.monotonic() < deadline, store.get(job_id)
        time.sleep(0.02)


def test_a_job_of_a_killed_worker_is_finished_by_the_other_once(farm, door, sample_data):
    ensure_two_workers(farm)
    first, second = farm.live_workers()[:2]
    second.kill()  # only the first can take the job
    case = varied(sample_data, 900)
    job = door.submit("farm", {"kind": "package", "case": case, "pdf": True})
    wait_running(door.store, job.id)
    first.kill()  # mid-job: LibreOffice converting, nothing acknowledged
    farm.start_worker()
    (done,) = wait_jobs(door.store, [job.id], timeout=180)
    assert done.status == "done" and done.attempts >= 2
    expected = generate(case, pdf=True).data
    assert door.store.result(done) == expected
    assert [d for d in door.register.blobs.digests() if d == done.result_sha256] == [done.result_sha256]
    ensure_two_workers(farm)


def test_a_restarted_redis_loses_no_queued_job(farm, door, sample_data):
    for worker in farm.live_workers():
        worker.stop()  # nobody takes the jobs: they wait in Redis
    ids = [door.submit("farm", {"kind": "package", "case": varied(sample_data, 800 + n)}).id for n in range(5)]
    time.sleep(0.2)
    farm.redis.restart()  # SIGKILL, then start on the same append-only file
    assert all(door.store.get(i).status == "queued" for i in ids)
    ensure_two_workers(farm)
    assert {j.status for j in wait_jobs(door.store, ids, timeout=120)} == {"done"}


def test_a_hundred_cases_on_two_workers_with_one_killed(farm, door, sample_data):
    """The issue's done-when: every result byte-identical to the synchronous package."""
    ensure_two_workers(farm)
    cases = [varied(sample_data, n) for n in range(100)]
    with_pdf = {10, 50, 90}
    ids = [door.submit("farm", {"kind": "package", "case": case, "pdf": n in with_pdf}).id for n, case in enumerate(cases)]
    deadline = time.monotonic() + 120
    while sum(j.finished for j in door.store.many(ids)) < 30:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    farm.live_workers()[0].kill()
    jobs = {j.id: j for j in wait_jobs(door.store, ids, timeout=300)}
    assert sum(j.finished for j in jobs.values()) == 100
    for n, (job_id, case) in enumerate(zip(ids, cases)):
        job = jobs[job_id]
        assert job.status == "done", job
        assert door.store.result(job) == generate(case, pdf=n in with_pdf).data, case["case_id"]
    assert len({j.result_sha256 for j in jobs.values()}) == 100
    ensure_two_workers(farm)


def test_batch_broker_writes_what_a_local_batch_writes(farm, sample_data, tmp_path):
    ensure_two_workers(farm)
    inputs = tmp_path / "cases"
    inputs.mkdir()
    for n in range(4):
        (inputs / f"case{n}.json").write_text(json.dumps(varied(sample_data, 700 + n), ensure_ascii=False), "utf-8")
    broken = varied(sample_data, 799)
    broken["risks"][0]["impact"] = "天大"
    (inputs / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), "utf-8")
    env = farm.env()
    local = subprocess.run([str(WENPING), "batch", str(inputs), "-o", str(tmp_path / "local"), "--jobs", "1"],
                           env={k: v for k, v in env.items() if k != "WENPING_BROKER_URL"}, capture_output=True, text=True, timeout=300)
    queued = subprocess.run([str(WENPING), "batch", str(inputs), "-o", str(tmp_path / "queued"), "--broker", farm.redis.url],
                            env=env, capture_output=True, text=True, timeout=300)
    assert local.returncode == queued.returncode == 1, (local.stderr, queued.stderr)

    def rows(folder):
        with open(tmp_path / folder / "report.csv", encoding="utf-8-sig") as fh:
            return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(fh)]

    assert rows("queued") == rows("local")
    zips = sorted(p.name for p in (tmp_path / "local").glob("*.zip"))
    assert len(zips) == 4
    for name in zips:
        assert (tmp_path / "queued" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
