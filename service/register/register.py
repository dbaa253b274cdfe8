"""The register (台账): every submitted version of a case, the packages filed from them, and verification.

    register = Register.open(settings)          # creates/migrates an empty database on first use
    submitted = register.submit(case_dict, by="张三")   # .version.number, .created
    filed = register.package("QS-WP-2026-001")  # the newest version's package, stored by SHA-256
    register.verify(sha256_of_any_file)         # which case, version and package it came from

Every method opens its own session (``with self.sessions.begin()``) and returns plain frozen records,
never ORM rows, so nothing outside depends on a session being open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.context.readiness import readiness
from service.errors import WenpingError
from service.generate import checked, generate, prepare
from service.model.case import Case
from service.pdf import Converter
from service.register.blobs import ORPHAN_GRACE_SECONDS, BlobStore, sha256
from service.register.access import AccessMixin, Identity
from service.register.database import Reachable, create, database_url, ensure_current, session_factory
from service.register.diff import diff
from service.register.jobs import JobStore
from service.register.errors import RegisterUnavailable, UnknownCase, UnknownVersion
from service.register.models import CaseRow, PackageFileRow, PackageRow, VersionRow, utc_now
from service.register.oversight import OversightMixin
from service.register.stage import stage_of
from service.render.template_sets import TemplateSet
from service.settings import Settings, current_settings

#: Attempts of one write that collided with another writer's on a unique key (PostgreSQL: two first
#: submissions of a new case; the loser retries and then finds the case row to lock).
WRITE_ATTEMPTS = 5
BLOB_FOLDER = "blobs"

T = TypeVar("T")


@dataclass(frozen=True)
class Version:
    """One immutable submission of a case: its canonical JSON, hash, stage, who and when."""

    case_id: str
    number: int
    sha256: str
    stage: str
    submitted_by: str
    submitted_at: datetime
    content: bytes = field(repr=False)

    def data(self) -> dict:
        return json.loads(self.content)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.number,
            "sha256": self.sha256,
            "stage": self.stage,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat(),
        }


@dataclass(frozen=True)
class Submitted:
    version: Version
    #: False when the same content had been submitted before: ``version`` is that earlier one.
    created: bool


@dataclass(frozen=True)
class FiledPackage:
    """A package the register issued: its bytes are in the blob folder under ``sha256``."""

    sha256: str
    case_id: str
    version: int
    file_name: str
    size: int
    pdf: bool
    created_at: datetime
    manifest: dict = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "case_id": self.case_id,
            "version": self.version,
            "file_name": self.file_name,
            "bytes": self.size,
            "pdf": self.pdf,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Filed:
    package: FiledPackage
    data: bytes = field(repr=False)
    #: False when these very bytes had been filed before (generation is deterministic).
    created: bool


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    matter: str
    versions: int
    stage: str
    created_at: datetime
    updated_at: datetime
    unit: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "matter": self.matter,
            "unit": self.unit,
            "versions": self.versions,
            "stage": self.stage,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class Issued:
    """One place a hash was found: the package itself (``file`` None) or one file in it."""

    case_id: str
    version: int
    package_sha256: str
    package_file_name: str
    file: Optional[str]
    kind: str
    issued_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.version,
            "package_sha256": self.package_sha256,
            "package_file_name": self.package_file_name,
            "file": self.file,
            "kind": self.kind,
            "issued_at": self.issued_at.isoformat(),
        }


@dataclass(frozen=True)
class Verification:
    sha256: str
    found: tuple[Issued, ...]

    @property
    def issued(self) -> bool:
        return bool(self.found)

    def as_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "issued": self.issued, "found": [f.as_dict() for f in self.found]}


def _version(row: VersionRow, case_id: str) -> Version:
    # The stage is read from the content each time, never stored: a refined rule applies to old versions too.
    stage = stage_of(json.loads(row.content))
    return Version(case_id, row.number, row.sha256, stage, row.submitted_by, row.submitted_at, row.content.encode("utf-8"))


def _filed(row: PackageRow, case_id: str, number: int) -> FiledPackage:
    return FiledPackage(row.sha256, case_id, number, row.file_name, row.size, row.pdf, row.created_at, row.manifest)


class CaseOfUnit(WenpingError):
    """A case id already registered by another unit: a unit cannot add versions to another's case."""

    code = "case-of-another-unit"
    status = 403
    title = "无权登记该案卷"


class Register(AccessMixin, OversightMixin):
    def __init__(self, engine: Engine, blobs: BlobStore) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.blobs = blobs
        self.jobs = JobStore(engine, self.sessions, blobs)

    @classmethod
    def open(cls, settings: Optional[Settings] = None) -> "Register":
        """The register the settings name; an empty database gets its tables (migrations) first."""
        settings = settings or current_settings()
        state_dir = Path(settings.state_dir).expanduser()
        engine = create(database_url(settings))
        ensure_current(engine)
        return cls(engine, BlobStore(state_dir / BLOB_FOLDER))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction; again when another writer won a unique key meanwhile."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with Reachable(self.engine), self.sessions.begin() as session:
                    return work(session)
            except IntegrityError as exc:
                if attempt == WRITE_ATTEMPTS:
                    raise RegisterUnavailable(f"台账写入失败，已全部撤销（{exc.orig}）") from None
        raise AssertionError("unreachable")

    def submit(self, data: Any, by: str = "", unit: Optional[str] = None) -> Submitted:
        """Store a new version of the case (``InvalidCase`` if it has errors: nothing stored).

        The same content as any earlier version of the case makes no new version: that one is returned
        with ``created`` False. A new case belongs to ``unit`` (the submitting key's); a case of another
        unit is refused (``CaseOfUnit``); ``unit`` None (an operator, an admin key) may add to any case.
        """
        validation, content = checked(data)  # any step of the case: nothing needs to be ready
        case_id = validation.case.case_id
        digest = sha256(content)
        return self._write(lambda session: self._add_version(session, case_id, content, digest, by.strip(), unit))

    def _add_version(
        self, session: Session, case_id: str, content: bytes, digest: str, by: str, unit: Optional[str] = None
    ) -> Submitted:
        case = self._lock_case(session, case_id, unit)
        if unit is not None and case.unit != unit:
            raise CaseOfUnit(f"案卷编号「{case_id}」已由其他单位登记，不能由{unit}登记；请换用本单位的案卷编号")
        same = session.scalars(select(VersionRow).where(VersionRow.case_pk == case.id, VersionRow.sha256 == digest)).first()
        if same is not None:
            return Submitted(_version(same, case_id), created=False)
        case.version_count += 1
        row = VersionRow(
            case_pk=case.id,
            number=case.version_count,
            sha256=digest,
            content=content.decode("utf-8"),
            submitted_by=by,
            submitted_at=utc_now(),
        )
        session.add(row)
        session.flush()
        return Submitted(_version(row, case_id), created=True)

    def _lock_case(self, session: Session, case_id: str, unit: Optional[str] = None) -> CaseRow:
        """The case's row, locked until the transaction ends (its counter numbers the versions)."""
        case = session.scalars(select(CaseRow).where(CaseRow.case_id == case_id).with_for_update()).one_or_none()
        if case is None:
            case = CaseRow(case_id=case_id, version_count=0, created_at=utc_now(), unit=unit)
            session.add(case)
            session.flush()  # a concurrent first submission fails here (unique case_id) and retries
        return case

    def package(
        self,
        case_id: str,
        version: Optional[int] = None,
        pdf: bool = False,
        *,
        templates: Optional[TemplateSet] = None,
        converter: Optional[Converter] = None,
    ) -> Filed:
        """The filing package of a version (default: the newest), made by ``generate`` and filed.

        The bytes go to the blob folder first, then one transaction records the package and its files:
        a failure in between leaves only an orphan blob, never a row without its bytes.
        """
        source = self.version(case_id, version)
        built = generate(source.data(), pdf=pdf, templates=templates, converter=converter)
        digest = self.blobs.put(built.data)
        filed, created = self._write(lambda session: self._record_package(session, source, digest, built.file_name, len(built.data), pdf, built.manifest))
        return Filed(filed, built.data, created)

    def _record_package(
        self, session: Session, source: Version, digest: str, file_name: str, size: int, pdf: bool, manifest: dict
    ) -> tuple[FiledPackage, bool]:
        known = session.execute(
            select(PackageRow, VersionRow.number).join(VersionRow).where(PackageRow.sha256 == digest)
        ).first()
        if known is not None:
            return _filed(known[0], source.case_id, known[1]), False
        version_row = self._version_row(session, source.case_id, source.number)
        row = PackageRow(
            sha256=digest,
            version_pk=version_row.id,
            file_name=file_name,
            size=size,
            pdf=pdf,
            manifest=manifest,
            created_at=utc_now(),
            filed_on=_filed_on(source.data()),
        )
        row.files = [PackageFileRow(file_name=f["file"], kind=f["kind"], sha256=f["sha256"]) for f in manifest["files"]]
        session.add(row)
        session.flush()
        return _filed(row, source.case_id, source.number), True

    def remove_orphans(self, grace: float = ORPHAN_GRACE_SECONDS) -> list[str]:
        """Delete blobs no package names (left by a failure before the row was committed)."""
        with Reachable(self.engine), self.sessions() as session:
            referenced = set(session.scalars(select(PackageRow.sha256)))
        referenced |= self.jobs.referenced()  # a job's result is no orphan either
        return self.blobs.remove_unreferenced(referenced, grace)

    # -- reading ------------------------------------------------------------------------------------

    def _case_row(self, session: Session, case_id: str) -> CaseRow:
        case = session.scalars(select(CaseRow).where(CaseRow.case_id == case_id)).one_or_none()
        if case is None:
            raise UnknownCase(f"台账中没有案卷「{case_id}」")
        return case

    def _version_row(self, session: Session, case_id: str, number: Optional[int]) -> VersionRow:
        case = self._case_row(session, case_id)
        wanted = case.version_count if number is None else number
        row = session.scalars(select(VersionRow).where(VersionRow.case_pk == case.id, VersionRow.number == wanted)).one_or_none()
        if row is None:
            raise UnknownVersion(f"案卷「{case_id}」没有第 {wanted} 版（共 {case.version_count} 版）")
        return row

    def version(self, case_id: str, number: Optional[int] = None) -> Version:
        """One version of the case (default: the newest)."""
        with Reachable(self.engine), self.sessions() as session:
            return _version(self._version_row(session, case_id, number), case_id)

    def readiness(self, case_id: str, number: Optional[int] = None) -> dict[str, dict]:
        """Which documents a version (default: the newest) can make, and what the others lack."""
        return readiness(Case.model_validate(self.version(case_id, number).data()))

    def versions(self, case_id: str) -> list[Version]:
        with Reachable(self.engine), self.sessions() as session:
            case = self._case_row(session, case_id)
            rows = session.scalars(select(VersionRow).where(VersionRow.case_pk == case.id).order_by(VersionRow.number))
            return [_version(row, case_id) for row in rows]

    def cases(self, unit: Optional[str] = None) -> list[CaseSummary]:
        """Every case (of ``unit`` only, when given), with its stage, in the order of case id."""
        with Reachable(self.engine), self.sessions() as session:
            query = (
                select(CaseRow, VersionRow)
                .join(VersionRow, (VersionRow.case_pk == CaseRow.id) & (VersionRow.number == CaseRow.version_count))
                .order_by(CaseRow.case_id)
            )
            if unit is not None:
                query = query.where(CaseRow.unit == unit)
            return [self._summary(session, case, latest) for case, latest in session.execute(query).all()]

    def case(self, case_id: str) -> CaseSummary:
        with Reachable(self.engine), self.sessions() as session:
            case = self._case_row(session, case_id)
            return self._summary(session, case, self._version_row(session, case_id, None))

    def case_unit(self, case_id: str) -> Optional[str]:
        """The unit the case belongs to (``UnknownCase`` when there is no such case)."""
        with Reachable(self.engine), self.sessions() as session:
            return self._case_row(session, case_id).unit

    def visible_case(self, case_id: str, who: Identity) -> None:
        """``UnknownCase`` unless ``who`` may see the case: another unit's case is as good as absent."""
        if not who.can_see(self.case_unit(case_id)):
            raise UnknownCase(f"台账中没有案卷「{case_id}」")

    def _summary(self, session: Session, case: CaseRow, latest: VersionRow) -> CaseSummary:
        data = json.loads(latest.content)
        matter = data.get("matter", {}).get("name", "")
        stage = stage_of(data, measures_done=self._all_done(session, case, data))
        return CaseSummary(case.case_id, matter, case.version_count, stage, case.created_at, latest.submitted_at, case.unit)

    def filed_in(self, start: date, end: date, unit: Optional[str] = None) -> list[Version]:
        """The cases filed in [start, end] (a package whose 报备日期 falls in it), each as the newest such version.

        In the order of their filing date, then case id. ``unit`` given: that unit's cases only.
        """
        with Reachable(self.engine), self.sessions() as session:
            query = (
                select(CaseRow.case_id, func.max(VersionRow.number))
                .join(VersionRow, VersionRow.case_pk == CaseRow.id)
                .join(PackageRow, PackageRow.version_pk == VersionRow.id)
                .where(PackageRow.filed_on >= start, PackageRow.filed_on <= end)
                .group_by(CaseRow.case_id)
            )
            if unit is not None:
                query = query.where(CaseRow.unit == unit)
            chosen = session.execute(query).all()
            versions = [_version(self._version_row(session, case_id, number), case_id) for case_id, number in chosen]
        return sorted(versions, key=lambda v: (_filed_on(v.data()) or date.min, v.case_id))

    def packages(self, case_id: str) -> list[FiledPackage]:
        """The packages filed for the case, oldest first."""
        with Reachable(self.engine), self.sessions() as session:
            case = self._case_row(session, case_id)
            rows = session.execute(
                select(PackageRow, VersionRow.number).join(VersionRow).where(VersionRow.case_pk == case.id).order_by(PackageRow.id)
            )
            return [_filed(row, case_id, number) for row, number in rows]

    def package_bytes(self, digest: str) -> bytes:
        """A filed package's bytes, checked against its hash."""
        return self.blobs.get(digest)

    def diff(self, case_id: str, old: int, new: int) -> list[dict[str, Any]]:
        """What changed from version ``old`` to version ``new`` (see ``service.register.diff``)."""
        return diff(self.version(case_id, old).data(), self.version(case_id, new).data())

    def verify(self, digest: str) -> Verification:
        """Whether the register issued a package, or a file in one, with this SHA-256; where and when."""
        digest = digest.strip().lower()
        with Reachable(self.engine), self.sessions() as session:
            as_package = session.execute(
                select(PackageRow, VersionRow.number, CaseRow.case_id)
                .join(VersionRow, PackageRow.version_pk == VersionRow.id)
                .join(CaseRow, VersionRow.case_pk == CaseRow.id)
                .where(PackageRow.sha256 == digest)
            )
            found = [
                Issued(case_id, number, row.sha256, row.file_name, None, "package", row.created_at)
                for row, number, case_id in as_package
            ]
            as_file = session.execute(
                select(PackageFileRow, PackageRow, VersionRow.number, CaseRow.case_id)
                .join(PackageRow, PackageFileRow.package_pk == PackageRow.id)
                .join(VersionRow, PackageRow.version_pk == VersionRow.id)
                .join(CaseRow, VersionRow.case_pk == CaseRow.id)
                .where(PackageFileRow.sha256 == digest)
                .order_by(PackageRow.id, PackageFileRow.id)
            )
            found += [
                Issued(case_id, number, package.sha256, package.file_name, file.file_name, file.kind, package.created_at)
                for file, package, number, case_id in as_file
            ]
        return Verification(digest, tuple(found))

    def count_versions(self) -> int:
        with Reachable(self.engine), self.sessions() as session:
            return session.scalar(select(func.count()).select_from(VersionRow)) or 0


def _filed_on(data: dict) -> Optional[date]:
    filed_on = (data.get("filing") or {}).get("filed_on")
    return date.fromisoformat(filed_on) if filed_on else None
