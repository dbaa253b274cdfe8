"""The 跟踪督查情况报告 (step six): the case's context plus where each measure stands on a given day.

Takes the case, its shared ``CaseContext`` and the state of each measure (``service.register`` hands them
over as plain dicts: ``measure``, ``risk_name``, ``action``, ``owner_unit``, ``owner_person``, ``deadline``,
``status``, ``overdue``, ``updated_on``, ``note``, ``entries``); gives the ``PlannedDocument``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Sequence

from service.context.documents import PlannedDocument, with_doc
from service.context.fmt import cn_date, percent
from service.context.models import CaseContext
from service.context.registry import TRACKING
from service.context.tracking_models import TrackedMeasureCtx, TrackingContext, TrackingCtx
from service.model.case import Case


def measure_ctx(no: int, state: Mapping[str, Any]) -> TrackedMeasureCtx:
    last = state["entries"][-1] if state.get("entries") else {}
    person = state.get("owner_person")
    return TrackedMeasureCtx(
        no=no,
        measure=state["measure"],
        risk_name=state["risk_name"],
        action=state["action"],
        owner_unit=state["owner_unit"],
        owner=f"{state['owner_unit']}（{person}）" if person else state["owner_unit"],
        deadline=cn_date(state.get("deadline")) or None,
        status=state["status"],
        overdue=state["overdue"],
        updated_on=cn_date(state.get("updated_on")) or None,
        note=state.get("note") or None,
        who=last.get("who") or None,
    )


def tracking_ctx(states: Sequence[Mapping[str, Any]], as_of: date, stage: str) -> TrackingCtx:
    measures = [measure_ctx(n, s) for n, s in enumerate(states, 1)]
    count = lambda status: sum(1 for m in measures if m.status == status)  # noqa: E731
    overdue = [m for m in measures if m.overdue]
    done = count("已完成")
    return TrackingCtx(
        as_of=cn_date(as_of),
        total=len(measures),
        done=done,
        in_progress=count("推进中"),
        not_started=count("未开始"),
        overdue=len(overdue),
        done_rate=percent(done, len(measures)) if measures else "0%",
        all_done=bool(measures) and done == len(measures),
        stage=stage,
        measures=measures,
        overdue_measures=overdue,
        overdue_text="；".join(f"{m.action}（{m.owner}）" for m in overdue) or None,
    )


def tracking_document(
    case: Case, ctx: CaseContext, states: Sequence[Mapping[str, Any]], as_of: date, stage: str
) -> PlannedDocument:
    """The report on the measures of ``case`` as they stand on ``as_of`` (also the date it bears)."""
    title = TRACKING.title_for(ctx.matter.name)
    context = TrackingContext(**with_doc(ctx, TRACKING.key, title, cn_date(as_of)), tracking=tracking_ctx(states, as_of, stage))
    return PlannedDocument(TRACKING.key, title, TRACKING.stem_for(title), context, as_of)
