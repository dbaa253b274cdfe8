"""Risk engine (docs/case.md §5).

Takes the case's risks and a ``RiskProfile``; gives each factor's R and
degree before and after measures, the composite index and level of both,
the final level and the decision advice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

from service.errors import WenpingError
from service.model.case import Risk
from service.risk.profile import RiskProfile


class WeightError(WenpingError, ValueError):
    """The risks' weights cannot be used; a subclass says how, the message names the risks or the sum."""

    code = "bad-weights"
    status = 422
    title = "风险权重有误"
    exit_code = 1


class MixedWeights(WeightError):
    """Some risks have a weight and some do not."""

    code = "mixed-weights"
    title = "风险权重不全"

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(f"权重要么全部给出，要么全部不给：{'、'.join(missing)} 未给出权重")
        self.missing = tuple(missing)


class WeightsNotOne(WeightError):
    """The weights do not sum to 1 (within ``WEIGHT_TOLERANCE``)."""

    code = "weights-not-one"
    title = "风险权重合计不为 1"

    def __init__(self, total: float) -> None:
        super().__init__(f"各风险权重合计为 {total}，应为 1")
        self.total = total


@dataclass(frozen=True)
class FactorScore:
    risk: Risk
    weight: float
    p: float
    i: float
    r: float
    degree: str
    residual_p: float
    residual_i: float
    residual_r: float
    residual_degree: str

    @property
    def reduced(self) -> bool:
        return self.residual_r < self.r


@dataclass(frozen=True)
class Score:
    index: float
    level: str


@dataclass(frozen=True)
class Assessment:
    factors: tuple[FactorScore, ...]
    initial: Score
    residual: Score
    computed_level: str
    final_level: str
    advice: str
    advice_detail: str
    weights_given: bool

    def summary(self) -> dict:
        """The ``risk`` member of ``wenping validate --json``."""
        return {
            "initial": {"index": self.initial.index, "level": self.initial.level},
            "residual": {"index": self.residual.index, "level": self.residual.level},
            "final_level": self.final_level,
            "advice": self.advice,
            "factors": [
                {
                    "id": f.risk.id,
                    "r": f.r,
                    "degree": f.degree,
                    "residual_r": f.residual_r,
                    "residual_degree": f.residual_degree,
                }
                for f in self.factors
            ],
        }


WEIGHT_TOLERANCE = 0.001


def weights_of(risks: Sequence[Risk]) -> list[float]:
    given = [r.weight for r in risks if r.weight is not None]
    if not given:
        return [1 / len(risks)] * len(risks)
    if len(given) != len(risks):
        raise MixedWeights([r.id for r in risks if r.weight is None])
    if round(abs(math.fsum(given) - 1), 9) > WEIGHT_TOLERANCE:
        raise WeightsNotOne(round(sum(given), 4))
    return given


def score_factor(risk: Risk, weight: float, profile: RiskProfile) -> FactorScore:
    p = profile.probability[risk.probability]
    i = profile.impact[risk.impact]
    rp = profile.probability[risk.residual_probability or risk.probability]
    ri = profile.impact[risk.residual_impact or risk.impact]
    r, rr = round(p * i, 4), round(rp * ri, 4)
    return FactorScore(risk, weight, p, i, r, profile.degree_of(r), rp, ri, rr, profile.degree_of(rr))


def assess(risks: Sequence[Risk], profile: RiskProfile, assessed_level: Optional[str] = None) -> Assessment:
    """Score every factor and the whole; raises ``WeightError`` on bad weights."""
    weights = weights_of(risks)
    factors = tuple(score_factor(r, w, profile) for r, w in zip(risks, weights))
    initial_index = round(sum(f.weight * f.r for f in factors), 4)
    residual_index = round(sum(f.weight * f.residual_r for f in factors), 4)
    initial = Score(initial_index, profile.level_of(initial_index).name)
    residual = Score(residual_index, profile.level_of(residual_index).name)
    final = profile.level_named(assessed_level or residual.level)
    return Assessment(
        factors=factors,
        initial=initial,
        residual=residual,
        computed_level=residual.level,
        final_level=final.name,
        advice=final.advice,
        advice_detail=final.advice_detail,
        weights_given=any(r.weight is not None for r in risks),
    )
