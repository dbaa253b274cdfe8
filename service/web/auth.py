"""API keys: ``Authorization: Bearer <key>`` (or the form's 访问密钥 field), compared in constant time.

With no keys configured every request is let through (``wenping serve`` then
binds to loopback only). With keys, a missing key is 401 and a wrong one 403.
"""

from __future__ import annotations

import functools
import hmac
from typing import Callable, Iterable, Optional

from flask import current_app, request

from service.web.problems import ApiProblem

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wenping"'}


def keys_configured() -> bool:
    return bool(current_app.config.get("API_KEYS"))


def bearer_token() -> Optional[str]:
    """The key of an ``Authorization: Bearer …`` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def key_matches(supplied: str, keys: Iterable[str]) -> bool:
    """True if ``supplied`` equals one of ``keys``; every key is compared (no early exit)."""
    given = supplied.encode("utf-8")
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode("utf-8"))
    return found


def check_key(supplied: Optional[str]) -> None:
    """Raise 401 (no key) or 403 (wrong key) when keys are configured."""
    keys = current_app.config.get("API_KEYS") or ()
    if not keys:
        return
    if not supplied:
        raise ApiProblem(
            401,
            "此服务需要访问密钥：请在请求头中加入 Authorization: Bearer <访问密钥>（表单中填写“访问密钥”）",
            headers=CHALLENGE,
        )
    if not key_matches(supplied, keys):
        raise ApiProblem(403, "访问密钥不正确，请向系统管理员核实", headers=CHALLENGE)


def require_key(view: Callable) -> Callable:
    """Decorator for API views: the Bearer key must be valid when keys are configured."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        check_key(bearer_token())
        return view(*args, **kwargs)

    wrapper.requires_key = True  # read by the OpenAPI builder
    return wrapper
