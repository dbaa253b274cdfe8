"""Writing output files so that a reader never finds one half-written.

Everything goes to a temporary name beside the target first (same folder, so the
final ``os.replace`` is a rename on one file system) and is synced before it is
renamed. The temporary name carries the writer's pid, which is how the left-overs
of a writer killed outright are recognised (see ``temp_name``).
"""

from __future__ import annotations

import os
from pathlib import Path

TEMP_SUFFIX = ".wenping-part"


def temp_name(final: str, pid: int | str) -> str:
    """The temporary name beside ``final`` for process ``pid`` (``"*"`` in either: a glob pattern)."""
    return f".{final}.{pid}{TEMP_SUFFIX}"


def temp_owner(name: str) -> str:
    """The pid part of a temporary name made by ``temp_name`` (not necessarily digits)."""
    return name[: -len(TEMP_SUFFIX)].rpartition(".")[2]


def write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and wait until it is on disk."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target under a temporary name, then rename over it (making its folder)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(temp_name(target.name, os.getpid()))
    try:
        write_synced(partial, data)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
