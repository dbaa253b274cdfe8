"""Settings of the web service: API keys and the body limit, from the environment or a dict.

``WENPING_API_KEYS``  comma-separated API keys; none set means no authentication
                      (and ``wenping serve`` then binds to loopback only).
``WENPING_MAX_BODY``  largest accepted request body: bytes, or with a unit
                      (``512K``, ``5M``, ``5MB``); default 5 MB.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable, Mapping, Optional

DEFAULT_MAX_BODY = 5 * 1024 * 1024

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


class SettingError(ValueError):
    """A setting has a value the service cannot use; the message is Chinese."""


def parse_size(text: str, name: str = "WENPING_MAX_BODY") -> int:
    match = _SIZE.match(str(text))
    if not match:
        raise SettingError(f"{name} 应为字节数或带单位的大小（如 5M、512K），实际为「{text}」")
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < 1:
        raise SettingError(f"{name} 必须大于 0，实际为「{text}」")
    return size


_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: it travels in an HTTP header


def parse_keys(value: Any) -> tuple[str, ...]:
    """API keys from a comma-separated string or a list; blanks dropped."""
    if value is None:
        return ()
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    keys = tuple(k for k in (str(item).strip() for item in items) if k)
    for number, key in enumerate(keys, 1):
        if not _KEY_CHARS.match(key):
            raise SettingError(f"WENPING_API_KEYS 中第 {number} 个访问密钥含有空格、汉字或其他非 ASCII 字符；密钥要放在 HTTP 请求头中，只能用英文字母、数字和符号")
    return keys


def load_settings(config: Optional[Mapping[str, Any]] = None, environ: Optional[Mapping[str, str]] = None) -> dict:
    """Flask config values: environment first, then the explicit ``config`` dict wins."""
    environ = os.environ if environ is None else environ
    config = dict(config or {})
    settings: dict[str, Any] = {}

    keys = config.pop("API_KEYS", environ.get("WENPING_API_KEYS"))
    settings["API_KEYS"] = parse_keys(keys)

    if "MAX_CONTENT_LENGTH" in config:
        limit = config.pop("MAX_CONTENT_LENGTH")
        limit = parse_size(limit, "MAX_CONTENT_LENGTH") if isinstance(limit, str) else int(limit)
    elif environ.get("WENPING_MAX_BODY", "").strip():
        limit = parse_size(environ["WENPING_MAX_BODY"])
    else:
        limit = DEFAULT_MAX_BODY
    settings["MAX_CONTENT_LENGTH"] = limit
    # Pasted case text arrives as a form field: allow it as much room as the whole body.
    settings["MAX_FORM_MEMORY_SIZE"] = limit

    settings.update(config)
    return settings
