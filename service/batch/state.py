"""Skipping unchanged cases: the fingerprint of a run's settings and the state file of the output folder.

A case is skipped when its key (the normalised case, templates, template-set name, risk profile,
generator version, PDF flag, output name) is the one recorded and its zip is still
there with the recorded SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

from service import __version__
from service.files import write_atomically

STATE_NAME = ".wenping-batch.json"
STATE_FORMAT = 1


def fingerprint(template_set, pdf: bool, profile_bytes: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in (
        b"wenping-batch",
        template_set.name.encode(),
        template_set.fingerprint().encode(),
        __version__.encode(),
        b"pdf" if pdf else b"docx",
        hashlib.sha256(profile_bytes).hexdigest().encode(),
    ):
        digest.update(part + b"\0")
    return digest.digest()


def case_key(setting: bytes, input_sha256: str, suffix: str) -> str:
    return hashlib.sha256(setting + input_sha256.encode() + b"\0" + suffix.encode()).hexdigest()


def load_state(path: Path) -> dict[str, dict]:
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        return {}
    entries = state.get("entries")
    return {k: v for k, v in entries.items() if isinstance(v, dict)} if isinstance(entries, dict) else {}


def save_state(path: Path, state: dict) -> None:
    body = {"format": STATE_FORMAT, "generator": __version__, "entries": dict(sorted(state.items()))}
    write_atomically(path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def _file_sha256(path: Path) -> Optional[str]:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def unchanged(entry: Optional[dict], key: str, outdir: Path) -> bool:
    if not entry or entry.get("key") != key or not isinstance(entry.get("output"), str):
        return False
    target = outdir / entry["output"]
    return target.is_file() and _file_sha256(target) == entry.get("output_sha256")
