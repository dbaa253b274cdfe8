"""Batch generation: many case files in, one filing package per case plus a report out.

    run_batch(["cases/", "more/*.json"], Path("out"), jobs=2) -> BatchReport

Takes case files, folders (their ``*.json`` files, direct children only, sorted)
and glob patterns (expanded here, sorted, so quoting them is safe); gives one zip
per valid case in the output folder, named like ``wenping generate`` names it
(``<case_id>_稳评报备材料.zip``), plus ``report.csv`` (UTF-8 with BOM, for Excel)
and ``report.json``. Invalid or failing cases are recorded and the batch goes on.

Cases run in worker processes (``spawn``): each compiles the templates once and,
with PDF output, owns one converter with a single LibreOffice worker, closed when
the process ends. Only the parent writes into the output folder, always to a
temporary name first and then ``os.replace``, so an interrupted batch never
leaves a partial zip under a final name.

Re-running skips a case whose input bytes, templates, template-set name, risk
profile, generator version, PDF flag and output name are unchanged, provided its
zip is still there with the recorded SHA-256 (state: ``.wenping-batch.json`` in
the output folder); ``force`` regenerates everything.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import fcntl
import glob
import hashlib
import io
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Protocol, TextIO

from service import __version__

STATE_NAME = ".wenping-batch.json"
REPORT_CSV = "report.csv"
REPORT_JSON = "report.json"
STATE_FORMAT = 1
REPORT_FIELDS = ("case_file", "case_id", "status", "output", "seconds", "errors", "note")
STATUS_WORDS = {"ok": "成功", "skipped": "跳过", "invalid": "无效", "failed": "失败"}
TEMP_SUFFIX = ".wenping-part"
INTERRUPTED_EXIT = 130
_SIGMASK = hasattr(signal, "pthread_sigmask")


class BatchError(Exception):
    """The batch was refused before any case ran (bad input path, template set, setting)."""


@dataclass
class CaseRecord:
    """The outcome of one input file: one row of the report."""

    case_file: str
    case_id: Optional[str]
    status: str  # ok | skipped | invalid | failed
    output: Optional[str] = None  # file name inside the output folder
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)  # [{"path", "message"}]
    note: str = ""

    def errors_text(self) -> str:
        return "；".join(_issue_text(e) for e in self.errors)

    def as_dict(self) -> dict:
        return {
            "case_file": self.case_file,
            "case_id": self.case_id,
            "status": self.status,
            "output": self.output,
            "seconds": round(self.seconds, 3),
            "errors": [dict(e) for e in self.errors],
            "note": self.note,
        }

    def as_row(self) -> dict:
        return {
            "case_file": self.case_file,
            "case_id": self.case_id or "",
            "status": self.status,
            "output": self.output or "",
            "seconds": f"{self.seconds:.2f}",
            "errors": self.errors_text(),
            "note": self.note,
        }


@dataclass
class BatchReport:
    outdir: Path
    total: int  # cases planned
    records: list[CaseRecord]  # finished ones, in input order
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 all ok or skipped, 1 some invalid or failed, 130 interrupted."""
        if self.interrupted:
            return INTERRUPTED_EXIT
        return 1 if any(r.status in ("invalid", "failed") for r in self.records) else 0

    @property
    def report_csv(self) -> Path:
        return self.outdir / REPORT_CSV

    @property
    def report_json(self) -> Path:
        return self.outdir / REPORT_JSON

    def summary(self) -> str:
        counts = "，".join(f"{STATUS_WORDS[s]} {self.count(s)}" for s in STATUS_WORDS)
        done = len(self.records)
        head = f"已处理 {done}/{self.total} 个案卷" if self.interrupted else f"共 {self.total} 个案卷"
        return (
            f"{head}：{counts}（用时 {self.seconds:.1f} 秒）。"
            f"报告：{self.report_csv}、{self.report_json}"
        )


class Progress(Protocol):
    """What ``run_batch`` tells about its progress (all calls from the calling thread)."""

    def started(self, total: int, notes: list[str]) -> None: ...

    def finished(self, record: CaseRecord, done: int, total: int) -> None: ...

    def close(self) -> None: ...


# ----------------------------------------------------------------- inputs


def expand_inputs(inputs: Iterable[str | os.PathLike], skip: Iterable[Path] = ()) -> list[Path]:
    """Case files from files, folders (direct ``*.json`` children) and glob patterns.

    A pattern (``*``, ``?``, ``[…]``; ``**`` recurses) is expanded here, sorted, and each
    match taken as if it had been named, so quoting it changes nothing. Inputs keep
    their order; a file named twice is kept where it first appears. ``skip``: files
    never to take (the batch's own reports). An input naming no case raises ``BatchError``.
    """
    skipped = {p.resolve() for p in skip}
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in inputs:
        text = os.fspath(raw)
        path = Path(text)
        if path.is_dir():
            names = _folder_cases(path, skipped)
            if not names:
                raise BatchError(f"文件夹 {text} 中没有案卷文件（*.json）")
        elif path.is_file():
            names = [path]
        elif glob.has_magic(text):
            names = []
            for match in sorted(glob.glob(text, recursive=True)):
                match_path = Path(match)
                if match_path.is_dir():
                    names += _folder_cases(match_path, skipped)
                elif match_path.is_file() and match_path.resolve() not in skipped:
                    names.append(match_path)
            if not names:
                raise BatchError(f"没有与 {text} 匹配的案卷文件")
        elif path.exists():
            raise BatchError(f"{text} 不是普通文件或文件夹")
        else:
            raise BatchError(f"文件或文件夹 {text} 不存在")
        for name in names:
            key = name.resolve()
            if key not in seen:
                seen.add(key)
                found.append(name)
    return found


def _folder_cases(folder: Path, skipped: set[Path]) -> list[Path]:
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        raise BatchError(f"无法读取文件夹 {folder}（{exc.strerror or exc}）") from exc
    return [
        p for p in children
        if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file() and p.resolve() not in skipped
    ]


@dataclass
class _Input:
    index: int
    path: Path
    case_id: Optional[str] = None
    input_sha256: Optional[str] = None
    suffix: str = ""  # added to the output name when case ids collide
    problem: Optional[str] = None  # unreadable: the reason

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def state_key(self) -> str:
        return str(self.path.resolve())


def _read_input(item: _Input) -> None:
    from service.checks.validation import CaseReadError, read_json

    try:
        raw = item.path.read_bytes()
    except OSError as exc:
        item.problem = _os_problem(item.path, exc)
        return
    item.input_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        data = read_json(raw)
    except CaseReadError as exc:
        item.problem = str(exc)
        return
    if isinstance(data, dict) and isinstance(data.get("case_id"), str):
        item.case_id = data["case_id"]


def _os_problem(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"文件 {path} 不存在"
    if isinstance(exc, PermissionError):
        return f"没有读取文件 {path} 的权限"
    return f"无法读取文件 {path}（{exc.strerror or exc}）"


def _plan_names(items: list[_Input]) -> list[str]:
    """Give every input whose case id another input shares a suffix: its file stem.

    Deterministic (input order only); all inputs of a shared id get a suffix, so
    none of them passes for "the" package of that id. Returns notes for the user.
    """
    groups: dict[str, list[_Input]] = {}
    for item in items:
        if item.problem is None and item.case_id:
            groups.setdefault(item.case_id, []).append(item)
    notes = []
    used: set[str] = set()
    for case_id, members in groups.items():
        if len(members) < 2:
            continue
        for item in members:
            base = _safe_suffix(item.path.stem)
            suffix, n = base, 1
            while (case_id, suffix) in used:
                n += 1
                suffix = f"{base}_{n}"
            used.add((case_id, suffix))
            item.suffix = suffix
        files = "、".join(m.label for m in members)
        notes.append(f"案卷编号 {case_id} 重复（{files}），输出文件名后加上了各自的文件名以示区分")
    return notes


def _safe_suffix(stem: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem).strip("._")
    return cleaned or "case"


def output_name(file_name: str, suffix: str) -> str:
    """``X_稳评报备材料.zip`` → ``X_稳评报备材料_<suffix>.zip`` (unchanged without a suffix)."""
    if not suffix:
        return file_name
    stem, dot, ext = file_name.rpartition(".")
    return f"{stem}_{suffix}.{ext}" if dot else f"{file_name}_{suffix}"


# ----------------------------------------------------------------- state


def _fingerprint(template_set, pdf: bool, profile_bytes: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in (
        b"wenping-batch",
        template_set.name.encode(),
        template_set.fingerprint().encode(),
        __version__.encode(),
        b"pdf" if pdf else b"docx",
        hashlib.sha256(profile_bytes).hexdigest().encode(),
    ):
        digest.update(part + b"\0")
    return digest.digest()


def _case_key(setting: bytes, input_sha256: str, suffix: str) -> str:
    return hashlib.sha256(setting + input_sha256.encode() + b"\0" + suffix.encode()).hexdigest()


def _load_state(path: Path) -> dict[str, dict]:
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        return {}
    entries = state.get("entries")
    return {k: v for k, v in entries.items() if isinstance(v, dict)} if isinstance(entries, dict) else {}


def _file_sha256(path: Path) -> Optional[str]:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _unchanged(entry: Optional[dict], key: str, outdir: Path) -> bool:
    if not entry or entry.get("key") != key or not isinstance(entry.get("output"), str):
        return False
    target = outdir / entry["output"]
    return target.is_file() and _file_sha256(target) == entry.get("output_sha256")


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target under a temporary name, then rename over it (making its folder)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(_temp_name(target.name, os.getpid()))
    try:
        with open(partial, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    finally:
        _unlink(partial)


def _issue_text(issue: dict) -> str:
    return f"{issue['path']}：{issue['message']}" if issue.get("path") else str(issue.get("message", ""))


def write_reports(report: BatchReport) -> None:
    """``report.csv`` (UTF-8 with BOM) and ``report.json`` in the output folder."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for record in report.records:
        writer.writerow(record.as_row())
    write_atomically(report.report_csv, buffer.getvalue().encode("utf-8-sig"))
    body = json.dumps([r.as_dict() for r in report.records], ensure_ascii=False, indent=2) + "\n"
    write_atomically(report.report_json, body.encode("utf-8"))


# ----------------------------------------------------------------- worker processes

_worker: dict[str, Any] = {}


def _init_worker(template_set_name: Optional[str], pdf: bool) -> None:
    """Per process: ignore Ctrl-C (the parent decides), compile templates, own a converter."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _SIGMASK:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while spawning
    signal.signal(signal.SIGTERM, _worker_terminated)
    try:
        from service.generate import generate  # noqa: F401  (import once, up front)
        from service.context.registry import PACKAGE_KEYS
        from service.render.template_sets import resolve_template_set

        templates = _worker["templates"] = resolve_template_set(template_set_name)
        for kind in PACKAGE_KEYS:  # compile now, so that a case's time is its own
            try:
                templates.template(kind)
            except Exception:  # reported by the cases that need it
                pass
        if pdf:
            from service.pdf import Converter

            converter = Converter.from_env(pool_size=1)
            _worker["converter"] = converter
            multiprocessing.util.Finalize(converter, converter.close, exitpriority=50)
    except Exception as exc:  # reported with every case of this process
        _worker["error"] = f"处理进程无法启动：{exc}"
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), daemon=True).start()


def _exit_with_parent(sentinel: int) -> None:
    """The parent was killed outright (it stops us itself otherwise): do not outlive it."""
    multiprocessing.connection.wait([sentinel])
    _worker_terminated(signal.SIGTERM, None)


def _worker_terminated(signum, frame) -> None:
    """Stopped by the parent: close the converter (bounded: the signal may have come while
    it held its lock; if so, its LibreOffice worker sees EOF and quits by itself), exit."""
    converter = _worker.get("converter")
    if converter is not None:
        closer = threading.Thread(target=_close_quietly, args=(converter,), daemon=True)
        closer.start()
        closer.join(5)
    os._exit(128 + signum)


def _close_quietly(converter) -> None:
    try:
        converter.close()
    except Exception:
        pass


def _temp_name(final: str, pid: int) -> str:
    return f".{final}.{pid}{TEMP_SUFFIX}"


def _generate_one(path: str, pdf: bool, outdir: str, suffix: str) -> dict:
    """Generate one case in a worker; a small plain dict back, never an exception.

    The zip goes to a temporary file beside its final name (the parent renames it):
    big packages do not travel through the pool's pipes, and a result message stays
    small, so a worker stopped mid-send cannot leave the pool waiting for its end.
    """
    from service.generate import InvalidCase, generate
    from service.checks.validation import CaseReadError, read_json

    started = time.perf_counter()

    def done(status: str, errors: list[dict], **extra) -> dict:
        return {"status": status, "errors": errors, "seconds": time.perf_counter() - started, **extra}

    if "error" in _worker:
        return done("failed", [{"path": "", "message": _worker["error"]}])
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return done("invalid", [{"path": "", "message": _os_problem(Path(path), exc)}])
    input_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        data = read_json(raw)
        package = generate(data, pdf=pdf, templates=_worker["templates"], converter=_worker.get("converter"))
    except CaseReadError as exc:
        return done("invalid", [{"path": "", "message": str(exc)}], input_sha256=input_sha256)
    except InvalidCase as exc:
        errors = [e.as_dict() for e in exc.validation.errors]
        return done("invalid", errors, input_sha256=input_sha256)
    except Exception as exc:  # conversion, rendering, profile, or a bug: this case fails, the batch goes on
        from service.pdf import ConversionError
        from service.render import TemplateRenderError
        from service.risk.profile import ProfileError

        known = (ConversionError, TemplateRenderError, ProfileError)
        message = str(exc) if isinstance(exc, known) else f"内部错误（{type(exc).__name__}）：{exc}"
        return done("failed", [{"path": "", "message": message}], input_sha256=input_sha256)
    name = output_name(package.file_name, suffix)
    temp = Path(outdir) / _temp_name(name, os.getpid())
    try:
        with open(temp, "wb") as fh:
            fh.write(package.data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        _unlink(temp)
        message = f"无法写入 {temp.parent}（{exc.strerror or exc}）"
        return done("failed", [{"path": "", "message": message}], input_sha256=input_sha256)
    return done(
        "ok",
        [],
        input_sha256=input_sha256,
        case_id=package.manifest.get("case_id"),
        output=name,
        temp=str(temp),
        output_sha256=hashlib.sha256(package.data).hexdigest(),
    )


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# ----------------------------------------------------------------- the batch


class _Stop:
    """SIGINT / SIGTERM set a flag the batch loop checks (installed from the main thread only)."""

    def __init__(self, enabled: bool) -> None:
        self.event = threading.Event()
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "_Stop":
        if self.enabled:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.event.set()

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    @property
    def requested(self) -> bool:
        return self.event.is_set()


def _terminate(executor: concurrent.futures.ProcessPoolExecutor) -> list[int]:
    """Cancel what has not started and stop the workers now (each closes its converter).

    Returns the workers' pids. Python 3.11's executor cannot stop running workers, so
    this reaches into it (``_processes``, ``_result_queue``), defensively.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())
    result_queue = getattr(executor, "_result_queue", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + 15
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(5)
    # A worker stopped in the middle of sending a result leaves the pool's manager
    # thread waiting for the rest, and interpreter exit waits for that thread. The
    # workers are gone; closing our copy of the write end gives the reader EOF.
    writer = getattr(result_queue, "_writer", None)
    if writer is not None:
        try:
            writer.close()
        except OSError:
            pass
    return [proc.pid for proc in processes if proc.pid is not None]


def run_batch(
    inputs: Iterable[str | os.PathLike],
    outdir: str | os.PathLike,
    *,
    jobs: Optional[int] = None,
    pdf: bool = False,
    template_set: Optional[str] = None,
    force: bool = False,
    progress: Optional[Progress] = None,
    handle_signals: bool = True,
) -> BatchReport:
    """Generate the package of every case named by ``inputs`` into ``outdir``.

    ``jobs``: worker processes (default: the usable CPU cores; never more than cases
    to run). Raises ``BatchError`` before any case runs when an input names nothing,
    the template set or risk profile is unusable, PDF conversion is unavailable, or
    ``outdir`` cannot be created or is in use by another batch.
    With ``handle_signals`` (and on the main thread) SIGINT/SIGTERM stop the batch:
    pending cases are cancelled, workers stopped, the reports written for what
    finished, and the report comes back with ``interrupted`` set.
    """
    from service.risk.profile import ProfileError, active_profile, profile_path
    from service.render.template_sets import TemplateSetError, resolve_template_set

    started = time.monotonic()
    outdir = Path(outdir)
    jobs = max(1, int(jobs or _cores()))

    # -- refuse up front -------------------------------------------------------
    try:
        active_profile()
        profile_bytes = profile_path().read_bytes()
    except ProfileError as exc:
        raise BatchError(str(exc)) from exc
    except OSError as exc:
        raise BatchError(f"风险标准文件无法读取：{exc}") from exc
    try:
        templates = resolve_template_set(template_set)
        setting = _fingerprint(templates, pdf, profile_bytes)
    except TemplateSetError as exc:
        raise BatchError(str(exc)) from exc
    except OSError as exc:
        raise BatchError(f"模板文件无法读取：{exc}") from exc
    if pdf:
        from service.pdf import Converter
        from service.pdf.converter import INSTALL_HINT

        try:
            probe = Converter.from_env(pool_size=1)
        except ValueError as exc:
            raise BatchError(str(exc)) from exc
        try:
            if not probe.ready():
                raise BatchError(f"无法生成 PDF：未找到 LibreOffice 或 python3-uno。请安装：{INSTALL_HINT}")
        finally:
            probe.close()
    if outdir.exists() and not outdir.is_dir():
        raise BatchError(f"{outdir} 不是文件夹")
    own_files = [outdir / REPORT_CSV, outdir / REPORT_JSON, outdir / STATE_NAME]
    items = [_Input(i, p) for i, p in enumerate(expand_inputs(inputs, skip=own_files))]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"无法创建输出文件夹 {outdir}（{exc.strerror or exc}）") from exc

    # -- plan --------------------------------------------------------------------
    with _lock_outdir(outdir), _Stop(handle_signals) as stop:
        _remove_stale_temps(outdir)
        for item in items:
            _read_input(item)
        notes = _plan_names(items)
        state_path = outdir / STATE_NAME
        state = _load_state(state_path)
        total = len(items)
        results: dict[int, CaseRecord] = {}
        report = BatchReport(outdir, total, [], notes)
        if progress is not None:
            progress.started(total, notes)

        def finish(item: _Input, record: CaseRecord) -> None:
            results[item.index] = record
            if progress is not None:
                progress.finished(record, len(results), total)

        def accept(item: _Input, result: dict) -> None:
            """A worker's result: write the zip (atomically), remember it, report it."""
            record = CaseRecord(item.label, result.get("case_id") or item.case_id, result["status"],
                                seconds=result["seconds"], errors=result["errors"], note=_suffix_note(item))
            if record.status == "ok":
                name, temp = result["output"], Path(result["temp"])
                try:
                    os.replace(temp, outdir / name)
                except OSError as exc:
                    _unlink(temp)
                    record.status = "failed"
                    record.errors = [{"path": "", "message": f"无法写入 {outdir / name}（{exc.strerror or exc}）"}]
                else:
                    record.output = name
                    state[item.state_key] = {
                        "key": _case_key(setting, result["input_sha256"], item.suffix),
                        "case_id": record.case_id,
                        "output": name,
                        "output_sha256": result["output_sha256"],
                    }
            if record.status != "ok":
                state.pop(item.state_key, None)
            finish(item, record)

        try:
            pending: list[_Input] = []
            for item in items:
                if item.problem is not None:
                    state.pop(item.state_key, None)
                    errors = [{"path": "", "message": item.problem}]
                    finish(item, CaseRecord(item.label, item.case_id, "invalid", errors=errors))
                    continue
                key = _case_key(setting, item.input_sha256, item.suffix)
                entry = state.get(item.state_key)
                if not force and _unchanged(entry, key, outdir):
                    case_id = entry.get("case_id") or item.case_id
                    finish(item, CaseRecord(item.label, case_id, "skipped", entry["output"], note=_suffix_note(item)))
                else:
                    pending.append(item)
            if pending and not stop.requested:
                _run_pool(pending, min(jobs, len(pending)), pdf, template_set, outdir, accept, stop)
        except KeyboardInterrupt:  # signals not handled here (not the main thread, or asked not to)
            stop.event.set()
        report.interrupted = stop.requested
        report.records = [results[i] for i in sorted(results)]
        report.seconds = time.monotonic() - started
        try:
            _save_state(state_path, state)
            write_reports(report)
        except OSError as exc:
            raise BatchError(f"无法在 {outdir} 中写入报告（{exc.strerror or exc}）") from exc
    return report


def _cores() -> int:
    """The cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextlib.contextmanager
def _lock_outdir(outdir: Path):
    """One batch at a time per output folder (a lock on the folder itself, freed on exit)."""
    try:
        fd = os.open(outdir, os.O_RDONLY)
    except OSError as exc:
        raise BatchError(f"无法打开输出文件夹 {outdir}（{exc.strerror or exc}）") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"另一个批量任务正在向 {outdir} 输出，请等它结束后再运行") from None
        except OSError:
            pass  # a file system without locks: go on unguarded
        yield
    finally:
        os.close(fd)


def _remove_stale_temps(outdir: Path) -> None:
    """Temporary zips left by a batch that was killed outright (its process is gone)."""
    for temp in outdir.glob(_temp_name("*", "*")):
        pid = temp.name[: -len(TEMP_SUFFIX)].rpartition(".")[2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            _unlink(temp)
        except OSError:
            pass


def _suffix_note(item: _Input) -> str:
    return f"案卷编号与其他输入文件重复，输出文件名加了「_{item.suffix}」" if item.suffix else ""


def _save_state(path: Path, state: dict) -> None:
    body = {"format": STATE_FORMAT, "generator": __version__, "entries": dict(sorted(state.items()))}
    write_atomically(path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def _run_pool(
    pending: list[_Input],
    workers: int,
    pdf: bool,
    template_set: Optional[str],
    outdir: Path,
    accept: Callable[[_Input, dict], None],
    stop: _Stop,
) -> None:
    """Run the pending cases in ``workers`` spawned processes until done or stopped."""
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(template_set, pdf),
    )
    finished_cleanly = False
    try:
        # Workers are started by submit(). Ctrl-C at the terminal reaches the whole process
        # group: keep SIGINT blocked while they start, so that they inherit it blocked until
        # they ignore it; here it is delivered (not lost) once unblocked.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _SIGMASK else None
        try:
            futures = {
                executor.submit(_generate_one, str(item.path), pdf, str(outdir), item.suffix): item
                for item in pending
            }
        finally:
            if _SIGMASK:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        waiting = set(futures)
        while waiting and not stop.requested:
            done, waiting = concurrent.futures.wait(
                waiting, timeout=0.2, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in sorted(done, key=lambda f: futures[f].index):
                item = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    if stop.requested:  # the workers got the signal too: not a failure of the case
                        continue
                    result = _lost("处理进程意外退出，本案卷未完成")
                except Exception as exc:  # e.g. a result that could not be sent back
                    result = _lost(f"内部错误（{type(exc).__name__}）：{exc}")
                accept(item, result)
        finished_cleanly = not stop.requested
    finally:
        if finished_cleanly:
            executor.shutdown(wait=True)
        else:
            for pid in _terminate(executor):  # their unfinished (or unclaimed) temporary zips
                for temp in outdir.glob(_temp_name("*", pid)):
                    _unlink(temp)


def _lost(message: str) -> dict:
    return {"status": "failed", "errors": [{"path": "", "message": message}], "seconds": 0.0}


# ----------------------------------------------------------------- console progress


def _line(record: CaseRecord, done: int, total: int, outdir: Path) -> str:
    word = STATUS_WORDS[record.status]
    head = f"[{done}/{total}] {word} "
    if record.status in ("ok", "skipped"):
        tail = f"（{record.seconds:.2f} 秒）" if record.status == "ok" else "（未变化）"
        return f"{head}{record.case_id} → {outdir / record.output}{tail}"
    who = f"{record.case_id}（{record.case_file}）" if record.case_id else record.case_file
    first = _issue_text(record.errors[0]) if record.errors else ""
    more = f"；另有 {len(record.errors) - 1} 处错误" if len(record.errors) > 1 else ""
    return f"{head}{who}：{first}{more}"


class LineProgress:
    """One line per finished case (for logs and pipes)."""

    def __init__(self, outdir: Path, stream: Optional[TextIO] = None, notes: Optional[TextIO] = None) -> None:
        self.outdir = Path(outdir)
        self.stream = stream or sys.stdout
        self.notes = notes or sys.stderr

    def started(self, total: int, notes: list[str]) -> None:
        for note in notes:
            self._print(f"提醒：{note}", self.notes)

    def finished(self, record: CaseRecord, done: int, total: int) -> None:
        self._print(_line(record, done, total, self.outdir), self.stream)

    @staticmethod
    def _print(text: str, stream: TextIO) -> None:
        try:
            print(text, file=stream, flush=True)
        except (OSError, ValueError):  # output closed (e.g. piped into head): the batch goes on
            pass

    def close(self) -> None:
        pass


class BarProgress(LineProgress):
    """A tqdm bar on a terminal; invalid and failed cases still get their own line."""

    def __init__(self, outdir: Path, stream: Optional[TextIO] = None, notes: Optional[TextIO] = None) -> None:
        super().__init__(outdir, stream, notes)
        self.bar = None

    def started(self, total: int, notes: list[str]) -> None:
        from tqdm import tqdm

        super().started(total, notes)
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        width = {"dynamic_ncols": True} if columns else {"ncols": 80, "nrows": 24}  # a pty without a size
        self.bar = tqdm(total=total, desc="批量生成", unit="件", file=self.stream, leave=True, **width)

    def finished(self, record: CaseRecord, done: int, total: int) -> None:
        if record.status in ("invalid", "failed"):
            self.bar.write(_line(record, done, total, self.outdir), file=self.stream)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def console_progress(outdir: Path, stream: Optional[TextIO] = None) -> LineProgress:
    """A bar when ``stream`` (default stdout) is a terminal, plain lines otherwise."""
    stream = stream or sys.stdout
    return BarProgress(outdir, stream) if stream.isatty() else LineProgress(outdir, stream)
