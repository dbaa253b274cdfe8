"""The jobs API, the same tests in both modes: embedded (no broker: the web process's own threads, no Redis)
and on Celery (a real Redis and two real ``wenping worker`` processes, tests/jobs_fixtures.py).

Every result is compared with the synchronous route's answer: byte for byte.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json

import pytest

from service.jobs import SIGNATURE_HEADER, run_job
from service.register import Register
from service.settings import Settings

from .jobs_fixtures import CALLBACK_SECRET, CallbackReceiver, dumps, wait_job
from .web_fixtures import AUTH, KEY

OTHER = "other-key-77b1e0c4d2"
OTHER_AUTH = {"Authorization": f"Bearer {OTHER}"}
PROBLEM = "application/problem+json"


@pytest.fixture(params=["embedded", "celery"])
def api(request, tmp_path):
    """(test client, register) of an app whose jobs run in-process, or on the farm's workers."""
    from service.web import create_app

    if request.param == "celery":
        farm = request.getfixturevalue("farm")
        settings = Settings(state_dir=farm.state_dir, broker_url=farm.redis.url, callback_secret=CALLBACK_SECRET)
    else:
        settings = Settings(state_dir=tmp_path / "state", callback_secret=CALLBACK_SECRET)
    app = create_app({"API_KEYS": f"{KEY},{OTHER}"}, settings=settings)
    app.config["TESTING"] = True
    client = app.test_client()
    yield client, Register.open(settings)
    jobs = app.extensions.get("wenping_jobs")
    if jobs is not None:
        jobs.close()


def post_job(client, body, headers=AUTH):
    return client.post("/api/v1/jobs", data=dumps(body), content_type="application/json", headers=headers)


def finished(client, body, headers=AUTH) -> tuple[dict, bytes]:
    """Submit, wait, fetch: (status, result bytes)."""
    response = post_job(client, body, headers)
    assert response.status_code == 202, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location == f"/api/v1/jobs/{response.get_json()['id']}"
    status = wait_job(client, location, headers)
    assert status["status"] == "done", status
    result = client.get(location + "/result", headers=headers)
    assert result.status_code == 200
    return status, result.data


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    return body


def unique(case, case_id):
    case = copy.deepcopy(case)
    case["case_id"] = case_id
    return case


def test_a_package_job_gives_the_synchronous_package(api, sample_data):
    client, _ = api
    case = unique(sample_data, "JOB-PKG-1")
    status, data = finished(client, {"kind": "package", "case": case})
    sync = client.post("/api/v1/packages", data=dumps(case), content_type="application/json", headers=AUTH)
    assert data == sync.data
    assert status["progress"] == {"done": 1, "total": 1} and status["errors"] == [] and status["problem"] is None
    assert status["result"]["sha256"] == hashlib.sha256(sync.data).hexdigest()
    assert status["result"]["file_name"] == "JOB-PKG-1_稳评报备材料.zip" and status["result"]["bytes"] == len(sync.data)


def test_document_and_summary_jobs(api, sample_data, period_data):
    client, _ = api
    case = unique(sample_data, "JOB-DOC-1")
    _, data = finished(client, {"kind": "document", "case": case, "document": "minutes", "meeting": 2})
    sync = client.post("/api/v1/documents/minutes?meeting=2", data=dumps(case), content_type="application/json", headers=AUTH)
    assert sync.status_code == 200 and data == sync.data
    _, data = finished(client, {"kind": "summary", "case": period_data})
    sync = client.post("/api/v1/summaries", data=dumps(period_data), content_type="application/json", headers=AUTH)
    assert sync.status_code == 200 and data == sync.data


def test_a_job_on_a_register_version_files_that_package(api, sample_data):
    client, register = api
    case = unique(sample_data, "JOB-REG-1")
    assert client.post("/api/v1/cases", data=dumps(case), content_type="application/json", headers=AUTH).status_code == 201
    status, data = finished(client, {"kind": "package", "case_id": "JOB-REG-1"})
    filed = register.packages("JOB-REG-1")
    assert [p.sha256 for p in filed] == [status["result"]["sha256"]]
    again = client.post("/api/v1/cases/JOB-REG-1/packages", headers=AUTH)
    assert again.data == data


def test_a_job_is_only_visible_to_its_key(api, sample_data):
    client, _ = api
    response = post_job(client, {"kind": "package", "case": unique(sample_data, "JOB-KEY-1")})
    location = response.headers["Location"]
    wait_job(client, location, AUTH)
    assert problem(client.get(location, headers=OTHER_AUTH), 404)["type"] == "urn:wenping:problem:unknown-job"
    problem(client.get(location + "/result", headers=OTHER_AUTH), 404)
    problem(client.get(location), 401)
    problem(client.get("/api/v1/jobs/" + "0" * 32, headers=AUTH), 404)


def test_requests_are_checked_before_anything_is_queued(api, sample_data):
    client, register = api
    before = len(register.jobs.ids())
    body = problem(post_job(client, {"kind": "zip", "case": sample_data, "colour": "red"}), 400)
    assert "字段 kind 的值「zip」" in body["detail"] and "字段 colour" in body["detail"]
    assert "case_id" in problem(post_job(client, {"kind": "package"}), 400)["detail"]
    assert "document" in problem(post_job(client, {"kind": "document", "case": sample_data, "document": "memo"}), 400)["detail"]
    assert "callback_url" in problem(post_job(client, {"kind": "package", "case": sample_data, "callback_url": "ftp://x"}), 400)["detail"]
    broken = copy.deepcopy(sample_data)
    broken["risks"][0]["probability"] = "偶尔"
    invalid = problem(post_job(client, {"kind": "package", "case": broken}), 422)
    assert any(e["path"] == "risks.0.probability" for e in invalid["errors"])
    assert problem(post_job(client, {"kind": "package", "case_id": "NO-SUCH-CASE"}), 404)["type"] == "urn:wenping:problem:unknown-case"
    problem(client.post("/api/v1/jobs", data="{", content_type="application/json", headers=AUTH), 400)
    problem(client.post("/api/v1/jobs", data="{}", content_type="text/plain", headers=AUTH), 415)
    assert len(register.jobs.ids()) == before


def test_a_failed_job_tells_why_and_has_no_result(api, period_data):
    client, _ = api
    period = copy.deepcopy(period_data)
    period["cases"][0]["risks"][0]["impact"] = "天大"  # found when the job runs (summaries are checked then)
    response = post_job(client, {"kind": "summary", "case": period})
    status = wait_job(client, response.headers["Location"], AUTH)
    assert status["status"] == "failed" and status["problem"]["status"] == 422
    assert any(e["path"].startswith("cases.0.risks.0.impact") for e in status["errors"])
    assert problem(client.get(response.headers["Location"] + "/result", headers=AUTH), 409)["type"] == "urn:wenping:problem:job-failed"


def test_the_callback_is_signed(api, sample_data):
    client, _ = api
    receiver = CallbackReceiver()
    try:
        response = post_job(client, {"kind": "package", "case": unique(sample_data, "JOB-CB-1"), "callback_url": receiver.url})
        (headers, body), = receiver.wait(1)
    finally:
        receiver.close()
    expected = "sha256=" + hmac.new(CALLBACK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    sent = json.loads(body)
    assert sent["id"] == response.get_json()["id"] and sent["status"] == "done"
    assert sent["result"]["url"] == response.headers["Location"] + "/result"


# -- idempotence and retention, on the job table itself (the same in both modes) ----------------------


def test_an_archived_result_is_not_recomputed_and_a_second_finisher_changes_nothing(tmp_path, sample_data):
    settings = Settings(state_dir=tmp_path / "state")
    with Register.open(settings) as register:
        store = register.jobs
        first = store.create("me", "package", {"kind": "package", "case": sample_data}, "k" * 64)
        done = run_job(first.id, register, settings)
        assert done.status == "done"
        # A second job with the same input key but a request that could not be made: answered from the archive.
        second = store.create("me", "package", {"kind": "package", "case": {"not": "a case"}}, "k" * 64)
        assert run_job(second.id, register, settings).result_sha256 == done.result_sha256
        assert run_job(first.id, register, settings) is None  # finished: left alone
        assert not store.finish(first.id, "0" * 64, "x.zip", "application/zip", 1)
        assert store.get(first.id).result_sha256 == done.result_sha256
        assert list(register.blobs.digests()) == [done.result_sha256]


def test_expired_jobs_and_their_results_are_cleaned(tmp_path, sample_data):
    from datetime import timedelta

    from service.register.models import utc_now

    settings = Settings(state_dir=tmp_path / "state")
    with Register.open(settings) as register:
        store = register.jobs
        job = store.create("me", "package", {"kind": "package", "case": sample_data}, "e" * 64)
        digest = run_job(job.id, register, settings).result_sha256
        assert store.remove_expired(3600) == 0 and register.blobs.has(digest)
        assert register.remove_orphans(0) == []  # a job's result is no orphan
        assert store.remove_expired(3600, now=utc_now() + timedelta(hours=2)) == 1
        assert not register.blobs.has(digest) and store.ids() == []


@pytest.fixture
def period_data():
    from .conftest import SAMPLE_PATH

    return json.loads(SAMPLE_PATH.with_name("period-2026.json").read_text("utf-8"))


def test_a_worker_without_a_usable_broker_says_so_in_chinese(tmp_path):
    import os
    import socket
    import subprocess

    from .web_fixtures import WENPING

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    runs = [
        subprocess.run([str(WENPING), "worker"], env=env, capture_output=True, text=True, timeout=60),
        subprocess.run([str(WENPING), "worker", "--broker", f"redis://:pw@127.0.0.1:{port}/0"], env=env, capture_output=True, text=True, timeout=60),
        subprocess.run([str(WENPING), "worker"], env={**env, "WENPING_BROKER_URL": "amqp://mq"}, capture_output=True, text=True, timeout=60),
    ]
    assert [r.returncode for r in runs] == [2, 2, 2]
    assert "WENPING_BROKER_URL" in runs[0].stderr
    assert f"无法连接任务队列 redis://:***@127.0.0.1:{port}/0" in runs[1].stderr and "pw@" not in runs[1].stderr
    assert "WENPING_BROKER_URL" in runs[2].stderr and "Redis" in runs[2].stderr
    assert all("Traceback" not in r.stderr for r in runs)


# -- over real HTTP: `wenping serve` (gunicorn, 2 worker processes), with and without the broker ---------------


@pytest.mark.parametrize("mode", ["embedded", "celery"])
def test_jobs_over_http_on_the_production_server(mode, request, tmp_path, sample_data):
    import time

    from .web_fixtures import start_server, stop_server

    env = {"WENPING_API_KEYS": KEY, "WENPING_STATE_DIR": str(tmp_path / "state")}
    if mode == "celery":
        farm = request.getfixturevalue("farm")
        env.update(WENPING_BROKER_URL=farm.redis.url, WENPING_STATE_DIR=str(farm.state_dir))
    server = start_server(tmp_path / "server", "--workers", "2", env=env)
    try:
        case = unique(sample_data, f"JOB-HTTP-{mode}")
        headers = {**AUTH, "Content-Type": "application/json"}
        status, answer, body = server.request("POST", "/api/v1/jobs", dumps({"kind": "package", "case": case}).encode(), headers)
        assert status == 202, body
        location = answer["Location"]
        deadline = time.monotonic() + 120
        while True:  # each poll may reach either gunicorn worker: the state is in the database
            status, _, body = server.request("GET", location, headers=AUTH)
            assert status == 200 and time.monotonic() < deadline, body
            if json.loads(body)["status"] == "done":
                break
            time.sleep(0.1)
        status, answer, result = server.request("GET", location + "/result", headers=AUTH)
        assert status == 200 and answer["Content-Type"] == "application/zip"
        _, _, sync = server.request("POST", "/api/v1/packages", dumps(case).encode(), headers)
        assert result == sync
        status, answer, body = server.request("GET", location, headers=OTHER_AUTH)
        assert status == 403  # the server knows only KEY here: another key is refused before any job is looked up
    finally:
        stop_server(server)


def test_db_clean_removes_expired_jobs(tmp_path, sample_data):
    import os
    import subprocess
    import time

    from .web_fixtures import WENPING

    settings = Settings(state_dir=tmp_path / "state")
    with Register.open(settings) as register:
        job = register.jobs.create("me", "package", {"kind": "package", "case": sample_data}, "c" * 64)
        digest = run_job(job.id, register, settings).result_sha256
    time.sleep(0.1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env.update(WENPING_STATE_DIR=str(tmp_path / "state"), WENPING_JOB_RETENTION="0.05")
    run = subprocess.run([str(WENPING), "db", "clean"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "已删除 1 个过了保留期限（WENPING_JOB_RETENTION）的任务" in run.stdout, run.stderr
    with Register.open(settings) as register:
        assert register.jobs.ids() == [] and not register.blobs.has(digest)


def test_embedded_mode_takes_up_the_jobs_a_stopped_process_left(tmp_path, sample_data):
    from service.jobs import Jobs

    from .jobs_fixtures import wait_jobs

    settings = Settings(state_dir=tmp_path / "state")
    with Register.open(settings) as register:
        left = [register.jobs.create("me", "package", {"kind": "package", "case": unique(sample_data, f"LEFT-{n}")}, f"{n}" * 64)
                for n in range(2)]
        register.jobs.start(left[1].id)  # was running when its process stopped
        jobs = Jobs(register, settings)  # a process starting: the embedded mode
        try:
            done = wait_jobs(register.jobs, [job.id for job in left], timeout=120)
        finally:
            jobs.close()
        assert [j.status for j in done] == ["done", "done"]
        assert register.jobs.unfinished() == []


def test_batch_with_a_broker_that_does_not_answer_is_refused_before_it_starts(tmp_path):
    import os
    import subprocess

    from .conftest import SAMPLE_PATH
    from .web_fixtures import WENPING

    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(tmp_path / "state")
    run = subprocess.run([str(WENPING), "batch", str(SAMPLE_PATH), "-o", str(tmp_path / "out"), "--broker", "redis://127.0.0.1:1/0"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "无法连接任务队列 redis://127.0.0.1:1/0" in run.stderr, run.stderr
    assert not list((tmp_path / "out").glob("*.zip"))
