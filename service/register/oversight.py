"""After filing: the 维稳办's review (备案) of each filed package, and step six, 全程跟踪督查.

Review: a reviewer records, per filed package, 予以备案 or 退回 (a return names its reasons). A package is
decided once; a returned case is corrected, submitted as a new version and filed again, and that new package is
reviewed in turn.

Tracking: each measure of each risk of the case's newest version is addressed ``<risk id>.<n>`` (n from 1, in
the order of ``risks[].measures``). Entries (date, status, note, who) accumulate; a measure's status is that of
its latest entry (by date, then by order of entry), 未开始 before any. A measure not done whose deadline has
passed on the day asked about (``as_of``) is 逾期 whatever its entries say, so a report for a given day is the
same whenever it is made. When every measure is 已完成, a case that went ahead (实施跟踪) is 结案.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import WenpingError
from service.register.access import Identity
from service.register.database import Reachable
from service.register.models import CaseRow, PackageRow, ReviewRow, TrackingRow, VersionRow, utc_now

REVIEW_RESULTS = ("予以备案", "退回")
STATUSES = ("未开始", "推进中", "已完成", "逾期")
DONE = "已完成"
OVERDUE = "逾期"
MEASURE_ADDRESS = re.compile(r"(.+)\.([1-9][0-9]{0,2})")
MAX_REASONS = 20
MAX_TEXT = 2000


class BadReview(WenpingError):
    """A review that cannot be recorded: unknown result, a return without reasons, nothing filed, decided."""

    code = "bad-review"
    status = 422
    title = "备案意见无法登记"
    exit_code = 1


class AlreadyReviewed(WenpingError):
    code = "already-reviewed"
    status = 409
    title = "该材料包已有备案意见"
    exit_code = 1


class BadTracking(WenpingError):
    """A tracking entry that cannot be recorded: unknown measure or status, bad date; the message names it."""

    code = "bad-tracking"
    status = 422
    title = "跟踪督查记录有误"
    exit_code = 1


@dataclass(frozen=True)
class Review:
    case_id: str
    version: int
    package_sha256: str
    result: str
    reasons: tuple[str, ...]
    decided_on: date
    reviewer: str
    unit: str
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.version,
            "package_sha256": self.package_sha256,
            "result": self.result,
            "reasons": list(self.reasons),
            "date": self.decided_on.isoformat(),
            "reviewer": self.reviewer,
            "unit": self.unit,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class TrackingEntry:
    measure: str
    status: str
    on: date
    note: str
    who: str

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "status": self.status, "date": self.on.isoformat(), "note": self.note, "who": self.who}


@dataclass(frozen=True)
class MeasureState:
    """One measure of the newest version and where it stands on ``as_of``."""

    measure: str  # address, e.g. R1.2
    risk_id: str
    risk_name: str
    no: int
    action: str
    owner_unit: str
    owner_person: Optional[str]
    deadline: Optional[date]
    status: str  # the latest entry's, or 未开始; 逾期 when not done and the deadline has passed
    overdue: bool
    updated_on: Optional[date]
    note: str
    entries: tuple[TrackingEntry, ...] = field(default=())

    @property
    def done(self) -> bool:
        return self.status == DONE

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "risk_id": self.risk_id,
            "risk_name": self.risk_name,
            "action": self.action,
            "owner_unit": self.owner_unit,
            "owner_person": self.owner_person,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "status": self.status,
            "overdue": self.overdue,
            "updated_on": self.updated_on.isoformat() if self.updated_on else None,
            "note": self.note,
            "entries": [e.as_dict() for e in self.entries],
        }


def measures_of(data: dict) -> list[tuple[str, dict, int, dict]]:
    """(address, risk, n, measure) for every measure of a case, in document order."""
    return [
        (f"{risk['id']}.{n}", risk, n, measure)
        for risk in data.get("risks", [])
        for n, measure in enumerate(risk.get("measures", []), 1)
    ]


def parse_measure(address: str, data: dict) -> tuple[str, int]:
    """``R1.2`` → ("R1", 2), checked against the case's risks; ``BadTracking`` naming the value otherwise."""
    known = [a for a, *_ in measures_of(data)]
    match = MEASURE_ADDRESS.fullmatch(address.strip())
    if match is None or address.strip() not in known:
        shown = address[:40]
        raise BadTracking(f"措施「{shown}」不存在：应写作「风险编号.序号」，本案卷的措施有 {'、'.join(known)}")
    return match.group(1), int(match.group(2))


def measure_state(address: str, risk: dict, n: int, measure: dict, entries: list[TrackingEntry], as_of: date) -> MeasureState:
    latest = entries[-1] if entries else None
    status = latest.status if latest else STATUSES[0]
    deadline = date.fromisoformat(measure["deadline"]) if measure.get("deadline") else None
    overdue = status != DONE and deadline is not None and deadline < as_of
    return MeasureState(
        address, risk["id"], risk["name"], n, measure["action"], measure["owner_unit"], measure.get("owner_person"),
        deadline, OVERDUE if overdue else status, overdue, latest.on if latest else None,
        latest.note if latest else "", tuple(entries),
    )


def _review(row: ReviewRow, case_id: str, version: int, package_sha: str) -> Review:
    return Review(case_id, version, package_sha, row.result, tuple(row.reasons), row.decided_on, row.reviewer, row.unit, row.created_at)


class OversightMixin:
    """Reviews and tracking entries (mixed into ``Register``)."""

    # -- review (备案) ------------------------------------------------------------------------------

    def review(
        self, case_id: str, result: str, reasons: list[str], by: Identity, decided_on: date, package: Optional[str] = None
    ) -> Review:
        """Record the 维稳办's decision on a filed package of the case (default: the newest one filed)."""
        reasons = [r.strip() for r in reasons if r and r.strip()]
        if result not in REVIEW_RESULTS:
            raise BadReview(f"备案意见「{str(result)[:20]}」不可用：应为「予以备案」或「退回」")
        if result == "退回" and not reasons:
            raise BadReview("退回须写明理由（至少一条）")
        if len(reasons) > MAX_REASONS or any(len(r) > MAX_TEXT for r in reasons):
            raise BadReview(f"理由至多 {MAX_REASONS} 条，每条至多 {MAX_TEXT} 个字符")

        def work(session: Session) -> Review:
            case = self._case_row(session, case_id)
            query = (
                select(PackageRow, VersionRow.number).join(VersionRow)
                .where(VersionRow.case_pk == case.id).order_by(PackageRow.id.desc())
            )
            if package:
                query = query.where(PackageRow.sha256 == package.strip().lower())
            found = session.execute(query).first()
            if found is None:
                raise BadReview(
                    f"案卷「{case_id}」没有 SHA-256 为 {package[:64]} 的材料包" if package
                    else f"案卷「{case_id}」还没有出具报备材料，无从备案"
                )
            package_row, number = found
            if session.scalars(select(ReviewRow).where(ReviewRow.package_pk == package_row.id)).first() is not None:
                raise AlreadyReviewed(f"案卷「{case_id}」第 {number} 版的材料包已有备案意见；退回后请提交新版本再出具")
            row = ReviewRow(
                package_pk=package_row.id, result=result, reasons=reasons, decided_on=decided_on,
                reviewer=by.name, unit=by.unit or "", created_at=utc_now(),
            )
            session.add(row)
            session.flush()
            return _review(row, case_id, number, package_row.sha256)

        return self._write(work)

    def reviews(self, case_id: str) -> list[Review]:
        """Every decision on the case's packages, oldest first."""
        with Reachable(self.engine), self.sessions() as session:
            case = self._case_row(session, case_id)
            rows = session.execute(
                select(ReviewRow, VersionRow.number, PackageRow.sha256)
                .join(PackageRow, ReviewRow.package_pk == PackageRow.id)
                .join(VersionRow, PackageRow.version_pk == VersionRow.id)
                .where(VersionRow.case_pk == case.id)
                .order_by(ReviewRow.id)
            )
            return [_review(row, case_id, number, sha) for row, number, sha in rows]

    def latest_review(self, case_id: str, version: Optional[int] = None) -> Optional[Review]:
        """The newest decision on the case (on packages of ``version`` when given)."""
        found = [r for r in self.reviews(case_id) if version is None or r.version == version]
        return found[-1] if found else None

    # -- tracking (全程跟踪督查) ----------------------------------------------------------------------

    def track(self, case_id: str, measure: str, status: str, on: date, note: str = "", who: str = "") -> TrackingEntry:
        """Add a tracking entry to one measure of the case's newest version."""
        if status not in STATUSES:
            raise BadTracking(f"状态「{str(status)[:20]}」不可用：应为 {'、'.join(STATUSES)} 之一")
        if len(note) > MAX_TEXT:
            raise BadTracking(f"说明（note）至多 {MAX_TEXT} 个字符，实际 {len(note)} 个")
        data = self.version(case_id).data()
        risk_id, number = parse_measure(measure, data)

        def work(session: Session) -> TrackingEntry:
            case = self._case_row(session, case_id)
            row = TrackingRow(
                case_pk=case.id, risk_id=risk_id, measure_no=number, status=status, entry_date=on,
                note=note.strip(), who=who.strip()[:100], created_at=utc_now(),
            )
            session.add(row)
            return TrackingEntry(f"{risk_id}.{number}", status, on, row.note, row.who)

        return self._write(work)

    def _entries(self, session: Session, case: CaseRow) -> dict[str, list[TrackingEntry]]:
        rows = session.scalars(
            select(TrackingRow).where(TrackingRow.case_pk == case.id).order_by(TrackingRow.entry_date, TrackingRow.id)
        )
        entries: dict[str, list[TrackingEntry]] = {}
        for r in rows:
            address = f"{r.risk_id}.{r.measure_no}"
            entries.setdefault(address, []).append(TrackingEntry(address, r.status, r.entry_date, r.note, r.who))
        return entries

    def measures(self, case_id: str, as_of: date) -> list[MeasureState]:
        """Every measure of the newest version and where it stands on ``as_of`` (entries up to that day)."""
        with Reachable(self.engine), self.sessions() as session:
            case = self._case_row(session, case_id)
            data = json.loads(self._version_row(session, case_id, None).content)
            entries = self._entries(session, case)
        # Entries dated after ``as_of`` are not known yet on that day: a report for a day never changes.
        known = {a: [e for e in found if e.on <= as_of] for a, found in entries.items()}
        return [measure_state(a, risk, n, m, known.get(a, []), as_of) for a, risk, n, m in measures_of(data)]

    def _all_done(self, session: Session, case: CaseRow, data: dict) -> bool:
        entries = self._entries(session, case)
        return all(entries.get(a) and entries[a][-1].status == DONE for a, *_ in measures_of(data))
