"""Which face prints each font name the templates use: the fontconfig file the PDF workers see, and fc-match on it.

The templates name the official faces (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体, Times New Roman).
``fonts.conf`` appends the closest free faces after each official name, so a real face carrying the name wins
whenever one is installed. ``WENPING_FONT_DIRS`` adds a deployment's own font folders: the workers are given a
small wrapper file that lists those folders, then includes ``fonts.conf``. ``resolve_fonts`` asks fc-match
through that same file, so what it reports is what LibreOffice is offered.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable, Optional, Sequence
from xml.sax.saxutils import escape

from service.render.template_sets import DEFAULT_SET

FONTS_CONF = Path(__file__).with_name("fonts.conf")

_RFONTS = re.compile(rb"<w:rFonts\b([^>]*)/?>")
_FONT_ATTRIBUTE = re.compile(rb'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"')


def template_font_names(*folders: Path) -> tuple[str, ...]:
    """Every font name the .docx templates of ``folders`` (default: the built-in set) set on their text, sorted."""
    names: set[str] = set()
    for template in sorted(t for folder in (folders or (DEFAULT_SET,)) for t in Path(folder).glob("*.docx")):
        with zipfile.ZipFile(template) as docx:
            for part in docx.namelist():
                if part.startswith("word/") and part.endswith(".xml"):
                    for element in _RFONTS.finditer(docx.read(part)):
                        names.update(v.decode("utf-8") for v in _FONT_ATTRIBUTE.findall(element.group(1)))
    return tuple(sorted(names))


@functools.cache
def _wrapper_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="wenping-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def wrapper_conf_text(font_dirs: Sequence[Path]) -> str:
    """A fontconfig file: the deployment's font folders, then the PDF stage's ``fonts.conf``."""
    dirs = "".join(f"  <dir>{escape(str(Path(d).resolve()))}</dir>\n" for d in font_dirs)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n{dirs}  <include>{escape(str(FONTS_CONF))}</include>\n</fontconfig>\n"
    )


@functools.cache
def _fonts_conf_cached(font_dirs: tuple[Path, ...]) -> Path:
    text = wrapper_conf_text(font_dirs)
    path = _wrapper_dir() / f"fonts-{hashlib.sha256(text.encode()).hexdigest()[:16]}.conf"
    path.write_text(text, "utf-8")
    return path


def fonts_conf(font_dirs: Iterable[Path] = ()) -> Path:
    """The FONTCONFIG_FILE the PDF workers get: ``fonts.conf`` itself, or a wrapper adding ``font_dirs``."""
    dirs = tuple(Path(d) for d in font_dirs)
    return _fonts_conf_cached(dirs) if dirs else FONTS_CONF


def _match(name: str, conf: Path) -> Optional[tuple[list[str], str, str]]:
    """(every family name of the face, its style, its file) that fontconfig picks for ``name``."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        done = subprocess.run(
            [fc_match, "--format", "%{family}\n%{style[0]}\n%{file}\n", name],
            env={**os.environ, "FONTCONFIG_FILE": str(conf)},
            capture_output=True, text=True, timeout=30, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.split("\n")
    if len(lines) < 3 or not lines[2]:
        return None
    families = [f.strip() for f in lines[0].split(",") if f.strip()]
    return families, lines[1].strip(), lines[2].strip()


@functools.cache
def _resolve_cached(names: tuple[str, ...], font_dirs: tuple[Path, ...]) -> dict[str, dict]:
    conf = fonts_conf(font_dirs)
    report: dict[str, dict] = {}
    for name in names:
        found = _match(name, conf)
        if found is None:
            report[name] = {"face": None, "file": None, "substitute": True}
            continue
        families, style, file = found
        face = families[0] if style in ("", "Regular", "Book") else f"{families[0]} {style}"
        report[name] = {"face": face, "file": file, "substitute": name not in families}
    return report


def resolve_fonts(font_dirs: Iterable[Path] = (), names: Optional[Iterable[str]] = None) -> dict[str, dict]:
    """For each font name the templates use: ``{"face", "file", "substitute"}`` as the PDF workers see it.

    ``substitute`` is true when the face does not carry the name itself (a free stand-in was chosen);
    ``face`` and ``file`` are None when fontconfig cannot be asked."""
    wanted = tuple(sorted(set(names))) if names is not None else template_font_names()
    found = _resolve_cached(wanted, tuple(Path(d) for d in font_dirs))
    return {name: dict(found[name]) for name in wanted}
