"""One error family: every failure the user can act on is a ``WenpingError``.

Each subclass carries a stable machine ``code`` (also the problem type of the HTTP API), the HTTP
``status`` it maps to, a Chinese ``title``, and the CLI exit code. The doors (CLI, HTTP API, form,
batch) map errors through this family in one place each, so they never keep their own lists of what
to catch. The message (``str(exc)``) is Chinese and names what is wrong and the value that is.

Exit codes: 1 the input has errors and nothing was generated (``InvalidInput``); 2 the input could
not be read, the usage or a setting is wrong, a needed part (templates, converter) is unusable.

Who reads what: the CLI user (who is also the operator) gets the message. A remote client of the
HTTP API gets ``detail``, which is the message unless the class says otherwise; an ``internal``
error is the operator's to fix and its message may name server paths, so the API logs it and
answers with a fixed text.

The classes live where their stage is (``service.checks.validation.CaseReadError``,
``service.pdf.ConversionError``, …); the generic ones are here.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping


class WenpingError(Exception):
    """A failure the user (clerk, integrator, operator) can act on; never a programming error."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "处理失败"
    exit_code: ClassVar[int] = 2
    #: The operator's to fix (settings, risk profile, templates): a remote client is not told why.
    internal: ClassVar[bool] = False
    #: HTTP headers that go with the answer (e.g. ``Retry-After``).
    headers: ClassVar[Mapping[str, str]] = {}

    @property
    def detail(self) -> str:
        """What a remote client (HTTP API, form) is told: the message unless a class words it for them."""
        return str(self)

    def members(self) -> dict[str, Any]:
        """Extra members of the API's problem answer (e.g. the list of errors found)."""
        return {}


class SettingError(WenpingError, ValueError):
    """A ``WENPING_*`` setting has a value the service cannot use; the message names the variable."""

    code = "bad-setting"
    status = 500
    title = "配置有误"
    internal = True


class InvalidInput(WenpingError):
    """The input was read but has errors; nothing was generated.

    ``validation`` is the check result: ``.errors`` and ``.warnings``, each an ``Issue`` with
    ``path`` and ``message``; the doors list every error.
    """

    code = "invalid-input"
    status = 422
    title = "输入未通过校验"
    exit_code = 1

    def __init__(self, message: str, validation: Any) -> None:
        super().__init__(message)
        self.validation = validation

    def members(self) -> dict[str, Any]:
        return {
            "errors": [e.as_dict() for e in self.validation.errors],
            "warnings": [w.as_dict() for w in self.validation.warnings],
        }


class InputReadError(WenpingError):
    """A file the user named cannot be read (missing, no permission, a folder, not readable)."""

    code = "unreadable-input"
    status = 400
    title = "输入无法读取"


class UsageError(WenpingError):
    """The command was asked for something it cannot do (e.g. an output name with the wrong suffix)."""

    code = "bad-usage"
    status = 400
    title = "用法有误"


class OutputWriteError(WenpingError):
    """A result could not be written where it was asked to go; nothing half-written is left."""

    code = "unwritable-output"
    status = 500
    title = "输出无法写入"
    internal = True


class DiskFull(WenpingError):
    """No space left (ENOSPC) or the disk quota used up (EDQUOT) while generating or writing.

    The message names where, for the operator and the CLI user; a remote client is told only that
    the server is short of space (503: it passes once the operator frees some).
    """

    code = "disk-full"
    status = 503
    title = "磁盘空间不足"
    headers = {"Retry-After": "60"}

    @property
    def detail(self) -> str:
        return "服务器磁盘空间不足，未生成材料。请稍后重试，或联系系统管理员。"
