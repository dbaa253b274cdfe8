"""Reading generated packages back as a reader would: python-docx for .docx, zipfile for the package."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def paragraphs(document) -> list:
    """Every paragraph, body and table cells, in document order."""
    found = []
    for element in document.element.body.iter(qn("w:p")):
        found.append(docx.text.paragraph.Paragraph(element, document))
    return found


def text_of(document) -> str:
    return "\n".join(p.text for p in paragraphs(document))


def documents(package: bytes) -> dict[str, docx.document.Document]:
    return {name: open_docx(data) for name, data in unzip(package).items() if name.endswith(".docx")}


def manifest(package: bytes) -> dict:
    return json.loads(unzip(package)["manifest.json"])


def file_names(package: bytes, kind: str, suffix: str = ".docx") -> list[str]:
    """The package's file names of ``kind`` (in filing order), read from its manifest, not assumed."""
    return [f["file"] for f in manifest(package)["files"] if f["kind"] == kind and f["file"].endswith(suffix)]


def by_kind(package: bytes, kind: str) -> list[docx.document.Document]:
    files = unzip(package)
    return [open_docx(files[f["file"]]) for f in manifest(package)["files"] if f["kind"] == kind]


def live_processes(needle) -> list[tuple[int, str]]:
    """(pid, command line) of live processes whose command line mentions ``needle``."""
    from service.pdf.converter import processes_matching

    found = []
    for pid in processes_matching(str(needle)):
        try:
            found.append((pid, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")))
        except OSError:
            continue  # ended since
    return found
