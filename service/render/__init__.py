"""docx render stage: compiled templates + context → .docx bytes."""

from service.context.documents import DocumentProperties
from service.render.engine import CompiledTemplate, TemplateRenderError
from service.context.markdown import Md

__all__ = ["CompiledTemplate", "DocumentProperties", "TemplateRenderError", "Md"]
