"""Can this process make PDFs, is there disk space? Asked by ``/readyz`` and the form; never raises.

Wraps ``service.pdf.shared_converter().ready()`` (the converter generation
itself uses) defensively: if the PDF stage cannot
even be imported, or the check fails in any way, the answer is simply False.
A negative answer is remembered for a few seconds so that a probe hammering
``/readyz`` does not start a ``python3 -c 'import uno'`` check each time.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from typing import Any, Optional

log = logging.getLogger("wenping.web")

NEGATIVE_TTL = 10.0

_lock = threading.Lock()
_converter: Any = None
_last_negative: Optional[float] = None


def _get_converter() -> Any:
    """The converter generation uses (``shared_converter``), else one of our own."""
    global _converter
    try:
        from service.pdf import shared_converter  # may fail: the PDF stage is optional
    except ImportError:
        shared_converter = None
    if shared_converter is not None:
        return shared_converter()
    if _converter is None:
        from service.pdf import new_converter

        _converter = new_converter()
    return _converter


def pdf_ready() -> bool:
    """True if LibreOffice and its UNO bridge are usable (does not start a worker)."""
    global _last_negative
    with _lock:
        if _last_negative is not None and time.monotonic() - _last_negative < NEGATIVE_TTL:
            return False
        try:
            ready = bool(_get_converter().ready())
        except Exception as exc:  # ImportError, a bad WENPING_PDF_* setting, anything
            log.warning("PDF readiness check failed: %s", type(exc).__name__)
            ready = False
        _last_negative = None if ready else time.monotonic()
        return ready


def pdf_fonts() -> Optional[dict[str, dict]]:
    """For each font name the built-in templates use: the face the PDF workers print it with; None if unknown."""
    try:
        from service.pdf.fonts import template_font_names

        return _get_converter().fonts(template_font_names())
    except Exception as exc:  # the PDF stage missing or fontconfig unusable: readiness says so already
        log.warning("font report failed: %s", type(exc).__name__)
        return None


def disk_problem() -> Optional[str]:
    """Why generation would fail for want of disk space (Chinese), or None.

    Looks at the temporary folder (``TMPDIR``), where the PDF workers keep their LibreOffice
    profiles and documents, against ``WENPING_MIN_FREE_SPACE``.
    """
    from service.files import free_space
    from service.settings import current_settings, format_size

    try:
        threshold = current_settings().min_free_space
    except Exception as exc:  # a bad setting: reported by the pipeline itself
        log.warning("disk check skipped: %s", type(exc).__name__)
        return None
    folder = tempfile.gettempdir()
    free = free_space(folder)
    if free is None or free >= threshold:
        return None
    return (
        f"临时文件夹所在磁盘空间不足：只剩 {free // 1024} KB，低于 WENPING_MIN_FREE_SPACE（{format_size(threshold)}），"
        "生成材料可能失败"
    )


def reset() -> None:
    """Forget the cached converter and answer (tests, or after changing the environment)."""
    global _converter, _last_negative
    with _lock:
        _converter, _last_negative = None, None
