"""The Flask config of the web app: from the service's ``Settings``, then an explicit dict wins.

``API_KEYS``            the ``WENPING_API_KEYS`` setting (keys as plain strings, for comparing);
                        an explicit value may be a comma-separated string or a list.
``MAX_CONTENT_LENGTH``  the ``WENPING_MAX_BODY`` setting; an explicit value may be bytes or ``"5M"``.
Anything else in the dict goes to Flask as it is.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from service.errors import SettingError
from service.settings import Settings, parse_keys, parse_size


def _explicit(name: str, value: Any, parse) -> Any:
    try:
        return parse(value)
    except ValueError as exc:
        raise SettingError(f"{name} 的值有误：{exc}") from None


def flask_config(settings: Settings, config: Optional[Mapping[str, Any]] = None) -> dict:
    """Flask config values from ``settings``; the explicit ``config`` dict (tests, embedding) wins."""
    config = dict(config or {})
    values: dict[str, Any] = {}

    if "API_KEYS" in config:
        values["API_KEYS"] = _explicit("API_KEYS", config.pop("API_KEYS"), parse_keys)
    else:
        values["API_KEYS"] = settings.api_key_values()

    if "MAX_CONTENT_LENGTH" in config:
        limit = config.pop("MAX_CONTENT_LENGTH")
        limit = _explicit("MAX_CONTENT_LENGTH", limit, parse_size) if isinstance(limit, str) else int(limit)
    else:
        limit = settings.max_body
    values["MAX_CONTENT_LENGTH"] = limit
    # Pasted case text arrives as a form field: allow it as much room as the whole body.
    values["MAX_FORM_MEMORY_SIZE"] = limit

    values.update(config)
    return values
