"""PDF assembly: LibreOffice's PDFs in, deterministic documents and the merged filing PDF out.

Takes each document's PDF as the converter made it; gives it back with fixed
document information (title, author, dates from the case) and a fixed /ID, so
the same case always gives the same bytes; and builds 稳评报备材料.pdf: the
目录 first, then every document in filing order, one bookmark each (the
minutes nested under 会议纪要).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from typing import Optional

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject

from service import __version__

MERGED_NAME = "稳评报备材料.pdf"


@dataclass(frozen=True)
class PdfInfo:
    title: str
    author: str
    subject: str
    keywords: str
    day: date

    def metadata(self) -> dict[str, str]:
        stamp = f"D:{self.day:%Y%m%d}000000+08'00'"
        return {
            "/Title": self.title,
            "/Author": self.author,
            "/Subject": self.subject,
            "/Keywords": self.keywords,
            "/Creator": "wenping",
            "/Producer": f"wenping {__version__} (LibreOffice)",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _finish(writer: PdfWriter, info: PdfInfo, identity: bytes) -> bytes:
    """Fixed metadata and an /ID derived from ``identity`` (what the PDF was made from), then the bytes."""
    writer.metadata = None
    writer.add_metadata(info.metadata())
    if NameObject("/Metadata") in writer.root_object:
        del writer.root_object[NameObject("/Metadata")]  # an XMP packet would carry the export time
    digest = hashlib.sha256(identity + repr(sorted(info.metadata().items())).encode()).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _overlay(writer: PdfWriter, sheets: PdfReader, first: int) -> None:
    """Sheet ``first + i`` laid over page ``i`` of ``writer`` (the page numbers, drawn apart: see
    ``service.render.page_numbers``)."""
    for offset, page in enumerate(writer.pages):
        page.merge_page(sheets.pages[first - 1 + offset])


def numbered(pdf: bytes, sheets: bytes, first: int = 1) -> bytes:
    """``pdf`` (a document converted without its page numbers) with the numbers from ``first`` on it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    _overlay(writer, PdfReader(io.BytesIO(sheets)), first)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def normalise(pdf: bytes, info: PdfInfo, source: bytes) -> bytes:
    """One document's PDF with fixed information and an /ID from its ``source`` (.docx) bytes."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    return _finish(writer, info, source)


@dataclass(frozen=True)
class Part:
    title: str
    kind: str
    pdf: bytes


def page_ranges(first_page: int, parts_pages: list[int]) -> list[str]:
    """「3」 or 「3—8」 for each part, numbering pages of the merged file from ``first_page``."""
    ranges, page = [], first_page
    for pages in parts_pages:
        last = page + pages - 1
        ranges.append(f"{page}" if last == page else f"{page}—{last}")
        page = last + 1
    return ranges


def merge(
    index: Optional[Part], parts: list[Part], info: PdfInfo, sheets: Optional[bytes] = None,
    sources: Optional[list[bytes]] = None,
) -> bytes:
    """The filing PDF: 目录 (none for the documents of a case not yet filed), then the documents, each with its
    bookmark; with ``sheets`` (the parts converted without page numbers), its pages numbered on from 1, so the
    目录's page ranges are what is printed. ``sources``: what the parts were made from (their .docx), for the /ID,
    when the parts' own bytes vary."""
    writer = PdfWriter()
    minutes_parent: Optional[object] = None
    parts = [index, *parts] if index is not None else list(parts)
    for part in parts:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        if part.kind == "minutes":
            if minutes_parent is None:
                minutes_parent = writer.add_outline_item(title="会议纪要", page_number=start)
            writer.add_outline_item(title=part.title, page_number=start, parent=minutes_parent)
        else:
            writer.add_outline_item(title=part.title, page_number=start)
    if sheets is not None:
        _overlay(writer, PdfReader(io.BytesIO(sheets)), 1)
    writer.page_mode = "/UseOutlines"
    made_from = sources if sources is not None else [p.pdf for p in [index, *parts] if p is not None]
    identity = hashlib.sha256(b"".join(hashlib.sha256(source).digest() for source in made_from)).digest()
    return _finish(writer, info, identity)
