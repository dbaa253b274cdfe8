"""The register's tables, as typed SQLAlchemy models (the migrations in ``migrations/`` create them).

    cases ─< case_versions ─< packages ─< package_files
                 cases ─< tracking_entries     packages ─< reviews
    api_keys, audit_log (standalone: the log names keys and cases, it does not point at them)

A case row also holds ``version_count``, the counter that numbers its versions: a writer locks the
row, adds one and inserts the version in the same transaction, so numbers are 1, 2, 3… without gaps.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC time on every database (SQLite hands back naive values: read as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("register times must be timezone-aware")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), unique=True)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: The unit (a town, or the county) of the key that first submitted it; None: submitted without a unit.
    unit: Mapped[Optional[str]] = mapped_column(String(100), nullable=True, index=True)
    versions: Mapped[list["VersionRow"]] = relationship(back_populates="case", order_by="VersionRow.number")


class VersionRow(Base):
    __tablename__ = "case_versions"
    __table_args__ = (
        UniqueConstraint("case_pk", "number", name="uq_case_versions_number"),
        UniqueConstraint("case_pk", "sha256", name="uq_case_versions_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: The canonical case JSON (the bytes of a package's case.json), as UTF-8 text.
    content: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    case: Mapped[CaseRow] = relationship(back_populates="versions")
    packages: Mapped[list["PackageRow"]] = relationship(back_populates="version", order_by="PackageRow.id")


class PackageRow(Base):
    """A filed package: its bytes live in the blob folder under its SHA-256."""

    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    version_pk: Mapped[int] = mapped_column(ForeignKey("case_versions.id", ondelete="RESTRICT"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bool] = mapped_column(Boolean)
    manifest: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: The 报备日期 (filing.filed_on) of the version it was made from: the period report selects by it.
    filed_on: Mapped[Optional[date]] = mapped_column(Date, nullable=True, index=True)
    version: Mapped[VersionRow] = relationship(back_populates="packages")
    files: Mapped[list["PackageFileRow"]] = relationship(back_populates="package", order_by="PackageFileRow.id")


class PackageFileRow(Base):
    """One file of a filed package, as its manifest lists it: found by its SHA-256 when verifying."""

    __tablename__ = "package_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_pk: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    package: Mapped[PackageRow] = relationship(back_populates="files")


# -- units, keys and the audit log; the 维稳办's review; step six (migration 0002) -----------------------


class KeyRow(Base):
    """A named API key bound to a unit and a role; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    unit: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UtcDateTime, nullable=True)


class AuditRow(Base):
    """Who (key name, unit) did what to which case, and when; never the case's contents."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    key_name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[Optional[str]] = mapped_column(String(64), nullable=True, index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")


class ReviewRow(Base):
    """The 维稳办's decision on one filed package: 予以备案 or 退回 (with reasons)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_pk: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="RESTRICT"), index=True)
    result: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list] = mapped_column(JSON)
    decided_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrackingRow(Base):
    """One tracking entry (全程跟踪督查) of one measure: risk ``risk_id``, its ``measure_no``-th measure (1-based)."""

    __tablename__ = "tracking_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    risk_id: Mapped[str] = mapped_column(String(64))
    measure_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))
    entry_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
class JobRow(Base):
    """A job of the jobs API: who asked (a hash of their key), what, how far it got, and where its result is.

    ``input_key`` is the SHA-256 of everything the result depends on (kind, options, the case, the generator
    and its templates): a job whose key already has an archived result is answered from it, not recomputed.
    The result's bytes are a blob (content-addressed), so two workers finishing the same job store one file.
    """

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    input_key: Mapped[str] = mapped_column(String(64), index=True)
    #: The job's input: {"data": case or PERIOD body, or "case_id"/"version", and the options}.
    request: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=1)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    problem: Mapped[Optional[dict]] = mapped_column(JSON, nullable=True)
    result_sha256: Mapped[Optional[str]] = mapped_column(String(64), nullable=True, index=True)
    result_name: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    result_type: Mapped[Optional[str]] = mapped_column(String(100), nullable=True)
    result_size: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    callback_url: Mapped[Optional[str]] = mapped_column(String(2000), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[Optional[datetime]] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UtcDateTime, nullable=True, index=True)
