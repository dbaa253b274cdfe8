"""One PDF worker: a warm LibreOffice driven over UNO, fed jobs on stdin.

This file is run by the *system* Python (the one with Debian's ``python3-uno``),
not by the project's virtualenv, so it uses only the standard library and ``uno``,
and imports ``uno`` only inside :func:`main` (the parent imports this module for
:func:`osl_pipe_paths` without having ``uno``).

Protocol (one JSON object per line, UTF-8):

* worker -> parent, once at start-up::

      {"event": "ready", "pid": 123, "soffice_pgid": 456}
      {"event": "error", "unavailable": true, "error": "..."}   # then exit

* parent -> worker, one per job::

      {"id": 1, "src": "/…/jobs/1.docx", "dst": "/…/jobs/1.pdf"}

* worker -> parent, one per job::

      {"id": 1, "ok": true}
      {"id": 1, "ok": false, "fatal": false, "error": "..."}

  ``fatal`` means LibreOffice is gone; the worker exits right after saying so.

The worker owns one ``soffice`` in its own session (process group), with a private
user profile and TMPDIR inside ``--dir``. When its stdin reaches EOF -- the parent
closed it, or the parent died -- or it gets SIGTERM/SIGHUP/SIGINT, it kills that
process group, removes the named pipes LibreOffice leaves in /tmp, removes ``--dir``
and exits. The parent kills the worker and the soffice group itself when a job hangs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

# Export settings for writer_pdf_Export (filter data). Every font is embedded; plain
# PDF rather than PDF/A, whose XMP packet and ICC profile carry the export time and
# would make the same document give different bytes.
PDF_FILTER_DATA = {
    "SelectPdfVersion": 0,  # plain PDF: PDF/A would stamp a creation time into its XMP and ICC profile
    "EmbedStandardFonts": True,
    "UseTaggedPDF": False,
    "ExportBookmarks": True,
    "ExportNotes": False,
    "ExportFormFields": False,
    "UseLosslessCompression": False,
    "Quality": 90,
    "ReduceImageResolution": False,
}

DOCX_IMPORT_FILTER = "MS Word 2007 XML"


def profile_url(workdir: str) -> str:
    return Path(workdir, "profile").as_uri()


def osl_pipe_paths(workdir: str, pipe_name: str) -> list[str]:
    """The sockets LibreOffice creates in /tmp for this worker (left behind on SIGKILL).

    One is the UNO acceptor pipe; the other is the single-instance IPC pipe, named
    after an MD5 of the user-installation URL with each byte in unpadded hex
    (desktop/source/app/officeipcthread.cxx, CreateMD5FromString).
    """
    digest = hashlib.md5(profile_url(workdir).encode("utf-16-le")).digest()
    ipc = "SingleOfficeIPC_" + "".join(f"{b:x}" for b in digest)
    uid = os.getuid()
    return [f"/tmp/OSL_PIPE_{uid}_{pipe_name}", f"/tmp/OSL_PIPE_{uid}_{ipc}"]


def kill_matching(needle: str) -> None:
    """SIGKILL every process (but this one) whose command line contains needle."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().decode("utf-8", "replace")
        except OSError:
            continue
        if needle in cmdline:
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


class Worker:
    def __init__(self, workdir: str, soffice: str, pipe_name: str, out) -> None:
        self.workdir = workdir
        self.soffice = soffice
        self.pipe_name = pipe_name
        self.out = out
        self.out_lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.desktop = None
        self.cleanup_lock = threading.RLock()  # also taken by signal handlers
        self.cleaned = False

    # -- messages ------------------------------------------------------------
    def send(self, **msg) -> None:
        line = json.dumps(msg, ensure_ascii=False) + "\n"
        with self.out_lock:
            self.out.write(line)
            self.out.flush()

    # -- LibreOffice -----------------------------------------------------------
    def start_office(self, timeout: float) -> None:
        import uno
        from com.sun.star.connection import NoConnectException

        tmp = os.path.join(self.workdir, "tmp")
        os.makedirs(tmp, exist_ok=True)
        env = dict(os.environ, TMPDIR=tmp, SAL_USE_VCLPLUGIN="svp")
        accept = f"pipe,name={self.pipe_name};urp;StarOffice.ComponentContext"
        cmd = [
            self.soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            f"-env:UserInstallation={profile_url(self.workdir)}",
            f"--accept={accept}",
        ]
        # Under the clean-up lock: a clean-up racing with the start either runs first
        # (and we do not start) or sees the process.
        with self.cleanup_lock:
            if self.cleaned:
                raise RuntimeError("shutting down")
            with open(os.path.join(self.workdir, "soffice.log"), "ab") as log:
                self.proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    env=env,
                    cwd=self.workdir,
                    start_new_session=True,  # its own process group, killed as a whole
                )

        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"soffice exited during start-up (code {self.proc.returncode})")
            try:
                ctx = resolver.resolve(f"uno:{accept}")
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    raise RuntimeError("soffice did not accept a connection in time")
                time.sleep(0.05)
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )

    def office_alive(self) -> bool:
        if self.proc is None or self.proc.poll() is not None:
            return False
        try:
            self.desktop.getFrames()  # a cheap round trip over the bridge
            return True
        except Exception:
            return False

    def convert(self, src: str, dst: str) -> None:
        import uno
        from com.sun.star.beans import PropertyValue

        def props(**kw):
            out = []
            for key, value in kw.items():
                p = PropertyValue()
                p.Name = key
                p.Value = value
                out.append(p)
            return tuple(out)

        load = props(
            Hidden=True,
            ReadOnly=True,
            FilterName=DOCX_IMPORT_FILTER,
            MacroExecutionMode=0,  # NEVER_EXECUTE
            UpdateDocMode=0,  # NO_UPDATE (no external links)
        )
        doc = self.desktop.loadComponentFromURL(Path(src).as_uri(), "_blank", 0, load)
        if doc is None:
            raise DocumentError("LibreOffice 无法打开该文档（文件可能已损坏或不是 .docx 格式）")
        try:
            # Fill tables of contents and other indexes, as Word's "update fields" would.
            if hasattr(doc, "getDocumentIndexes"):
                indexes = doc.getDocumentIndexes()
                for i in range(indexes.getCount()):
                    indexes.getByIndex(i).update()
            filter_data = uno.Any(
                "[]com.sun.star.beans.PropertyValue", props(**PDF_FILTER_DATA)
            )
            store = props(FilterName="writer_pdf_Export", FilterData=filter_data)
            uno.invoke(doc, "storeToURL", (Path(dst).as_uri(), store))
        finally:
            try:
                doc.close(True)
            except Exception:
                try:
                    doc.dispose()
                except Exception:
                    pass

    # -- shutdown ----------------------------------------------------------------
    def cleanup(self) -> None:
        """Kill soffice, remove its pipes and the work directory. Idempotent."""
        with self.cleanup_lock:
            if self.cleaned:
                return
            self.cleaned = True
            if self.proc is not None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    self.proc.wait(timeout=5)
                except Exception:
                    pass
            # Anything else started with our profile (soffice.bin re-parented, etc.).
            kill_matching(self.workdir)
            for path in osl_pipe_paths(self.workdir, self.pipe_name):
                try:
                    os.unlink(path)
                except OSError:
                    pass
            shutil.rmtree(self.workdir, ignore_errors=True)
            # The parent keeps our log beside the directory, and the converter's
            # directory holds only workers: if we are the last one, remove it too
            # (this matters when the parent died and cannot do it).
            work = Path(self.workdir)
            try:
                work.with_name(work.name + ".log").unlink()
            except OSError:
                pass
            try:
                work.parent.rmdir()
            except OSError:
                pass


class DocumentError(Exception):
    """The document could not be converted, LibreOffice itself is fine."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="private work directory (removed on exit)")
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--pipe", required=True, help="UNO pipe name")
    parser.add_argument("--start-timeout", type=float, default=60.0)
    args = parser.parse_args(argv)

    # Keep the protocol channel private: anything else printing to fd 1 (UNO,
    # LibreOffice libraries) goes to stderr, which the parent sends to a log file.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    worker = Worker(args.dir, args.soffice, args.pipe, out)

    def on_signal(signum, frame):
        worker.cleanup()
        os._exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)

    jobs: queue.Queue = queue.Queue()

    def read_stdin() -> None:
        # EOF means the parent closed our stdin or died: clean up at once, even if
        # the main thread is stuck inside a UNO call.
        for raw in sys.stdin.buffer:
            raw = raw.strip()
            if raw:
                jobs.put(raw)
        worker.cleanup()
        os._exit(0)

    threading.Thread(target=read_stdin, name="stdin", daemon=True).start()
    try:
        return serve(worker, jobs, args.start_timeout)
    finally:
        worker.cleanup()  # whatever happened (e.g. the parent went away mid-answer)


def serve(worker: Worker, jobs: queue.Queue, start_timeout: float) -> int:
    """Start LibreOffice, say so, then answer jobs until LibreOffice is gone."""
    try:
        import uno  # noqa: F401
    except Exception as exc:  # ImportError, or a broken installation
        worker.send(event="error", unavailable=True, error=f"cannot import uno: {exc!r}")
        return 3
    try:
        worker.start_office(start_timeout)
    except Exception as exc:
        worker.send(event="error", unavailable=False, error=str(exc))
        return 4
    worker.send(event="ready", pid=os.getpid(), soffice_pgid=worker.proc.pid)

    while True:
        raw = jobs.get()
        try:
            job = json.loads(raw)
            job_id = job["id"]
        except Exception:
            continue
        try:
            if not worker.office_alive():
                raise RuntimeError("LibreOffice is not running")
            worker.convert(job["src"], job["dst"])
        except DocumentError as exc:
            worker.send(id=job_id, ok=False, fatal=False, error=str(exc))
            continue
        except Exception as exc:
            message = getattr(exc, "Message", "") or str(exc) or type(exc).__name__
            if worker.office_alive():
                worker.send(id=job_id, ok=False, fatal=False, error=message)
                continue
            worker.send(id=job_id, ok=False, fatal=True, error=f"LibreOffice 进程意外退出（{message}）")
            return 5
        worker.send(id=job_id, ok=True)


if __name__ == "__main__":
    sys.exit(main())
