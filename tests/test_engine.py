"""Risk engine properties (docs/case.md §5), checked over generated cases."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.model.case import Impact, Probability, Risk
from service.risk.engine import WeightError, assess
from service.risk.profile import DEFAULT_PROFILE, ProfileError, active_profile, load_profile

PROFILE = active_profile()
P_WORDS, I_WORDS = list(get_args(Probability)), list(get_args(Impact))
LEVEL_RANK = {"低风险": 0, "中风险": 1, "高风险": 2}
DEGREE_RANK = {name: -rank for rank, name in enumerate(step.name for step in PROFILE.degree)}


def make_risk(n: int, p: str, i: str, weight=None) -> Risk:
    return Risk(
        id=f"R{n}",
        name=f"风险{n}",
        probability=p,
        impact=i,
        weight=weight,
        measures=[{"action": "措施", "owner_unit": "单位"}],
    )


grades = st.tuples(st.sampled_from(P_WORDS), st.sampled_from(I_WORDS))


@given(st.lists(grades, min_size=1, max_size=8), st.data())
def test_raising_a_grade_never_lowers_anything(factors, data):
    risks = [make_risk(n, p, i) for n, (p, i) in enumerate(factors)]
    k = data.draw(st.integers(0, len(risks) - 1))
    which = data.draw(st.sampled_from(["probability", "impact"]))
    words = P_WORDS if which == "probability" else I_WORDS
    current = words.index(getattr(risks[k], which))
    raised_word = words[data.draw(st.integers(current, len(words) - 1))]
    raised = list(risks)
    raised[k] = risks[k].model_copy(update={which: raised_word})
    before, after = assess(risks, PROFILE), assess(raised, PROFILE)
    assert after.factors[k].r >= before.factors[k].r
    assert DEGREE_RANK[after.factors[k].degree] >= DEGREE_RANK[before.factors[k].degree]
    assert after.initial.index >= before.initial.index
    assert LEVEL_RANK[after.initial.level] >= LEVEL_RANK[before.initial.level]


@given(st.lists(grades, min_size=1, max_size=10))
def test_equal_weights_when_none_given(factors):
    risks = [make_risk(n, p, i) for n, (p, i) in enumerate(factors)]
    result = assess(risks, PROFILE)
    assert all(f.weight == pytest.approx(1 / len(risks)) for f in result.factors)
    assert result.initial.index == pytest.approx(sum(f.r for f in result.factors) / len(risks), abs=1e-4)


def test_mixed_weights_refused():
    with pytest.raises(WeightError):
        assess([make_risk(1, "中等", "中等", 0.5), make_risk(2, "中等", "中等")], PROFILE)


@pytest.mark.parametrize(
    "r,degree",
    [(0.64, "重大"), (0.6399, "较大"), (0.36, "较大"), (0.3599, "一般"), (0.16, "一般"),
     (0.1599, "较小"), (0.04, "较小"), (0.0399, "微小"), (0.63999999, "重大")],
)
def test_degree_thresholds_exact(r, degree):
    assert PROFILE.degree_of(r) == degree


@pytest.mark.parametrize(
    "index,level", [(0.64, "高风险"), (0.6399, "中风险"), (0.36, "中风险"), (0.3599, "低风险"), (0.35999999, "中风险")]
)
def test_level_thresholds_exact(index, level):
    assert PROFILE.level_of(index).name == level


def test_product_rounding_at_boundary():
    # 0.8 × 0.8 is 0.6400000000000001 in floating point; 0.4 × 0.9 is 0.36000000000000004
    assert PROFILE.degree_of(0.8 * 0.8) == "重大" and PROFILE.degree_of(0.4 * 0.9) == "较大"


def test_weighted_index():
    risks = [make_risk(1, "很高", "严重", 0.4), make_risk(2, "很低", "可忽略", 0.6)]
    result = assess(risks, PROFILE)  # 0.4 × 0.81 + 0.6 × 0.01 = 0.33
    assert result.initial.index == 0.33 and result.initial.level == "低风险"


def test_deployment_profile(tmp_path, monkeypatch):
    custom = tmp_path / "local.toml"
    # A local standard: 中风险 starts at 0.30 instead of 0.36.
    src = DEFAULT_PROFILE.read_text("utf-8").replace("min = 0.36\nadvice", "min = 0.30\nadvice")
    custom.write_text(src, "utf-8")
    local = load_profile(custom)
    assert local.level_of(0.33).name == "中风险" and PROFILE.level_of(0.33).name == "低风险"


def test_broken_profile_reported(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[probability]\n"很低" = 0.1\n', "utf-8")
    with pytest.raises(ProfileError, match="bad.toml"):
        load_profile(bad)
