"""Deterministic zip writing, shared by .docx files and the filing package.

Same entries in the same order → the same bytes: fixed timestamps, fixed
permissions, UTF-8 names. Entries may come already compressed (``Deflated``):
the parts of a template that rendering does not change are compressed once,
when the template is compiled, and copied into every document made from it.
zipfile cannot write a member from already-compressed data, hence the small
writer of the local headers and central directory here.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Iterable, Union

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
UTF8_FLAG = 0x800
VERSION = 20  # 2.0: deflate
MADE_BY = (3 << 8) | VERSION  # "made by Unix": permissions are honoured, names read as UTF-8
EXTERNAL_ATTR = 0o100644 << 16


@dataclass(frozen=True)
class Deflated:
    """One member's data, compressed once and reusable."""

    size: int
    crc: int
    compressed: bytes
    method: int = zipfile.ZIP_DEFLATED

    @classmethod
    def of(cls, data: bytes) -> "Deflated":
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(len(data), zlib.crc32(data), compressor.compress(data) + compressor.flush())


def stored(data: bytes) -> Deflated:
    """A member kept as it is (ZIP_STORED): for data that deflate would not make smaller (a PDF's streams are
    compressed already: deflating a package's PDFs saved 4 % of their size for 50 ms of CPU)."""
    return Deflated(len(data), zlib.crc32(data), data, zipfile.ZIP_STORED)


def _dos_time(date_time: tuple) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def write_zip(entries: Iterable[tuple[str, Union[bytes, Deflated]]], date_time: tuple = FIXED_TIME) -> bytes:
    out = io.BytesIO()
    central = []
    dos_time, dos_date = _dos_time(date_time)
    for name, data in entries:
        member = data if isinstance(data, Deflated) else Deflated.of(data)
        raw_name = name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8_FLAG
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", VERSION, flags, member.method, dos_time, dos_date,
                              member.crc, len(member.compressed), member.size, len(raw_name), 0))
        out.write(raw_name)
        out.write(member.compressed)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", MADE_BY, VERSION, flags, member.method, dos_time,
                                   dos_date, member.crc, len(member.compressed), member.size, len(raw_name), 0, 0, 0, 0,
                                   EXTERNAL_ATTR, offset) + raw_name)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}
