"""The form's register pages (台账): the cases, one case's versions, differences, documents and filed packages.

Plain HTML, no JavaScript, like the upload form. Every action is a form button, so the 访问密钥 travels as
the upload form's does: a field checked exactly like the API's Bearer key, carried from page to page in a
hidden field once accepted. With keys configured, a page opened without one asks for it (401 page with
the key field); without keys (loopback only) every page opens directly.

    GET|POST /register/                      the 台账: every case, its stage, newest version, readiness
    GET|POST /register/<case_id>             one case: readiness per document, filed packages, versions, diff
    POST     /register/<case_id>/document    one ready document of the newest version (.docx)
    POST     /register/<case_id>/file        files the newest version's package, then the case page again
    POST     /register/<case_id>/packages/<sha256>   a filed package's zip
    POST     /register/<case_id>/review      reviewer (维稳办): 予以备案 or 退回 with reasons on a filed package
    POST     /register/<case_id>/tracking    clerk (or admin): one tracking entry of a measure (step six)
    (and the upload form's 提交到台账 button: ``submit_to_register``)

Who may do what is the API's rule, through the same functions of ``service.web.auth``: the key resolves to an
identity (``check_key``), ``visible`` answers another unit's case as a missing one (404), ``allow`` refuses a
role (403). A clerk lists its unit's cases; a reviewer every unit's, and writes only its 备案 decisions.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Optional

from flask import Blueprint, Response, render_template, request

from service.context.readiness import PACKAGE, title_of
from service.context.registry import FILING, kind as kind_of
from service.errors import WenpingError
from service.register import ROLE_NAMES, STATUSES, Identity
from service.web.auth import OPEN, allow, audit, bearer_token, check_key, identity, keys_in_use, visible
from service.web.cases import SHA256, VERSION_NUMBER, register
from service.web.generation import ZIP, ascii_fallback, build_document, document_response, download
from service.web.oversight import parse_date
from service.web.pdf_status import pdf_ready
from service.web.problems import ApiProblem, error_problem, human_size

bp = Blueprint("register_pages", __name__, url_prefix="/register")

BEIJING = timezone(timedelta(hours=8))  # the clerks' clock: the register stores UTC
SHOWN_VALUE = 120  # characters of a changed value a diff row shows (the rest: 「…」)


@dataclass
class Page:
    """What every register page carries: the accepted key, notes and a problem to show on top."""

    key: str = ""
    who: Identity = OPEN
    problem: Optional[ApiProblem] = None
    notes: list[str] = field(default_factory=list)
    good: list[str] = field(default_factory=list)


def accepted_key() -> str:
    """The key of this request (form field or Bearer header); 401/403 when keys are set and it is missing/wrong.

    The caller's identity is then ``identity()``, as for the API's routes."""
    supplied = request.form.get("api_key", "").strip() or bearer_token()
    check_key(supplied)
    return supplied or ""


def writer() -> Identity:
    """A clerk (of the case's unit, checked by ``visible``) or an admin: who submits, files and tracks."""
    return allow("clerk", "admin")


def page(template: str, page_state: Page, status: int = 200, **values: Any) -> Response:
    html = render_template(
        template,
        page=page_state,
        keys_required=keys_in_use(),
        role_name=ROLE_NAMES.get(page_state.who.role, ""),
        can_write=page_state.who.role in ("clerk", "admin"),
        can_review=page_state.who.role == "reviewer",
        **values,
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def failed(template: str, exc: Exception, key: str = "", **values: Any) -> Response:
    """The page again with the reason on top (401/403: the key field)."""
    problem = exc if isinstance(exc, ApiProblem) else error_problem(exc)
    who = identity() if key else OPEN
    return page(template, Page(key=key, who=who, problem=problem), problem.status, **values)


# ------------------------------------------------------------------------------------------ views


@bp.route("/", methods=["GET", "POST"])
def cases() -> Response:
    try:
        key = accepted_key()
        who = identity()
        reg = register()
        listed = reg.cases(unit=None if who.sees_every_unit else who.unit or "")
        rows = [case_row(reg, summary) for summary in listed]
    except (ApiProblem, WenpingError) as exc:
        return failed("register_list.html", exc, rows=None)
    return page("register_list.html", Page(key=key, who=who), rows=rows, show_unit=who.sees_every_unit)


@bp.route("/<case_id>", methods=["GET", "POST"])
def case(case_id: str) -> Response:
    key = ""
    try:
        key = accepted_key()
        return case_page(case_id, Page(key=key, who=identity()))
    except (ApiProblem, WenpingError) as exc:
        return failed("register_case.html", exc, key, case=None, case_id=case_id)


def case_action(view: Callable[[str, str], Response]) -> Callable[[str], Response]:
    """A form action on one case: the key the form carries is checked first; what fails shows on the case page."""

    @functools.wraps(view)
    def wrapper(case_id: str, **kwargs: Any) -> Response:
        key = ""
        try:
            key = accepted_key()
            return view(case_id, key, **kwargs)
        except (ApiProblem, WenpingError) as exc:
            return failed_case(case_id, key, exc)

    return wrapper


@bp.post("/<case_id>/document")
@case_action
def document(case_id: str, key: str) -> Response:
    visible(case_id)
    kind = request.form.get("kind", "")
    if kind not in {k.key for k in FILING}:
        raise ApiProblem(404, f"没有这种文书：{kind[:40]}", slug="unknown-document", title="没有这份文书")
    meeting = request.form.get("meeting", "")
    number = int(meeting) if kind == "minutes" and VERSION_NUMBER.fullmatch(meeting) else None
    newest = register().version(case_id)
    made = build_document(newest.data(), kind, meeting=number, fmt="docx")
    return document_response(made, "docx", case_id)


@bp.post("/<case_id>/file")
@case_action
def file_package(case_id: str, key: str) -> Response:
    writer()
    visible(case_id)
    pdf = request.form.get("pdf") in ("1", "on", "true")
    filed = register().package(case_id, pdf=pdf)
    state = Page(key=key, who=identity())
    package = filed.package
    audit("package", case_id, f"第 {package.version} 版 {package.sha256[:12]}")
    state.good.append(
        f"已出具第 {package.version} 版的报备材料包「{package.file_name}」"
        f"（SHA-256 {package.sha256[:12]}…），可在下方「已出具的材料包」中下载。"
    )
    return case_page(case_id, state)


@bp.post("/<case_id>/packages/<digest>")
@case_action
def filed_package(case_id: str, key: str, digest: str) -> Response:
    visible(case_id)
    if not SHA256.fullmatch(digest):
        raise ApiProblem(404, "没有这个材料包", slug="not-found", title="没有这个材料包")
    reg = register()
    entry = next((p for p in reg.packages(case_id) if p.sha256 == digest), None)
    if entry is None:
        raise ApiProblem(404, f"案卷「{case_id}」没有出具过这个材料包", slug="not-found", title="没有这个材料包")
    fallback = ascii_fallback(f"{entry.case_id}_v{entry.version}_package.zip")
    return download(reg.package_bytes(digest), entry.file_name, ZIP, fallback=fallback)


@bp.post("/<case_id>/review")
@case_action
def review(case_id: str, key: str) -> Response:
    """The 维稳办's decision on one filed package: the register's ``review``, as ``POST …/reviews`` calls it."""
    allow("reviewer")
    visible(case_id)
    result = request.form.get("result", "")
    reasons = request.form.get("reasons", "").splitlines()
    digest = request.form.get("package", "").strip()
    decided_on = form_date("date", "备案日期")
    done = register().review(case_id, result, reasons, identity(), decided_on, digest or None)
    audit("review", case_id, f"第 {done.version} 版 {done.result}")
    state = Page(key=key, who=identity())
    state.good.append(f"已登记对第 {done.version} 版材料包的备案意见：{done.result}（{done.decided_on.isoformat()}）。")
    return case_page(case_id, state)


@bp.post("/<case_id>/tracking")
@case_action
def track(case_id: str, key: str) -> Response:
    """One tracking entry of a measure (step six): the register's ``track``, as ``POST …/tracking`` calls it."""
    who = writer()
    visible(case_id)
    status = request.form.get("status", "")
    note = request.form.get("note", "")
    recorder = request.form.get("who", "").strip()[:100] or who.name
    reg = register()
    entry = reg.track(case_id, request.form.get("measure", ""), status, form_date("date", "日期"), note, recorder)
    audit("track", case_id, f"{entry.measure} {entry.status}")
    state = Page(key=key, who=who)
    state.good.append(f"已登记措施 {entry.measure} 的跟踪情况：{entry.status}（{entry.on.isoformat()}）。")
    return case_page(case_id, state)


def form_date(name: str, title: str) -> date:
    """A date field of the form (YYYY-MM-DD); today (Beijing) when left empty."""
    text = request.form.get(name, "").strip()
    if not text:
        return today()
    try:
        return parse_date(text, f"「{title}」")
    except ValueError as exc:
        raise ApiProblem(422, str(exc), slug="invalid-request", title="填写有误") from None


def today() -> date:
    return datetime.now(BEIJING).date()


def submit_to_register(data: Any, key: str, by: str) -> Response:
    """The upload form's 提交到台账: the case becomes a new version of the clerk's unit; the case page says which.

    As ``POST /api/v1/cases``: clerks and admins only; a clerk's new case belongs to its unit."""
    who = writer()
    unit = who.unit if who.role == "clerk" else None
    submitted = register().submit(data, by=by.strip()[:100], unit=unit)
    version = submitted.version
    audit("submit", version.case_id, f"第 {version.number} 版" + ("" if submitted.created else "（内容未变）"))
    state = Page(key=key, who=who)
    if submitted.created:
        state.good.append(f"已登记为案卷 {version.case_id} 的第 {version.number} 版（阶段：{version.stage}）。")
    else:
        state.notes.append(f"内容与第 {version.number} 版相同，未另立版本。")
    return case_page(version.case_id, state)


def failed_case(case_id: str, key: str, exc: Exception) -> Response:
    """The case page with the reason on top, when the case itself can still be shown."""
    problem = exc if isinstance(exc, ApiProblem) else error_problem(exc)
    refused_role = problem.slug == "forbidden-role"
    if problem.status == 401 or (problem.status == 403 and not refused_role) or problem.slug == "unknown-case":
        return failed("register_case.html", problem, key, case=None, case_id=case_id)
    try:
        return case_page(case_id, Page(key=key, who=identity(), problem=problem), problem.status)
    except (ApiProblem, WenpingError) as again:
        return failed("register_case.html", again, key, case=None, case_id=case_id)


# -------------------------------------------------------------------------------------- the pages


def case_page(case_id: str, state: Page, status: int = 200) -> Response:
    visible(case_id)  # every case page: another unit's case is answered as a missing one
    reg = register()
    summary = reg.case(case_id)
    versions = reg.versions(case_id)
    newest = versions[-1]
    table = reg.readiness(case_id)
    old, new = diff_versions(len(versions))
    changes = reg.diff(case_id, old, new) if old and new else None
    filed = filed_rows(reg, case_id)
    note = filing_note(filed, newest.number)
    return page(
        "register_case.html",
        state,
        status,
        case=summary,
        case_id=case_id,
        newest=newest,
        versions=[version_row(v) for v in reversed(versions)],
        documents=document_rows(table, newest.data()),
        package=package_row(table),
        packages=filed,
        filing=note,
        measures=measure_rows(reg, case_id),
        statuses=STATUSES,
        today=today().isoformat(),
        diff_from=old,
        diff_to=new,
        changes=changes,
        change_groups=change_groups(changes or []),
        pdf_available=pdf_ready(),
    )


def diff_versions(count: int) -> tuple[Optional[int], Optional[int]]:
    """The versions to compare: those asked for, else the two newest (none while there is one version)."""
    asked = (request.form.get("from", ""), request.form.get("to", ""))
    if all(VERSION_NUMBER.fullmatch(a) for a in asked):
        old, new = (int(a) for a in asked)
        if old <= count and new <= count:
            return old, new
    return (count - 1, count) if count > 1 else (None, None)


def case_row(reg, summary) -> dict:
    table = reg.readiness(summary.case_id)
    ready = [entry_name(key, entry) for key, entry in table.items() if key != PACKAGE and entry["ready"]]
    return {
        "case": summary,
        "updated": beijing(summary.updated_at),
        "review": review_state(reg, summary.case_id),
        "ready": ready,
        "package_ready": table[PACKAGE]["ready"],
        "package_missing": missing_text(table[PACKAGE]["missing"]),
    }


def entry_name(key: str, entry: dict) -> str:
    name = kind_of(key).name
    meetings = entry.get("meetings")
    return f"{name}（{len(meetings)} 份）" if meetings and len(meetings) > 1 else name


def document_rows(table: dict, data: dict) -> list[dict]:
    """One row per document kind, in filing order: ready or what it lacks; the 纪要 one download per meeting."""
    meetings = (data.get("consultation") or {}).get("meetings") or []
    rows = []
    for kind in FILING:
        entry = table[kind.key]
        downloads = []
        if entry["ready"] and kind.per_meeting:
            downloads = [
                {"meeting": n, "label": meeting_label(n, meetings[n - 1])} for n in entry.get("meetings", [])
            ]
        elif entry["ready"]:
            downloads = [{"meeting": "", "label": f"下载{kind.name}"}]
        rows.append({"key": kind.key, "name": kind.name, "ready": entry["ready"],
                     "missing": missing_text(entry["missing"]), "downloads": downloads})
    return rows


def meeting_label(number: int, meeting: dict) -> str:
    title = meeting.get("title") or meeting.get("kind", "会议")
    return f"第 {number} 次：{title}（{meeting.get('date', '')}）"


def package_row(table: dict) -> dict:
    entry = table[PACKAGE]
    return {"ready": entry["ready"], "missing": missing_text(entry["missing"])}


def missing_text(paths: list[str]) -> str:
    """「风险因素（risks）、评估报告（report）」: what a clerk reads, the path for whoever edits the JSON."""
    return "、".join(f"{title_of(p)}（{p}）" for p in paths)


def version_row(version) -> dict:
    return {"v": version, "submitted": beijing(version.submitted_at), "by": version.submitted_by or "—"}


def package_entry(filed, decision=None) -> dict:
    return {
        "p": filed,
        "created": beijing(filed.created_at),
        "size": human_size(filed.size),
        "review": decision,
        "state": decision.result if decision else PENDING,
    }


PENDING = "待备案"  # a filed package the 维稳办 has not decided on yet


def filed_rows(reg, case_id: str) -> list[dict]:
    """The filed packages, newest first, each with the 维稳办's decision on it (待备案 before one)."""
    decided = {r.package_sha256: r for r in reg.reviews(case_id)}
    return [package_entry(p, decided.get(p.sha256)) for p in reversed(reg.packages(case_id))]


@dataclass(frozen=True)
class FilingNote:
    """What the clerk reads above the file button, and whether the button is offered."""

    text: str = ""
    may_file: bool = True
    returned: bool = False  # the newest version's package was returned: shown as a warning


def filing_note(filed: list[dict], newest: int) -> FilingNote:
    """The newest version's filing state for the clerk.

    The newest version filed: its state (待备案, 予以备案, or 退回 — then: correct, submit a new version, file
    it); the same bytes would be the same package, so the button is offered again only for a new version.
    """
    mine = next((f for f in filed if f["p"].version == newest), None)
    latest = filed[0] if filed else None  # the newest package filed, of an older version when ``mine`` is None
    if mine is not None and mine["state"] == "退回":
        return FilingNote(f"第 {newest} 版的材料包已被维稳办退回（理由见下表）。请按理由修改案卷，"
                          "在首页「提交到台账」登记新版本后，再出具报备材料包。", False, True)
    if mine is not None:
        done = "已予以备案" if mine["state"] == "予以备案" else "已出具，待维稳办备案；修改案卷后可登记新版本再出具"
        return FilingNote(f"第 {newest} 版的报备材料包{done}。", False)
    if latest is not None and latest["state"] == "退回":
        version = latest["p"].version
        return FilingNote(f"第 {version} 版的材料包已被退回；已登记第 {newest} 版，可以出具新的报备材料包，再报维稳办备案。")
    return FilingNote()


def measure_rows(reg, case_id: str) -> list[dict]:
    """Step six: every measure of the newest version and where it stands today (逾期 from its deadline)."""
    return [
        {
            "m": state,
            "deadline": state.deadline.isoformat() if state.deadline else "—",
            "updated": state.updated_on.isoformat() if state.updated_on else "",
            "who": state.entries[-1].who if state.entries else "",
        }
        for state in reg.measures(case_id, today())
    ]


def review_state(reg, case_id: str) -> dict:
    """The 备案 column of the list: the newest filed package's state and version (empty: nothing filed)."""
    filed = filed_rows(reg, case_id)
    return {"state": filed[0]["state"], "version": filed[0]["p"].version} if filed else {}


OPEN_GROUP = 12  # a part with more changes than this starts folded (a whole consultation added is ~150)


def change_groups(changes: list[dict]) -> list[dict]:
    """The changes by top-level part of the case (征求意见, 风险因素, …), each row titled by its whole trail."""
    groups: dict[str, dict] = {}
    for change in changes:
        part = change["path"].split(".")[0]
        group = groups.setdefault(part, {"part": part, "title": title_of(part), "rows": []})
        group["rows"].append(change_row(change))
    for group in groups.values():
        group["open"] = len(group["rows"]) <= OPEN_GROUP
        group["added"] = all(r["old"] is None for r in group["rows"])
        group["removed"] = all(r["new"] is None for r in group["rows"])
    return list(groups.values())


def change_row(change: dict) -> dict:
    return {
        **change,
        "trail": title_trail(change["path"]),
        "old_text": shown_value(change["old"]),
        "new_text": shown_value(change["new"]),
    }


def title_trail(path: str) -> str:
    """「会议 第 1 项 › 参会人员 第 4 项 › 姓名」: where a changed field is, in the titles a clerk knows
    (the top-level part is the group's heading)."""
    steps = path.split(".")
    trail: list[str] = []
    for depth in range(2, len(steps) + 1):
        step = steps[depth - 1]
        if step.isdigit():
            trail[-1 if trail else 0:] = [f"{trail[-1] if trail else ''} 第 {int(step) + 1} 项".strip()]
        else:
            trail.append(title_of(".".join(steps[:depth])))
    return " › ".join(trail) or title_of(path)


def shown_value(value: Any) -> str:
    if value is None:
        return "（无）"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE] + "…"


def beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
