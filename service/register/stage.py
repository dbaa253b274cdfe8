"""The stage (阶段) of a case, read from its data alone: 方案 → 征求意见 → 评估 → 决策 → 实施跟踪 → 结案.

A case grows step by step (docs/case.md, "Step by step"): ``risks``, ``report`` and ``filing`` are absent
until their step. A stage is told by what the parts *say* (a filing without a decision is not decided),
so a case written in one go at the end has the stage its content shows. Each rule looks at a later step first:

===========  ==========================================================================================
结案         ``filing.decision.result`` is 不实施 and the filing has its 备案编号 (``filing.number``): the
             decision not to go ahead is filed, nothing is left to implement or track.
实施跟踪     ``filing.decision.result`` is 实施 and the filing has its 备案编号: the filing office has
             accepted it, the matter goes ahead and its measures are being implemented and tracked.
决策         ``filing.decision.result`` is given (the decision body has decided; not yet filed).
评估         the report has its conclusion (``report.conclusion``) or an assessed level.
征求意见     any consultation is recorded: publicity, survey, visits, meetings, or opinions.
方案         otherwise: the plan (``plan``) only.
===========  ==========================================================================================

A 暂缓实施 decision stays at 决策 even when filed: the matter is neither going ahead nor closed. The register's
tracking entries (step six, ``service.register.oversight``) close a case that went ahead: 实施跟踪 with every
measure's latest entry 已完成 is 结案.
"""

from __future__ import annotations

from typing import Any, Mapping

STAGES = ("方案", "征求意见", "评估", "决策", "实施跟踪", "结案")


def stage_of(case: Mapping[str, Any], measures_done: bool = False) -> str:
    """The stage of a (valid, normalised) case, one of ``STAGES``.

    ``measures_done``: the register's tracking entries mark every measure 已完成 — a case that went ahead
    (实施跟踪) is then 结案.
    """
    filing = case.get("filing") or {}
    result = (filing.get("decision") or {}).get("result")
    filed = bool(filing.get("number"))
    if result == "不实施" and filed:
        return "结案"
    if result == "实施" and filed:
        return "结案" if measures_done else "实施跟踪"
    if result:
        return "决策"
    report = case.get("report") or {}
    if report.get("conclusion") or report.get("assessed_level"):
        return "评估"
    if _consulted(case):
        return "征求意见"
    return "方案"


def _consulted(case: Mapping[str, Any]) -> bool:
    consultation = case.get("consultation") or {}
    parts = ("publicity", "survey", "visits", "meetings")
    return any(consultation.get(part) for part in parts) or bool(case.get("opinions"))
