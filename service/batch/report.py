"""What a batch did: one ``CaseRecord`` per input, the ``BatchReport``, ``report.csv`` and ``report.json``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from service.files import write_atomically

REPORT_CSV = "report.csv"
REPORT_JSON = "report.json"
REPORT_FIELDS = ("case_file", "case_id", "status", "output", "seconds", "errors", "note")
STATUS_WORDS = {"ok": "成功", "skipped": "跳过", "invalid": "无效", "failed": "失败"}
INTERRUPTED_EXIT = 130


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
        return "；".join(issue_text(e) for e in self.errors)

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


def issue_text(issue: dict) -> str:
    where = f"{issue['cell']}（{issue['path']}）" if issue.get("cell") and issue.get("path") else issue.get("cell") or issue.get("path")
    return f"{where}：{issue['message']}" if where else str(issue.get("message", ""))


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
