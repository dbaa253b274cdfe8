"""Deterministic zip writing, shared by .docx files and the filing package.

Same entries in the same order → the same bytes: fixed timestamps, fixed
permissions, UTF-8 names.
"""

from __future__ import annotations

import io
import zipfile
from typing import Iterable

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(entries: Iterable[tuple[str, bytes]], date_time: tuple = FIXED_TIME) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # "made by Unix": permissions are honoured, names read as UTF-8
            if not name.isascii():
                info.flag_bits |= 0x800  # names are UTF-8 (readable by Windows' own unzip)
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}
