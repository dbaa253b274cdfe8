"""docx render stage: compiled templates + context → .docx bytes."""

from .engine import CompiledTemplate, DocumentProperties, TemplateRenderError
from .markdown_docx import Md

__all__ = ["CompiledTemplate", "DocumentProperties", "TemplateRenderError", "Md"]
