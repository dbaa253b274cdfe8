"""The register's HTTP routes: submit case versions, read them and their differences, file and verify packages.

A thin door on ``service.register.Register``: every answer is a record's ``as_dict()``, every failure a family
error (unknown case or version → 404, register unavailable → 503) mapped by ``service.web.problems``.
"""

from __future__ import annotations

import re
import threading

from flask import Blueprint, Response, current_app, request

from service.register import Register
from service.settings import current_settings
from service.web import SETTINGS_KEY
from service.web.api import bad_parameter, case_body, flag, json_response, shown_parameter
from service.web.auth import require_key
from service.web.generation import ZIP, ascii_fallback, download

bp = Blueprint("cases", __name__, url_prefix="/api/v1")

REGISTER_KEY = "wenping_register"
_open_lock = threading.Lock()
VERSION_NUMBER = re.compile(r"[1-9][0-9]{0,5}")  # ASCII digits, no sign or leading zero
SHA256 = re.compile(r"[0-9a-f]{64}")


def register() -> Register:
    """The app's register, opened on first use (an unreachable database answers 503 then, not at start)."""
    with _open_lock:
        if REGISTER_KEY not in current_app.extensions:
            settings = current_app.extensions.get(SETTINGS_KEY) or current_settings()
            current_app.extensions[REGISTER_KEY] = Register.open(settings)
        return current_app.extensions[REGISTER_KEY]


def version_parameter(name: str, required: bool = True) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        if required:
            raise bad_parameter(f"缺少参数 {name}（版本号，如 1）")
        return None
    if not VERSION_NUMBER.fullmatch(value):
        raise bad_parameter(f"参数 {name} 应为版本号（正整数，如 2），实际为「{shown_parameter(value)}」")
    return int(value)


@bp.post("/cases")
@require_key
def submit() -> Response:
    submitted = register().submit(case_body(), by=request.args.get("by", "")[:100])
    version = submitted.version
    body = {"case_id": version.case_id, "version": version.number, "created": submitted.created, "stage": version.stage}
    response = json_response(body, status=201 if submitted.created else 200)
    response.headers["Location"] = f"/api/v1/cases/{version.case_id}"
    return response


@bp.get("/cases")
@require_key
def cases() -> Response:
    return json_response({"cases": [c.as_dict() for c in register().cases()]})


@bp.get("/cases/<case_id>")
@require_key
def case(case_id: str) -> Response:
    reg = register()
    summary = reg.case(case_id)
    return json_response({
        **summary.as_dict(),
        "version_list": [v.as_dict() for v in reg.versions(case_id)],
        "packages": [p.as_dict() for p in reg.packages(case_id)],
        "readiness": reg.readiness(case_id),
    })


@bp.get("/cases/<case_id>/versions")
@require_key
def versions(case_id: str) -> Response:
    return json_response({"case_id": case_id, "versions": [v.as_dict() for v in register().versions(case_id)]})


@bp.get("/cases/<case_id>/diff")
@require_key
def diff(case_id: str) -> Response:
    old, new = version_parameter("from"), version_parameter("to")
    return json_response({"case_id": case_id, "from": old, "to": new, "changes": register().diff(case_id, old, new)})


@bp.post("/cases/<case_id>/packages")
@require_key
def file_package(case_id: str) -> Response:
    filed = register().package(case_id, version_parameter("version", required=False), pdf=flag("pdf"))
    package = filed.package
    return download(
        filed.data,
        package.file_name,
        ZIP,
        fallback=ascii_fallback(f"{package.case_id}_v{package.version}_package.zip"),
        X_Wenping_Package_Sha256=package.sha256,
        X_Wenping_Version=str(package.version),
    )


@bp.get("/verify/<digest>")
@require_key
def verify(digest: str) -> Response:
    if not SHA256.fullmatch(digest):
        raise bad_parameter(f"「{shown_parameter(digest)}」不是 SHA-256 摘要（应为 64 位小写十六进制数字）")
    return json_response(register().verify(digest).as_dict())
