"""docx render stage: compiled templates + context → .docx bytes."""

from service.render.engine import CompiledTemplate, DocumentProperties, TemplateRenderError
from service.context.markdown import Md

__all__ = ["CompiledTemplate", "DocumentProperties", "TemplateRenderError", "Md"]
