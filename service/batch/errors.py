"""The one error of the batch itself: it was refused before any case ran."""

from __future__ import annotations

from service.errors import WenpingError


class BatchError(WenpingError):
    """The batch was refused before any case ran (bad input path, template set, setting)."""

    code = "batch-refused"
    status = 400
    title = "批量任务无法开始"
