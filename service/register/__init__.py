"""The register (台账): case versions, filed packages and their verification (see docs/register.md).

Public names: ``Register`` (``Register.open(settings)``), its records ``Version``, ``Submitted``,
``FiledPackage``, ``Filed``, ``CaseSummary``, ``Verification``, ``Issued``; ``STAGES``/``stage_of``;
``upgrade``; the errors ``UnknownCase``, ``UnknownVersion``, ``RegisterUnavailable``,
``RegisterOutdated``, ``MissingBlob``.
"""

from service.register.database import upgrade
from service.register.errors import MissingBlob, RegisterOutdated, RegisterUnavailable, UnknownCase, UnknownJob, UnknownVersion
from service.register.register import (
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
