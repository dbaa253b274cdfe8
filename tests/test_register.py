"""The register (台账) on SQLite and on PostgreSQL: versions, diffs, stages, filed packages, verification,
concurrent writers, a failure between blob and row, backup and restore, and the CLI."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import zipfile
from datetime import timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from service.generate import InvalidCase
from service.register import STAGES, Register, RegisterOutdated, RegisterUnavailable, UnknownCase, UnknownVersion, stage_of
from service.register.database import SQLITE_NAME, create, head_revision, upgrade
from service.settings import Settings, shown

from .conftest import BIN
from .pg import PORT, as_server_user
from .register_steps import steps

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database(backend, request):
    """The database URL of a fresh, empty register (None: the SQLite file in the state folder)."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres").new_database()
    return None


@pytest.fixture
def settings(tmp_path, database) -> Settings:
    return Settings(state_dir=tmp_path / "state", database_url=database)


@pytest.fixture
def register(settings):
    with Register.open(settings) as opened:
        yield opened


def versions_of(sample_data) -> list[dict]:
    return steps(sample_data)


# -- versions, stages, diffs ---------------------------------------------------------------------------


def test_each_step_is_a_version_with_its_stage(register, sample_data):
    submitted = [register.submit(step, by="陈立新") for step in versions_of(sample_data)]
    assert [s.version.number for s in submitted] == [1, 2, 3, 4, 5, 6]
    assert all(s.created for s in submitted)
    assert [s.version.stage for s in submitted] == list(STAGES)
    first = submitted[0].version
    assert first.submitted_by == "陈立新" and first.submitted_at.tzinfo is not None
    assert first.submitted_at.utcoffset() == timezone.utc.utcoffset(None)
    stored = register.versions(sample_data["case_id"])
    assert [v.number for v in stored] == [1, 2, 3, 4, 5, 6]
    assert [v.sha256 for v in stored] == [s.version.sha256 for s in submitted]
    case = register.case(sample_data["case_id"])
    assert (case.versions, case.stage, case.matter) == (6, "结案", sample_data["matter"]["name"])


def test_the_same_content_again_is_the_existing_version(register, sample_data):
    first, second, *_ = versions_of(sample_data)
    register.submit(first)
    register.submit(second)
    again = register.submit(copy.deepcopy(first), by="另一人")
    assert not again.created and again.version.number == 1
    assert [v.number for v in register.versions(sample_data["case_id"])] == [1, 2]


def test_a_version_holds_the_packages_canonical_case_json(register, sample_data):
    version = register.submit(sample_data).version
    filed = register.package(sample_data["case_id"])
    files = zipfile.ZipFile(io.BytesIO(filed.data))
    assert files.read("case.json") == version.content
    manifest = json.loads(files.read("manifest.json"))
    assert manifest["input_sha256"] == version.sha256


def test_diff_between_two_versions_names_fields_and_titles(register, sample_data):
    for step in versions_of(sample_data):
        register.submit(step)
    case_id = sample_data["case_id"]
    decided = register.diff(case_id, 3, 4)
    assert {c["path"] for c in decided} == {"filing.decision.body", "filing.decision.date", "filing.decision.result"}
    result = next(c for c in decided if c["path"] == "filing.decision.result")
    assert result == {"path": "filing.decision.result", "title": "决策结果", "old": None, "new": "实施"}
    closed = register.diff(case_id, 5, 6)
    assert closed == [{"path": "filing.decision.result", "title": "决策结果", "old": "实施", "new": "不实施"}]
    consulted = register.diff(case_id, 1, 2)
    topic = next(c for c in consulted if c["path"] == "opinions.0.topic")
    assert topic["title"] == "意见建议" and topic["old"] is None
    assert register.diff(case_id, 2, 2) == []
    for old in range(1, 7):
        for new in range(old + 1, 7):
            forwards, backwards = register.diff(case_id, old, new), register.diff(case_id, new, old)
            assert forwards, (old, new)
            swapped = sorted(json.dumps([c["path"], c["title"], c["new"], c["old"]]) for c in backwards)
            assert sorted(json.dumps([c["path"], c["title"], c["old"], c["new"]]) for c in forwards) == swapped


def test_an_invalid_case_is_refused_and_nothing_stored(register, sample_data):
    broken = copy.deepcopy(sample_data)
    broken["risks"][0]["probability"] = "极高"
    with pytest.raises(InvalidCase) as caught:
        register.submit(broken)
    assert any(e.path.startswith("risks.0.probability") for e in caught.value.validation.errors)
    with pytest.raises(UnknownCase):
        register.case(sample_data["case_id"])
    assert register.cases() == []


def test_unknown_case_and_version_are_family_errors(register, sample_data):
    register.submit(sample_data)
    with pytest.raises(UnknownCase, match="NOPE") as case_error:
        register.versions("NOPE")
    with pytest.raises(UnknownVersion, match="第 9 版") as version_error:
        register.diff(sample_data["case_id"], 1, 9)
    assert case_error.value.status == version_error.value.status == 404
    assert case_error.value.exit_code == 2


# -- concurrency ---------------------------------------------------------------------------------------


def test_eight_concurrent_writers_get_gap_free_versions(settings, sample_data):
    """Eight threads, each with its own register and connections, submit at once (a new case: they
    also race to create its row)."""
    contents = []
    for number in range(8):
        variant = copy.deepcopy(sample_data)
        variant["matter"]["scale"] = f"第 {number} 种规模"
        contents.append(variant)
    with Register.open(settings):
        pass  # migrate once; the writers then race on the case, not on the tables
    start = threading.Barrier(len(contents))
    results, failures = {}, []

    def write(number: int) -> None:
        try:
            with Register.open(settings) as mine:
                start.wait()
                results[number] = mine.submit(contents[number], by=f"写入者{number}")
        except BaseException as exc:  # reported below, with the thread's number
            failures.append((number, exc))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(len(contents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(r.version.number for r in results.values()) == list(range(1, 9))
    with Register.open(settings) as register:
        stored = {v.number: v for v in register.versions(sample_data["case_id"])}
        assert sorted(stored) == list(range(1, 9))
        for number, submitted in results.items():
            version = stored[submitted.version.number]
            assert version.data()["matter"]["scale"] == f"第 {number} 种规模"
            assert version.submitted_by == f"写入者{number}"


def test_concurrent_first_use_migrates_once(tmp_path, database):
    settings = Settings(state_dir=tmp_path / "state", database_url=database)
    start = threading.Barrier(4)
    failures = []

    def open_it() -> None:
        try:
            start.wait()
            Register.open(settings).close()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# -- filed packages and verification -------------------------------------------------------------------


def test_a_filed_package_and_each_of_its_files_are_verified(register, sample_data):
    version = register.submit(sample_data).version
    filed = register.package(sample_data["case_id"])
    assert filed.created and (filed.package.case_id, filed.package.version) == (sample_data["case_id"], 1)
    again = register.package(sample_data["case_id"], version=1)
    assert not again.created and again.package.sha256 == filed.package.sha256 and again.data == filed.data
    assert register.package_bytes(filed.package.sha256) == filed.data

    whole = register.verify(filed.package.sha256.upper())
    assert whole.issued and [(f.case_id, f.version, f.file, f.kind) for f in whole.found] == [
        (sample_data["case_id"], 1, None, "package")
    ]
    for entry in filed.package.manifest["files"]:
        found = register.verify(entry["sha256"]).found
        assert (entry["file"], filed.package.sha256) in {(f.file, f.package_sha256) for f in found}
    case_json = register.verify(version.sha256)
    assert [f.file for f in case_json.found] == ["case.json"]
    assert not register.verify("0" * 64).issued
    assert [p.sha256 for p in register.packages(sample_data["case_id"])] == [filed.package.sha256]


def test_an_older_version_is_packaged_from_its_own_content(register, sample_data):
    for step in versions_of(sample_data)[:5]:
        register.submit(step)
    older = register.package(sample_data["case_id"], version=4)
    newer = register.package(sample_data["case_id"])
    assert older.package.sha256 != newer.package.sha256
    assert (older.package.version, newer.package.version) == (4, 5)
    with pytest.raises(UnknownVersion):
        register.package(sample_data["case_id"], version=7)


INJECT = {
    "sqlite": [
        "CREATE TRIGGER injected_failure BEFORE INSERT ON package_files BEGIN SELECT RAISE(ABORT, 'injected'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$",
        "CREATE TRIGGER injected_failure BEFORE INSERT ON package_files FOR EACH ROW EXECUTE FUNCTION injected_failure()",
    ],
}
HEAL = {
    "sqlite": ["DROP TRIGGER injected_failure"],
    "postgresql": ["DROP TRIGGER injected_failure ON package_files", "DROP FUNCTION injected_failure()"],
}


def run_sql(register: Register, statements: list[str]) -> None:
    with register.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_a_failure_between_blob_and_row_leaves_no_half_record(register, backend, sample_data):
    """The database refuses the package's file rows (a trigger): the blob is written, no row is."""
    register.submit(sample_data)
    run_sql(register, INJECT[backend])
    with pytest.raises(RegisterUnavailable, match="injected"):
        register.package(sample_data["case_id"])
    assert register.packages(sample_data["case_id"]) == []
    (orphan,) = register.blobs.digests()
    assert not register.verify(orphan).issued
    assert register.remove_orphans() == []  # too young: may be a writer's between its two steps
    assert register.remove_orphans(grace=0) == [orphan]
    assert list(register.blobs.digests()) == []

    run_sql(register, HEAL[backend])
    filed = register.package(sample_data["case_id"])
    assert filed.package.sha256 == orphan
    assert register.verify(orphan).issued and register.package_bytes(orphan) == filed.data


# -- backup and restore ------------------------------------------------------------------------------


def backup_and_restore(backend: str, settings: Settings, restored_state: Path, postgres) -> Settings:
    """What docs/register.md tells the operator to do, into a new place; the settings of the copy."""
    blobs = Path(settings.state_dir) / "blobs"
    shutil.copytree(blobs, restored_state / "blobs")
    if backend == "sqlite":
        source = sqlite3.connect(Path(settings.state_dir) / SQLITE_NAME)
        target = sqlite3.connect(restored_state / SQLITE_NAME)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return Settings(state_dir=restored_state)
    dump = Path(postgres.root) / "register.dump"
    source_db = settings.database_url.get_secret_value().split("/")[3].split("?")[0]
    url = postgres.new_database()
    target_db = url.split("/")[3].split("?")[0]
    common = ["-h", str(postgres.socket_dir), "-p", str(PORT), "-U", "postgres"]
    subprocess.run([*as_server_user(), str(postgres.bin / "pg_dump"), *common, "-Fc", "-f", str(dump), source_db], check=True, timeout=60)
    subprocess.run([*as_server_user(), str(postgres.bin / "pg_restore"), *common, "-d", target_db, str(dump)], check=True, timeout=60)
    return Settings(state_dir=restored_state, database_url=url)


def test_a_restored_backup_finds_every_package_by_its_hash(register, settings, backend, sample_data, tmp_path, request):
    for step in versions_of(sample_data)[2:5]:
        register.submit(step)
    filed = [register.package(sample_data["case_id"], version=n) for n in (1, 2, 3)]
    postgres = request.getfixturevalue("postgres") if backend == "postgresql" else None
    restored = backup_and_restore(backend, settings, tmp_path / "restored", postgres)
    with Register.open(restored) as copy_of:
        assert [v.number for v in copy_of.versions(sample_data["case_id"])] == [1, 2, 3]
        for one in filed:
            found = copy_of.verify(one.package.sha256).found
            assert [(f.version, f.file) for f in found] == [(one.package.version, None)]
            assert copy_of.package_bytes(one.package.sha256) == one.data
        # the copy goes on numbering where the original stopped
        assert copy_of.submit(versions_of(sample_data)[5]).version.number == 4


# -- the database itself ------------------------------------------------------------------------------


def test_upgrade_is_repeatable_and_an_old_database_is_refused(tmp_path, database):
    settings = Settings(state_dir=tmp_path / "state", database_url=database)
    engine = create(database or f"sqlite:///{tmp_path / 'state' / SQLITE_NAME}")
    assert upgrade(engine) == (None, head_revision())
    assert upgrade(engine) == (head_revision(), head_revision())
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    with pytest.raises(RegisterOutdated, match="wenping db upgrade"):
        Register.open(settings)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    with Register.open(Settings(state_dir=tmp_path / "new" / "state")) as register:
        with register.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "new" / "state" / SQLITE_NAME).is_file()


def test_an_unreachable_database_is_a_family_error(tmp_path):
    settings = Settings(state_dir=tmp_path, database_url=f"postgresql+psycopg://wenping:geheim@/none?host={tmp_path}&port=1")
    with pytest.raises(RegisterUnavailable) as caught:
        Register.open(settings)
    assert "geheim" not in str(caught.value)


def test_the_database_password_is_masked_in_config(tmp_path):
    settings = Settings(state_dir=tmp_path, database_url="postgresql+psycopg://wenping:geheim@db.example:5432/wenping")
    (row,) = [r for r in shown(settings) if r.name == "WENPING_DATABASE_URL"]
    assert row.value == "postgresql+psycopg://wenping:***@db.example:5432/wenping"


# -- stages ------------------------------------------------------------------------------------------


def test_stage_rules(sample_data):
    plan, consulted, assessed, decided, tracked, closed = steps(sample_data)
    assert [stage_of(s) for s in (plan, consulted, assessed, decided, tracked, closed)] == list(STAGES)
    postponed = copy.deepcopy(tracked)
    postponed["filing"]["decision"]["result"] = "暂缓实施"
    assert stage_of(postponed) == "决策"
    refused_not_filed = copy.deepcopy(closed)
    refused_not_filed["filing"].pop("number")
    assert stage_of(refused_not_filed) == "决策"
    only_opinions = copy.deepcopy(plan)
    only_opinions["opinions"] = sample_data["opinions"]
    assert stage_of(only_opinions) == "征求意见"


# -- the CLI -------------------------------------------------------------------------------------------


def wenping(env: dict, *args):
    return subprocess.run([str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, timeout=120, env=env)


def test_cli_submit_diff_package_verify(settings, sample_data, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    env["WENPING_STATE_DIR"] = str(settings.state_dir)
    if settings.database_url is not None:
        env["WENPING_DATABASE_URL"] = settings.database_url.get_secret_value()
    case_id = sample_data["case_id"]
    files = []
    for number, step in enumerate(steps(sample_data), 1):
        path = tmp_path / f"v{number}.json"
        path.write_text(json.dumps(step, ensure_ascii=False), "utf-8")
        files.append(path)

    run = wenping(env, "db", "upgrade")
    assert run.returncode == 0 and head_revision() in run.stdout, run.stderr
    run = wenping(env, "cases", "submit", files[0], "--by", "陈立新")
    assert run.returncode == 0 and f"案卷 {case_id} 第 1 版" in run.stdout and "方案" in run.stdout, run.stderr
    for number, (path, stage) in enumerate(zip(files[1:], STAGES[1:]), 2):
        run = wenping(env, "cases", "submit", path)
        assert f"第 {number} 版" in run.stdout and stage in run.stdout, run.stderr
    assert "未另立版本" in wenping(env, "cases", "submit", files[1]).stdout

    listed = json.loads(wenping(env, "cases", "list", "--json").stdout)
    assert [(c["case_id"], c["versions"], c["stage"]) for c in listed["cases"]] == [(case_id, 6, "结案")]
    history = json.loads(wenping(env, "cases", "versions", case_id, "--json").stdout)["versions"]
    assert [(v["version"], v["submitted_by"], v["stage"]) for v in history] == [
        (n, "陈立新" if n == 1 else "", stage) for n, stage in enumerate(STAGES, 1)
    ]
    changes = json.loads(wenping(env, "cases", "diff", case_id, "4", "5", "--json").stdout)["changes"]
    assert changes == [{"path": "filing.number", "title": "备案编号", "old": None, "new": sample_data["filing"]["number"]}]
    assert "filing.number（备案编号）：（无） → " in wenping(env, "cases", "diff", case_id, "4", "5").stdout

    out = tmp_path / "filed.zip"
    run = wenping(env, "cases", "package", case_id, "--version", "5", "-o", out)
    assert run.returncode == 0, run.stderr
    run = wenping(env, "verify", out)
    assert run.returncode == 0 and "已核验" in run.stdout and "第 5 版" in run.stdout, run.stderr
    document = tmp_path / "document.docx"
    with zipfile.ZipFile(out) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".docx"))
        document.write_bytes(archive.read(name))
    found = json.loads(wenping(env, "verify", document, "--json").stdout)
    assert found["issued"] and found["found"][0]["file"] == name
    shown_case = wenping(env, "cases", "show", case_id)
    assert "结案" in shown_case.stdout and "第 5 版" in shown_case.stdout

    forged = tmp_path / "forged.zip"
    forged.write_bytes(out.read_bytes() + b"\0")
    run = wenping(env, "verify", forged)
    assert run.returncode == 1 and "未找到" in run.stdout
    run = wenping(env, "cases", "show", "NOPE")
    assert run.returncode == 2 and run.stderr.startswith("错误：") and "NOPE" in run.stderr and "Traceback" not in run.stderr
    run = wenping(env, "cases", "package", case_id, "--version", "9", "-o", tmp_path / "x.zip")
    assert run.returncode == 2 and "第 9 版" in run.stderr and not (tmp_path / "x.zip").exists()


def test_a_missing_or_damaged_blob_is_reported(tmp_path, sample_data):
    from service.register import MissingBlob

    with Register.open(Settings(state_dir=tmp_path / "state")) as register:
        register.submit(sample_data)
        digest = register.package(sample_data["case_id"]).package.sha256
        blob = register.blobs.path(digest)
        damaged = bytearray(blob.read_bytes())
        damaged[100] ^= 0xFF
        blob.write_bytes(bytes(damaged))
        with pytest.raises(MissingBlob, match="损坏"):
            register.package_bytes(digest)
        register.package(sample_data["case_id"])  # filing again replaces the damaged copy
        assert register.package_bytes(digest)
        blob.unlink()
        with pytest.raises(MissingBlob, match="blobs"):
            register.package_bytes(digest)
        assert register.package(sample_data["case_id"]).package.sha256 == digest  # filing again heals it
        assert register.package_bytes(digest)
