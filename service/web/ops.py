"""Probes: ``/healthz`` (the process answers) and ``/readyz`` (PDFs can be made, the disk has room)."""

from __future__ import annotations

from flask import Blueprint, Response

from service import __version__

from service.web.api import json_response
from service.web.models import Health, Readiness
from service.web.pdf_status import disk_problem, pdf_fonts, pdf_ready

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    response = json_response(Health(version=__version__).model_dump(mode="json"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz() -> Response:
    low_disk = disk_problem()
    if low_disk is not None:
        body, status = Readiness(status="unavailable", pdf=False, detail=low_disk), 503
    elif pdf_ready():
        detail = "服务就绪，可以生成 Word 和 PDF 文档"
        body, status = Readiness(status="ready", pdf=True, detail=detail, fonts=pdf_fonts()), 200
    else:
        body = Readiness(status="unavailable", pdf=False, detail="PDF 转换组件不可用：仍可生成 Word 文档，但无法生成 PDF")
        status = 503
    response = json_response(body.model_dump(mode="json"), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
