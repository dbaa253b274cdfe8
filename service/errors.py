"""One error family: every failure the user can act on is a ``WenpingError``.

Each subclass carries a stable machine ``code`` (also the problem type of the HTTP API), the HTTP
``status`` it maps to, a Chinese ``title``, and the CLI exit code. The doors (CLI, HTTP API, form,
batch) map errors through this family in one place each, so they never keep their own lists of what
to catch. The message (``str(exc)``) is Chinese and names what is wrong and the value that is.
"""

from __future__ import annotations

from typing import ClassVar


class WenpingError(Exception):
    """A failure the user (clerk, integrator, operator) can act on; never a programming error."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "处理失败"
    exit_code: ClassVar[int] = 2

    @property
    def detail(self) -> str:
        return str(self)


class SettingError(WenpingError, ValueError):
    """A ``WENPING_*`` setting has a value the service cannot use; the message names the variable."""

    code = "bad-setting"
    status = 500
    title = "配置有误"
