"""The register's errors, members of the one family (``service.errors.WenpingError``)."""

from __future__ import annotations

from service.errors import WenpingError


class UnknownCase(WenpingError, LookupError):
    """No case with this ``case_id`` has been submitted."""

    code = "unknown-case"
    status = 404
    title = "台账中没有这个案卷"


class UnknownVersion(WenpingError, LookupError):
    """The case exists but has no version with this number."""

    code = "unknown-version"
    status = 404
    title = "案卷没有这个版本"


class RegisterUnavailable(WenpingError):
    """The register's database cannot be opened or used (address, permissions, server down)."""

    code = "register-unavailable"
    status = 503
    title = "台账数据库无法使用"
    internal = True


class RegisterOutdated(WenpingError):
    """The database was made by an older wenping: its tables need ``wenping db upgrade``."""

    code = "register-outdated"
    status = 503
    title = "台账数据库需要升级"
    internal = True


class MissingBlob(WenpingError):
    """A filed package's bytes are gone from the blob folder (restored without it?)."""

    code = "missing-blob"
    status = 500
    title = "报备材料文件缺失"
    internal = True


class UnknownJob(WenpingError, LookupError):
    """No job with this id, or not one that the caller's key made (the same answer: nothing is revealed)."""

    code = "unknown-job"
    status = 404
    title = "没有这个任务"
