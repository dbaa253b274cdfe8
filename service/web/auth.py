"""Who is asking: ``Authorization: Bearer <key>`` (or the form's 访问密钥 field), and what they may do.

Two kinds of keys. The keys of ``WENPING_API_KEYS`` are admin keys of no unit, compared in constant time
(every key, no early exit). The register's named keys (``wenping keys add``) are found by the SHA-256 of the
secret and bound to a unit and a role (``service.register.access``). A missing key is 401 and a wrong or
revoked one 403 — whenever any key exists, of either kind. With none at all every request passes as an
unnamed admin (``wenping serve`` then binds to loopback only).

Views name what they need: ``require_key`` (any valid key) or ``require_role("clerk", "admin")``; the
caller's ``Identity`` is then ``identity()``. Keys are never logged nor answered back.
"""

from __future__ import annotations

import functools
import hmac
import threading
from typing import Callable, Iterable, Optional

from flask import current_app, g, request

from service.register import ROLE_NAMES, Identity, Register
from service.settings import current_settings
from service.web import SETTINGS_KEY
from service.web.problems import ApiProblem

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wenping"'}
ENV_KEY_NAME = "WENPING_API_KEYS"
OPEN = Identity("（未配置访问密钥）", "admin", None)
REGISTER_KEY = "wenping_register"
_open_lock = threading.Lock()


def register() -> Register:
    """The app's register, opened on first use (an unreachable database answers 503 then, not at start)."""
    with _open_lock:
        if REGISTER_KEY not in current_app.extensions:
            settings = current_app.extensions.get(SETTINGS_KEY) or current_settings()
            current_app.extensions[REGISTER_KEY] = Register.open(settings)
        return current_app.extensions[REGISTER_KEY]


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


def resolve(supplied: Optional[str]) -> Identity:
    """The identity of the key supplied; 401 (no key) or 403 (wrong or revoked key) when keys exist."""
    env_keys = current_app.config.get("API_KEYS") or ()
    if supplied:
        if key_matches(supplied, env_keys):
            return Identity(ENV_KEY_NAME, "admin", None)
        found = register().identify(supplied) if supplied.isascii() and len(supplied) <= 200 else None
        if found is None:
            raise ApiProblem(403, "访问密钥不正确或已吊销，请向系统管理员核实", headers=CHALLENGE)
        return found
    if env_keys or register().has_active_keys():
        raise ApiProblem(
            401,
            "此服务需要访问密钥：请在请求头中加入 Authorization: Bearer <访问密钥>（表单中填写“访问密钥”）",
            headers=CHALLENGE,
        )
    return OPEN


def check_key(supplied: Optional[str]) -> Identity:
    """Resolve the caller (see ``resolve``) and remember it for the request."""
    g.wenping_identity = resolve(supplied)
    return g.wenping_identity


def identity() -> Identity:
    return g.get("wenping_identity", OPEN)


def require_key(view: Callable) -> Callable:
    """Decorator for API views: the Bearer key must be valid when keys exist."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        check_key(bearer_token())
        return view(*args, **kwargs)

    wrapper.requires_key = True  # read by the OpenAPI builder
    return wrapper


def roles_text(roles: Iterable[str]) -> str:
    return "或".join(ROLE_NAMES[r] for r in roles)


def require_role(*roles: str) -> Callable[[Callable], Callable]:
    """Decorator: a valid key whose role is one of ``roles`` (403 naming the roles otherwise)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            who = check_key(bearer_token())
            if who.role not in roles:
                raise ApiProblem(
                    403,
                    f"此操作只能由{roles_text(roles)}进行；访问密钥「{who.name}」的角色是{ROLE_NAMES[who.role]}",
                    slug="forbidden-role",
                    title="无权进行此操作",
                )
            return view(*args, **kwargs)

        wrapper.requires_key = True
        wrapper.roles = roles
        return wrapper

    return decorate


def audit(action: str, case_id: Optional[str] = None, detail: str = "") -> None:
    """One line in the register's audit log for the caller: never a key, never a case's contents."""
    register().record(identity(), action, case_id, detail)


def visible(case_id: str) -> None:
    """404 (as for a case that does not exist) unless the caller may see the case; the attempt is logged."""
    reg = register()
    who = identity()
    if not who.can_see(reg.case_unit(case_id)):
        reg.record(who, "denied", case_id, f"{request.method} {request.path[:150]}")
        reg.visible_case(case_id, who)  # raises UnknownCase, worded as for an unknown case
