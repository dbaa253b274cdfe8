"""The sample case at each of its six steps, made from schemas/examples/sample-case.json by leaving out
what is not written yet (docs/case.md, "Step by step"), and which documents each step makes possible."""

from __future__ import annotations

import copy

from service.register import STAGES

FIRST_STEP = ("schema_version", "case_id", "matter", "authority", "leading_group", "work_team", "plan")

# The documents (registry kinds, and the package) that become possible at each step, in order.
BECOMES_READY = (
    {"plan"},  # 方案: the 评估工作方案 is issued first
    {"minutes"},  # 征求意见: a 纪要 for each meeting held
    {"report", "stability_plan"},  # 评估: the report once consultation and risks are in
    {"summary", "filing_form", "package"},  # 决策: decided, filed: the whole filing
    set(),  # 实施跟踪: the 备案编号 is given back
    set(),  # 结案
)


def steps(sample: dict) -> list[dict]:
    """Six versions of the sample, one per stage of ``STAGES`` in order."""
    plan = {key: copy.deepcopy(sample[key]) for key in FIRST_STEP}
    consulted = copy.deepcopy(plan)
    consulted["consultation"] = copy.deepcopy(sample["consultation"])
    consulted["opinions"] = copy.deepcopy(sample["opinions"])
    assessed = copy.deepcopy(consulted)
    for key in ("risks", "report", "stability_plan"):
        assessed[key] = copy.deepcopy(sample[key])
    decided = copy.deepcopy(assessed)
    decided["summary"] = copy.deepcopy(sample["summary"])
    decided["filing"] = copy.deepcopy(sample["filing"])
    decided["filing"].pop("number")
    tracked = copy.deepcopy(decided)
    tracked["filing"]["number"] = sample["filing"]["number"]
    closed = copy.deepcopy(tracked)
    closed["filing"]["decision"]["result"] = "不实施"
    return [plan, consulted, assessed, decided, tracked, closed]


assert len(STAGES) == len(BECOMES_READY) == 6
