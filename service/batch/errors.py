"""The one error of the batch itself: it was refused before any case ran."""

from __future__ import annotations


class BatchError(Exception):
    """The batch was refused before any case ran (bad input path, template set, setting)."""
