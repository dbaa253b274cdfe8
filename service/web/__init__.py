"""The HTTP service: API v1, the upload form and the probes, in one Flask app.

    app = create_app()                                  # the process's settings (WENPING_*)
    app = create_app(settings=Settings.load())          # a door's own settings
    app = create_app({"API_KEYS": "k1,k2", "MAX_CONTENT_LENGTH": 1024})

Routes: ``POST /api/v1/packages``, ``POST /api/v1/documents/<kind>``,
``POST /api/v1/validate``, ``GET /api/v1/schema``, ``GET /api/v1/openapi.json``,
``GET /api/v1/templates``, the register's routes (``cases``), the jobs (``POST /api/v1/jobs``,
``GET /api/v1/jobs/<id>[/result]``, ``jobs``), ``GET /healthz``, ``GET /readyz``, the form at ``/``
and ``GET /sample-case.json``. Every view goes through ``generation`` to the
same ``service.generate`` functions the CLI uses. Errors are RFC 9457 problem
details in Chinese (``problems``); production serving is ``server.serve``.
"""

from __future__ import annotations

import io
import logging
from typing import Any, Mapping, Optional

from flask import Flask

from service.settings import Settings, current_settings
from service.web.config import flask_config

log = logging.getLogger("wenping.web")

NO_KEYS_WARNING = "未配置访问密钥（WENPING_API_KEYS）：任何能连上本服务的人都可以生成材料，请只在本机地址上提供服务。"


SETTINGS_KEY = "wenping.settings"


class OneBodyLimit:
    """WSGI middleware: the body limit (``MAX_CONTENT_LENGTH``) is the same however the body arrives.

    With ``wsgi.input_terminated`` (gunicorn sets it) werkzeug reads through a stream capped
    at the limit that answers 413 on the read after the limit, even when the body ended
    exactly there: a body of exactly the limit was refused. A body with a Content-Length is
    bounded by the server, so werkzeug bounds it by that length instead; a body without one
    (chunked, from a server that passes it on as is) is read here up to one byte past the
    limit and handed on with its length, so werkzeug refuses it (413) before reading, or reads it.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and environ.pop("wsgi.input_terminated", None) and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi_app(environ, start_response)


def create_app(config: Optional[Mapping[str, Any]] = None, settings: Optional[Settings] = None) -> Flask:
    """The Flask app under ``settings`` (default: the process's, ``current_settings()``);
    ``config`` overrides them (``API_KEYS``, ``MAX_CONTENT_LENGTH``, …)."""
    from service.web import api, cases, form, jobs, ops, oversight, register_pages
    from service.web.problems import register_error_handlers

    app = Flask(__name__, static_folder="static", template_folder="templates")
    settings = current_settings() if settings is None else settings
    app.extensions[SETTINGS_KEY] = settings
    app.config.update(flask_config(settings, config))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(api.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(oversight.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(form.bp)
    app.register_blueprint(register_pages.bp)
    register_error_handlers(app)
    app.wsgi_app = OneBodyLimit(app)  # type: ignore[method-assign]

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            )
        return response

    if not app.config["API_KEYS"]:
        log.warning(NO_KEYS_WARNING)
    return app


__all__ = ["create_app"]
