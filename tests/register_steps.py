"""The sample case at each of its six steps, made by editing schemas/examples/sample-case.json."""

from __future__ import annotations

import copy

from service.register import STAGES


def steps(sample: dict) -> list[dict]:
    """Six versions of the sample, one per stage of ``STAGES`` in order."""
    plan = copy.deepcopy(sample)
    plan.pop("consultation")
    plan.pop("opinions")
    plan["report"].pop("conclusion")
    plan["report"].pop("assessed_level", None)
    plan["filing"].pop("decision")
    plan["filing"].pop("number")
    consulted = copy.deepcopy(plan)
    consulted["consultation"] = copy.deepcopy(sample["consultation"])
    consulted["opinions"] = copy.deepcopy(sample["opinions"])
    assessed = copy.deepcopy(consulted)
    assessed["report"]["conclusion"] = sample["report"]["conclusion"]
    decided = copy.deepcopy(assessed)
    decided["filing"]["decision"] = copy.deepcopy(sample["filing"]["decision"])
    tracked = copy.deepcopy(decided)
    tracked["filing"]["number"] = sample["filing"]["number"]
    closed = copy.deepcopy(tracked)
    closed["filing"]["decision"]["result"] = "不实施"
    return [plan, consulted, assessed, decided, tracked, closed]


assert len(STAGES) == 6
