"""The register's HTTP routes: submit case versions, read them and their differences, file and verify packages.

A thin door on ``service.register.Register``: every answer is a record's ``as_dict()``, every failure a family
error (unknown case or version → 404, register unavailable → 503) mapped by ``service.web.problems``.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from service.web.api import bad_parameter, case_body, flag, json_response, shown_parameter
from service.web.auth import audit, identity, register, require_key, require_role, visible
from service.web.generation import ZIP, ascii_fallback, download

bp = Blueprint("cases", __name__, url_prefix="/api/v1")

VERSION_NUMBER = re.compile(r"[1-9][0-9]{0,5}")  # ASCII digits, no sign or leading zero
SHA256 = re.compile(r"[0-9a-f]{64}")


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
@require_role("clerk", "admin")
def submit() -> Response:
    who = identity()
    by = request.args.get("by", "")[:100] or who.name
    submitted = register().submit(case_body(), by=by, unit=who.unit if who.role == "clerk" else None)
    version = submitted.version
    audit("submit", version.case_id, f"第 {version.number} 版" + ("" if submitted.created else "（内容未变）"))
    body = {"case_id": version.case_id, "version": version.number, "created": submitted.created, "stage": version.stage}
    response = json_response(body, status=201 if submitted.created else 200)
    response.headers["Location"] = f"/api/v1/cases/{version.case_id}"
    return response


@bp.get("/cases")
@require_key
def cases() -> Response:
    who = identity()
    listed = register().cases(unit=None if who.sees_every_unit else who.unit or "")
    return json_response({"cases": [c.as_dict() for c in listed]})


@bp.get("/cases/<case_id>")
@require_key
def case(case_id: str) -> Response:
    visible(case_id)
    reg = register()
    summary = reg.case(case_id)
    reviews = reg.reviews(case_id)
    return json_response({
        **summary.as_dict(),
        "version_list": [v.as_dict() for v in reg.versions(case_id)],
        "packages": [p.as_dict() for p in reg.packages(case_id)],
        "readiness": reg.readiness(case_id),
        "review": reviews[-1].as_dict() if reviews else None,
        "reviews": [r.as_dict() for r in reviews],
    })


@bp.get("/cases/<case_id>/versions")
@require_key
def versions(case_id: str) -> Response:
    visible(case_id)
    return json_response({"case_id": case_id, "versions": [v.as_dict() for v in register().versions(case_id)]})


@bp.get("/cases/<case_id>/diff")
@require_key
def diff(case_id: str) -> Response:
    visible(case_id)
    old, new = version_parameter("from"), version_parameter("to")
    return json_response({"case_id": case_id, "from": old, "to": new, "changes": register().diff(case_id, old, new)})


@bp.post("/cases/<case_id>/packages")
@require_role("clerk", "admin")
def file_package(case_id: str) -> Response:
    visible(case_id)
    filed = register().package(case_id, version_parameter("version", required=False), pdf=flag("pdf"))
    package = filed.package
    audit("package", case_id, f"第 {package.version} 版 {package.sha256[:12]}")
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
    verification = register().verify(digest)
    who = identity()
    if not who.sees_every_unit:  # a clerk learns nothing of another unit's packages
        mine = {c.case_id for c in register().cases(unit=who.unit or "")}
        verification = type(verification)(verification.sha256, tuple(f for f in verification.found if f.case_id in mine))
    return json_response(verification.as_dict())
