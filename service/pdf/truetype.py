"""TrueType copies of the Fandol faces: the free FangSong (仿宋) and heavy Song (小标宋) stand-ins for the PDFs.

The Fandol faces (Debian ``texlive-lang-chinese``, GPL with the font exception) are CFF-outline OpenType. LibreOffice
7.4 embeds such a face as a Type 1 font whose /UniqueID is a counter of the soffice process (cff.cxx,
``emitAsType1``), so the same document would give other PDF bytes from a worker that had made other documents
before. A TrueType face is embedded as it is, the same every time: this converts the outlines to quadratic
curves (fontTools cu2qu, within 1 unit) once, at set-up (``make fonts``), into a system font folder.

    python -m service.pdf.truetype /usr/local/share/fonts/wenping
"""

from __future__ import annotations

import sys
from pathlib import Path

FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
FACES = ("FandolFang-Regular", "FandolSong-Bold")


def to_truetype(source: Path, target: Path) -> None:
    """``source`` (CFF OpenType) written to ``target`` with TrueType outlines; names and metrics kept."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source, recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints", "maxContours",
                  "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: the CID font had none worth keeping
    font.sfntVersion = "\x00\x01\x00\x00"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    font.save(partial)
    partial.replace(target)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法：python -m service.pdf.truetype 目标文件夹", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    for face in FACES:
        source, target = FANDOL / f"{face}.otf", folder / f"{face}.ttf"
        if target.is_file():
            continue
        if not source.is_file():
            print(f"缺少 {source}：请先安装 Debian 软件包 texlive-lang-chinese", file=sys.stderr)
            return 1
        print(f"转换 {source.name} → {target}（约一分钟）")
        to_truetype(source, target)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
