"""Each rule of docs/case.md §4 refuses (or warns about) a case that breaks it, naming path and values."""

from __future__ import annotations

import pytest

from service.checks.validation import validate


def first(issues, path):
    found = [i.message for i in issues if i.path == path]
    assert found, f"no issue at {path}: {[(i.path, i.message) for i in issues]}"
    return found[0]


def test_sample_has_no_errors_or_warnings(case_data):
    result = validate(case_data)
    # the canonical sample (schema 1.0) states no 四性 findings: the report derives them, and says so once
    assert result.valid and not result.errors and [w.path for w in result.warnings] == ["report.findings"]


def test_survey_valid_over_returned(case_data):
    case_data["consultation"]["survey"]["valid"] = 590
    message = first(validate(case_data).errors, "consultation.survey.valid")
    assert "590" in message and "584" in message


def test_survey_returned_over_issued(case_data):
    case_data["consultation"]["survey"]["returned"] = 601
    message = first(validate(case_data).errors, "consultation.survey.returned")
    assert "601" in message and "600" in message


def test_single_choice_sum(case_data):
    case_data["consultation"]["survey"]["questions"][0]["answers"]["支持"] = 470
    message = first(validate(case_data).errors, "consultation.survey.questions.0.answers")
    assert "576" in message and "578" in message


def test_multiple_choice_may_exceed_valid(case_data):
    question = case_data["consultation"]["survey"]["questions"][1]
    question["multiple"] = True
    question["answers"]["其他"] = 300
    assert validate(case_data).valid


def test_support_answer_must_be_an_option(case_data):
    case_data["consultation"]["survey"]["questions"][0]["support_answers"] = ["支持", "赞成"]
    message = first(validate(case_data).errors, "consultation.survey.questions.0.support_answers.1")
    assert "赞成" in message


@pytest.mark.parametrize(
    "section,path",
    [
        (("consultation", "survey"), "consultation.survey.end"),
        (("consultation", "visits"), "consultation.visits.end"),
    ],
)
def test_range_ends_before_start(case_data, section, path):
    part = case_data[section[0]][section[1]]
    part["end"] = "2026-03-09"
    message = first(validate(case_data).errors, path)
    assert "2026-03-09" in message and part["start"] in message


def test_schedule_range(case_data):
    case_data["plan"]["schedule"][0]["end"] = "2026-03-01"
    assert "2026-03-01" in first(validate(case_data).errors, "plan.schedule.0.end")


def test_meeting_time_range(case_data):
    case_data["consultation"]["meetings"][0]["end_time"] = "08:30"
    assert "08:30" in first(validate(case_data).errors, "consultation.meetings.0.end_time")


def test_consultation_before_plan(case_data):
    case_data["consultation"]["meetings"][1]["date"] = "2026-03-01"
    message = first(validate(case_data).errors, "consultation.meetings.1.date")
    assert "2026-03-01" in message and "2026-03-02" in message


def test_consultation_after_report(case_data):
    case_data["consultation"]["publicity"][0]["end"] = "2026-04-11"
    message = first(validate(case_data).errors, "consultation.publicity.0.end")
    assert "2026-04-11" in message and "2026-04-10" in message


def test_decision_before_report(case_data):
    case_data["filing"]["decision"]["date"] = "2026-04-09"
    message = first(validate(case_data).errors, "filing.decision.date")
    assert "2026-04-09" in message and "2026-04-10" in message


def test_decision_after_filing(case_data):
    case_data["filing"]["decision"]["date"] = "2026-04-17"
    message = first(validate(case_data).errors, "filing.decision.date")
    assert "2026-04-17" in message and "2026-04-16" in message


@pytest.mark.parametrize("section", ["stability_plan", "summary", "report"])
def test_documents_on_or_before_filing(case_data, section):
    case_data[section]["issued_on"] = "2026-04-20"
    if section == "report":
        case_data["filing"]["decision"]["date"] = "2026-04-16"
    message = first(validate(case_data).errors, f"{section}.issued_on")
    assert "2026-04-20" in message and "2026-04-16" in message


def test_duplicate_risk_ids(case_data):
    case_data["risks"][2]["id"] = "R1"
    assert "R1" in first(validate(case_data).errors, "risks.2.id")


def test_risk_without_measures(case_data):
    case_data["risks"][3]["measures"] = []
    assert "措施" in first(validate(case_data).errors, "risks.3.measures")


def test_weights_mixed(case_data):
    del case_data["risks"][1]["weight"]
    result = validate(case_data)
    assert "R2" in first(result.errors, "risks")
    assert result.assessment is None


def test_weights_sum(case_data):
    case_data["risks"][0]["weight"] = 0.4
    assert "1.05" in first(validate(case_data).errors, "risks")


def test_weights_within_tolerance(case_data):
    case_data["risks"][0]["weight"] = 0.3505
    assert validate(case_data).valid


def test_speaker_not_present(case_data):
    case_data["consultation"]["meetings"][1]["statements"][0]["speaker"] = "路人甲"
    message = first(validate(case_data).errors, "consultation.meetings.1.statements.0.speaker")
    assert "路人甲" in message


def test_host_may_speak(case_data):
    case_data["consultation"]["meetings"][1]["statements"][0]["speaker"] = "赵春梅"
    assert validate(case_data).valid


def test_rejection_without_response(case_data):
    del case_data["opinions"][3]["response"]
    assert "要求取消项目" in first(validate(case_data).errors, "opinions.3.response")


def test_hearing_without_public(case_data):
    hearing = case_data["consultation"]["meetings"][1]
    hearing["participants"] = [p for p in hearing["participants"] if p["category"] != "群众代表"]
    hearing["statements"] = [s for s in hearing["statements"] if s["speaker"] != "张桂兰"]
    message = first(validate(case_data).errors, "consultation.meetings.1.participants")
    assert hearing["title"] in message


def test_implement_at_high_risk_refused(case_data):
    for risk in case_data["risks"]:
        risk["residual_probability"], risk["residual_impact"] = "很高", "严重"
    message = first(validate(case_data).errors, "filing.decision.result")
    assert "高风险" in message and "实施" in message


# ---------------------------------------------------------------- warnings


def test_assessed_level_differs(case_data):
    case_data["report"]["assessed_level"] = "中风险"
    result = validate(case_data)
    message = first(result.warnings, "report.assessed_level")
    assert "中风险" in message and "低风险" in message
    assert result.assessment.final_level == "中风险" and result.assessment.advice == "暂缓实施"


def test_hearing_without_expert_warns(case_data):
    hearing = case_data["consultation"]["meetings"][1]
    hearing["participants"] = [p for p in hearing["participants"] if p["category"] not in ("专家", "法律工作者")]
    hearing["statements"] = [s for s in hearing["statements"] if s["speaker"] not in ("韩冰", "林志远")]
    result = validate(case_data)
    assert result.valid
    assert hearing["title"] in first(result.warnings, "consultation.meetings.1.participants")


def test_implement_at_medium_warns(case_data):
    for risk in case_data["risks"]:
        del risk["residual_probability"], risk["residual_impact"]
    result = validate(case_data)
    assert result.valid
    assert "中风险" in first(result.warnings, "filing.decision.result")


def test_residual_not_lower_warns(case_data):
    del case_data["risks"][2]["residual_probability"], case_data["risks"][2]["residual_impact"]
    message = first(validate(case_data).warnings, "risks.2")
    assert "青苗补偿争议" in message and "0.25" in message


def test_weights_summing_to_one_in_decimal_but_not_in_binary(case_data):
    for risk, weight in zip(case_data["risks"], (0.2, 0.2, 0.2, 0.401)):
        risk["weight"] = weight  # 1.001: within the tolerance, though the float sum is 1.0010000000000001
    assert validate(case_data).valid


def test_weights_just_outside_tolerance(case_data):
    for risk, weight in zip(case_data["risks"], (0.2, 0.2, 0.2, 0.4011)):
        risk["weight"] = weight
    assert "1.0011" in first(validate(case_data).errors, "risks")


def test_years_a_document_can_carry(case_data):
    case_data["filing"]["filed_on"] = "1979-12-31"
    assert "1979-12-31" in first(validate(case_data).errors, "filing.filed_on")


def test_blank_summary_refused(case_data):
    case_data["matter"]["summary"] = "   "
    assert "不能为空" in first(validate(case_data).errors, "matter.summary")
