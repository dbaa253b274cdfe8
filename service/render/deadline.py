"""The render deadline: how long one document may take to render (``WENPING_RENDER_TIMEOUT``).

``start_deadline`` opens it when a render begins (``service.render.engine``);
``check_deadline`` is called at every step that could run long — each loop step and
call of a template (``service.render.environment``) and each narrative laid out as
Word paragraphs (``service.render.markdown_docx``) — and raises ``RenderTimeout``
(HTTP 504) once it has passed. Outside a render there is no deadline.
"""

from __future__ import annotations

import contextvars
import time

from service.context.fmt import number
from service.errors import WenpingError
from service.settings import current_settings

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("render_deadline", default=float("inf"))


class RenderTimeout(WenpingError):
    """Rendering a document ran past ``WENPING_RENDER_TIMEOUT``: stopped, nothing made (HTTP 504).

    Checked at every loop step and call of a template and before each narrative is laid
    out (``service.render.markdown_docx``), so a long case or a template that would loop
    for ever is stopped within about one narrative's conversion of the limit.
    """

    code = "render-timeout"
    status = 504
    title = "处理超时"


def render_timeout() -> float:
    """Seconds a render may run: the ``WENPING_RENDER_TIMEOUT`` setting of this process."""
    return current_settings().render_timeout


def start_deadline() -> contextvars.Token:
    return _deadline.set(time.monotonic() + render_timeout())


def end_deadline(token: contextvars.Token) -> None:
    _deadline.reset(token)


def check_deadline() -> None:
    if time.monotonic() > _deadline.get():
        raise RenderTimeout(
            f"文书渲染超过 {number(render_timeout())} 秒（WENPING_RENDER_TIMEOUT）仍未完成，已停止（案卷文字过多或模板运行过久）"
        )
