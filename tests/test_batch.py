"""`wenping batch`: many cases in, one zip each plus report.csv/report.json, as a user runs it.

Real processes throughout: the installed console script, spawned workers, LibreOffice
for the PDF run, real signals for the interruption.
"""

from __future__ import annotations

import copy
import csv
import fcntl
import io
import json
import os
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from service.batch import STATE_NAME, BatchError, expand_inputs, run_batch
from service.pdf.assemble import MERGED_NAME
from service.generate import generate

from .conftest import BIN
from .helpers import manifest, unzip

REPORT_HEADER = ["case_file", "case_id", "status", "output", "seconds", "errors", "note"]
RULE_ERROR = "consultation.survey.valid：有效问卷数(590)不能大于回收数(584)"


def wenping(*args, cwd=None, env=None, timeout=120):
    return subprocess.run(
        [str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def package_name(case_id: str) -> str:
    return f"{case_id}_稳评报备材料.zip"


def write_case(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def make_cases(folder: Path, sample: dict, count: int, prefix: str = "c") -> dict[str, dict]:
    """count valid cases c01.json… with case ids QS-WP-2026-001…; {case_id: data}."""
    made = {}
    for i in range(1, count + 1):
        data = copy.deepcopy(sample)
        data["case_id"] = f"QS-WP-2026-{i:03d}"
        write_case(folder / f"{prefix}{i:02d}.json", data)
        made[data["case_id"]] = data
    return made


def add_invalid(folder: Path, sample: dict) -> None:
    (folder / "broken.json").write_text('{"case_id": ', "utf-8")
    rule = copy.deepcopy(sample)
    rule["case_id"] = "QS-WP-2026-099"
    rule["consultation"]["survey"]["valid"] = 590
    write_case(folder / "rule.json", rule)


def read_csv_report(outdir: Path) -> list[dict]:
    raw = (outdir / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "report.csv must start with a BOM for Excel"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == REPORT_HEADER
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def read_json_report(outdir: Path) -> list[dict]:
    return json.loads((outdir / "report.json").read_text("utf-8"))


def zips(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(outdir.glob("*.zip"))}


def assert_complete_zip(data: bytes) -> dict:
    """A zip that opens, passes its CRC checks and holds every file its manifest lists."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
    listed = manifest(data)
    assert {f["file"] for f in listed["files"]} | {"manifest.json"} == names
    return listed


def assert_clean(outdir: Path) -> None:
    """Nothing in the output folder but packages, the reports and the state file."""
    for path in outdir.iterdir():
        assert path.suffix == ".zip" or path.name in ("report.csv", "report.json", STATE_NAME), path.name
        assert not path.name.startswith(".") or path.name == STATE_NAME, path.name


# ------------------------------------------------------------------ a mixed folder


def test_folder_with_valid_and_invalid_cases(tmp_path, sample_data):
    cases = tmp_path / "cases"
    made = make_cases(cases, sample_data, 4)
    add_invalid(cases, sample_data)
    out = tmp_path / "out"

    run = wenping("batch", cases, "-o", out, "--jobs", "2")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout

    # one line per case when stdout is not a terminal, then the summary
    lines = run.stdout.splitlines()
    assert sum(line.startswith("[") and "/6] " in line for line in lines) == 6
    assert f"成功 QS-WP-2026-001 → {out / package_name('QS-WP-2026-001')}" in run.stdout
    assert "共 6 个案卷：成功 4，跳过 0，无效 2，失败 0" in lines[-1]

    # report.csv: UTF-8 with BOM, English keys, one row per input in sorted order
    rows = read_csv_report(out)
    assert [r["case_file"] for r in rows] == [
        str(cases / name) for name in ("broken.json", "c01.json", "c02.json", "c03.json", "c04.json", "rule.json")
    ]
    by_file = {Path(r["case_file"]).name: r for r in rows}
    assert by_file["broken.json"]["status"] == "invalid"
    assert by_file["broken.json"]["case_id"] == "" and by_file["broken.json"]["output"] == ""
    assert by_file["broken.json"]["errors"].startswith("JSON 格式错误：第 1 行第 13 列")
    rule = by_file["rule.json"]
    assert (rule["status"], rule["case_id"], rule["output"]) == ("invalid", "QS-WP-2026-099", "")
    assert rule["errors"].startswith(RULE_ERROR + "；")  # "path：message；path：message…"
    for i in range(1, 5):
        row = by_file[f"c0{i}.json"]
        assert row["status"] == "ok" and row["errors"] == ""
        assert row["case_id"] == f"QS-WP-2026-00{i}" and row["output"] == package_name(row["case_id"])
        assert float(row["seconds"]) > 0

    # report.json: the same records, errors as {path, message}
    records = read_json_report(out)
    assert [r["case_file"] for r in records] == [r["case_file"] for r in rows]
    assert {r["status"] for r in records} == {"ok", "invalid"}
    rule_record = next(r for r in records if r["case_id"] == "QS-WP-2026-099")
    assert rule_record["errors"][0] == {"path": "consultation.survey.valid", "message": "有效问卷数(590)不能大于回收数(584)"}
    broken = records[0]
    assert broken["case_id"] is None and broken["output"] is None
    assert broken["errors"] == [{"path": "", "message": "JSON 格式错误：第 1 行第 13 列（Expecting value）"}]

    # a zip for every valid case, the same bytes `generate` gives; none for the invalid ones
    packages = zips(out)
    assert set(packages) == {package_name(case_id) for case_id in made}
    for case_id, data in made.items():
        body = packages[package_name(case_id)]
        assert assert_complete_zip(body)["case_id"] == case_id
        assert body == generate(data).data
    assert_clean(out)


# ------------------------------------------------------------------ re-runs


def test_rerun_skips_unchanged_and_force_regenerates(tmp_path, sample_data):
    cases = tmp_path / "cases"
    made = make_cases(cases, sample_data, 3)
    out = tmp_path / "out"
    first = wenping("batch", cases, "-o", out, "--jobs", "2")
    assert first.returncode == 0, first.stderr
    before = zips(out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.zip")}
    assert len(before) == 3

    # unchanged: everything skipped, nothing rewritten
    again = wenping("batch", cases, "-o", out, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert [r["status"] for r in read_json_report(out)] == ["skipped"] * 3
    assert [r["output"] for r in read_csv_report(out)] == [package_name(c) for c in made]
    assert "跳过 QS-WP-2026-001" in again.stdout and "跳过 3" in again.stdout
    assert zips(out) == before
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.zip")} == stamps

    # one input changed: only it is regenerated
    changed = copy.deepcopy(made["QS-WP-2026-002"])
    changed["matter"]["name"] += "（二期）"
    write_case(cases / "c02.json", changed)
    third = wenping("batch", cases, "-o", out, "--jobs", "2")
    assert third.returncode == 0, third.stderr
    assert [r["status"] for r in read_json_report(out)] == ["skipped", "ok", "skipped"]
    after = zips(out)
    name2 = package_name("QS-WP-2026-002")
    assert after[name2] != before[name2] and after[name2] == generate(changed).data
    assert {k: v for k, v in after.items() if k != name2} == {k: v for k, v in before.items() if k != name2}

    # an output that was removed or altered is made again
    (out / package_name("QS-WP-2026-001")).unlink()
    (out / package_name("QS-WP-2026-003")).write_bytes(b"not the package")
    fourth = wenping("batch", cases, "-o", out)
    assert [r["status"] for r in read_json_report(out)] == ["ok", "skipped", "ok"]
    assert zips(out) == after

    # --force: everything regenerated (same bytes: generation is deterministic)
    forced = wenping("batch", cases, "-o", out, "--jobs", "2", "--force")
    assert forced.returncode == 0, forced.stderr
    assert [r["status"] for r in read_json_report(out)] == ["ok"] * 3
    assert zips(out) == after
    assert fourth.returncode == 0
    assert_clean(out)


# ------------------------------------------------------------------ interruption


def live_processes_in_group(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat[0] != "Z" and int(stat[2]) == pgid:  # state, ppid, pgrp
            found.append(int(entry))
    return found


@pytest.mark.parametrize(
    "sig, whole_group",
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c-to-process-group", "sigterm-to-batch"],
)
def test_interrupt_leaves_only_complete_packages(tmp_path, sample_data, sig, whole_group):
    cases = tmp_path / "cases"
    make_cases(cases, sample_data, 40)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [str(BIN / "wenping"), "batch", str(cases), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal job has
    )
    try:
        deadline = time.monotonic() + 60
        while not (out.is_dir() and any(out.glob("*.zip"))):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no output appeared"
            time.sleep(0.005)
        if whole_group:
            os.killpg(proc.pid, sig)  # what Ctrl-C at a terminal does
        else:
            proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "已中断" in stderr and "Traceback" not in stderr + stdout

    # every zip present is complete; no temporary or partial files remain
    assert_clean(out)
    packages = zips(out)
    for body in packages.values():
        assert_complete_zip(body)
    # the reports exist and list exactly what finished
    records = read_json_report(out)
    assert 1 <= len(records) < 40, "the batch finished before the signal arrived"
    assert all(r["status"] == "ok" for r in records)
    assert {r["output"] for r in records} == set(packages)
    assert len(read_csv_report(out)) == len(records)
    # no worker outlives the batch
    deadline = time.monotonic() + 10
    while live_processes_in_group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_processes_in_group(proc.pid) == []

    if not whole_group:
        return
    # a re-run picks up where it stopped
    rerun = wenping("batch", cases, "-o", out, "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    statuses = [r["status"] for r in read_json_report(out)]
    assert statuses.count("skipped") == len(records) and statuses.count("ok") == 40 - len(records)


# ------------------------------------------------------------------ inputs


def test_globs_files_and_duplicate_case_ids(tmp_path, sample_data):
    a, b = tmp_path / "a", tmp_path / "b"
    made = make_cases(a, sample_data, 3)
    make_cases(b, sample_data, 2, prefix="d")  # ids 001 and 002 again
    write_case(tmp_path / "single.json", {**copy.deepcopy(sample_data), "case_id": "QS-WP-2026-077"})
    (a / "notes.txt").write_text("not a case", "utf-8")
    out = tmp_path / "out"

    # a quoted glob (expanded by wenping, sorted), an explicit file, a file the glob also names
    run = wenping("batch", "a/*.json", "single.json", "a/c02.json", "b/d02.json", "-o", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    records = read_json_report(out)
    assert [r["case_file"] for r in records] == ["a/c01.json", "a/c02.json", "a/c03.json", "single.json", "b/d02.json"]
    by_file = {r["case_file"]: r for r in records}
    # the same case id twice: both get their file stem, deterministically, and are reported
    assert by_file["a/c02.json"]["output"] == "QS-WP-2026-002_稳评报备材料_c02.zip"
    assert by_file["b/d02.json"]["output"] == "QS-WP-2026-002_稳评报备材料_d02.zip"
    assert by_file["a/c01.json"]["output"] == package_name("QS-WP-2026-001")
    assert "_d02" in by_file["b/d02.json"]["note"] and by_file["a/c01.json"]["note"] == ""
    assert "提醒" in run.stderr and "QS-WP-2026-002 重复" in run.stderr
    assert set(zips(out)) == {r["output"] for r in records}
    assert manifest(zips(out)["QS-WP-2026-002_稳评报备材料_c02.zip"])["case_id"] == "QS-WP-2026-002"
    assert unzip(zips(out)[package_name("QS-WP-2026-003")])["case.json"]
    assert made

    # refused before anything runs: exit 2, a Chinese line, no output folder made
    for args, message in [
        (["nowhere/*.json"], "没有与 nowhere/*.json 匹配的案卷文件"),
        (["missing.json"], "文件或文件夹 missing.json 不存在"),
        (["a", "--template-set", "nope"], "没有名为「nope」的模板套"),
    ]:
        refused = wenping("batch", *args, "-o", "elsewhere", cwd=tmp_path)
        assert refused.returncode == 2, (args, refused.stderr)
        assert refused.stderr.startswith("错误：") and message in refused.stderr
        assert "Traceback" not in refused.stderr
        assert not (tmp_path / "elsewhere").exists()
    assert wenping("batch", "a").returncode == 2  # -o is required

    # one batch at a time per output folder
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        busy = wenping("batch", "a", "-o", "out", cwd=tmp_path)
    finally:
        os.close(fd)
    assert busy.returncode == 2 and "另一个批量任务正在向 out 输出" in busy.stderr


def test_glob_matching_folders_takes_their_cases(tmp_path, sample_data):
    """A quoted pattern behaves as the shell's expansion would: matched folders give their cases."""
    make_cases(tmp_path / "regions" / "east", sample_data, 2)
    make_cases(tmp_path / "regions" / "west", sample_data, 1, prefix="w")
    (tmp_path / "regions" / "west" / "w01.json").rename(tmp_path / "regions" / "west" / "x.json")
    found = expand_inputs([tmp_path / "regions" / "*"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "regions/east/c01.json", "regions/east/c02.json", "regions/west/x.json"
    ]
    assert expand_inputs([str(tmp_path / "regions" / "**" / "*.json")]) == found
    with pytest.raises(BatchError, match="中没有案卷文件"):
        expand_inputs([tmp_path / "regions"])  # no *.json directly inside


def test_broken_template_set_refuses_whole_batch(tmp_path, sample_data):
    make_cases(tmp_path / "cases", sample_data, 1)
    broken = tmp_path / "sets" / "broken"
    broken.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "doc_templates" / "default" / "plan.docx", broken / "bogus.docx")
    env = {**os.environ, "WENPING_TEMPLATE_DIRS": str(tmp_path / "sets")}
    run = wenping("batch", "cases", "-o", "out", "--template-set", "broken", cwd=tmp_path, env=env)
    assert run.returncode == 2
    assert "模板套「broken」有问题" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ the library function


class Collect:
    def __init__(self):
        self.events = []

    def started(self, total, notes):
        self.events.append(("started", total, tuple(notes)))

    def finished(self, record, done, total):
        self.events.append((record.status, done, total))

    def close(self):
        pass


def test_run_batch_without_the_cli(tmp_path, sample_data, setting):
    cases = tmp_path / "cases"
    make_cases(cases, sample_data, 2)
    add_invalid(cases, sample_data)
    custom = tmp_path / "sets" / "custom"
    custom.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "doc_templates" / "default" / "plan.docx", custom / "plan.docx")
    setting("WENPING_TEMPLATE_DIRS", str(tmp_path / "sets"))
    out = tmp_path / "out"

    progress = Collect()
    report = run_batch([cases], out, jobs=1, progress=progress)
    assert report.exit_code == 1 and not report.interrupted
    assert (report.total, report.count("ok"), report.count("invalid")) == (4, 2, 2)
    assert progress.events[0] == ("started", 4, ())
    assert sorted(e[1] for e in progress.events[1:]) == [1, 2, 3, 4]
    assert report.report_csv.is_file() and report.report_json.is_file()
    assert manifest(zips(out)[package_name("QS-WP-2026-001")])["template_set"] == "default"

    # another template set is another output: not skipped
    report = run_batch([cases / "c01.json"], out, jobs=1, template_set="custom")
    assert [r.status for r in report.records] == ["ok"] and report.exit_code == 0
    assert manifest(zips(out)[package_name("QS-WP-2026-001")])["template_set"] == "custom"
    assert [r.status for r in run_batch([cases / "c01.json"], out, template_set="custom").records] == ["skipped"]

    with pytest.raises(BatchError, match="不存在"):
        run_batch([tmp_path / "missing.json"], out)


# ------------------------------------------------------------------ PDF


def test_pdf_batch(tmp_path, sample_data):
    """Two cases with PDF, one LibreOffice per worker process, none left afterwards."""
    cases = tmp_path / "cases"
    make_cases(cases, sample_data, 2)
    scratch = tmp_path / "tmp"  # the converters' private folders go here: their processes are ours
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    run = wenping("batch", cases, "-o", tmp_path / "out", "--pdf", "--jobs", "2", env=env, timeout=240)
    assert run.returncode == 0, run.stderr
    records = read_json_report(tmp_path / "out")
    assert [r["status"] for r in records] == ["ok", "ok"]
    for record in records:
        body = (tmp_path / "out" / record["output"]).read_bytes()
        listed = assert_complete_zip(body)
        files = unzip(body)
        assert MERGED_NAME in files and files[MERGED_NAME].startswith(b"%PDF-")
        pdfs = [f["file"] for f in listed["files"] if f["file"].endswith(".pdf")]
        assert len(pdfs) == len([f for f in listed["files"] if f["file"].endswith(".docx")]) + 1
    deadline = time.monotonic() + 10
    while our_processes(scratch) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert our_processes(scratch) == [], "the batch left LibreOffice running"
    assert list(scratch.glob("wenping-pdf-*")) == []


def our_processes(marker: Path) -> list[str]:
    """Live processes whose command line names ``marker`` (soffice, uno_worker)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and str(marker).encode() in cmdline:
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found
