"""Page numbers that start at a given number: the pages of one document inside the merged filing PDF.

The filing PDF numbers its pages continuously, so the numbers printed on them are the ones its 目录 cites.
A document placed at page ``first`` gets ``<w:pgNumType w:start="first"/>`` on its first section. LibreOffice
chooses a page's footer by the page's place in its own file, not by the number printed on it, so when
``first`` is even every page's odd and even footers (and headers) are swapped: the number keeps to the right
on odd numbers and to the left on even ones (GB/T 9704 §7.5).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from service.render.docx_package import read_zip, write_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
_SWAP = {"default": "even", "even": "default"}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _number_from(document: bytes, first: int) -> bytes:
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    sections = list(root.iter(_w("sectPr")))
    if not sections:
        return document
    start = sections[0].find(_w("pgNumType"))
    if start is None:
        start = etree.Element(_w("pgNumType"))
        # CT_SectPr order: header/footer references, footnotePr, endnotePr, type, pgSz, pgMar, paperSrc,
        # pgBorders, lnNumType, pgNumType, cols, …: the number type goes before the first of what follows it.
        after = {_w(n) for n in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
                                  "rtlGutter", "docGrid", "printerSettings", "sectPrChange")}
        anchor = next((child for child in sections[0] if child.tag in after), None)
        if anchor is None:
            sections[0].append(start)
        else:
            anchor.addprevious(start)
    start.set(_w("start"), str(first))
    if first % 2 == 0:
        for section in sections:
            for tag in (_w("footerReference"), _w("headerReference")):
                references = [r for r in section if r.tag == tag and r.get(_w("type"), "default") in _SWAP]
                if len(references) == 2:  # both an odd and an even one: otherwise one serves every page
                    for reference in references:
                        reference.set(_w("type"), _SWAP[reference.get(_w("type"), "default")])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def numbered_from(docx: bytes, first: int) -> bytes:
    """The same .docx with its pages numbered from ``first``; every other part left byte for byte."""
    if first == 1:
        return docx
    parts = read_zip(docx)
    parts[DOCUMENT] = _number_from(parts[DOCUMENT], first)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        names = [info.filename for info in archive.infolist()]
    return write_zip((name, parts[name]) for name in names)
