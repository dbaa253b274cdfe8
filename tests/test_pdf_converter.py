"""The PDF stage against a real LibreOffice: text, fonts, concurrency, hangs, crashes, clean-up."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from service.pdf import ConversionError, ConversionTimeout, Converter, ConverterUnavailable, new_converter
from service.pdf import uno_worker
from service.pdf.converter import FONTS_CONF, pipe_name
from service.settings import Settings

from .helpers import live_processes

ROOT = Path(__file__).resolve().parents[1]

AVAILABLE = Converter().ready()
# Skipped only off CI: `make test` installs LibreOffice, so on CI a missing one is a failure.
needs_lo = pytest.mark.skipif(not AVAILABLE and not os.environ.get("CI"), reason="LibreOffice / python3-uno not installed")


# -- helpers ---------------------------------------------------------------------------


def make_docx(paragraphs: list[tuple[str, str]], size: int = 16) -> bytes:
    """A .docx whose runs carry the given east-Asian font names (w:rFonts w:eastAsia)."""
    document = docx.Document()
    for text, font in paragraphs:
        run = document.add_paragraph().add_run(text)
        run.font.size = Pt(size)
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def official_doc(marker: str = "", body_paragraphs: int = 3) -> bytes:
    paragraphs = [
        ("某镇人民政府关于道路拓宽工程社会稳定风险评估的报告", "方正小标宋简体"),
        ("一、评估事项基本情况", "黑体"),
    ]
    paragraphs += [
        (f"为切实做好重大决策社会稳定风险评估工作，镇综治办会同相关部门进行了全面评估。{i}", "仿宋_GB2312")
        for i in range(body_paragraphs)
    ]
    paragraphs.append(("（一）风险防范化解措施", "楷体_GB2312"))
    if marker:
        paragraphs.append((marker, "仿宋_GB2312"))
    return make_docx(paragraphs)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text without whitespace (line breaks and CJK/Latin font switches add some)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def pdf_fonts(pdf: bytes) -> list[dict]:
    """Rows of `pdffonts`: name and whether the font is embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdffonts", fh.name], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        cols = line.split()
        # name ... emb sub uni objnum gen: read from the right, the type may have spaces
        rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def render_hash(pdf: bytes) -> str:
    """MD5 of the first page rendered in grey at 72 dpi."""
    out = subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-f", "1", "-l", "1", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    assert out.stdout.startswith(b"P5"), out.stderr
    return hashlib.md5(out.stdout).hexdigest()


def ours(workdir: Path | str) -> list[tuple[int, str]]:
    """Live processes whose command line mentions the converter's private directory."""
    return live_processes(workdir)


def soffice_pids(workdir: Path) -> list[int]:
    return [pid for pid, cmd in ours(workdir) if "soffice.bin" in cmd]


def wait_until(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def assert_no_leftovers(workdir: Path) -> None:
    assert wait_until(lambda: not ours(workdir)), ours(workdir)
    assert not workdir.exists()
    prefix = workdir.name.replace("-", "_")
    assert not list(Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_{prefix}_*"))


def live_pipes(workdir: Path) -> list[Path]:
    """The /tmp sockets LibreOffice made for each worker, as the converter predicts them."""
    paths = []
    for sub in workdir.iterdir():
        if sub.is_dir():
            paths += [Path(p) for p in uno_worker.osl_pipe_paths(str(sub), pipe_name(sub))]
    return paths


@pytest.fixture(scope="module")
def converter():
    if not AVAILABLE and not os.environ.get("CI"):
        pytest.skip("LibreOffice / python3-uno not installed")
    conv = Converter(pool_size=2, timeout=60)
    yield conv
    workdir = conv.workdir
    conv.close()
    if workdir is not None:
        assert_no_leftovers(workdir)


# -- fonts -------------------------------------------------------------------------------

FANG, XBS, SONG, HEI, KAI = "FandolFang", "FandolSong", "AR PL UMing CN", "WenQuanYi Zen Hei", "AR PL UKai CN"
FONT_MAP = {
    "仿宋_GB2312": FANG,
    "仿宋": FANG,
    "FangSong": FANG,
    "FangSong_GB2312": FANG,
    "方正小标宋简体": XBS,
    "方正小标宋_GBK": XBS,
    "宋体": SONG,
    "SimSun": SONG,
    "NSimSun": SONG,
    "黑体": HEI,
    "SimHei": HEI,
    "方正黑体_GBK": HEI,
    "楷体_GB2312": KAI,
    "楷体": KAI,
    "KaiTi": KAI,
    "KaiTi_GB2312": KAI,
}


def test_fonts_conf_maps_official_names_to_sc_faces():
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    for name, family in FONT_MAP.items():
        out = subprocess.run(
            ["fc-match", "-f", "%{family}", name], env=env, capture_output=True, text=True, check=True
        )
        assert family in out.stdout.split(","), (name, out.stdout)


@needs_lo
def test_converts_chinese_docx_with_embedded_sc_fonts(converter):
    pdf = converter.convert(official_doc("文号：某政发〔2026〕1号"), "风险评估报告")
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for snippet in ("社会稳定风险评估", "评估事项基本情况", "风险防范化解措施", "某政发〔2026〕1号"):
        assert snippet in text

    fonts = pdf_fonts(pdf)
    names = " ".join(f["name"] for f in fonts)
    assert all(f["emb"] == "yes" for f in fonts), fonts
    # The closest free faces, each a Simplified-Chinese face by name: FandolFang for 仿宋, FandolSong Bold for
    # 小标宋, WenQuanYi Zen Hei for 黑体, UKai CN for 楷体; all TrueType (embedded the same way every time).
    assert {"FandolFang-Regular", "FandolSong-Bold", "WenQuanYiZenHei", "UKaiCN"} <= {n.split("+")[-1] for n in names.split()}, names
    for font in fonts:
        assert not any(tag in font["name"] for tag in ("JP", "jp", "KR", "kr", "TC", "TW", "HK")), font


# -- concurrency ---------------------------------------------------------------------------


@needs_lo
def test_concurrent_callers_get_their_own_documents(converter):
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def caller(first: int) -> None:
        try:
            for n in (first, first + 3):
                results[n] = converter.convert(official_doc(f"文档编号{n:03d}号"), f"文档{n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(results) == list(range(6))
    for n, pdf in results.items():
        text = pdf_text(pdf)
        assert f"文档编号{n:03d}号" in text
        assert all(f"文档编号{m:03d}号" not in text for m in range(6) if m != n)
    # Never more than pool_size LibreOffice processes.
    assert len(soffice_pids(converter.workdir)) <= 2


@needs_lo
def test_convert_many_keeps_order(converter):
    items = [(f"附件{n}", official_doc(f"附件编号{n}号", body_paragraphs=1)) for n in range(3)]
    pdfs = converter.convert_many(items)
    assert len(pdfs) == 3
    for n, pdf in enumerate(pdfs):
        assert f"附件编号{n}号" in pdf_text(pdf)


# -- bad input ------------------------------------------------------------------------------


@needs_lo
def test_broken_document_fails_with_its_name(converter):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "不是 docx")
    with pytest.raises(ConversionError) as info:
        converter.convert(buf.getvalue(), "损坏的附件")
    assert not isinstance(info.value, ConversionTimeout)
    assert "文档「损坏的附件」转换 PDF 失败" in str(info.value)
    assert info.value.document == "损坏的附件"
    # The worker survives a bad document.
    assert "风险评估" in pdf_text(converter.convert(official_doc(), "之后的文档"))


def test_not_a_docx_is_rejected_at_once():
    with Converter() as conv:
        with pytest.raises(ConversionError, match="文档「便签」转换 PDF 失败"):
            conv.convert(b"just text", "便签")
        assert conv.workdir is None  # nothing was started


# -- hangs and crashes ---------------------------------------------------------------------

HANGING_WORKER = """
import json, subprocess, sys, time
args = sys.argv[1:]
workdir = args[args.index("--dir") + 1]
# A stand-in for soffice in the same process group, found by its command line.
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", workdir])
if "{mode}" == "ready":
    print(json.dumps({{"event": "ready", "pid": 0, "soffice_pgid": None}}), flush=True)
for line in sys.stdin:
    time.sleep(600)  # never answers
time.sleep(600)
"""


@pytest.mark.parametrize("mode", ["ready", "silent"])
def test_hung_worker_times_out_and_is_killed(tmp_path, mode):
    script = tmp_path / "hang.py"
    script.write_text(HANGING_WORKER.format(mode=mode))
    conv = Converter(timeout=1.0, start_timeout=1.0, worker_command=[sys.executable, str(script)])
    try:
        started = time.monotonic()
        with pytest.raises(ConversionTimeout) as info:
            conv.convert(official_doc(), "卡住的文档")
        elapsed = time.monotonic() - started
        assert "文档「卡住的文档」转换 PDF 超时" in str(info.value)
        assert info.value.document == "卡住的文档"
        assert 2.0 <= elapsed < 10, elapsed  # two attempts of one second each
        workdir = conv.workdir
        assert workdir is not None
        # Both attempts' processes are gone already, before close().
        assert wait_until(lambda: not ours(workdir), 5), ours(workdir)
    finally:
        conv.close()
    assert_no_leftovers(workdir)


@needs_lo
def test_killed_libreoffice_is_replaced(tmp_path):
    conv = Converter(timeout=60)
    try:
        first = conv.convert(official_doc("第一份"), "第一份")
        assert "第一份" in pdf_text(first)
        workdir = conv.workdir
        [victim] = soffice_pids(workdir)
        # Both sockets LibreOffice leaves in /tmp when killed are where we expect them.
        pipes = live_pipes(workdir)
        assert len(pipes) == 2 and all(p.is_socket() for p in pipes), pipes

        # Between conversions.
        os.kill(victim, signal.SIGKILL)
        second = conv.convert(official_doc("第二份"), "第二份")
        assert "第二份" in pdf_text(second)
        [replacement] = soffice_pids(workdir)
        assert replacement != victim

        # During a conversion.
        big = official_doc("第三份", body_paragraphs=400)
        box: dict = {}
        worker = threading.Thread(target=lambda: box.setdefault("pdf", conv.convert(big, "第三份")))
        worker.start()
        # The job file exists from just before the job is sent until it is answered.
        assert wait_until(lambda: any(workdir.glob("*/jobs/*.docx")), 30)
        time.sleep(0.05)
        killed = soffice_pids(workdir)
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        worker.join(120)
        assert "第三份" in pdf_text(box["pdf"])
        assert killed and not set(killed) & set(soffice_pids(workdir))
    finally:
        conv.close()
    assert_no_leftovers(workdir)
    assert not any(p.exists() for p in pipes)


PARENT_SCRIPT = """
import os, signal, sys
from service.pdf import Converter
conv = Converter()
conv.convert(open(sys.argv[1], "rb").read(), "子进程文档")
print(conv.workdir, flush=True)
if sys.argv[2] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
# "exit": leave without close(); the atexit hook must clean up
"""


@needs_lo
def test_no_leftovers_when_parent_exits_or_is_killed(tmp_path):
    doc = tmp_path / "doc.docx"
    doc.write_bytes(official_doc())
    procs = {
        how: subprocess.Popen(
            [sys.executable, "-c", PARENT_SCRIPT, str(doc), how],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for how in ("exit", "kill")
    }
    for how, proc in procs.items():
        out, _ = proc.communicate(timeout=120)
        workdir = Path(out.strip())
        assert workdir.name.startswith("wenping-pdf-"), out
        assert proc.returncode == (-signal.SIGKILL if how == "kill" else 0)
        assert_no_leftovers(workdir)


# -- environment ------------------------------------------------------------------------------


def test_missing_libreoffice_is_reported_in_chinese(setting):
    setting("WENPING_SOFFICE", "/nonexistent/soffice")
    with Converter() as conv:
        assert conv.ready() is False
        with pytest.raises(ConverterUnavailable) as info:
            conv.convert(official_doc(), "实施方案")
    message = str(info.value)
    assert "实施方案" in message
    assert "LibreOffice" in message
    assert "apt-get install libreoffice-writer-nogui python3-uno" in message


def test_python_without_uno_is_reported(setting):
    setting("WENPING_UNO_PYTHON", sys.executable)  # the venv: no uno
    with Converter() as conv:
        assert conv.ready() is False
        with pytest.raises(ConverterUnavailable, match="python3-uno"):
            conv.convert(official_doc(), "实施方案")


def test_closed_converter_is_unavailable():
    conv = Converter()
    conv.close()
    assert conv.ready() is False
    with pytest.raises(ConverterUnavailable, match="已关闭"):
        conv.convert(official_doc(), "实施方案")


def test_new_converter_follows_the_settings(setting):
    setting("WENPING_PDF_WORKERS", "3")
    setting("WENPING_PDF_TIMEOUT", "12.5")
    with new_converter() as conv:
        assert (conv.pool_size, conv.timeout) == (3, 12.5)
    setting("WENPING_PDF_WORKERS", None)
    setting("WENPING_PDF_TIMEOUT", None)
    with new_converter() as conv:
        assert (conv.pool_size, conv.timeout) == (min(2, os.cpu_count() or 1), 60.0)


def test_from_settings_takes_every_pdf_setting(setting):
    setting("WENPING_SOFFICE", "/opt/lo/soffice")
    setting("WENPING_UNO_PYTHON", "/opt/lo/python")
    setting("WENPING_PDF_WORKERS", "4")
    settings = Settings.load()
    with Converter.from_settings(settings, pool_size=1) as conv:
        assert (conv.pool_size, conv.timeout) == (1, 60.0)
        assert (conv._soffice_setting, conv._python_setting) == ("/opt/lo/soffice", "/opt/lo/python")
        assert conv.ready() is False  # no such programs
