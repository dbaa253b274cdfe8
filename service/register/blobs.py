"""Filed packages' bytes, content-addressed: ``blobs/ab/abcdef…`` (the SHA-256 of the bytes).

Why files and not database rows: a package with PDFs weighs megabytes, never changes once written and is
read whole; the database stays small and quick to back up, and the blob folder is copied by any file
tool (a blob's name is its checksum, so a copy can be checked). Order of writing: the blob first
(atomically, ``service.files``), then the row that names it. A crash between the two leaves an orphan
blob, which no row names: harmless, and ``orphans``/``remove`` clean it (only when older than a grace
period, so that a writer between its two steps does not lose its blob).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Iterator

from service.files import TEMP_SUFFIX, write_atomically
from service.register.errors import MissingBlob

#: A blob (or a left-over temporary file) younger than this may belong to a writer still at work.
ORPHAN_GRACE_SECONDS = 3600.0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` under its SHA-256 (once: the same bytes are the same file); the digest."""
        digest = sha256(data)
        target = self.path(digest)
        if not self._holds(target, digest):
            write_atomically(target, data)  # new, or a damaged copy replaced
        return digest

    @staticmethod
    def _holds(target: Path, digest: str) -> bool:
        try:
            return sha256(target.read_bytes()) == digest
        except FileNotFoundError:
            return False

    def get(self, digest: str) -> bytes:
        try:
            data = self.path(digest).read_bytes()
        except FileNotFoundError:
            raise MissingBlob(f"报备材料 {digest} 的文件不在 {self.root} 中（恢复备份时漏了 blobs 文件夹？）") from None
        if sha256(data) != digest:
            raise MissingBlob(f"报备材料 {digest} 的文件已损坏（内容与其 SHA-256 不符）")
        return data

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def digests(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir():
                yield from sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.endswith(TEMP_SUFFIX))

    def remove_unreferenced(self, referenced: set[str], grace: float = ORPHAN_GRACE_SECONDS) -> list[str]:
        """Delete blobs (and temporary left-overs) that no row names and are older than ``grace`` seconds."""
        if not self.root.is_dir():
            return []
        cutoff = time.time() - grace
        removed = []
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                name = path.name
                orphan = name.endswith(TEMP_SUFFIX) or name not in referenced
                if orphan and path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink(missing_ok=True)
                    removed.append(name)
        return removed


