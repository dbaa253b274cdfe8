"""The case model: the sample is accepted unchanged; types are strict; messages are Chinese."""

from __future__ import annotations

import pytest

from service.model.case import Case
from service.checks.validation import validate
from service.model.upgrade import upgrade

from .conftest import SAMPLE_PATH, SHARED_SAMPLE


def test_sample_accepted_and_round_trips(sample_data):
    """The 1.0 sample is accepted unchanged, upgraded on the way in; its 2.0 form round-trips."""
    upgraded, _ = upgrade(sample_data)
    case = Case.model_validate(sample_data)
    assert case.schema_version == "2.0"
    assert case.model_dump(mode="json", exclude_unset=True) == upgraded
    assert Case.model_validate(upgraded) == case


@pytest.mark.skipif(not SHARED_SAMPLE.exists(), reason="no contract copy of the sample beside the repository")
def test_example_is_the_contract_sample():
    """The repository's sample (the one every test uses) is byte for byte the contract's copy (docs/case.md §7)."""
    assert SAMPLE_PATH.read_bytes() == SHARED_SAMPLE.read_bytes()


def test_minimal_case_is_valid(minimal_data):
    result = validate(minimal_data)
    assert result.valid, result.errors
    assert result.assessment.initial.index == 0.15  # 中等 0.5 × 较小 0.3


def errors_of(data) -> dict[str, str]:
    return {e.path: e.message for e in validate(data).errors}


def test_unknown_field_named(case_data):
    case_data["matter"]["nmae"] = "错字"
    errors = errors_of(case_data)
    assert "nmae" in errors["matter.nmae"] and "错字" in errors["matter.nmae"]


def test_impossible_date(case_data):
    case_data["plan"]["issued_on"] = "2026-02-30"
    assert "2026-02-30" in errors_of(case_data)["plan.issued_on"]


def test_date_format(case_data):
    case_data["report"]["issued_on"] = "2026/4/10"
    assert "2026/4/10" in errors_of(case_data)["report.issued_on"]


def test_unknown_grade_word(case_data):
    case_data["risks"][0]["impact"] = "巨大"
    message = errors_of(case_data)["risks.0.impact"]
    assert "巨大" in message and "严重" in message


def test_negative_count(case_data):
    case_data["consultation"]["survey"]["issued"] = -5
    assert "-5" in errors_of(case_data)["consultation.survey.issued"]


def test_count_must_be_integer(case_data):
    case_data["consultation"]["visits"]["households"] = "136"
    assert "136" in errors_of(case_data)["consultation.visits.households"]


def test_case_id_restricted(case_data):
    case_data["case_id"] = "QS/2026 1"
    assert "QS/2026 1" in errors_of(case_data)["case_id"]


def test_missing_required_field_named(case_data):
    del case_data["matter"]["summary"]
    assert "事项概况" in errors_of(case_data)["matter.summary"]


def test_control_characters_refused(case_data):
    case_data["matter"]["name"] = "项目\x07名称"
    assert "U+0007" in errors_of(case_data)["matter.name"]


def test_all_structural_errors_at_once(case_data):
    case_data["plan"]["issued_on"] = "2026-13-01"
    case_data["risks"][1]["probability"] = "高"
    case_data["extra"] = True
    assert {"plan.issued_on", "risks.1.probability", "extra"} <= set(errors_of(case_data))


def test_risk_still_scored_when_other_parts_broken(case_data):
    case_data["plan"]["issued_on"] = "bad"
    result = validate(case_data)
    assert not result.valid and result.assessment.initial.index == 0.374


def test_amount_kept_as_given(sample_data):
    dumped = Case.model_validate(sample_data).model_dump(mode="json")
    assert dumped["matter"]["investment_wan_yuan"] == 2680
    assert isinstance(dumped["matter"]["investment_wan_yuan"], int)
