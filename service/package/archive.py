"""The filing package: rendered documents in, one deterministic zip out.

Takes the rendered files (name, kind, title, bytes), the validation result
and the normalised case; gives the zip of docs/case.md §6 with ``manifest.json``
(case id, each file with its SHA-256 and kind, input SHA-256, generator
version, warnings, risk summary) and ``case.json``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from service import __version__
from service.render.docx_package import stored, write_zip


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PackageFile:
    name: str
    kind: str
    title: str
    data: bytes
    pages: Optional[int] = None
    meeting: Optional[int] = None

    def manifest_entry(self) -> dict:
        entry = {"file": self.name, "kind": self.kind, "title": self.title, "sha256": sha256(self.data), "bytes": len(self.data)}
        if self.pages is not None:
            entry["pages"] = self.pages
        if self.meeting is not None:
            entry["meeting"] = self.meeting
        return entry


def canonical_case_json(case_dict: dict) -> bytes:
    return (json.dumps(case_dict, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass
class Manifest:
    case_id: str
    matter: str
    input_sha256: str
    template_set: str
    warnings: list[dict]
    risk: Optional[dict]  # None while the case has no risks identified (an early step)
    files: list[dict] = field(default_factory=list)
    fonts: Optional[dict] = None  # with PDFs: each template font name → the face that printed it

    def to_json(self) -> bytes:
        body = {
            "case_id": self.case_id,
            "matter": self.matter,
            "generator": {"name": "wenping", "version": __version__},
            "template_set": self.template_set,
            "input_sha256": self.input_sha256,
            "files": self.files,
            "warnings": self.warnings,
            "risk": self.risk,
        }
        if self.fonts is not None:
            body["fonts"] = self.fonts
        return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_zip(files: list[PackageFile], manifest: Manifest, case_json: bytes, stamp: date) -> bytes:
    case_file = PackageFile("case.json", "case", "案卷数据（规范化）", case_json)
    manifest.files = [f.manifest_entry() for f in [*files, case_file]]
    entries = [(f.name, stored(f.data) if f.name.endswith(".pdf") else f.data) for f in files]
    entries += [("case.json", case_json), ("manifest.json", manifest.to_json())]
    return write_zip(entries, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
