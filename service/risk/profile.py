"""Risk profile: the grade values, thresholds and advice the engine applies.

Takes a TOML file (the packaged default, or a deployment's own named by the
``WENPING_RISK_PROFILE`` setting) and gives a validated ``RiskProfile``.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.errors import WenpingError
from service.model.case import Impact, Probability, RiskLevel
from service.settings import Settings, current_settings

DEFAULT_PROFILE = Path(__file__).with_name("default_profile.toml")


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    min: float = Field(ge=0, le=1)


class LevelThreshold(Threshold):
    advice: str
    advice_detail: str


def _check_ladder(ladder: list[Threshold], what: str) -> None:
    mins = [step.min for step in ladder]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise ValueError(f"{what}的阈值必须从高到低排列且互不相同")
    if mins[-1] != 0:
        raise ValueError(f"{what}的最后一级阈值必须为 0")


class RiskProfile(BaseModel):
    """Grades → values, R → degree, index → level → advice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str  # how operators and logs tell profiles apart; never printed in a document
    source: str = ""
    # The standard as documents cite it: its title in 《》 and its 文号. A profile without a title is cited by
    # its method alone (probability × impact), never by a made-up name.
    title: Optional[str] = None
    number: Optional[str] = None
    probability: dict[str, float]
    impact: dict[str, float]
    degree: list[Threshold] = Field(min_length=1)
    level: list[LevelThreshold] = Field(min_length=1)

    @property
    def cited(self) -> Optional[str]:
        """「《江城市重大决策社会稳定风险评估办法》（江稳办〔2024〕2号）」, or None when the profile has no title."""
        if not self.title:
            return None
        title = self.title if self.title.startswith("《") else f"《{self.title}》"
        return f"{title}（{self.number}）" if self.number else title

    @model_validator(mode="after")
    def _complete(self) -> "RiskProfile":
        for table, words in (("probability", Probability), ("impact", Impact)):
            if set(getattr(self, table)) != set(get_args(words)):
                raise ValueError(f"{table} 必须且只能给出这些等级：{'、'.join(get_args(words))}")
        if {step.name for step in self.level} != set(get_args(RiskLevel)):
            raise ValueError(f"level 必须且只能给出这些等级：{'、'.join(get_args(RiskLevel))}")
        _check_ladder(self.degree, "风险程度")
        _check_ladder(self.level, "风险等级")
        return self

    def degree_of(self, r: float) -> str:
        return _climb(self.degree, r).name

    def level_of(self, index: float) -> LevelThreshold:
        return _climb(self.level, index)

    def level_named(self, name: str) -> LevelThreshold:
        return next(step for step in self.level if step.name == name)


def _climb(ladder, value: float):
    value = round(value, 4)
    return next(step for step in ladder if value >= round(step.min, 4))


class ProfileError(WenpingError):
    """The risk profile file cannot be read or is incomplete: the operator's to fix."""

    code = "bad-risk-profile"
    status = 500
    title = "风险标准有误"
    internal = True


def profile_path(settings: Optional[Settings] = None) -> Path:
    """The profile file in force: ``WENPING_RISK_PROFILE`` of ``settings`` (default: the process's), else the packaged one."""
    settings = current_settings() if settings is None else settings
    return Path(settings.risk_profile or DEFAULT_PROFILE)


def load_profile(path: str | os.PathLike | None = None) -> RiskProfile:
    path = Path(path or profile_path())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return RiskProfile.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ProfileError(f"风险标准文件 {path} 无法使用：{exc}") from exc


@lru_cache(maxsize=8)
def _cached(path: str) -> RiskProfile:
    return load_profile(path)


def active_profile(settings: Optional[Settings] = None) -> RiskProfile:
    """The profile in force (``settings``, default: the process's), read once per path."""
    return _cached(str(profile_path(settings)))
