"""The rendering engine: a .docx template and a context in, .docx bytes out.

A template is read and compiled once (``CompiledTemplate``): its body goes
through the repair of what office suites do to tags (``tag_repair``), docxtpl's
tag clean-up and Jinja compilation (a mistake is reported at its paragraph, in
a clerk's words: ``tag_messages``), every other part of the package is kept as
bytes. Rendering runs the compiled body in the sandboxed
environment, appends the list numberings the Markdown narratives asked for,
writes the document properties from the context and zips the parts back in
their original order with fixed timestamps, so the same context always gives
the same bytes and untouched parts are copied, not re-serialised.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any, Mapping
from xml.sax.saxutils import escape

from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SecurityError
from lxml import etree

from service.context.documents import DocumentProperties
from service.errors import WenpingError
from service.render.docx_package import Deflated, read_zip, write_zip
from service.render.environment import end_deadline, make_environment, start_deadline
from service.render.layout import Layout
from service.render.markdown_docx import NumberingAllocator, current_numbering
from service.render.tag_messages import syntax_error_message
from service.render.tag_repair import repair_body

DOCUMENT = "word/document.xml"
NUMBERING = "word/numbering.xml"
STYLES = "word/styles.xml"
CORE = "docProps/core.xml"

_BODY = re.compile(r"(<w:body>)(.*)(</w:body>)", re.DOTALL)
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_P_STYLE = re.compile(r'<w:pStyle w:val="([^"]+)"/>')
_MARKDOWN_TAG = re.compile(r"^\s*\{\{p\s+(.*?)\s*\}\}\s*$", re.DOTALL)


class TemplateRenderError(WenpingError):
    """A template could not be compiled or rendered: names the template and the reason.

    The template author's (the operator's) to fix, not the case's: a remote client is not told why.
    """

    code = "template-failed"
    status = 500
    title = "模板出错"
    internal = True

    def __init__(self, template: str, reason: str):
        super().__init__(f"模板「{template}」出错：{reason}")
        self.template = template
        self.reason = reason


def _styled_markdown_paragraphs(body: str) -> str:
    """``{{p expr}}`` alone in a paragraph → that paragraph's style passed to the ``paragraphs`` filter.

    docxtpl would drop the placeholder paragraph's properties; keeping its style
    lets a clerk restyle a narrative by restyling its placeholder in Word.
    """

    def rewrite(match: re.Match) -> str:
        xml = match.group(0)
        text = html.unescape(re.sub(r"<[^>]+>", "", xml))
        tag = _MARKDOWN_TAG.match(text)
        if not tag:
            return xml
        style = _P_STYLE.search(xml.split("</w:pPr>")[0]) if "<w:pPr>" in xml else None
        style_arg = f'"{style.group(1)}"' if style else "none"
        return "{{ (" + tag.group(1) + ")|paragraphs(" + style_arg + ") }}"

    return _PARAGRAPH.sub(rewrite, body)


def template_body(document_xml: str) -> str:
    """The inside of ``w:body`` with the tags repaired from what office suites did to them."""
    match = _BODY.search(document_xml)
    if not match:
        raise ValueError("word/document.xml 中没有正文（w:body）")
    return repair_body(match.group(2))


def template_source(document_xml: str) -> str:
    """The Jinja source of a template's body (what is compiled, and what ``templates check`` reads)."""
    body = _styled_markdown_paragraphs(template_body(document_xml))
    # docxtpl's clean-up: merges tags split across runs, handles {%p %}, {%tr %}, {%tc %}.
    body = DocxTemplate.patch_xml(None, body)  # patch_xml uses no instance state
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", body)


class CompiledTemplate:
    """One .docx template, parsed and compiled once, rendered many times."""

    env = make_environment()

    def __init__(self, path: Path, name: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.name
        try:
            self.parts = read_zip(self.path.read_bytes())
            document = self.parts[DOCUMENT].decode("utf-8")
            match = _BODY.search(document)
            self.head, self.tail = document[: match.start(2)], document[match.end(2) :]
            self.typed_body = match.group(2)  # the tags as the clerk typed them: what messages quote
            self.source = template_source(document)
            self.compiled = self.env.from_string(self.source)
            self.layout = Layout(self.parts[DOCUMENT], self.parts.get(STYLES))
            # What rendering leaves untouched is compressed once, here.
            self.static = {name: Deflated.of(data) for name, data in self.parts.items()}
        except (OSError, KeyError, AttributeError, ValueError) as exc:
            raise TemplateRenderError(self.name, f"不是有效的 Word 模板（{exc}）") from exc
        except TemplateSyntaxError as exc:
            message = syntax_error_message(self.typed_body, self.source, exc.lineno, exc.message or "")
            raise TemplateRenderError(self.name, message) from exc
        except TemplateError as exc:
            raise TemplateRenderError(self.name, f"模板标签有误：{exc}") from exc

    def render(self, context: Mapping[str, Any], props: DocumentProperties) -> bytes:
        numbering = NumberingAllocator()
        token = current_numbering.set(numbering)
        deadline = start_deadline()
        try:
            body = self.compiled.render(context)
        except SecurityError as exc:
            raise TemplateRenderError(self.name, f"模板试图执行不允许的操作（{exc}）") from exc
        except TemplateError as exc:
            raise TemplateRenderError(self.name, f"{type(exc).__name__}: {exc}") from exc
        except RecursionError:
            raise TemplateRenderError(self.name, "模板递归过深") from None
        except (ArithmeticError, ValueError, TypeError, LookupError, MemoryError) as exc:
            # A template's own mistake (1/0, int("x"), …): the template's fault, reported as such.
            raise TemplateRenderError(self.name, f"模板运行出错（{type(exc).__name__}: {exc}）") from exc
        finally:
            end_deadline(deadline)
            current_numbering.reset(token)
        body = re.sub(r"\n<w:p([ >])", r"<w:p\1", body)
        if "\n" in body or "\t" in body:  # only user text can hold them now
            body = DocxTemplate.resolve_listing(None, body)  # \n → line break, \t → tab inside runs
        document = self.head + body + self.tail
        try:
            root = etree.fromstring(document.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise TemplateRenderError(self.name, f"渲染结果不是有效的文档（{exc}）") from exc
        parts: dict[str, bytes | Deflated] = dict(self.static)
        if self.layout.apply(root):  # titles broken between words, table columns widened, signatures kept
            parts[DOCUMENT] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        else:
            parts[DOCUMENT] = document.encode("utf-8")
        if numbering.allocated:
            xml = self.parts[NUMBERING].decode("utf-8")
            parts[NUMBERING] = xml.replace("</w:numbering>", numbering.numbering_xml() + "</w:numbering>").encode()
        parts[CORE] = core_properties(props)
        return write_zip(parts.items())


def core_properties(props: DocumentProperties) -> bytes:
    stamp = f"{(props.issued_on or date(2000, 1, 1)).isoformat()}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(props.title)}</dc:title>"
        f"<dc:subject>{escape(props.subject)}</dc:subject>"
        f"<dc:creator>{escape(props.author)}</dc:creator>"
        f"<cp:keywords>{escape(props.keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{escape(props.author)}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")
