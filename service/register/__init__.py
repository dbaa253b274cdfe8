"""The register (台账): case versions, filed packages and their verification (see docs/register.md).

Public names: ``Register`` (``Register.open(settings)``), its records ``Version``, ``Submitted``,
``FiledPackage``, ``Filed``, ``CaseSummary``, ``Verification``, ``Issued``; ``STAGES``/``stage_of``;
``upgrade``; the errors ``UnknownCase``, ``UnknownVersion``, ``RegisterUnavailable``,
``RegisterOutdated``, ``MissingBlob``. Units, roles and keys (``service.register.access``): ``Identity``,
``ROLES``, ``KeyInfo``, ``NewKey``, ``AuditEntry``; review and tracking (``service.register.oversight``):
``Review``, ``MeasureState``, ``TrackingEntry``, ``REVIEW_RESULTS``, ``STATUSES``.
"""

from service.register.access import ROLE_NAMES, ROLES, AuditEntry, Identity, KeyExists, KeyInfo, NewKey, UnknownKey
from service.register.oversight import (
    REVIEW_RESULTS,
    STATUSES,
    AlreadyReviewed,
    BadReview,
    BadTracking,
    MeasureState,
    Review,
    TrackingEntry,
)

from service.register.database import upgrade
from service.register.errors import MissingBlob, RegisterOutdated, RegisterUnavailable, UnknownCase, UnknownJob, UnknownVersion
from service.register.register import (
    CaseOfUnit,
    CaseSummary,
    Filed,
    FiledPackage,
    Issued,
    Register,
    Submitted,
    Verification,
    Version,
)
from service.register.stage import STAGES, stage_of

__all__ = [
    "AlreadyReviewed",
    "AuditEntry",
    "BadReview",
    "BadTracking",
    "CaseOfUnit",
    "Identity",
    "KeyExists",
    "KeyInfo",
    "MeasureState",
    "NewKey",
    "REVIEW_RESULTS",
    "ROLES",
    "ROLE_NAMES",
    "Review",
    "STATUSES",
    "TrackingEntry",
    "UnknownKey",
    "CaseSummary",
    "Filed",
    "FiledPackage",
    "Issued",
    "MissingBlob",
    "Register",
    "RegisterOutdated",
    "RegisterUnavailable",
    "STAGES",
    "Submitted",
    "UnknownCase",
    "UnknownJob",
    "UnknownVersion",
    "Verification",
    "Version",
    "stage_of",
    "upgrade",
]
