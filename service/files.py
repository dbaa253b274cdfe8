"""Writing output files so that a reader never finds one half-written.

Everything goes to a temporary name beside the target first (same folder, so the
final ``os.replace`` is a rename on one file system) and is synced before it is
renamed. The temporary name carries the writer's pid, which is how the left-overs
of a writer killed outright are recognised (see ``temp_name``).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

TEMP_SUFFIX = ".wenping-part"


#: The errors of a full disk: no space left, or the user's disk quota used up.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    """True for an ``OSError`` saying the disk (or the quota) is full."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def os_reason(exc: OSError) -> str:
    """Why an ``OSError`` happened, in Chinese where the user can act on it (full disk, quota, permission)."""
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno == errno.EDQUOT:
        return "磁盘配额已用完"
    if isinstance(exc, PermissionError):
        return "没有权限"
    return exc.strerror or str(exc)


def unreadable(path: Path | str, exc: OSError, what: str = "文件") -> str:
    """Why the file at ``path`` (a 案卷文件, a 文件…) could not be read, in Chinese: every door says it alike."""
    if isinstance(exc, FileNotFoundError):
        return f"{what} {path} 不存在"
    if isinstance(exc, PermissionError):
        return f"没有读取{what} {path} 的权限"
    if isinstance(exc, IsADirectoryError):
        return f"{path} 是文件夹，不是{what}"
    return f"无法读取{what} {path}（{os_reason(exc)}）"


def free_space(folder: Path | str) -> int | None:
    """Bytes free for an ordinary user in the file system of ``folder``; None if it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


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


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` names after following symlinks; None if there is none.

    Two paths with one identity are one file, however they are spelled (``./a``, a symlink, a hard link).
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def same_file(a: Path, b: Path) -> bool:
    """True if ``a`` and ``b`` both exist and are one file (compared by device and inode)."""
    ident = file_identity(a)
    return ident is not None and ident == file_identity(b)


def overwritten_input(target: Path, inputs: list[Path]) -> Path | None:
    """The input that writing ``target`` would replace, if any."""
    return next((i for i in inputs if same_file(target, i)), None)
