"""Production serving: gunicorn, driven programmatically (``wenping serve``).

Without API keys the service refuses a non-loopback address unless told
``--insecure-no-auth``, and says so in Chinese at start. The access log has
no personal data: time, method, path (never the query string), status, bytes
and duration; request bodies are never logged. The worker is gunicorn's gthread
with a front that reads whole requests in its event loop (``front.FrontWorker``):
slow or stalled clients hold no thread, and are dropped after
``WENPING_HEADER_TIMEOUT`` / ``WENPING_BODY_TIMEOUT`` (docs/serving.md).
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from typing import Any, Optional

from gunicorn.app.base import BaseApplication

from service.errors import WenpingError
from service.settings import Settings, current_settings
from service.web.front import MAX_CONNECTIONS, FrontLimits, front_worker

# Time, "METHOD /path" (no query string: it may carry data), status, bytes, duration in ms.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class ServeError(WenpingError):
    """The service cannot start as asked; the message is Chinese and says what to do."""

    code = "cannot-serve"
    status = 500
    title = "服务无法启动"
    internal = True


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bind_address(host: str, port: int) -> str:
    host = host.strip()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _when_ready(server: Any) -> None:
    for listener in server.LISTENERS:
        _say(f"稳评服务已启动：{listener}（{server.cfg.workers} 个工作进程）")


class WenpingServer(BaseApplication):
    """Gunicorn running ``create_app(app_config, settings)`` in every worker."""

    def __init__(self, options: dict[str, Any], app_config: Optional[dict] = None, settings: Optional[Settings] = None) -> None:
        self.options = options
        self.app_config = app_config
        self.service_settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from service.web import create_app

        # The service's own log lines go where gunicorn's error log goes.
        gunicorn_log = logging.getLogger("gunicorn.error")
        ours = logging.getLogger("wenping")
        ours.handlers = list(gunicorn_log.handlers)
        ours.setLevel(logging.INFO)
        ours.propagate = False
        return create_app(self.app_config, settings=self.service_settings)


def front_limits(settings: Settings) -> FrontLimits:
    return FrontLimits(
        max_body=settings.max_body,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
    )


def gunicorn_options(host: str, port: int, workers: int, threads: int, timeout: int, limits: FrontLimits) -> dict[str, Any]:
    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": front_worker(limits),
        "threads": threads,
        "worker_connections": MAX_CONNECTIONS,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "access_log_format": ACCESS_LOG_FORMAT,
        "proc_name": "wenping",
        "control_socket_disable": True,
        "when_ready": _when_ready,
    }


def check_binding(host: str, keys: tuple[str, ...], insecure_no_auth: bool, named_keys: int = 0) -> list[str]:
    """The lines to say at start; raises ServeError for a public address without keys.

    ``named_keys``: the register's active keys (``wenping keys add``); they protect the service as well.
    """
    if keys or named_keys:
        named = f"台账中有 {named_keys} 个有效的命名密钥" if named_keys else ""
        counted = "；".join(t for t in (f"已配置 {len(keys)} 个访问密钥" if keys else "", named) if t)
        return [f"{counted}：生成材料须携带 Authorization: Bearer <访问密钥>（表单中填写“访问密钥”）。"]
    if is_loopback(host):
        return ["未配置访问密钥（WENPING_API_KEYS），因此只监听本机地址；本机上的任何人都可以生成材料。"]
    if not insecure_no_auth:
        raise ServeError(
            f"未配置访问密钥（WENPING_API_KEYS）时只能监听本机地址（如 127.0.0.1），不能监听 {host}。"
            "请先设置 WENPING_API_KEYS；确需不设密钥对外服务，请加 --insecure-no-auth。"
        )
    return [f"警告：未配置访问密钥，却监听 {host}：能连上本机的任何人都可以生成材料（--insecure-no-auth）。"]


def named_key_count(settings) -> int:
    """The register's active named keys; 0 when the register cannot be read (then only WENPING_API_KEYS count)."""
    from service.register import Register, RegisterUnavailable, RegisterOutdated

    from service.web.auth import named_keys_seen, never_made

    if never_made(settings):
        return 0
    try:
        with Register.open(settings) as register:
            count = sum(1 for k in register.keys() if k.revoked_at is None)
        if count:
            named_keys_seen.set()  # inherited by the workers: from now on an unreadable register refuses
        return count
    except (RegisterUnavailable, RegisterOutdated) as exc:
        _say(f"警告：无法读取台账中的命名密钥（{exc}）")
        return 0


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 2,
    threads: int = 4,
    timeout: int = 300,
    insecure_no_auth: bool = False,
) -> None:
    """Run the service under gunicorn until stopped (SIGTERM / Ctrl-C)."""
    settings = current_settings()  # loaded once, before the workers fork: each inherits these very settings
    from service.risk.profile import active_profile

    active_profile(settings)  # a broken WENPING_RISK_PROFILE (ProfileError) stops the start, not every request
    for line in check_binding(host, settings.api_key_values(), insecure_no_auth, named_key_count(settings)):
        _say(line)
    from service.render.template_sets import check_all_sets

    for problem in check_all_sets(settings.template_dirs):  # a broken set is refused at use; say so now, once
        _say(f"警告：{problem}")
    options = gunicorn_options(host, port, workers, threads, timeout, front_limits(settings))
    WenpingServer(options, settings=settings).run()
