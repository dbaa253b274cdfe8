"""Which converter makes PDFs, and the process-wide one: one warm pool shared by every caller in this process.

``new_converter`` is the one place that chooses the PDF backend; every caller (generation, the readiness
probe, batch workers) asks it, so another backend is a module in ``service/pdf/`` and a line here.
"""

from __future__ import annotations

import threading
from typing import Iterable, Optional, Protocol

from service.pdf.converter import Converter, Deadline
from service.settings import Settings, current_settings

class PdfBackend(Protocol):
    """What the pipeline asks of a PDF backend (``Converter`` is the one there is: a warm LibreOffice pool).
    Another backend implements these and is chosen in ``new_converter``."""

    closed: bool

    def deadline_from_now(self) -> Optional[Deadline]: ...

    def convert(self, docx: bytes, name: str, deadline: Optional[Deadline] = None) -> bytes: ...

    def convert_many(self, items: list[tuple[str, bytes]], deadline: Optional[Deadline] = None) -> list[bytes]: ...

    def ready(self) -> bool: ...

    def fonts(self, names: Iterable[str]) -> dict[str, dict]:
        """For each font name: the face and file that print it and whether that is a substitute."""
        ...

    def close(self) -> None: ...


def new_converter(settings: Optional[Settings] = None, **overrides) -> PdfBackend:
    """A converter for this deployment's settings (``overrides``: pool size, timeout … for this caller)."""
    return Converter.from_settings(settings or current_settings(), **overrides)


_lock = threading.Lock()
_shared: Optional[PdfBackend] = None


def shared_converter() -> PdfBackend:
    """The converter of this process, created from the environment on first use."""
    global _shared
    with _lock:
        if _shared is None or _shared.closed:
            _shared = new_converter()
        return _shared


def close_shared_converter() -> None:
    global _shared
    with _lock:
        if _shared is not None:
            _shared.close()
            _shared = None
