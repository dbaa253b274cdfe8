"""Errors as RFC 9457 problem details (``application/problem+json``), titles and details in Chinese.

Views raise :class:`ApiProblem` for what is wrong with the request itself; the
pipeline raises :class:`service.errors.WenpingError`. The handlers registered here
turn those, every ``HTTPException`` and any other exception into a problem response
(or, for a browser on the form's pages, a Chinese HTML page). A ``WenpingError``
becomes its ``status``, ``urn:wenping:problem:<code>``, ``title`` and ``detail``
(see :func:`error_problem`, the one mapping). A 500 never carries a traceback: the
exception is logged server-side and the client gets a fixed text.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping, Optional

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from service.errors import WenpingError

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:wenping:problem:"

log = logging.getLogger("wenping.web")

# Status → (type slug, Chinese title) for the errors the service itself names.
STANDARD: dict[int, tuple[str, str]] = {
    400: ("bad-request", "请求有误"),
    401: ("unauthorized", "需要访问密钥"),
    403: ("forbidden", "访问密钥无效"),
    404: ("not-found", "未找到"),
    405: ("method-not-allowed", "不支持该请求方法"),
    406: ("not-acceptable", "无法提供所要求的格式"),
    408: ("request-timeout", "请求超时"),
    409: ("conflict", "与当前状态冲突"),
    411: ("length-required", "缺少请求长度"),
    413: ("body-too-large", "请求内容过大"),
    414: ("uri-too-long", "请求地址过长"),
    415: ("unsupported-media-type", "不支持的内容类型"),
    417: ("expectation-failed", "无法满足 Expect 要求"),
    422: ("invalid-case", "案卷未通过校验"),
    429: ("too-many-requests", "请求过于频繁"),
    431: ("headers-too-large", "请求头过大"),
    500: ("internal-error", "服务器内部错误"),
    501: ("not-implemented", "不支持该请求"),
    503: ("unavailable", "服务暂不可用"),
    504: ("timeout", "处理超时"),
    505: ("http-version-not-supported", "不支持该 HTTP 版本"),
}

INTERNAL_DETAIL = "服务器处理请求时出错，已记录日志。请稍后重试；如仍出错，请联系系统管理员。"


def human_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


class ApiProblem(Exception):
    """An error answer: status, stable type, Chinese title and detail, optional members."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: Optional[str] = None,
        title: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        **extra: Any,
    ) -> None:
        default_slug, default_title = STANDARD.get(status, ("error", f"请求失败（HTTP {status}）"))
        super().__init__(detail)
        self.status = status
        self.slug = slug or default_slug
        self.title = title or default_title
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.slug

    def body(self) -> dict:
        body = {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail}
        body.update(self.extra)
        return body

    def response(self) -> Response:
        data = json.dumps(self.body(), ensure_ascii=False, indent=2) + "\n"
        response = Response(data, status=self.status, mimetype=PROBLEM_JSON)
        response.headers.update(self.headers)
        response.headers["Cache-Control"] = "no-store"
        return response


def from_http_exception(exc: HTTPException) -> ApiProblem:
    """The problem for a werkzeug/Flask HTTP error (404, 405, 413, …), with its useful headers."""
    status = exc.code or 500
    headers = {}
    for name, value in exc.get_headers():
        if name.lower() in ("allow", "www-authenticate", "retry-after"):
            headers[name] = value
    path = request.path if len(request.path) <= 200 else request.path[:200] + "…"
    if status == 404:
        detail = f"没有这个地址：{path}"
    elif status == 405:
        allowed = headers.get("Allow", "")
        detail = f"地址 {path} 不支持 {request.method} 请求" + (f"，可用：{allowed}" if allowed else "")
    elif status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        detail = "请求内容超过服务允许的上限" + (f"（{human_size(limit)}）" if limit else "") + "，未做任何处理"
    elif status == 400:
        detail = "请求格式不正确，无法处理"
    elif status >= 500:
        detail = INTERNAL_DETAIL
    else:
        detail = STANDARD.get(status, ("", f"请求失败（HTTP {status}）"))[1]
    return ApiProblem(status, detail, headers=headers)


def error_problem(exc: WenpingError) -> ApiProblem:
    """The answer to a pipeline error: its own status, type, title and detail, plus its members.

    An ``internal`` error (the operator's: settings, risk profile, templates) may name server
    paths: it is logged with its traceback and answered like any unexpected error. A server-side
    error the client is told about (PDF conversion) is logged with the operator's message.
    """
    if exc.internal:
        return unexpected_problem(exc)
    if exc.status >= 500:
        log.warning("%s on %s %s: %s", exc.code, request.method, request.path, exc)
    return ApiProblem(
        exc.status, exc.detail, slug=exc.code, title=exc.title, headers=exc.headers, **exc.members()
    )


def unexpected_problem(exc: Exception) -> ApiProblem:
    # Logged with its traceback for the operator; the client sees a fixed Chinese text.
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.path, exc_info=exc)
    return ApiProblem(500, INTERNAL_DETAIL)


def wants_html() -> bool:
    """A browser on the form side: HTML error pages; everything under /api/ gets problem JSON."""
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
        return False
    if request.blueprint == "form":
        return True
    best = request.accept_mimetypes.best_match(["application/json", PROBLEM_JSON, "text/html"])
    return best == "text/html"


def html_problem(problem: ApiProblem) -> Response:
    html = render_template("error.html", problem=problem)
    response = Response(html, status=problem.status, mimetype="text/html")
    response.headers.update(problem.headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def respond(problem: ApiProblem) -> Response:
    return html_problem(problem) if wants_html() else problem.response()


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def _problem(exc: ApiProblem):
        return respond(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        problem = from_http_exception(exc)
        if problem.status >= 500:
            log.error("HTTP %s on %s %s", problem.status, request.method, request.path)
        return respond(problem)

    @app.errorhandler(WenpingError)
    def _error(exc: WenpingError):
        return respond(error_problem(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        return respond(unexpected_problem(exc))
