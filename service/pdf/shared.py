"""Which converter makes PDFs, and the process-wide one: one warm pool shared by every caller in this process.

``new_converter`` is the one place that chooses the PDF backend; every caller (generation, the readiness
probe, batch workers) asks it, so another backend is a module in ``service/pdf/`` and a line here.
"""

from __future__ import annotations

import threading
from typing import Optional

from service.pdf.converter import Converter
from service.settings import Settings, current_settings

def new_converter(settings: Optional[Settings] = None, **overrides) -> Converter:
    """A converter for this deployment's settings (``overrides``: pool size, timeout … for this caller)."""
    return Converter.from_settings(settings or current_settings(), **overrides)


_lock = threading.Lock()
_shared: Optional[Converter] = None


def shared_converter() -> Converter:
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
