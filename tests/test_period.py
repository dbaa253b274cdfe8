"""The period work report (工作情况汇报 over a period): PERIOD.json with three cases in, one document out.

Every figure is checked against a value the test computes itself from the case JSON.
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
from collections import Counter
from datetime import date

import docx
import jsonschema
import pytest

from service.checks.period import validate_period
from service.generate_period import DOCX, PDF, PeriodInvalid, build_period_report, generate_period_report
from service.model.period_schema import period_schema
from service.context.period import period_ctx, tidy, title_lines, width
from service.render.contract import check_template
from service.pdf import close_shared_converter
from service.model.schema import dumps
from service.render.template_sets import DEFAULT_SET
from service.checks.validation import validate

from .conftest import BIN, ROOT, minimal_case
from .helpers import paragraphs, text_of
from .template_structure import structure_problems

EXAMPLE = ROOT / "schemas" / "examples" / "period-2026.json"
H1_TITLES = ["健全工作机制，夯实稳评基础", "严格评估程序，广泛听取民意", "注重结果运用，稳评成效逐步显现", "存在的问题", "下一步工作打算"]



@pytest.fixture(scope="module")
def period_data() -> dict:
    return json.loads(EXAMPLE.read_text("utf-8"))


@pytest.fixture
def period(period_data) -> dict:
    """A fresh deep copy of the example, free to mutate."""
    return copy.deepcopy(period_data)


@pytest.fixture(scope="module")
def report(period_data):
    return build_period_report(period_data)


@pytest.fixture(scope="module")
def document(report):
    return docx.Document(io.BytesIO(report.docx))


@pytest.fixture(scope="module")
def text(document) -> str:
    return text_of(document)


def compact(s: str) -> str:
    return "".join(s.split())


# ------------------------------------------------------------ the figures


def test_example_has_three_valid_cases(period_data):
    cases = period_data["cases"]
    assert len(cases) == 3 and len({c["case_id"] for c in cases}) == 3
    for case in cases:
        result = validate(case)
        # the 1.0 cases state no 四性 findings: the only warning is that the report derives them
        assert result.valid and [w.path for w in result.warnings] == ["report.findings"], (case["case_id"], result.errors, result.warnings)


def test_consultation_figures_are_sums_over_the_cases(period_data, text):
    consultations = [c.get("consultation", {}) for c in period_data["cases"]]
    surveys = [c["survey"] for c in consultations if "survey" in c]
    issued, returned, valid = (sum(s[k] for s in surveys) for k in ("issued", "returned", "valid"))
    publicity = [p for c in consultations for p in c.get("publicity", [])]
    feedback = sum(p.get("feedback_count", 0) for p in publicity)
    households = sum(c["visits"]["households"] for c in consultations if "visits" in c)
    meetings = [m for c in consultations for m in c.get("meetings", [])]
    participants = sum(len(m["participants"]) for m in meetings)
    assert (issued, valid) == (1146, 1085)  # the example, as written
    for expected in (
        f"累计公示{len(publicity)}次，收到反馈意见{feedback}条",
        f"发放问卷{issued}份，回收{returned}份（回收率{returned * 100 / issued:.2f}%），其中有效问卷{valid}份",
        f"入户走访群众{households}户",
        f"参会{participants}人次",
    ):
        assert expected in text, expected


def test_meetings_by_kind_and_participants_by_category(period_data, text):
    meetings = [m for c in period_data["cases"] for m in c.get("consultation", {}).get("meetings", [])]
    kinds = Counter(m["kind"] for m in meetings)
    assert kinds == {"座谈会": 3, "听证会": 2, "论证会": 1}
    assert f"召开座谈会{kinds['座谈会']}次、听证会{kinds['听证会']}次、论证会{kinds['论证会']}次" in text
    categories = Counter(p["category"] for m in meetings for p in m["participants"])
    order = ["专家", "人大代表", "政协委员", "法律工作者", "群众代表", "利益相关方", "村(社区)干部", "部门代表"]
    assert set(categories) <= set(order) and len(categories) == len(order)
    printed = "、".join(f"{k}{categories[k]}人次" for k in order if categories[k])
    assert printed.replace("村(社区)", "村（社区）") in text  # full-width brackets in print (GB/T 15834)


def test_opinions_risks_and_measures_are_sums(period_data, text):
    cases = period_data["cases"]
    adoption = Counter(o["adoption"] for c in cases for o in c.get("opinions", []))
    total = sum(adoption.values())
    assert f"共梳理意见建议{total}类，采纳{adoption['采纳']}类、部分采纳{adoption['部分采纳']}类、不予采纳{adoption['不予采纳']}类" in text
    risks = [r for c in cases for r in c["risks"]]
    measures = [m for r in risks for m in r["measures"]]
    units = {m["owner_unit"] for m in measures}
    assert f"共识别风险因素{len(risks)}项" in text
    assert f"共制定防范化解措施{len(measures)}项，逐项落实到{len(units)}个责任单位" in text
    assert f"形成社会稳定风险评估报告{len(cases)}份" in text


def test_statistics_table_rows_and_totals(period_data, document):
    table = document.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][0] == "评估事项" and "发放问卷" in cells[0][1]
    consultations = [c["consultation"] for c in period_data["cases"]]
    for row, case, c in zip(cells[1:], period_data["cases"], consultations):
        assert row == [
            case["matter"]["name"],
            str(c["survey"]["issued"]),
            str(c["survey"]["valid"]),
            str(c["visits"]["households"]),
            str(len(c["meetings"])),
            str(sum(len(m["participants"]) for m in c["meetings"])),
            str(len(case["opinions"])),
        ]
    totals = cells[-1]
    assert totals[0] == "合计" and len(cells) == 2 + len(consultations)
    for column in range(1, 7):
        assert int(totals[column]) == sum(int(row[column]) for row in cells[1:-1])


# ------------------------------------------------------------ the structure


def test_headings_follow_the_reference_structure(document):
    h1 = [p for p in paragraphs(document) if p.style is not None and p.style.name == "一级标题"]
    assert [p.text for p in h1] == H1_TITLES
    numbering = document.styles["一级标题"].element.pPr.numPr  # numbered 一、二、… by Word, never typed
    assert (numbering.numId.val, numbering.ilvl.val) == (1, 0) and not any(p.text.startswith("一、") for p in h1)
    texts = [p.text for p in paragraphs(document)]
    assert texts[0] == "关于2026年度社会稳定风险评估\n工作情况的汇报"
    assert texts[1] == "江城市维稳办："
    assert texts[-3:] == ["特此汇报。", "青石镇人民政府", "2026年12月18日"]
    steps = ["制定评估方案", "广泛征求意见", "分析预测风险", "形成评估结论", "制定维稳方案", "全程跟踪督查"]
    for n, step in zip("一二三四五六", steps):
        assert any(t.startswith(f"{n}是{step}。") for t in texts), step


def test_mechanism(text):
    for expected in (
        "成立了青石镇社会稳定风险评估工作领导小组，由王建国（镇党委书记）任组长，"
        "刘志强（镇党委副书记、镇长）、赵春梅（镇党委副书记、政法委员）任副组长，6名相关单位负责人为成员",
        "《关于开展重大决策社会稳定风险评估工作的实施意见》（青发〔2026〕3号）",
        "《青石镇社会稳定风险评估工作考核细则》等3个制度文件",
        "明确镇综治办为稳评工作牵头部门，镇司法所、青石派出所、镇劳动保障所、镇自然资源所、镇村建办等单位按照职责协调配合",
        "共抽调10人次参与评估",
    ):
        assert expected in text, expected


def test_each_case_has_its_paragraph(period_data, document):
    items = paragraphs(document)
    names = [p.text for p in items if p.style is not None and p.style.name == "二级标题"]
    for case in period_data["cases"]:
        name = case["matter"]["name"]
        assert name in names
        heading = next(i for i, p in enumerate(items) if p.text == name and p.style.name == "二级标题")
        paragraph = items[heading + 1].text
        assessment = validate(case).assessment
        assert f"评估结论为{assessment.final_level}" in paragraph
        assert f"落实措施前综合风险指数为{assessment.initial.index:.4f}，属{assessment.initial.level}" in paragraph
        assert f"{assessment.residual.index:.4f}，属{assessment.residual.level}" in paragraph
        assert f"共识别风险因素{len(case['risks'])}项" in paragraph
        assert f"制定防范化解措施{sum(len(r['measures']) for r in case['risks'])}项" in paragraph
        assert f"决定{case['filing']['decision']['result']}" in paragraph
        assert period_data["progress"][case["case_id"]] in paragraph
        if case["case_id"] == "QS-WP-2026-001":
            assert "问卷调查支持率为92.56%" in paragraph  # as the sample case's own documents compute it


def test_problems_and_next_steps(period_data, text):
    for n, item in zip("一二三", period_data["problems"]):
        assert f"{n}是{item}" in text
    for n, item in zip("一二三四", period_data["next_steps"]):
        assert f"{n}是{item}" in text


def test_nothing_empty_or_left_over(text):
    for bad in ("None", "null", "nan", "{{", "{%", "}}"):
        assert bad not in text, bad
    assert "3260 亩" not in text and "整理土地3260亩" in text  # spaces between figures and Chinese dropped


def test_document_properties_and_determinism(period_data, report):
    core = docx.Document(io.BytesIO(report.docx)).core_properties
    assert core.title == "关于2026年度社会稳定风险评估工作情况的汇报" and core.author == "青石镇人民政府"
    assert build_period_report(copy.deepcopy(period_data)).docx == report.docx


def test_api_function_returns_docx(period_data):
    name, data, media_type = generate_period_report(period_data)
    assert name == "青石镇人民政府2026年度社会稳定风险评估工作情况汇报.docx"
    assert media_type == DOCX and data[:2] == b"PK"


def test_one_minimal_case_and_no_problems(period):
    period["cases"] = [minimal_case()]
    period["problems"], period["next_steps"], period["progress"] = [], [], {}
    period["issued_on"] = "2026-06-01"
    report = build_period_report(period)
    document = docx.Document(io.BytesIO(report.docx))
    text = text_of(document)
    h1 = [p.text for p in paragraphs(document) if p.style.name == "一级标题"]
    assert h1 == [t for t in H1_TITLES if t != "存在的问题"]  # left out whole; Word numbers the rest 一…四
    assert "对某村道路拓宽工程开展了社会稳定风险评估" in text and "评估结论为" in text
    assert "通过查阅资料" in text and not document.tables
    for bad in ("None", "{{", "0次", "0份"):
        assert bad not in text, bad


# ------------------------------------------------------------ invalid input


def errors_of(data) -> list[dict]:
    with pytest.raises(PeriodInvalid) as info:
        generate_period_report(data)
    return info.value.errors


def test_bad_case_inside_is_reported_with_its_path(period):
    period["cases"][1]["consultation"]["survey"]["valid"] = 500
    errors = errors_of(period)
    assert {"path": "cases.1.consultation.survey.valid", "message": "有效问卷数(500)不能大于回收数(398)"} in errors


def test_a_case_not_yet_filed_is_refused_by_its_path(period):
    """A case in progress (docs/case.md "Step by step") is valid alone, but a period report sums up filed matters."""
    for key in ("risks", "report", "filing"):
        del period["cases"][1][key]
    errors = errors_of(period)
    name = period["cases"][1]["matter"]["name"]
    assert {"path": "cases.1.filing", "message": f"工作情况汇报只汇总已报备的事项：事项「{name}」尚缺「报备」"} in errors
    assert {e["path"] for e in errors} == {"cases.1.risks", "cases.1.report", "cases.1.filing"}


def test_every_problem_at_once_in_chinese(period):
    del period["recipient"]
    period["period"]["end"] = "2026-02-30"
    period["mechanism"]["leading_group"]["leder"] = {"name": "王建国"}
    period["cases"][0]["risks"][0]["probability"] = "偏高"
    del period["cases"][2]["matter"]["name"]
    period["cases"].append(7)
    errors = errors_of(period)
    paths = {e["path"]: e["message"] for e in errors}
    assert paths["recipient"] == "缺少必填项「主送机关」"
    assert "2026-02-30" in paths["period.end"] and "不存在" in paths["period.end"]
    assert paths["mechanism.leading_group.leder"].startswith("未知字段「leder」")
    assert paths["cases.0.risks.0.probability"] == "「发生概率」的取值「偏高」无效，应为：很低、较低、中等、较高、很高"
    assert paths["cases.2.matter.name"] == "缺少必填项「事项名称」"
    assert paths["cases.3"].startswith("「评估事项案卷」应为案卷")


def test_rules_joining_period_and_cases(period):
    period["cases"][2]["case_id"] = period["cases"][0]["case_id"]
    period["progress"]["QS-WP-2099-9"] = "无此事项。"
    period["issued_on"] = "2026-07-01"
    errors = errors_of(period)
    paths = [e["path"] for e in errors]
    assert "cases.2.case_id" in paths and "progress.QS-WP-2099-9" in paths
    assert any(e["path"] == "issued_on" and "红岭礼炮厂关闭事项" in e["message"] for e in errors)


def test_case_outside_the_period_is_a_warning(period):
    period["period"] = {"start": "2026-05-01", "end": "2026-12-31"}
    result = validate_period(period)
    assert result.valid
    assert [w.path for w in result.warnings if not w.path.endswith("report.findings")] == ["cases.0.filing.filed_on"]


def test_paths_are_refused_without_base_dir(period):
    period["cases"][1] = "landfill.json"
    errors = errors_of(period)
    assert errors[0]["path"] == "cases.1" and "文件路径" in errors[0]["message"]


# ------------------------------------------------------------ the command line


def wenping(*args, **kw):
    return subprocess.run([str(BIN / "wenping"), *map(str, args)], capture_output=True, text=True, timeout=120, **kw)


def test_cli_with_case_files(tmp_path, period_data):
    (tmp_path / "cases").mkdir()
    data = copy.deepcopy(period_data)
    for i, case in enumerate(data["cases"]):
        (tmp_path / "cases" / f"{i}.json").write_text(json.dumps(case, ensure_ascii=False), "utf-8")
    data["cases"] = ["cases/0.json", data["cases"][1], str(tmp_path / "cases" / "2.json")]
    source = tmp_path / "period.json"
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    run = wenping("summary", source, "-o", tmp_path / "out" / "汇报.docx")
    assert run.returncode == 0, run.stderr
    written = (tmp_path / "out" / "汇报.docx").read_bytes()
    assert written == build_period_report(period_data).docx
    assert "3个事项" in run.stdout and not (tmp_path / "out" / "汇报.pdf").exists()


def test_cli_invalid_exits_1(tmp_path, period):
    period["cases"][1]["consultation"]["survey"]["valid"] = 500
    source = tmp_path / "period.json"
    source.write_text(json.dumps(period, ensure_ascii=False), "utf-8")
    run = wenping("summary", source, "-o", tmp_path / "out.docx")
    assert run.returncode == 1 and not (tmp_path / "out.docx").exists()
    assert "cases.1.consultation.survey.valid" in run.stderr and "Traceback" not in run.stderr


def test_cli_unreadable_exits_2(tmp_path, period):
    broken = tmp_path / "broken.json"
    broken.write_text('{"cases": ', "utf-8")
    missing_case = tmp_path / "period.json"
    period["cases"][0] = "nowhere.json"
    missing_case.write_text(json.dumps(period, ensure_ascii=False), "utf-8")
    for args in ([broken], [tmp_path / "missing.json"], [missing_case], [EXAMPLE, "-o", tmp_path / "x.txt"]):
        run = wenping("summary", *args)
        assert run.returncode == 2, (args, run.stderr)
        assert run.stderr.startswith("错误：") and "Traceback" not in run.stderr
    assert "nowhere.json" in wenping("summary", missing_case).stderr


# ------------------------------------------------------------ schema, template


def test_committed_schema_is_fresh():
    committed = (ROOT / "schemas" / "period.schema.json").read_text("utf-8")
    assert committed == dumps(period_schema()), "run: .venv/bin/python -m service.model.period_schema > schemas/period.schema.json"


def test_schema_accepts_the_example_and_is_chinese(period_data):
    schema = period_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(period_data, schema)
    assert schema["title"] == "稳评工作情况汇报" and schema["properties"]["mechanism"]["title"] == "机制建设"
    assert schema["properties"]["cases"]["items"]["anyOf"][0] == {"$ref": "#/$defs/Case"}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors({**period_data, "extra": 1}))


def test_template_keeps_its_contract():
    report = check_template("period_summary", DEFAULT_SET / "period_summary.docx")
    assert report.ok, report.problems
    assert "procedure.totals.surveys_issued" in report.variables and "outcome.cases[].index_lowered" in report.variables


def test_template_uses_the_official_styles():
    assert structure_problems(DEFAULT_SET / "period_summary.docx") == []


# ------------------------------------------------------------ wording helpers


@pytest.mark.parametrize(
    "start, end, text, lead",
    [
        (date(2026, 1, 1), date(2026, 12, 31), "2026年度", "2026年"),
        (date(2026, 1, 1), date(2026, 6, 30), "2026年上半年", "2026年上半年"),
        (date(2026, 1, 1), date(2026, 9, 30), "2026年1月至9月", "2026年1月至9月"),
        (date(2025, 7, 1), date(2026, 6, 30), "2025年7月至2026年6月", "2025年7月至2026年6月"),
        (date(2026, 3, 2), date(2026, 6, 30), "2026年3月2日至6月30日", "2026年3月2日至6月30日"),
    ],
)
def test_period_wording(start, end, text, lead):
    ctx = period_ctx(start, end)
    assert (ctx.text, ctx.lead) == (text, lead)


def test_title_lines_and_tidy():
    assert title_lines("关于稳评工作的汇报") == ["关于稳评工作的汇报"]
    long = "关于2025年7月至2026年6月青石镇重大决策社会稳定风险评估工作开展情况的汇报"
    lines = title_lines(long)
    assert "".join(lines) == long and len(lines) == 2
    assert all(width(line) <= 20 for line in lines) and width(lines[0]) >= width(lines[1])
    assert tidy("整理土地 3260 亩，保留 3.5 米便道") == "整理土地3260亩，保留3.5米便道"


# ------------------------------------------------------------ PDF (one run)


def test_pdf(period_data):
    try:
        name, data, media_type = generate_period_report(period_data, pdf=True)
    finally:
        close_shared_converter()
    assert name.endswith(".pdf") and media_type == PDF and data.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    flat = compact(out)
    assert "关于2026年度社会稳定风险评估工作情况的汇报" in flat
    positions = [flat.index(f"{n}、{t}") for n, t in zip("一二三四五", H1_TITLES)]
    assert positions == sorted(positions)
    assert "—1—" in flat
