"""Units, roles and keys, and the audit log.

A key is named, bound to a unit (a town, or the county) and a role, and kept only as the SHA-256 of its
secret: the secret is shown once, when the key is made, and can never be read back. Roles:

=========  ==================================================================================
clerk      经办人员: its own unit's cases — submit, read, file packages, track measures
reviewer   维稳办: reads every unit's cases, records 备案 (予以备案 / 退回); writes nothing else
admin      管理员: keys and settings, and every case (also what WENPING_API_KEYS keys are)
=========  ==================================================================================

The audit log records who (key name, unit) did what to which case and when — never a case's contents.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.errors import UsageError, WenpingError
from service.register.database import Reachable
from service.register.models import AuditRow, KeyRow, utc_now

ROLES = ("clerk", "reviewer", "admin")
ROLE_NAMES = {"clerk": "经办人员", "reviewer": "维稳办审核人员", "admin": "管理员"}
KEY_NAME = re.compile(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}")
KEY_PREFIX = "wpk_"
MAX_UNIT = 100


class UnknownKey(WenpingError, LookupError):
    code = "unknown-key"
    status = 404
    title = "没有这个访问密钥"


class KeyExists(WenpingError):
    code = "key-exists"
    status = 409
    title = "访问密钥名称已被使用"


@dataclass(frozen=True)
class Identity:
    """Who is asking: a key's name, unit and role. ``unit`` None: not bound to a unit (admin keys)."""

    name: str
    role: str
    unit: Optional[str] = None

    @property
    def sees_every_unit(self) -> bool:
        return self.role in ("reviewer", "admin")

    def can_see(self, case_unit: Optional[str]) -> bool:
        return self.sees_every_unit or (case_unit is not None and case_unit == self.unit)


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed: never its secret nor its hash."""

    name: str
    unit: str
    role: str
    created_at: datetime
    revoked_at: Optional[datetime]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "revoked": self.revoked_at is not None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


@dataclass(frozen=True)
class NewKey:
    info: KeyInfo
    #: The secret: shown once, to the one who made the key; the register keeps only its hash.
    secret: str


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    key_name: str
    unit: str
    action: str
    case_id: Optional[str]
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "key": self.key_name,
            "unit": self.unit,
            "action": self.action,
            "case_id": self.case_id,
            "detail": self.detail,
        }


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_new_key(name: str, unit: str, role: str) -> tuple[str, str, str]:
    """The name, unit and role of a key to be made, trimmed; ``UsageError`` naming a bad one."""
    name, unit, role = name.strip(), unit.strip(), role.strip()
    if not KEY_NAME.fullmatch(name):
        raise UsageError(f"密钥名称「{name[:70]}」不可用：只能用字母、数字、汉字和 _ . -，至多 64 个字符")
    if not unit or len(unit) > MAX_UNIT:
        raise UsageError(f"单位「{unit[:110]}」不可用：应为 1—{MAX_UNIT} 个字符的单位名称，如「青石镇」")
    if role not in ROLES:
        raise UsageError(f"角色「{role[:20]}」不可用：应为 clerk（经办人员）、reviewer（维稳办审核人员）或 admin（管理员）")
    return name, unit, role


def _info(row: KeyRow) -> KeyInfo:
    return KeyInfo(row.name, row.unit, row.role, row.created_at, row.revoked_at)


class AccessMixin:
    """The register's keys and audit log (mixed into ``Register``)."""

    def add_key(self, name: str, unit: str, role: str) -> NewKey:
        name, unit, role = check_new_key(name, unit, role)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)

        def work(session: Session) -> KeyInfo:
            if session.scalars(select(KeyRow).where(KeyRow.name == name)).first() is not None:
                raise KeyExists(f"已有名为「{name}」的访问密钥（吊销的密钥也占用其名称）")
            row = KeyRow(name=name, unit=unit, role=role, key_hash=key_hash(secret), created_at=utc_now())
            session.add(row)
            session.flush()
            return _info(row)

        return NewKey(self._write(work), secret)

    def keys(self) -> list[KeyInfo]:
        with Reachable(self.engine), self.sessions() as session:
            return [_info(row) for row in session.scalars(select(KeyRow).order_by(KeyRow.name))]

    def revoke_key(self, name: str) -> KeyInfo:
        def work(session: Session) -> KeyInfo:
            row = session.scalars(select(KeyRow).where(KeyRow.name == name.strip())).first()
            if row is None:
                raise UnknownKey(f"没有名为「{name[:70]}」的访问密钥")
            if row.revoked_at is None:
                row.revoked_at = utc_now()
            return _info(row)

        return self._write(work)

    def has_active_keys(self) -> bool:
        with Reachable(self.engine), self.sessions() as session:
            return bool(session.scalar(select(func.count()).select_from(KeyRow).where(KeyRow.revoked_at.is_(None))))

    def identify(self, secret: str) -> Optional[Identity]:
        """The identity of an active key with this secret, or None (unknown or revoked).

        The lookup is by the secret's SHA-256; the stored hash is then compared in constant time.
        """
        digest = key_hash(secret)
        with Reachable(self.engine), self.sessions() as session:
            row = session.scalars(select(KeyRow).where(KeyRow.key_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked_at is not None:
            return None
        return Identity(row.name, row.role, row.unit)

    # -- the audit log -----------------------------------------------------------------------------

    def record(self, who: Identity, action: str, case_id: Optional[str] = None, detail: str = "") -> None:
        """Append one line to the audit log (who, what, which case, when; never the case's contents)."""
        row = AuditRow(
            at=utc_now(), key_name=who.name[:64], unit=(who.unit or "")[:100], action=action[:32],
            case_id=case_id[:64] if case_id else None, detail=detail[:200],
        )
        self._write(lambda session: session.add(row))

    def audit_log(self, case_id: Optional[str] = None) -> list[AuditEntry]:
        with Reachable(self.engine), self.sessions() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if case_id is not None:
                query = query.where(AuditRow.case_id == case_id)
            return [
                AuditEntry(r.at, r.key_name, r.unit, r.action, r.case_id, r.detail) for r in session.scalars(query)
            ]
