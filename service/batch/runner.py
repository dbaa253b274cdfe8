"""Running a batch: refuse it up front or plan it, run the cases in a process pool, stop on a signal.

Only this (the parent) process writes into the output folder, always to a temporary
name first and then ``os.replace``, so an interrupted batch never leaves a partial
zip under a final name.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from service.batch.errors import BatchError
from service.batch.inputs import CaseInput, expand_inputs, plan_names, read_input
from service.batch.progress import Progress
from service.batch.queued import run_queued
from service.batch.report import REPORT_CSV, REPORT_JSON, BatchReport, CaseRecord, write_reports
from service.batch.state import STATE_NAME, case_key, fingerprint, load_state, save_state, unchanged
from service.batch.worker import SIGMASK, generate_one, init_worker
from service.files import os_reason, overwritten_input, temp_name, temp_owner


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
    broker: Optional[str] = None,
) -> BatchReport:
    """Generate the package of every case named by ``inputs`` into ``outdir``.

    ``jobs``: worker processes (default: the usable CPU cores; never more than cases
    to run). Raises ``BatchError`` before any case runs when an input names nothing,
    the template set or risk profile is unusable, PDF conversion is unavailable, or
    ``outdir`` cannot be created or is in use by another batch.
    With ``handle_signals`` (and on the main thread) SIGINT/SIGTERM stop the batch:
    pending cases are cancelled, workers stopped, the reports written for what
    finished, and the report comes back with ``interrupted`` set.
    With ``broker`` (a Celery broker URL) the cases are submitted as jobs to the ``wenping worker`` processes
    sharing that broker and the register (``service.batch.queued``) instead of running in local processes;
    the outputs and reports are the same.
    """
    started = time.monotonic()
    outdir = Path(outdir)
    jobs = max(1, int(jobs or _cores()))

    # -- refuse up front -------------------------------------------------------
    setting = _settings_fingerprint(template_set, pdf, local_pdf=broker is None)
    if broker:
        _check_broker(broker)
    if outdir.exists() and not outdir.is_dir():
        raise BatchError(f"{outdir} 不是文件夹")
    own_files = [outdir / REPORT_CSV, outdir / REPORT_JSON, outdir / STATE_NAME]
    items = [CaseInput(i, p) for i, p in enumerate(expand_inputs(inputs, skip=own_files))]
    _refuse_overwriting_inputs(own_files, [item.path for item in items])
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"无法创建输出文件夹 {outdir}（{exc.strerror or exc}）") from exc

    # -- plan --------------------------------------------------------------------
    with _lock_outdir(outdir), _Stop(handle_signals) as stop:
        _remove_stale_temps(outdir)
        for item in items:
            read_input(item)
        notes = plan_names(items)
        input_paths = [item.path for item in items]
        state_path = outdir / STATE_NAME
        state = load_state(state_path)
        total = len(items)
        results: dict[int, CaseRecord] = {}
        report = BatchReport(outdir, total, [], notes)
        if progress is not None:
            progress.started(total, notes)

        def finish(item: CaseInput, record: CaseRecord) -> None:
            results[item.index] = record
            if progress is not None:
                progress.finished(record, len(results), total)

        def accept(item: CaseInput, result: dict) -> None:
            """A worker's result: write the zip (atomically), remember it, report it."""
            record = CaseRecord(item.label, result.get("case_id") or item.case_id, result["status"],
                                seconds=result["seconds"], errors=result["errors"], note=item.suffix_note())
            if record.status == "ok":
                name, temp = result["output"], Path(result["temp"])
                problem = _place(temp, outdir / name, input_paths)
                if problem is not None:
                    record.status = "failed"
                    record.errors = [{"path": "", "message": problem}]
                else:
                    record.output = name
                    state[item.state_key] = {
                        "key": case_key(setting, result["input_sha256"], item.suffix),
                        "case_id": record.case_id,
                        "output": name,
                        "output_sha256": result["output_sha256"],
                    }
            if record.status != "ok":
                state.pop(item.state_key, None)
            finish(item, record)

        try:
            pending: list[CaseInput] = []
            for item in items:
                if item.problem is not None:
                    state.pop(item.state_key, None)
                    errors = [{"path": "", "message": item.problem}]
                    finish(item, CaseRecord(item.label, item.case_id, "invalid", errors=errors))
                    continue
                key = case_key(setting, item.input_sha256, item.suffix)
                entry = state.get(item.state_key)
                if not force and unchanged(entry, key, outdir):
                    case_id = entry.get("case_id") or item.case_id
                    finish(item, CaseRecord(item.label, case_id, "skipped", entry["output"], note=item.suffix_note()))
                else:
                    pending.append(item)
            if pending and not stop.requested and broker:
                run_queued(pending, broker, pdf, template_set, outdir, accept, stop.event)
            elif pending and not stop.requested:
                _run_pool(pending, min(jobs, len(pending)), pdf, template_set, outdir, accept, stop)
        except KeyboardInterrupt:  # signals not handled here (not the main thread, or asked not to)
            stop.event.set()
        report.interrupted = stop.requested
        report.records = [results[i] for i in sorted(results)]
        report.seconds = time.monotonic() - started
        try:
            save_state(state_path, state)
            write_reports(report)
        except OSError as exc:
            raise BatchError(f"无法在 {outdir} 中写入报告（{os_reason(exc)}）") from exc
    return report


def _place(temp: Path, target: Path, inputs: list[Path]) -> Optional[str]:
    """Rename a worker's temporary zip to ``target``; the reason (Chinese) if it cannot be.

    Never over an input: a case file whose name is a package's name keeps its content.
    """
    hit = overwritten_input(target, inputs)
    if hit is not None:
        temp.unlink(missing_ok=True)
        return f"输出文件 {target} 是输入文件 {hit}，没有覆盖它；请换一个输出文件夹（-o）"
    try:
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        return f"无法写入 {target}（{os_reason(exc)}）"
    return None


def _refuse_overwriting_inputs(own_files: list[Path], inputs: list[Path]) -> None:
    """``BatchError`` if a file the batch writes (its reports, its state) is one of its inputs."""
    for own in own_files:
        hit = overwritten_input(own, inputs)
        if hit is not None:
            raise BatchError(f"输入文件 {hit} 就是批量任务要写的 {own}，会被覆盖；请换一个输出文件夹（-o）")


def _settings_fingerprint(template_set: Optional[str], pdf: bool, local_pdf: bool = True) -> bytes:
    """What every output depends on besides its case (see ``state.fingerprint``).

    Raises ``BatchError`` when the risk profile or the template set is unusable, or PDF
    output is asked for and cannot be made.
    """
    from service.risk.profile import ProfileError, active_profile, profile_path
    from service.render.template_sets import TemplateSetError, resolve_template_set

    try:
        active_profile()
        profile_bytes = profile_path().read_bytes()
    except ProfileError as exc:
        raise BatchError(str(exc)) from exc
    except OSError as exc:
        raise BatchError(f"风险标准文件无法读取：{exc}") from exc
    try:
        templates = resolve_template_set(template_set)
        setting = fingerprint(templates, pdf, profile_bytes)
    except TemplateSetError as exc:
        raise BatchError(str(exc)) from exc
    except OSError as exc:
        raise BatchError(f"模板文件无法读取：{exc}") from exc
    if pdf and local_pdf:  # with a broker the workers make the PDFs
        from service.pdf import new_converter
        from service.pdf.converter import INSTALL_HINT

        try:
            probe = new_converter(pool_size=1)
        except ValueError as exc:
            raise BatchError(str(exc)) from exc
        try:
            if not probe.ready():
                raise BatchError(f"无法生成 PDF：未找到 LibreOffice 或 python3-uno。请安装：{INSTALL_HINT}")
        finally:
            probe.close()
    return setting


def _check_broker(broker: str) -> None:
    """``BatchError`` before any case is read when the broker is not Redis or does not answer."""
    from service.jobs.celery_app import check_broker
    from service.jobs.errors import QueueUnavailable

    try:
        check_broker(broker)
    except QueueUnavailable as exc:
        raise BatchError(str(exc)) from None


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
    for temp in outdir.glob(temp_name("*", "*")):
        pid = temp_owner(temp.name)
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            temp.unlink(missing_ok=True)
        except OSError:
            pass


def _run_pool(
    pending: list[CaseInput],
    workers: int,
    pdf: bool,
    template_set: Optional[str],
    outdir: Path,
    accept: Callable[[CaseInput, dict], None],
    stop: _Stop,
) -> None:
    """Run the pending cases in ``workers`` spawned processes until done or stopped."""
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(template_set, pdf),
    )
    finished_cleanly = False
    try:
        # Workers are started by submit(). Ctrl-C at the terminal reaches the whole process
        # group: keep SIGINT blocked while they start, so that they inherit it blocked until
        # they ignore it; here it is delivered (not lost) once unblocked.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if SIGMASK else None
        try:
            futures = {
                executor.submit(generate_one, str(item.path), pdf, str(outdir), item.suffix): item
                for item in pending
            }
        finally:
            if SIGMASK:
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
                for temp in outdir.glob(temp_name("*", pid)):
                    temp.unlink(missing_ok=True)


def _lost(message: str) -> dict:
    return {"status": "failed", "errors": [{"path": "", "message": message}], "seconds": 0.0}
