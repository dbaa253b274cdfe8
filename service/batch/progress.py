"""Telling the user how the batch goes: one line per case, or a bar on a terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, Protocol, TextIO

from service.batch.report import STATUS_WORDS, CaseRecord, issue_text


class Progress(Protocol):
    """What ``run_batch`` tells about its progress (all calls from the calling thread)."""

    def started(self, total: int, notes: list[str]) -> None: ...

    def finished(self, record: CaseRecord, done: int, total: int) -> None: ...

    def close(self) -> None: ...


def _line(record: CaseRecord, done: int, total: int, outdir: Path) -> str:
    word = STATUS_WORDS[record.status]
    head = f"[{done}/{total}] {word} "
    if record.status in ("ok", "skipped"):
        tail = f"（{record.seconds:.2f} 秒）" if record.status == "ok" else "（未变化）"
        return f"{head}{record.case_id} → {outdir / record.output}{tail}"
    who = f"{record.case_id}（{record.case_file}）" if record.case_id else record.case_file
    first = issue_text(record.errors[0]) if record.errors else ""
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
