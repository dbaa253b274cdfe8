"""The filing zip: deterministic, Windows-safe names, nothing written for an invalid case."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import zipfile

from service.context.documents import MAX_NAME
from service.generate import generate

from .conftest import BIN, SAMPLE_PATH
from .helpers import file_names, manifest, unzip

WINDOWS_RESERVED = set('<>:"/\\|?*')


def test_same_input_same_bytes(sample_data):
    assert generate(sample_data).data == generate(sample_data).data


def test_same_bytes_across_processes(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"{seed}.zip"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(target)], check=True, env=env, capture_output=True)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_entry_names_safe_and_utf8(case_data):
    case_data["consultation"]["meetings"][0]["title"] = 'A/B:C*D?"E"<F>|G\\' + "很长的会议名称" * 30
    package = generate(case_data).data
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            assert not WINDOWS_RESERVED & set(info.filename), info.filename
            assert len(info.filename) <= MAX_NAME
            if not info.filename.isascii():
                assert info.flag_bits & 0x800, "UTF-8 flag"
            assert info.date_time == (2026, 4, 16, 0, 0, 0)


def test_docx_inside_is_deterministic_zip(sample_data):
    package = generate(sample_data).data
    files = unzip(package)
    with zipfile.ZipFile(io.BytesIO(files[file_names(package, "report")[0]])) as docx:
        names = [i.filename for i in docx.infolist()]
        assert names[0] == "[Content_Types].xml" and len(set(i.date_time for i in docx.infolist())) == 1


def test_warnings_travel_in_the_manifest(case_data):
    case_data["report"]["assessed_level"] = "中风险"
    case_data["filing"]["decision"]["result"] = "暂缓实施"
    m = manifest(generate(case_data).data)
    assert [w["path"] for w in m["warnings"]] == ["report.findings", "report.assessed_level"]
    assert m["risk"]["final_level"] == "中风险"


def test_cli_generate(tmp_path):
    target = tmp_path / "out" / "x.zip"
    run = subprocess.run([str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(target)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "已生成" in run.stdout
    assert hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(generate(json.loads(SAMPLE_PATH.read_text("utf-8"))).data).hexdigest()
    assert list(target.parent.iterdir()) == [target]  # no partial file left beside it


def test_cli_invalid_writes_nothing(tmp_path, case_data):
    case_data["risks"][0]["measures"] = []
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(case_data, ensure_ascii=False), "utf-8")
    target = tmp_path / "x.zip"
    run = subprocess.run([str(BIN / "wenping"), "generate", str(source), "-o", str(target)], capture_output=True, text=True)
    assert run.returncode == 1 and "risks.0.measures" in run.stderr
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_cli_only(tmp_path):
    target = tmp_path / "x.zip"
    run = subprocess.run(
        [str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(target), "--only", "report", "--only", "filing_form,minutes"],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    names = sorted(n for n in unzip(target.read_bytes()) if n.endswith(".docx"))
    full = generate(json.loads(SAMPLE_PATH.read_text("utf-8"))).data
    chosen = ("index", "filing_form", "minutes", "report")  # each keeps the number it has in the full package
    assert names == sorted(name for kind in chosen for name in file_names(full, kind))
    bad = subprocess.run([str(BIN / "wenping"), "generate", str(SAMPLE_PATH), "-o", str(target), "--only", "memo"], capture_output=True, text=True)
    assert bad.returncode == 2 and "memo" in bad.stderr
