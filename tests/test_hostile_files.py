"""Hostile files and a hostile machine: outputs over inputs, a full disk, hung LibreOffice,
characters no font has, file names no file system holds.

Real processes throughout: the installed console script, a real tmpfs for the full disk
(skipped where mounting is not permitted), real LibreOffice, real ``unzip``.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from service.pdf import new_converter
from service.checks.fonts import PDF_FONTS_CONF, covered_code_points, parse_charsets
from service.context.documents import MAX_NAME_BYTES, safe_file_name
from service.pdf.converter import FONTS_CONF, Converter, processes_matching

from .conftest import BIN, SAMPLE_PATH
from .web_fixtures import app_with, start_server, stop_server

PERIOD_PATH = SAMPLE_PATH.with_name("period-2026.json")
PDF_AVAILABLE = Converter().ready()
needs_pdf = pytest.mark.skipif(not PDF_AVAILABLE, reason="LibreOffice / python3-uno not installed")
needs_unzip = pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip not installed")

INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff"


def wenping(*args, cwd=None, env=None, timeout=300):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WENPING_")}
    full_env.update(env or {})
    return subprocess.run(
        [str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=timeout
    )


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def case_file(tmp_path, sample_data) -> Path:
    return write_json(tmp_path / "in.json", sample_data)


def logged(server, text: str) -> bool:
    """Whether the server's output has ``text`` (it reaches us through a pipe: give it a moment)."""
    for _ in range(100):
        if text in server.log():
            return True
        time.sleep(0.1)
    return False


# ------------------------------------------------------------ 4. an output over an input


def test_generate_refuses_to_write_over_its_input(tmp_path, case_file):
    before = case_file.read_bytes()
    result = wenping("generate", case_file, "-o", case_file)
    assert result.returncode == 2
    assert "是本次的输入文件" in result.stderr and str(case_file) in result.stderr
    assert case_file.read_bytes() == before
    # The same file under other names: a symlink, a hard link, a path through "..".
    symlink, hardlink = tmp_path / "link.zip", tmp_path / "hard.zip"
    symlink.symlink_to(case_file)
    os.link(case_file, hardlink)
    for other in (symlink, hardlink, tmp_path / "sub" / ".." / "in.json"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        result = wenping("generate", case_file, "-o", other)
        assert result.returncode == 2, other
        assert "是本次的输入文件" in result.stderr and f"即输入文件 {case_file}" in result.stderr
        assert case_file.read_bytes() == before
    # The next command works.
    result = wenping("generate", case_file, "-o", tmp_path / "out.zip")
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(tmp_path / "out.zip")


def test_summary_refuses_to_write_over_the_period_or_its_cases(tmp_path):
    period = json.loads(PERIOD_PATH.read_text("utf-8"))
    for number, inline in enumerate(period["cases"], 1):  # each case from its own file
        write_json(tmp_path / f"case{number}.json", inline)
    period["cases"] = [f"case{number}.json" for number in range(1, len(period["cases"]) + 1)]
    case = tmp_path / "case1.json"
    period_file = write_json(tmp_path / "period.json", period)
    saved = {p: p.read_bytes() for p in (case, period_file)}
    os.link(period_file, tmp_path / "over-period.docx")
    os.link(case, tmp_path / "twin.pdf")
    for args in (["-o", tmp_path / "over-period.docx"], ["-o", tmp_path / "twin.docx", "--pdf"]):
        result = wenping("summary", period_file, *args)
        assert result.returncode == 2, result.stderr
        assert "是本次的输入文件" in result.stderr
        assert not (tmp_path / "twin.docx").exists()  # nothing written, not even the .docx
    assert {p: p.read_bytes() for p in saved} == saved
    result = wenping("summary", period_file, "-o", tmp_path / "report.docx")
    assert result.returncode == 0, result.stderr


def test_batch_refuses_an_input_it_would_overwrite(tmp_path, sample_data):
    out = tmp_path / "out"
    report = write_json(out / "report.json", sample_data)  # a case file named like the batch's report
    before = report.read_bytes()
    result = wenping("batch", report, "-o", out)
    assert result.returncode == 2
    assert "会被覆盖" in result.stderr and "report.json" in result.stderr
    assert report.read_bytes() == before
    # A case file named as its package would be: that case fails, the file keeps its content.
    package = write_json(out / f"{sample_data['case_id']}_稳评报备材料.zip", sample_data)
    other = copy.deepcopy(sample_data)
    other["case_id"] = "QS-OTHER-1"
    second = write_json(tmp_path / "second.json", other)
    result = wenping("batch", package, second, "-o", out)
    assert result.returncode == 1, result.stderr
    assert json.loads(package.read_bytes()) == sample_data
    rows = {row["case_file"]: row for row in csv.DictReader(io.StringIO((out / "report.csv").read_text("utf-8-sig")))}
    assert rows[str(package)]["status"] == "failed" and "没有覆盖它" in rows[str(package)]["errors"]
    assert rows[str(second)]["status"] == "ok" and zipfile.is_zipfile(out / "QS-OTHER-1_稳评报备材料.zip")


# ------------------------------------------------------------ 5. a full disk


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str):
    """A tmpfs of ``size`` mounted on ``folder``; the test is skipped where mounting is not permitted."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    with open(filler, "wb") as fh:
        fh.truncate(0)
        remaining = max(0, free - leave)
        chunk = b"\0" * (1 << 20)
        while remaining > 0:
            try:
                remaining -= fh.write(chunk[: min(len(chunk), remaining)])
            except OSError:
                break
    return filler


def test_cli_on_a_full_disk_says_so_and_leaves_nothing(tmp_path, case_file):
    with tiny_disk(tmp_path / "disk", "2m") as disk:
        filler = fill(disk, 16 * 1024)
        result = wenping("generate", case_file, "-o", disk / "out.zip")
        assert result.returncode == 2
        assert "磁盘空间不足" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no partial zip, no temporary file
        filler.unlink()
        result = wenping("generate", case_file, "-o", disk / "out.zip")
        assert result.returncode == 0, result.stderr


def test_batch_on_a_full_disk_fails_the_case_with_the_reason(tmp_path, case_file):
    with tiny_disk(tmp_path / "disk", "2m") as disk:
        fill(disk, 40 * 1024)  # room for the reports, not for a package
        result = wenping("batch", case_file, "-o", disk, "-j", "1")
        assert result.returncode == 1, result.stderr
        row = next(csv.DictReader(io.StringIO((disk / "report.csv").read_text("utf-8-sig"))))
        assert row["status"] == "failed" and "磁盘空间不足" in row["errors"]
        assert not list(disk.glob("*.zip")) and not list(disk.glob(".*wenping-part"))


@needs_pdf
def test_server_on_a_full_disk_answers_503_and_readyz_tells(tmp_path, sample_data):
    body = json.dumps(sample_data, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    with tiny_disk(tmp_path / "disk", "96m") as disk:
        server = start_server(disk / "server", "--workers", "1", env={"WENPING_MIN_FREE_SPACE": "8M"})
        try:
            status, _, answer = server.request("GET", "/readyz")
            assert status == 200, answer
            filler = fill(disk, 256 * 1024)
            status, _, answer = server.request("GET", "/readyz")
            readiness = json.loads(answer)
            assert status == 503 and "磁盘空间不足" in readiness["detail"] and "WENPING_MIN_FREE_SPACE" in readiness["detail"]
            status, answer_headers, answer = server.request("POST", "/api/v1/packages?pdf=1", body, headers)
            problem = json.loads(answer)
            assert status == 503 and answer_headers["Content-Type"] == "application/problem+json"
            assert problem["type"] == "urn:wenping:problem:disk-full" and "磁盘空间不足" in problem["detail"]
            assert logged(server, "磁盘空间不足")
            filler.unlink()
            status, _, _ = server.request("GET", "/readyz")
            assert status == 200
            status, _, answer = server.request("POST", "/api/v1/packages?pdf=1", body, headers)
            assert status == 200 and zipfile.is_zipfile(io.BytesIO(answer))
        finally:
            stop_server(server)


# ------------------------------------------------------------ 6. one deadline for a package's PDFs


@contextlib.contextmanager
def stopping_soffice(folder: Path):
    """Keep every soffice started under ``folder`` stopped (SIGSTOP), new ones too, until the block ends."""
    done = threading.Event()

    def stop_them() -> None:
        while not done.is_set():
            for pid in processes_matching(str(folder)):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as fh:
                        if b"soffice" in fh.read().split(b"\0")[0]:
                            os.kill(pid, signal.SIGSTOP)
                except OSError:
                    pass
            done.wait(0.05)

    thread = threading.Thread(target=stop_them, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@needs_pdf
def test_stopped_libreoffice_gives_504_by_the_deadline(tmp_path, sample_data):
    body = json.dumps(sample_data, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    deadline = 8
    server = start_server(
        tmp_path / "server", "--workers", "1",
        env={"WENPING_PDF_TIMEOUT": "3", "WENPING_PDF_DEADLINE": str(deadline), "WENPING_PDF_WORKERS": "2"},
    )
    try:
        status, _, _ = server.request("POST", "/api/v1/documents/report?format=pdf", body, headers)
        assert status == 200  # workers warm
        with stopping_soffice(server.tmpdir):
            started = time.monotonic()
            status, answer_headers, answer = server.request("POST", "/api/v1/packages?pdf=1", body, headers)
            took = time.monotonic() - started
        problem = json.loads(answer)
        assert status == 504 and problem["type"] == "urn:wenping:problem:pdf-timeout"
        assert "超时" in problem["detail"]
        assert took < deadline + 10, took  # before: every document tried, retried and restarted
        assert logged(server, f"总时限 {deadline} 秒")
        # The hung LibreOffice processes were killed and replaced: the next package is made.
        status, _, answer = server.request("POST", "/api/v1/packages?pdf=1", body, headers)
        assert status == 200 and zipfile.is_zipfile(io.BytesIO(answer))
    finally:
        stop_server(server)


def test_a_hanging_soffice_bounds_the_cli_by_the_deadline(tmp_path, case_file):
    hang = tmp_path / "soffice"
    hang.write_text("#!/bin/sh\nexec sleep 600\n")
    hang.chmod(0o755)
    env = {"WENPING_SOFFICE": str(hang), "WENPING_PDF_TIMEOUT": "2", "WENPING_PDF_DEADLINE": "5", "TMPDIR": str(tmp_path)}
    if not PDF_AVAILABLE:
        pytest.skip("python3-uno not installed")
    started = time.monotonic()
    result = wenping("generate", case_file, "--pdf", "-o", tmp_path / "out.zip", env=env)
    took = time.monotonic() - started
    assert result.returncode == 2 and "总时限 5 秒" in result.stderr and "WENPING_PDF_DEADLINE" in result.stderr
    assert took < 5 + 10, took  # the start time-out alone was 30 s per attempt
    assert not (tmp_path / "out.zip").exists()
    assert not processes_matching(str(tmp_path / "soffice"))  # no sleeping "soffice" left behind


def test_deadline_setting_defaults_to_three_timeouts(setting):
    setting("WENPING_PDF_TIMEOUT", "10")
    conv = new_converter()
    assert conv.deadline == 30
    setting("WENPING_PDF_DEADLINE", "12")
    assert new_converter().deadline == 12
    result = wenping("config", env={"WENPING_PDF_DEADLINE": "0"})
    assert result.returncode == 2 and "WENPING_PDF_DEADLINE" in result.stderr


# ------------------------------------------------------------ 7. characters no font covers


def test_the_checks_read_the_fonts_conf_the_workers_use():
    assert PDF_FONTS_CONF.resolve() == FONTS_CONF.resolve()


def test_charset_parsing():
    coverage = parse_charsets("20-7e a0-ff\n4e00-9fff 20bb7\n")
    assert 0x41 in coverage and 0x20BB7 in coverage and 0x4E00 in coverage and 0x9FFF in coverage
    assert 0x7F not in coverage and 0x20BB8 not in coverage and 0x1F600 not in coverage


def test_validate_names_characters_no_pdf_face_has(tmp_path, sample_data):
    covered = covered_code_points()
    if covered is None:
        pytest.skip("fontconfig (fc-list) not installed")
    missing = [c for c in ("\U00030000", "\U0001FAE0", "\U000F0000") if ord(c) not in covered]
    assert missing, "every test character is covered: pick others"
    data = copy.deepcopy(sample_data)
    data["leading_group"]["leader"]["name"] = "张" + "".join(missing) + "\ufe0f\u200d"
    result = wenping("validate", "--json", write_json(tmp_path / "c.json", data))
    assert result.returncode == 0, result.stderr  # a warning, not an error
    # the 1.0 sample is upgraded on input: the leader (王建国) is the second entry of ``people``
    warnings = [w for w in json.loads(result.stdout)["warnings"] if w["path"] == "people.1.name"]
    assert len(warnings) == 1
    for char in missing:
        assert f"「{char}」(U+{ord(char):04X})" in warnings[0]["message"]
    assert "U+FE0F" not in warnings[0]["message"] and "U+200D" not in warnings[0]["message"]
    assert "张" not in warnings[0]["message"].split("：")[1].split("，")[0]


def test_sample_has_no_font_warning(sample_data):
    from service.checks.validation import validate

    assert not [w for w in validate(sample_data).warnings if "字体" in w.message]


@needs_pdf
def test_cjk_extension_b_and_emoji_print_in_the_pdf(tmp_path, sample_data):
    """𠮷 (U+20BB7), 𡈼 (U+2123C) and 😀: no warning, and drawn from a fall-back face, not as boxes."""
    covered = covered_code_points()
    assert covered is not None
    for char in "𠮷𡈼😀":
        assert ord(char) in covered, f"no PDF face has {char}: make sysdeps installs fonts-hanazono and fonts-symbola"
    data = copy.deepcopy(sample_data)
    data["leading_group"]["leader"]["name"] = "张𠮷𡈼 😀"
    case = write_json(tmp_path / "c.json", data)
    result = wenping("validate", "--json", case)
    assert not [w for w in json.loads(result.stdout)["warnings"] if "字体" in w["message"]]
    result = wenping("generate", case, "--pdf", "--only", "plan", "-o", tmp_path / "out.zip")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        name = next(n for n in archive.namelist() if n.startswith("02_") and n.endswith(".pdf"))
        (tmp_path / "plan.pdf").write_bytes(archive.read(name))
    text = subprocess.run(["pdftotext", tmp_path / "plan.pdf", "-"], capture_output=True, text=True).stdout
    assert "张𠮷𡈼 😀" in text
    fonts = subprocess.run(["pdffonts", tmp_path / "plan.pdf"], capture_output=True, text=True).stdout
    assert "HanaMin" in fonts  # the CJK extension face drew them


# ------------------------------------------------------------ 8. file and entry names


def test_safe_file_name_cuts_bytes_and_drops_invisible_characters():
    name = safe_file_name("03_会\u202egpj.exe纪要" + "题" * 300, ".docx")
    assert name.startswith("03_会gpj.exe纪要") and name.endswith(".docx")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not any(unicodedata.category(c) == "Cf" for c in name)
    for char in INVISIBLE:
        assert safe_file_name(f"a{char}b", ".zip") == "ab.zip"
    assert safe_file_name("\u200b\u202e", ".pdf") == "文档.pdf"
    assert safe_file_name("😀" * 100, ".pdf") == "😀" * 49 + ".pdf"  # 4-byte characters, never cut in half


def long_titled(sample_data) -> dict:
    data = copy.deepcopy(sample_data)
    title = "会\u202egpj.exe\u200b\ufeff纪要" + "很长的会议名称" * 43  # 300+ characters
    for meeting in data["consultation"]["meetings"]:
        meeting["title"] = title  # the same: the names must still differ
    return data


@needs_unzip
def test_long_and_bidi_titles_unzip_on_linux(tmp_path, sample_data):
    case = write_json(tmp_path / "c.json", long_titled(sample_data))
    result = wenping("generate", case, "-o", tmp_path / "out.zip")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    minutes = [n for n in names if "会议名称" in n]
    assert len(minutes) == len(sample_data["consultation"]["meetings"]) >= 2
    for name in names:
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES, name
        assert not any(unicodedata.category(c) == "Cf" for c in name), ascii(name)
    unzipped = subprocess.run(["unzip", "-q", tmp_path / "out.zip", "-d", tmp_path / "x"], capture_output=True, text=True)
    assert unzipped.returncode == 0, unzipped.stderr
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == sorted(names)


def test_download_name_is_cut_and_clean(sample_data):
    client = app_with(API_KEYS=()).test_client()
    response = client.post("/api/v1/documents/minutes?meeting=1", json=long_titled(sample_data))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    from urllib.parse import unquote

    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.endswith(".docx") and "会gpj.exe纪要" in name
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not any(unicodedata.category(c) == "Cf" for c in name)
    # The next request is served as before.
    assert client.post("/api/v1/documents/report", json=sample_data).status_code == 200


def test_batch_output_names_fit_and_stay_apart(tmp_path, sample_data):
    stem = "案卷\u202e\u200b" + "很长的文件名" * 10
    first = write_json(tmp_path / f"{stem}甲.json", sample_data)
    second = write_json(tmp_path / f"{stem}乙.json", sample_data)  # the same case id: suffixed by the stem
    result = wenping("batch", first, second, "-o", tmp_path / "out", "-j", "1")
    assert result.returncode == 0, result.stderr
    outputs = sorted(p.name for p in (tmp_path / "out").glob("*.zip"))
    assert len(outputs) == 2
    for name in outputs:
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES and name.endswith(".zip")
        assert not any(unicodedata.category(c) == "Cf" for c in name)
