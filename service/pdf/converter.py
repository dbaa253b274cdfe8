"""The parent side of the PDF stage: a pool of warm LibreOffice workers.

Each pool slot owns at most one worker process (``uno_worker.py`` under the system
Python), which owns one ``soffice``. A slot is used by one thread at a time; a
worker is started on the slot's first job and kept until it fails, hangs, has done
``max_jobs_per_worker`` jobs, or the converter is closed.

Everything a converter starts lives under one private directory (``workdir``):
worker command lines, LibreOffice profiles and temporary files all contain its path,
which is how left-overs are found and killed.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Iterable, Sequence

from service.errors import DiskFull, WenpingError
from service.files import free_space, is_disk_full, os_reason
from service.pdf import uno_worker
from service.pdf.fonts import FONTS_CONF, fonts_conf, resolve_fonts
from service.settings import Settings, current_settings

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")

INSTALL_HINT = "apt-get install libreoffice-writer-nogui python3-uno"
ENV_HINT = "或用环境变量 WENPING_SOFFICE / WENPING_UNO_PYTHON 指定路径"
PDF_UNAVAILABLE = "本服务当前无法生成 PDF（PDF 转换组件不可用）。请去掉 PDF 选项，只生成 Word 文档；或联系系统管理员。"


class ConversionError(WenpingError, RuntimeError):
    """A document could not be converted to PDF. ``document`` is its name.

    The message says why, for the operator (it may name LibreOffice's own words and
    server paths); ``detail`` is what a remote client is told.
    """

    code = "pdf-failed"
    status = 500
    title = "PDF 转换失败"

    def __init__(self, message: str, document: str | None = None) -> None:
        super().__init__(message)
        self.document = document

    @property
    def detail(self) -> str:
        where = f"「{self.document}」" if self.document else ""
        return f"文档{where}转换为 PDF 失败，已记录日志。请稍后重试，或只生成 Word 文档。"


class ConversionTimeout(ConversionError):
    """The conversion did not finish in time, also on the retry."""

    code = "pdf-timeout"
    status = 504
    title = "PDF 转换超时"

    @property
    def detail(self) -> str:
        return "文档转换为 PDF 超时，未生成材料。请稍后重试，或只生成 Word 文档。"


class ConverterUnavailable(ConversionError):
    """LibreOffice or the Python UNO bridge is missing, or the converter is closed."""

    code = "pdf-unavailable"
    status = 503
    title = "PDF 暂不可用"
    headers = {"Retry-After": "60"}

    @property
    def detail(self) -> str:
        return PDF_UNAVAILABLE


# -- internal failure kinds of one attempt ------------------------------------------


class _AttemptFailed(Exception):
    """One attempt failed; ``replace`` says the worker must be thrown away."""

    replace = True


class _WorkerCrashed(_AttemptFailed):
    pass


class _WorkerTimeout(_AttemptFailed):
    pass


class _DocumentFailed(_AttemptFailed):
    replace = False


class _Unavailable(Exception):
    pass


# -- process helpers -----------------------------------------------------------------


def _killpg(pgid: int | None) -> None:
    if not pgid:
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


def processes_matching(needle: str) -> list[int]:
    """Pids of live processes (not this one) whose command line contains needle."""
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
            with open(f"/proc/{entry}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if state != b"Z" and needle.encode() in cmdline:
            found.append(int(entry))
    return found


def _resolve_executable(path: str | None) -> str | None:
    if not path:
        return None
    if os.sep not in path:
        path = shutil.which(path) or ""
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def pipe_name(workdir: Path) -> str:
    """The UNO pipe name of the worker in workdir: unique per converter and worker."""
    return f"{workdir.parent.name}_{workdir.name}".replace("-", "_")


class _Worker:
    """One worker process and its soffice; used by one thread at a time."""

    def __init__(self, command: Sequence[str], workdir: Path, soffice: str, env: dict) -> None:
        self.workdir = workdir
        self.pipe_name = pipe_name(workdir)
        self.jobs_dir = workdir / "jobs"
        self.jobs_dir.mkdir(parents=True)
        self.log_path = workdir.parent / f"{workdir.name}.log"
        self.command = [
            *command,
            "--dir",
            str(workdir),
            "--soffice",
            soffice,
            "--pipe",
            self.pipe_name,
        ]
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.soffice_pgid: int | None = None
        self.jobs_done = 0
        self._buffer = b""
        self._next_id = 0

    # -- lifecycle -------------------------------------------------------------------
    def spawn(self, start_timeout: float) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [*self.command, "--start-timeout", str(start_timeout)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=self.env,
                cwd=str(self.workdir),
                start_new_session=True,  # own process group: killed as a whole
            )

    def wait_ready(self, start_timeout: float) -> None:
        msg = self._read(time.monotonic() + start_timeout, "start")
        if msg.get("event") == "ready":
            self.soffice_pgid = msg.get("soffice_pgid")
            return
        if msg.get("unavailable"):
            raise _Unavailable(msg.get("error", ""))
        raise _WorkerCrashed(f"LibreOffice 未能启动（{msg.get('error', '')}）")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self, grace: float = 5.0) -> None:
        """Ask the worker to clean up (EOF on stdin), then make sure of it."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        """Kill the worker, its soffice and anything else using its directory."""
        # Process groups only while the worker is unreaped (its pid cannot be reused
        # yet); soffice is found by its command line below in any case.
        if self.proc is not None and self.proc.poll() is None:
            _killpg(self.proc.pid)
            _killpg(self.soffice_pgid)
        for pid in processes_matching(str(self.workdir)):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass
        for path in uno_worker.osl_pipe_paths(str(self.workdir), self.pipe_name):
            try:
                os.unlink(path)
            except OSError:
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)
        try:
            self.log_path.unlink()
        except OSError:
            pass

    def forget(self) -> None:
        """In a forked child: drop our copies of the pipes, leave the processes alone."""
        if self.proc is not None:
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass

    def log_tail(self, limit: int = 600) -> str:
        try:
            data = self.log_path.read_bytes()[-limit:]
        except OSError:
            return ""
        return data.decode("utf-8", "replace").strip()

    # -- jobs ----------------------------------------------------------------------
    def convert(self, docx: bytes, timeout: float) -> bytes:
        self._next_id += 1
        job_id = self._next_id
        src = self.jobs_dir / f"{job_id}.docx"
        dst = self.jobs_dir / f"{job_id}.pdf"
        try:
            src.write_bytes(docx)
            line = json.dumps({"id": job_id, "src": str(src), "dst": str(dst)}) + "\n"
            try:
                self.proc.stdin.write(line.encode("utf-8"))
                self.proc.stdin.flush()
            except (OSError, ValueError) as exc:
                raise _WorkerCrashed(f"PDF 转换进程已退出（{exc}）") from None
            deadline = time.monotonic() + timeout
            while True:
                msg = self._read(deadline, "convert", timeout)
                if msg.get("id") == job_id:
                    break
            self.jobs_done += 1
            if not msg.get("ok"):
                error = msg.get("error") or "未知错误"
                if msg.get("fatal"):
                    raise _WorkerCrashed(error)
                raise _DocumentFailed(error)
            try:
                pdf = dst.read_bytes()
            except OSError:
                raise _DocumentFailed("LibreOffice 未生成 PDF 文件") from None
            if not pdf.startswith(b"%PDF-"):
                raise _DocumentFailed("LibreOffice 生成的文件不是 PDF")
            return pdf
        finally:
            for path in (src, dst):
                try:
                    path.unlink()
                except OSError:
                    pass

    def _read(self, deadline: float, what: str, timeout: float | None = None) -> dict:
        """Next JSON message from the worker, or _WorkerTimeout / _WorkerCrashed."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if isinstance(msg, dict):
                    return msg
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if what == "start":
                    raise _WorkerTimeout("LibreOffice 启动超时")
                raise _WorkerTimeout(f"超过 {timeout:g} 秒仍未完成")
            try:
                fd = self.proc.stdout.fileno()
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
            except (OSError, ValueError):  # closed under us by Converter.close()
                chunk = b""
            if not chunk:
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                detail = self.log_tail()
                code = self.proc.returncode
                reason = f"PDF 转换进程意外退出（退出码 {code}）"
                if detail:
                    reason += f"：{detail.splitlines()[-1]}"
                raise _WorkerCrashed(reason)
            self._buffer += chunk


class Deadline:
    """A point in time (monotonic clock) by which everything of one request must be done."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def bound(self, timeout: float) -> float:
        """``timeout``, or less if the deadline comes first (never below a moment, so that a
        wait still ends with a time-out rather than an error of its own)."""
        return max(0.01, min(timeout, self.remaining()))


class _Slot:
    def __init__(self, index: int) -> None:
        self.index = index
        self.worker: _Worker | None = None
        self.generation = 0


_live: "weakref.WeakSet[Converter]" = weakref.WeakSet()


def _close_all() -> None:
    for conv in list(_live):
        try:
            conv.close()
        except Exception:
            pass


def _after_fork_in_child() -> None:
    for conv in list(_live):
        conv._forget_after_fork()


atexit.register(_close_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Converter:
    """Convert .docx bytes to PDF bytes with a pool of warm LibreOffice processes.

    ``pool_size`` workers at most run at once; each is started on first use and kept.
    ``timeout`` bounds one conversion attempt on a running worker (seconds);
    ``start_timeout`` bounds starting a worker (default: ``max(timeout, 30)``).
    A failed attempt is retried once, on a fresh worker if the old one crashed or
    hung. ``deadline`` bounds everything one call does (``convert``, ``convert_many``: waiting
    for a worker, starting it, every attempt; default ``3 × timeout``); a caller making several
    calls for one request passes them one ``Deadline`` (see ``deadline_from_now``).
    ``min_free_space``: when an attempt fails and the temporary folder has less free space than
    this (bytes), the failure is the disk's (``DiskFull``), and is not retried. ``soffice`` / ``python`` default to the process's settings (``WENPING_SOFFICE`` /
    ``WENPING_UNO_PYTHON``: ``soffice`` on PATH and ``/usr/bin/python3``). ``worker_command`` replaces
    ``[python, uno_worker.py]`` (a hook for tests and diagnostics). ``font_dirs``: font folders the workers see
    besides the system's (``WENPING_FONT_DIRS``; see ``fonts.py``).

    Thread-safe; use as a context manager or call :meth:`close`. Converters still
    open at interpreter exit are closed by an ``atexit`` hook; if this process is
    killed, each worker notices EOF on its stdin and kills its LibreOffice itself.
    """

    def __init__(
        self,
        pool_size: int = 1,
        timeout: float = 60.0,
        *,
        start_timeout: float | None = None,
        soffice: str | None = None,
        python: str | None = None,
        worker_command: Sequence[str] | None = None,
        max_jobs_per_worker: int = 200,
        deadline: float | None = None,
        min_free_space: int = 64 * 1024 * 1024,
        font_dirs: Sequence[Path] = (),
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.pool_size = int(pool_size)
        self.timeout = float(timeout)
        self.start_timeout = float(start_timeout) if start_timeout else max(self.timeout, 30.0)
        if deadline is not None and deadline <= 0:
            raise ValueError("deadline must be positive")
        self.deadline = float(deadline) if deadline else 3 * self.timeout
        self.min_free_space = int(min_free_space)
        self.max_jobs_per_worker = max_jobs_per_worker
        if not (soffice and python):
            settings = current_settings()  # no door handed them down: the process's settings
            soffice, python = soffice or settings.soffice, python or settings.uno_python
        self.font_dirs = tuple(Path(d) for d in font_dirs)
        self._soffice_setting = soffice
        self._python_setting = python
        self._worker_command = list(worker_command) if worker_command else None
        self._checked: tuple[str, list[str]] | None = None  # (soffice, worker command) once usable
        self._init_state()
        _live.add(self)

    def _init_state(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._free = [_Slot(i) for i in reversed(range(self.pool_size))]  # a stack
        self._busy: set[_Slot] = set()
        self._closed = False
        self._root: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs) -> "Converter":
        """A converter sized and pointed by ``settings`` (``WENPING_PDF_WORKERS``, ``WENPING_PDF_TIMEOUT``,
        ``WENPING_SOFFICE``, ``WENPING_UNO_PYTHON``); ``kwargs`` win."""
        return cls(**{**settings.pdf_options(), **kwargs})

    # -- public API --------------------------------------------------------------------
    @property
    def workdir(self) -> Path | None:
        """The private directory holding every worker's files (None before first use)."""
        return self._root

    @property
    def closed(self) -> bool:
        return self._closed

    def ready(self) -> bool:
        """True if the converter is open and LibreOffice plus the UNO bridge are usable.

        Does not start a worker; the first check runs ``python -c 'import uno'`` once.
        """
        if self._closed:
            return False
        try:
            self._check_available()
        except _Unavailable:
            return False
        return True

    def fonts(self, names: Iterable[str]) -> dict[str, dict]:
        """For each font name: ``{"face", "file", "substitute"}`` as this converter's workers see them."""
        return resolve_fonts(self.font_dirs, names)

    def deadline_from_now(self) -> "Deadline":
        """One deadline (``self.deadline`` seconds from now) for all the calls of one request."""
        return Deadline(self.deadline)

    def convert(self, docx: bytes, name: str, deadline: "Deadline | None" = None) -> bytes:
        """Convert one .docx (bytes) to PDF (bytes). ``name`` is only used in errors.

        ``deadline``: when all conversion of the request must be done (default: ``self.deadline``
        seconds from now); past it, ``ConversionTimeout``.
        """
        deadline = deadline or self.deadline_from_now()
        if not isinstance(docx, (bytes, bytearray, memoryview)):
            raise TypeError("docx must be bytes")
        docx = bytes(docx)
        if not docx.startswith(b"PK"):
            raise ConversionError(
                f"文档「{name}」转换 PDF 失败：不是有效的 .docx 文件", document=name
            )
        try:
            soffice, command = self._check_available()
        except _Unavailable as exc:
            raise ConverterUnavailable(
                f"无法将文档「{name}」转换为 PDF：{exc}。请安装：{INSTALL_HINT}（{ENV_HINT}）",
                document=name,
            ) from None
        slot = self._acquire(name, deadline)
        try:
            return self._convert_on(slot, docx, name, soffice, command, deadline)
        finally:
            self._release(slot)

    def convert_many(self, items: list[tuple[str, bytes]], deadline: "Deadline | None" = None) -> list[bytes]:
        """Convert (name, docx) pairs, up to ``pool_size`` at once; PDFs in input order.

        All documents are attempted (until the one ``deadline`` of them all, by default
        ``self.deadline`` seconds from now); the first failure (in input order) is raised.
        """
        items = list(items)
        if not items:
            return []
        deadline = deadline or self.deadline_from_now()
        if len(items) == 1 or self.pool_size == 1:
            return [self.convert(docx, name, deadline) for name, docx in items]
        width = min(self.pool_size, len(items))
        # Longest first (the size of the .docx stands for the work), so that no worker is left with a long one
        # at the end while the others wait.
        longest_first = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
        with concurrent.futures.ThreadPoolExecutor(width, thread_name_prefix="wenping-pdf") as ex:
            futures = {i: ex.submit(self.convert, items[i][1], items[i][0], deadline) for i in longest_first}
            concurrent.futures.wait(futures.values())
        return [futures[i].result() for i in range(len(items))]

    def warm_up(self) -> None:
        """Start every worker now (in parallel) instead of on first use."""
        try:
            soffice, command = self._check_available()
        except _Unavailable as exc:
            raise ConverterUnavailable(f"PDF 转换不可用：{exc}。请安装：{INSTALL_HINT}（{ENV_HINT}）")
        deadline = Deadline(self.start_timeout + self.timeout)
        slots = [self._acquire("", deadline) for _ in range(self.pool_size)]
        try:
            with concurrent.futures.ThreadPoolExecutor(self.pool_size) as ex:
                list(ex.map(lambda s: self._ensure_worker(s, soffice, command, deadline), slots))
        finally:
            for slot in slots:
                self._release(slot)

    def close(self) -> None:
        """Stop all workers and remove every file the converter made. Idempotent."""
        with self._lock:
            if self._closed and self._root is None:
                return
            self._closed = True
            slots = self._free + list(self._busy)
            workers = [s.worker for s in slots if s.worker is not None]
            for s in slots:
                s.worker = None
            root, self._root = self._root, None
            self._cond.notify_all()
        # Close in parallel: each worker gets a short grace period to clean up itself.
        threads = []
        for worker in workers:
            thread = threading.Thread(target=worker.close, args=(2.0,), daemon=True)
            try:
                thread.start()
            except RuntimeError:  # no new threads (interpreter shutting down)
                worker.close(2.0)
            else:
                threads.append(thread)
        for thread in threads:
            thread.join()
        if root is not None:
            for pid in processes_matching(str(root)):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> "Converter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Converter pool_size={self.pool_size} timeout={self.timeout:g} {state}>"

    # -- internals ---------------------------------------------------------------------
    def _check_available(self) -> tuple[str, list[str]]:
        if self._checked is not None:
            return self._checked
        soffice = _resolve_executable(self._soffice_setting)
        if soffice is None:
            raise _Unavailable(f"未找到 LibreOffice（soffice：{self._soffice_setting}）")
        if self._worker_command is not None:
            command = list(self._worker_command)
        else:
            python = _resolve_executable(self._python_setting)
            if python is None:
                raise _Unavailable(f"未找到带 UNO 模块的 Python（{self._python_setting}）")
            try:
                probe = subprocess.run(
                    [python, "-c", "import uno"],
                    env=self._worker_env(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=30,
                )
                ok = probe.returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if not ok:
                raise _Unavailable(f"{python} 无法导入 uno 模块（缺少 python3-uno）")
            command = [python, str(WORKER_SCRIPT)]
        self._checked = (soffice, command)
        return self._checked

    def _worker_env(self) -> dict:
        env = dict(os.environ)
        # The worker runs under another interpreter: keep the venv out of its way.
        for key in ("PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH"):
            env.pop(key, None)
        env["FONTCONFIG_FILE"] = str(fonts_conf(self.font_dirs))
        env["PYTHONIOENCODING"] = "utf-8"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def _acquire(self, name: str, deadline: "Deadline") -> _Slot:
        with self._cond:
            while True:
                if self._closed:
                    raise ConverterUnavailable(
                        f"无法将文档「{name}」转换为 PDF：PDF 转换器已关闭", document=name
                    )
                if self._free:
                    slot = self._free.pop()
                    self._busy.add(slot)
                    return slot
                if deadline.remaining() <= 0:
                    raise self._past_deadline(name, "一直在等待空闲的 LibreOffice")
                self._cond.wait(deadline.remaining())

    def _release(self, slot: _Slot) -> None:
        with self._cond:
            if slot in self._busy:
                self._busy.discard(slot)
                self._free.append(slot)
                self._cond.notify()

    def _ensure_worker(self, slot: _Slot, soffice: str, command: list[str], deadline: "Deadline") -> _Worker:
        worker = slot.worker
        if worker is not None and worker.alive() and worker.jobs_done < self.max_jobs_per_worker:
            return worker
        if worker is not None:
            self._discard(slot, graceful=worker.alive())
        with self._lock:
            if self._closed:
                raise _WorkerCrashed("PDF 转换器已关闭")
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="wenping-pdf-"))
            slot.generation += 1
            # Fixed width, so that no worker's path is a prefix of another's.
            workdir = self._root / f"w{slot.index:02d}-{slot.generation:06d}"
            worker = _Worker(command, workdir, soffice, self._worker_env())
            # Spawn under the lock so close() either sees this worker or refuses it.
            worker.spawn(self.start_timeout)
            slot.worker = worker
        try:
            worker.wait_ready(deadline.bound(self.start_timeout))
        except BaseException:
            self._discard(slot)
            raise
        return worker

    def _discard(self, slot: _Slot, graceful: bool = False) -> None:
        with self._lock:
            worker, slot.worker = slot.worker, None
        if worker is not None:
            worker.close(2.0) if graceful else worker.kill()

    def _convert_on(
        self, slot: _Slot, docx: bytes, name: str, soffice: str, command: list[str], deadline: "Deadline"
    ) -> bytes:
        failures: list[_AttemptFailed] = []
        for _attempt in range(2):
            if deadline.remaining() <= 0:
                raise self._past_deadline(name, f"已尝试 {len(failures)} 次" if failures else "尚未开始转换")
            try:
                worker = self._ensure_worker(slot, soffice, command, deadline)
                return worker.convert(docx, deadline.bound(self.timeout))
            except _Unavailable as exc:
                raise ConverterUnavailable(
                    f"无法将文档「{name}」转换为 PDF：{exc}。请安装：{INSTALL_HINT}（{ENV_HINT}）",
                    document=name,
                ) from None
            except OSError as exc:  # our own files: the job's .docx, the worker's folder and log
                if is_disk_full(exc):
                    raise self._disk_full(name, os_reason(exc)) from None
                failures.append(_WorkerCrashed(f"无法写入临时文件（{os_reason(exc)}）"))
                self._discard(slot)
            except _AttemptFailed as exc:
                failures.append(exc)
                if exc.replace:
                    self._discard(slot)
                if self._disk_low():  # LibreOffice could not write its profile or the PDF
                    raise self._disk_full(name, f"{exc}") from None
            if self._closed:
                break
        last = failures[-1] if failures else _WorkerCrashed("PDF 转换器已关闭")
        if self._closed:
            raise ConverterUnavailable(
                f"无法将文档「{name}」转换为 PDF：PDF 转换器已关闭", document=name
            )
        if isinstance(last, _WorkerTimeout) and deadline.remaining() <= 0:
            raise self._past_deadline(name, f"{last}")
        tried = "（已重试一次）" if len(failures) > 1 else ""
        if isinstance(last, _WorkerTimeout):
            raise ConversionTimeout(
                f"文档「{name}」转换 PDF 超时：{last}{tried}", document=name
            )
        raise ConversionError(f"文档「{name}」转换 PDF 失败：{last}{tried}", document=name)

    def _past_deadline(self, name: str, what: str) -> ConversionTimeout:
        return ConversionTimeout(
            f"文档「{name}」转换 PDF 超时：本次请求的 PDF 转换总时限 {self.deadline:g} 秒"
            f"（WENPING_PDF_DEADLINE）已到（{what}）",
            document=name,
        )

    def _temp_folder(self) -> Path:
        return self._root or Path(tempfile.gettempdir())

    def _disk_low(self) -> bool:
        free = free_space(self._temp_folder())
        return free is not None and free < self.min_free_space

    def _disk_full(self, name: str, reason: str) -> DiskFull:
        free = free_space(self._temp_folder())
        left = f"，只剩 {free // 1024} KB" if free is not None else ""
        return DiskFull(
            f"文档「{name}」转换 PDF 失败：临时文件夹 {self._temp_folder()} 所在磁盘空间不足{left}"
            f"（低于 WENPING_MIN_FREE_SPACE；{reason}）。请腾出空间后重试"
        )

    def _forget_after_fork(self) -> None:
        """Called in a forked child: the workers belong to the parent."""
        slots = self._free + list(self._busy)
        for slot in slots:
            if slot.worker is not None:
                slot.worker.forget()
        closed = self._closed
        self._init_state()
        self._closed = closed
