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
import logging
import threading
from typing import Callable, Iterable, Optional

from flask import current_app, g, request

from pathlib import Path

from service.register import ROLE_NAMES, Identity, Register, RegisterOutdated, RegisterUnavailable
from service.register.database import SQLITE_NAME
from service.settings import current_settings
from service.web import SETTINGS_KEY
from service.web.problems import ApiProblem

log = logging.getLogger("wenping.web")

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wenping"'}
ENV_KEY_NAME = "WENPING_API_KEYS"
OPEN = Identity("（未配置访问密钥）", "admin", None)
REGISTER_KEY = "wenping_register"
_open_lock = threading.Lock()
#: ``wenping serve`` found named keys before the workers started (``server.named_key_count``): an unreadable
#: register then never lets a request without a key through.
named_keys_seen = threading.Event()
SEEN_KEY = "wenping_named_keys_seen"  # the same, learnt by one app while serving


def register() -> Register:
    """The app's register, opened on first use (an unreachable database answers 503 then, not at start)."""
    with _open_lock:
        if REGISTER_KEY not in current_app.extensions:
            current_app.extensions[REGISTER_KEY] = Register.open(settings_in_force())
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
        found = named_key(supplied, bool(env_keys))
        if found is None:
            raise ApiProblem(403, "访问密钥不正确或已吊销，请向系统管理员核实", headers=CHALLENGE)
        return found
    if env_keys or named_keys_exist():
        raise ApiProblem(
            401,
            "此服务需要访问密钥：请在请求头中加入 Authorization: Bearer <访问密钥>（表单中填写“访问密钥”）",
            headers=CHALLENGE,
        )
    return OPEN


def settings_in_force():
    return current_app.extensions.get(SETTINGS_KEY) or current_settings()


def never_made(settings) -> bool:
    """The register is the default SQLite file and it does not exist yet: it holds no keys."""
    return settings.database_url is None and not (Path(settings.state_dir).expanduser() / SQLITE_NAME).exists()


def named_keys_exist() -> bool:
    """Whether the register holds an active named key (then a request without a key is refused).

    Asked only when ``WENPING_API_KEYS`` is empty. A register that was never made (no SQLite file) has none and is
    not made by asking. A register that cannot be read counts as holding none — the service started without keys,
    so it listens on loopback only — unless named keys were seen before (at start, or by this app): then the
    request is refused.
    """
    seen = named_keys_seen.is_set() or current_app.extensions.get(SEEN_KEY, False)
    if never_made(settings_in_force()):
        return seen
    try:
        found = register().has_active_keys()
    except (RegisterUnavailable, RegisterOutdated) as exc:
        if seen:
            raise
        log.warning("台账无法读取，按未配置命名密钥处理（只监听本机地址时）：%s", exc)
        return False
    if found:
        current_app.extensions[SEEN_KEY] = True
    return found


def named_key(supplied: str, env_keys: bool) -> Optional[Identity]:
    """The register's key with this secret, if any. With ``WENPING_API_KEYS`` set, a register that was never made
    or cannot be read holds none (the key is wrong, 403); without them an unreadable register is an error."""
    if not supplied.isascii() or len(supplied) > 200 or never_made(settings_in_force()):
        return None
    try:
        return register().identify(supplied)
    except (RegisterUnavailable, RegisterOutdated) as exc:
        if not env_keys:
            raise
        log.warning("台账无法读取，命名密钥暂不可用：%s", exc)
        return None


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


def allow(*roles: str) -> Identity:
    """The caller (already resolved by ``check_key``) if its role is one of ``roles``; 403 naming the roles otherwise.

    The one role check of both doors: ``require_role`` for the API, the form's pages call it directly (their key
    comes in a form field, not a header).
    """
    who = identity()
    if who.role not in roles:
        raise ApiProblem(
            403,
            f"此操作只能由{roles_text(roles)}进行；访问密钥「{who.name}」的角色是{ROLE_NAMES[who.role]}",
            slug="forbidden-role",
            title="无权进行此操作",
        )
    return who


def keys_in_use() -> bool:
    """Whether a request needs a key (``WENPING_API_KEYS`` or named keys): the form then shows its key field."""
    try:
        return keys_configured() or named_keys_exist()
    except (RegisterUnavailable, RegisterOutdated):
        return True  # named keys were seen: the request will be refused without one


def require_role(*roles: str) -> Callable[[Callable], Callable]:
    """Decorator: a valid key whose role is one of ``roles`` (403 naming the roles otherwise)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            check_key(bearer_token())
            allow(*roles)
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
