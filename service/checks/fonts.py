"""Characters the PDF cannot print: a warning for each field holding some.

The PDF workers draw text with the fonts fontconfig offers them under the PDF stage's
``fonts.conf`` (official names mapped to Debian faces, any installed face as the fallback
for a missing glyph). A character none of those faces has prints as a box, or not at all,
while the .docx shows it (the reader's Word has other fonts). The set of characters they
cover comes from the font files themselves (``fc-list --format '%{charset}'``), once per
process.

The checks come before the PDF stage and do not import it: its ``fonts.conf`` is read as
the data file it is (``tests/test_hostile_files.py`` checks that both name the same file).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any, Iterator, Optional

from service.checks.rules import Issue
from service.files import write_atomically
from service.model.case import Case

PDF_FONTS_CONF = Path(__file__).resolve().parents[1] / "pdf" / "fonts.conf"

# Not drawn at all, so no font needs them: variation selectors (U+FE0F after an emoji).
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


class Coverage:
    """A set of code points kept as sorted, merged ranges (fonts cover ~10⁵ of them)."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for low, high in sorted(ranges):
            if merged and low <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
            else:
                merged.append((low, high))
        self.starts = [low for low, _ in merged]
        self.ends = [high for _, high in merged]

    @classmethod
    def from_merged(cls, starts: list[int], ends: list[int]) -> "Coverage":
        """Ranges already merged and sorted (as ``starts``/``ends`` of another ``Coverage``)."""
        if len(starts) != len(ends) or not all(isinstance(v, int) for v in (*starts, *ends)):
            raise ValueError("not a coverage")
        coverage = cls([])
        coverage.starts, coverage.ends = list(starts), list(ends)
        return coverage

    def __contains__(self, code: int) -> bool:
        at = bisect.bisect_right(self.starts, code) - 1
        return at >= 0 and code <= self.ends[at]

    def __bool__(self) -> bool:
        return bool(self.starts)


def parse_charsets(text: str) -> Coverage:
    """The union of fontconfig charsets, one a line (``20-7e a0-17f 3000``: hex ranges and points)."""
    ranges = []
    for item in text.split():
        first, _, last = item.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    return Coverage(ranges)


#: Where fontconfig finds fonts on Debian (and the user's own): their folders' times name the installed set.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")


def fonts_fingerprint(fc_list: str) -> str:
    """What the coverage depends on: both fonts.conf files and every font folder with its modification time.

    Installing or removing a font changes its folder's time (fontconfig's own cache goes by the same rule).
    """
    digest = hashlib.sha256(fc_list.encode())
    for conf in (PDF_FONTS_CONF, SYSTEM_FONTS_CONF):
        try:
            digest.update(conf.read_bytes())
        except OSError:
            digest.update(b"-")
    for folder in FONT_FOLDERS:
        for root, dirs, _files in os.walk(os.path.expanduser(folder)):
            dirs.sort()
            try:
                digest.update(f"{root}\0{os.stat(root).st_mtime_ns}\0".encode())
            except OSError:
                pass
    return digest.hexdigest()[:32]


def _cache_file(key: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "wenping" / f"font-coverage-{key}.json"


def _cached_coverage(path: Path) -> Optional[Coverage]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return Coverage.from_merged(data["starts"], data["ends"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep_coverage(path: Path, coverage: Coverage) -> None:
    try:
        write_atomically(path, json.dumps({"starts": coverage.starts, "ends": coverage.ends}).encode())
    except OSError:
        pass  # no cache then: the next process asks fontconfig again


@functools.cache
def covered_code_points() -> Optional[Coverage]:
    """Every code point some face of the PDF workers has; None if fontconfig cannot be asked.

    Asking fontconfig and merging its ~10⁵ ranges takes a quarter of a second, most of the start-up of
    ``wenping validate``: the merged ranges are kept in ``~/.cache/wenping/`` under the fingerprint of the
    installed fonts (``fonts_fingerprint``), and read from there while the fonts stay the same.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    cache = _cache_file(fonts_fingerprint(fc_list))
    cached = _cached_coverage(cache)
    if cached is not None:
        return cached
    coverage = _ask_fontconfig(fc_list)
    if coverage is not None:
        _keep_coverage(cache, coverage)
    return coverage


def _ask_fontconfig(fc_list: str) -> Optional[Coverage]:
    env = {**os.environ, "FONTCONFIG_FILE": str(PDF_FONTS_CONF)}
    try:
        done = subprocess.run(
            [fc_list, "--format", "%{charset}\n"], env=env, capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_charsets(done.stdout) or None


def _printed(char: str) -> bool:
    """Whether ``char`` needs a glyph (controls, format characters and variation selectors do not)."""
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        return False
    code = ord(char)
    return not any(low <= code <= high for low, high in _VARIATION_SELECTORS)


def _texts(value: Any, path: tuple) -> Iterator[tuple[str, str]]:
    """(dot-joined path, text) of every string in a dumped case."""
    if isinstance(value, str):
        yield ".".join(str(p) for p in path), value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def uncovered_characters(case: Case, covered: Optional[Coverage] = None) -> Iterator[Issue]:
    """A warning per field whose text has characters no PDF face covers, each named with its code point."""
    covered = covered if covered is not None else covered_code_points()
    if covered is None:  # fontconfig missing: the PDF stage reports that itself
        return
    for path, text in _texts(case.model_dump(mode="json", exclude_none=True), ()):
        # each distinct character once: a case's texts repeat the same few hundred characters
        missing = sorted((c for c in set(text) if ord(c) not in covered and _printed(c)), key=text.index)
        if missing:
            listed = "、".join(f"「{c}」(U+{ord(c):04X})" for c in missing)
            yield Issue(
                path,
                f"PDF 所用字体中没有这些字符：{listed}，生成的 PDF 中会印成方框或空白（Word 文档不受影响）；"
                "请改用常用字，或只生成 Word 文档",
            )
