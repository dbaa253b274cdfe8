"""The process-wide converter: one warm pool shared by every caller in this process."""

from __future__ import annotations

import threading
from typing import Optional

from service.pdf.converter import Converter

_lock = threading.Lock()
_shared: Optional[Converter] = None


def shared_converter() -> Converter:
    """The converter of this process, created from the environment on first use."""
    global _shared
    with _lock:
        if _shared is None or _shared.closed:
            _shared = Converter.from_env()
        return _shared


def close_shared_converter() -> None:
    global _shared
    with _lock:
        if _shared is not None:
            _shared.close()
            _shared = None
