"""PDF assembly: LibreOffice's PDFs in, deterministic documents and the merged filing PDF out.

Takes each document's PDF as the converter made it; gives it back with fixed
document information (title, author, dates from the case), no XMP packet and an
/ID computed from the content, so the same case always gives the same bytes; and
builds 稳评报备材料.pdf: the 目录 first, then every document in filing order, one
bookmark each (the minutes nested under 会议纪要).

The work is done by pikepdf (qpdf, in C++): pages are copied with their streams
untouched, and the page numbers (``NumberSheets``) are appended to their content, so
no page's content stream is parsed. (With pypdf, which parsed and rewrote every page
to lay the numbers over it, this step took about a third of a warm package's time.)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Optional

import pikepdf
from pikepdf import Name, OutlineItem

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


def _open(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def page_count(pdf: bytes) -> int:
    with _open(pdf) as document:
        return len(document.pages)


def _finish(document: pikepdf.Pdf, info: PdfInfo) -> bytes:
    """Fixed information, no XMP packet nor trailer entries of the export (they carry its time), streams copied as
    they are, and an /ID that qpdf computes from the content: the same content, the same bytes."""
    document.trailer.Info = document.make_indirect(
        pikepdf.Dictionary({key: pikepdf.String(value) for key, value in info.metadata().items()})
    )
    if Name.Metadata in document.Root:
        del document.Root.Metadata
    for key in set(document.trailer.keys()) - {"/Root", "/Info", "/Size"}:
        del document.trailer[key]  # its /ID and /DocChecksum are digests of the export, time included
    out = io.BytesIO()
    document.save(
        out, deterministic_id=True, fix_metadata_version=False, preserve_pdfa=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False,
    )
    return out.getvalue()


class NumberSheets:
    """The page numbers: one converted sheet per number (see ``service.render.page_numbers``), opened once and laid
    over pages of the documents and of the filing PDF.

    A sheet's few drawing operators are appended to the page's content (after the page's own, in ``q … Q``) and
    its fonts added to the page's resources under names of their own: the numbers stay ordinary page text (as a
    Form XObject they would be a figure to text extractors such as the audit's), and the page's own content is
    copied as it is, not parsed."""

    PREFIX = "WenpingNumber"

    def __init__(self, sheets: bytes) -> None:
        self.pdf = _open(sheets)
        self._drawings: dict[int, tuple[bytes, dict[str, dict[str, pikepdf.Object]]]] = {}

    def _drawing(self, number: int) -> tuple[bytes, dict[str, dict[str, pikepdf.Object]]]:
        """Sheet ``number``'s content with its resources renamed, and those resources by category."""
        if number not in self._drawings:
            sheet = self.pdf.pages[number - 1]
            renamed: dict[str, Name] = {}
            resources: dict[str, dict[str, pikepdf.Object]] = {}
            for category, entries in sheet.resources.items():
                if not isinstance(entries, pikepdf.Dictionary):
                    continue  # /ProcSet
                for key, value in entries.items():
                    # Named after the object, so every sheet's font is one entry of a page's shared resources.
                    tag = f"{value.objgen[0]}" if value.is_indirect else f"p{number}"
                    renamed[key] = Name(f"/{self.PREFIX}{key[1:]}_{tag}")
                    resources.setdefault(category, {})[str(renamed[key])] = value
            instructions = [
                pikepdf.ContentStreamInstruction(
                    [renamed.get(str(o), o) if isinstance(o, Name) else o for o in item.operands], item.operator
                )
                for item in pikepdf.parse_content_stream(sheet)
            ]
            self._drawings[number] = (pikepdf.unparse_content_stream(instructions), resources)
        return self._drawings[number]

    def lay_over(self, document: pikepdf.Pdf, first: int) -> None:
        """Sheet ``first + i`` over page ``i`` of ``document``."""
        for offset, page in enumerate(document.pages):
            content, resources = self._drawing(first + offset)
            if Name.Resources not in page.obj:
                page.obj.Resources = pikepdf.Dictionary()
            page_resources = page.obj.Resources
            for category, entries in resources.items():
                if category not in page_resources:
                    page_resources[category] = pikepdf.Dictionary()
                for name, value in entries.items():
                    if name not in page_resources[category]:
                        page_resources[category][name] = value.with_same_owner_as(page.obj)
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"\nQ\n" + content + b"\n")

    def close(self) -> None:
        self.pdf.close()


def numbered_document(pdf: bytes, sheets: NumberSheets, info: PdfInfo) -> tuple[bytes, int]:
    """``pdf`` (a document converted without its page numbers) numbered from 1 and with fixed information; and its
    page count."""
    with _open(pdf) as document:
        sheets.lay_over(document, 1)
        return _finish(document, info), len(document.pages)


def normalise(pdf: bytes, info: PdfInfo) -> bytes:
    """One document's PDF with fixed information."""
    with _open(pdf) as document:
        return _finish(document, info)


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


def merge(index: Optional[Part], parts: list[Part], info: PdfInfo, sheets: Optional[NumberSheets] = None) -> bytes:
    """The filing PDF: 目录 (none for the documents of a case not yet filed), then the documents, each with its
    bookmark; with ``sheets`` (the parts converted without page numbers), its pages numbered on from 1, so the
    目录's page ranges are what is printed."""
    parts = [index, *parts] if index is not None else list(parts)
    with pikepdf.new() as merged:
        sources = [_open(part.pdf) for part in parts]
        try:
            starts = []
            for source in sources:
                starts.append(len(merged.pages))
                merged.pages.extend(source.pages)
            with merged.open_outline() as outline:
                minutes: Optional[OutlineItem] = None
                for part, start in zip(parts, starts):
                    item = OutlineItem(part.title, start)
                    if part.kind != "minutes":
                        outline.root.append(item)
                        continue
                    if minutes is None:
                        minutes = OutlineItem("会议纪要", start)
                        outline.root.append(minutes)
                    minutes.children.append(item)
            if sheets is not None:
                sheets.lay_over(merged, 1)
            merged.Root.PageMode = Name.UseOutlines
            return _finish(merged, info)
        finally:
            for source in sources:
                source.close()
