"""A county 维稳办 reviewer's checklist, as tests, over every worked example and the canonical sample.

Each document is generated as .docx (no PDF) and read back as a reviewer reads it: paragraph by paragraph.
The first part checks the sentences a reviewer sends back (issue #12): the survey reported per question with
every option's count and share, the 四性 findings, no software words or boilerplate, GB/T 15834 punctuation,
no repeated subject, the assessor named alike. The second part takes each example apart one optional part at
a time and checks that no sentence about the removed part is left behind.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable

import pytest

from service.checks.validation import validate
from service.generate import generate

from .conftest import ROOT
from .helpers import manifest, open_docx, paragraphs, unzip

EXAMPLES_DIR = ROOT / "schemas" / "examples"


def load_examples() -> dict[str, dict]:
    """Every case example by file stem (the period example, which has no case_id, is not a case)."""
    found = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(EXAMPLES_DIR.glob("*.json"))}
    return {stem: data for stem, data in found.items() if "case_id" in data}


EXAMPLES = load_examples()
NAMES = sorted(EXAMPLES)
WORKED = ("land-consolidation", "waste-transfer-station", "sewage-plant", "factory-closure")


# --- reading a package back -------------------------------------------------------------------------

Paragraph = tuple[str, str]  # (style name, text)


def read_package(data: dict) -> dict[str, list[list[Paragraph]]]:
    """Each .docx of the case's package as its paragraphs, by document kind, in filing order."""
    package = generate(copy.deepcopy(data)).data
    files = unzip(package)
    docs: dict[str, list[list[Paragraph]]] = {}
    for entry in manifest(package)["files"]:
        if entry["file"].endswith(".docx"):
            document = open_docx(files[entry["file"]])
            docs.setdefault(entry["kind"], []).append([(p.style.name, p.text) for p in paragraphs(document)])
    return docs


def text(doc: list[Paragraph]) -> str:
    return "\n".join(t for _, t in doc)


def all_text(docs: dict[str, list[list[Paragraph]]]) -> str:
    return "\n".join(text(d) for kind in docs.values() for d in kind)


@pytest.fixture(scope="module")
def packages() -> dict[str, dict[str, list[list[Paragraph]]]]:
    return {name: read_package(data) for name, data in EXAMPLES.items()}


def test_every_worked_example_is_picked_up():
    assert set(WORKED) | {"sample-case"} == set(NAMES)


@pytest.mark.parametrize("name", WORKED)
def test_worked_example_is_complete_without_a_warning(name):
    """A worked example states everything a package needs: no error, no warning (no derived finding), and
    it is written in the current format, not upgraded on input."""
    assert EXAMPLES[name]["schema_version"] == "2.0"
    result = validate(copy.deepcopy(EXAMPLES[name]))
    assert result.valid and result.warnings == [], [w.as_dict() for w in result.errors + result.warnings]
    assert result.assessment.final_level == "低风险" and EXAMPLES[name]["filing"]["decision"]["result"] == "实施"


def test_worked_examples_are_distinct_towns_and_people():
    towns = {EXAMPLES[n]["authority"]["name"] for n in WORKED}
    offices = {EXAMPLES[n]["authority"]["filing_office"] for n in WORKED}
    assert len(towns) == len(offices) == len(WORKED)
    people = [(n, p["name"]) for n in WORKED for p in EXAMPLES[n]["people"]]
    assert len({name for _, name in people}) == len(people)


# --- the survey, per question -----------------------------------------------------------------------

def share(part: int, whole: int) -> str:
    """A share as the report prints it, computed here independently: exact fraction, two decimals."""
    exact = Decimal(Fraction(part * 100, whole).numerator) / Decimal(Fraction(part * 100, whole).denominator)
    return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def question_sentence(no: int, q: dict, valid: int) -> str:
    options = "；".join(f"选择“{o}”的{c}人，占{share(c, valid)}" for o, c in q["answers"].items())
    sentence = f"{no}.对“{q['text']}”一题，{options}"
    if q.get("support_answers"):
        support = sum(q["answers"][o] for o in q["support_answers"])
        quoted = "".join(f"“{o}”" for o in q["support_answers"])
        word = "认可率" if all("认可" in o for o in q["support_answers"]) else "支持率"
        sentence += f"。其中选择{quoted}的合计{support}人，{word}{share(support, valid)}"
    return sentence + "。"


@pytest.mark.parametrize("name", NAMES)
def test_report_states_every_question_with_every_count(packages, name):
    survey = EXAMPLES[name]["consultation"]["survey"]
    report = [t for _, t in packages[name]["report"][0]]
    for no, q in enumerate(survey["questions"], 1):
        assert question_sentence(no, q, survey["valid"]) in report, q["text"]


def test_factory_closure_quotes_its_compensation_question(packages):
    report = text(packages["factory-closure"]["report"][0])
    assert (
        "1.对“您对职工补偿安置方案中的补偿标准是否认可？”一题，选择“认可”的132人，占63.46%；"
        "选择“基本认可”的58人，占27.88%；选择“不认可”的18人，占8.65%。"
        "其中选择“认可”“基本认可”的合计190人，认可率91.35%。"
    ) in report
    # A question without support answers claims no support and no opposition.
    assert (
        "2.对“关停后您的安置意向是？”一题，选择“自主择业”的86人，占41.35%；选择“推荐到工业园区企业就业”的71人，"
        "占34.13%；选择“参加技能培训后就业”的33人，占15.87%；选择“办理退休”的18人，占8.65%。\n"
    ) in report
    summary = text(packages["factory-closure"]["summary"][0])
    assert "对“您对职工补偿安置方案中的补偿标准是否认可？”选择“认可”“基本认可”的占91.35%" in summary
    for doc in ("不支持的0人", "不支持的", "反对的0人"):
        assert doc not in all_text(packages["factory-closure"])


# --- the 四性 findings --------------------------------------------------------------------------------

FINDINGS = ("合法性", "合理性", "可行性", "可控性")


@pytest.mark.parametrize("name", NAMES)
def test_report_has_the_four_findings(packages, name):
    report = [t for _, t in packages[name]["report"][0]]
    start = report.index("合法性、合理性、可行性和可控性")
    section = report[start + 1: report.index("评估结论和建议")]
    assert section[0::2] == list(FINDINGS)
    assert all(len(finding) >= 20 and finding.endswith("。") for finding in section[1::2]), section


@pytest.mark.parametrize("name", WORKED)
def test_stated_findings_are_printed_verbatim(packages, name):
    report = text(packages[name]["report"][0])
    for key in ("legality", "rationality", "feasibility", "controllability"):
        assert EXAMPLES[name]["report"]["findings"][key] in report


# --- wording a reviewer sends back -------------------------------------------------------------------

FORBIDDEN = (
    "默认风险标准", "默认", "（可多选）（多选）", "项目？：", "列席：", "村(社区)", "》、《", "不支持的0人",
    "。。", "，。", "；。", "建议可以实施（",
)


@pytest.mark.parametrize("name", NAMES)
def test_no_phrase_a_reviewer_sends_back(packages, name):
    for kind, docs in packages[name].items():
        for doc in docs:
            body = text(doc)
            for phrase in FORBIDDEN:
                assert phrase not in body, (kind, phrase)


REPEATED_SUBJECT = re.compile(r"([\u4e00-\u9fff]{4,})(?:在|部署，|对)\1")


@pytest.mark.parametrize("name", NAMES)
def test_no_repeated_subject(packages, name):
    for kind, docs in packages[name].items():
        for doc in docs:
            found = REPEATED_SUBJECT.search(text(doc))
            assert found is None, (kind, found and found.group(0))


@pytest.mark.parametrize("name", NAMES)
def test_a_list_does_not_end_in_a_semicolon(packages, name):
    """Items of one list end alike, the last in 「。」 (GB/T 15834): an item ending in 「；」 is followed by
    another item of the same list."""
    for kind, docs in packages[name].items():
        for doc in docs:
            for (style, item), (next_style, next_item) in zip(doc, doc[1:] + [("", "")]):
                if item.endswith("；"):
                    assert next_style == style and next_item.endswith(("；", "。")), (kind, item, next_item)


@pytest.mark.parametrize("name", NAMES)
def test_assessor_named_alike_in_plan_and_report(packages, name):
    case = EXAMPLES[name]
    lg, matter = case["leading_group"], case["matter"]["name"]
    group = lg.get("name") or case["report"].get("assessor") or f"{matter}社会稳定风险评估工作领导小组"  # 1.0: assessor
    plan, report = text(packages[name]["plan"][0]), [t for _, t in packages[name]["report"][0]]
    assert f"成立{group}，组成人员如下：" in plan
    assert any(f"{group}对{case['matter']['name']}开展了社会稳定风险评估" in line for line in report)
    assert f"评估主体为{group}，" in "\n".join(report)
    assert group in report  # the signature
    assert f"成立了{group}，由" in text(packages[name]["summary"][0])


def test_factory_closure_speaks_of_closure_not_construction(packages):
    body = all_text(packages["factory-closure"])
    for word in ("开工", "建设规模", "建设期", "总投资", "施工"):
        assert word not in body, word
    assert "计划于2026年7月1日实施关停，实施期4个月。" in body
    assert "实施规模：关停生产线3条" in body and "所需资金1260万元" in body
    assert "陈 述 人：宋国庆（金溪县红光花炮厂厂长）" in body  # who the presenter speaks for, not a bare 「厂长」


@pytest.mark.parametrize("name", WORKED)
def test_worked_example_prints_its_complete_parts(packages, name):
    """What a complete package holds: the hearing's roles, 请假 and 旁听, who visited whom, the Ⅰ–Ⅳ级
    responses, 适用范围, 响应终止, 附则, each risk's cause and trigger, the 主送 of the upward papers."""
    case, docs = EXAMPLES[name], packages[name]
    hearing = text(docs["minutes"][-1])
    for label in ("听 证 员：", "陈 述 人：", "请　　假：", "旁　　听："):
        assert label in hearing, label
    report = text(docs["report"][0])
    assert f"走访对象为{case['consultation']['visits']['visited']}" in report
    assert report.count("成因：") == report.count("触发条件：") == len(case["risks"])
    stability = [t for _, t in docs["stability_plan"][0]]
    for heading in ("适用范围", "响应终止", "附则"):
        assert heading in stability, heading
    assert [t for t in stability if re.fullmatch(r"[ⅠⅡⅢⅣ]级（.+）", t)] == [
        "Ⅳ级（一般）", "Ⅲ级（较大）", "Ⅱ级（重大）", "Ⅰ级（特别重大）"
    ]
    filing_office = case["authority"]["filing_office"]
    assert f"{filing_office}：" in report.splitlines()
    assert f"{filing_office}：" in text(docs["summary"][0]).splitlines()


# --- property: a part taken away leaves no sentence about it ------------------------------------------

def _meeting_title(case: dict, i: int) -> str:
    return case["consultation"]["meetings"][i]["title"]


def _drop(path: str) -> Callable[[dict], None]:
    """Remove the value at a dotted path (list indexes as numbers)."""
    def remove(case: dict) -> None:
        *parents, last = path.split(".")
        node = case
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if last.isdigit():
            del node[int(last)]
        else:
            del node[last]
    return remove


def _has(case: dict, path: str) -> bool:
    node = case
    for key in path.split("."):
        try:
            node = node[int(key)] if key.isdigit() else node[key]
        except (KeyError, IndexError, TypeError):
            return False
    return node not in (None, [], {})


def _visits(visits: dict) -> list[str]:
    phrases = ["开展实地走访", f"共走访{visits['households']}户", f"入户走访{visits['households']}户",
               f"实地走访{visits['households']}户", visits["findings"][:20]]
    return phrases + (["走访对象为"] if visits.get("visited") else [])


def _roles(meeting: dict) -> list[str]:
    roles = {p.get("role") for p in meeting["participants"]}
    return [label for role, label in (("听证员", "听 证 员："), ("陈述人", "陈 述 人：")) if role in roles]


def _investment(case: dict) -> list[str]:
    amount = case["matter"]["investment_wan_yuan"]
    return [f"{amount}万元"]


def _start(case: dict) -> list[str]:
    y, m, d = (int(x) for x in case["matter"]["planned_start"].split("-"))
    return [f"计划于{y}年{m}月{d}日"]


def _commander(case: dict) -> list[str]:
    ref = case["stability_plan"]["command"]["commander"]
    if ref == case["leading_group"]["leader"]:
        return []
    person = next(p for p in case["people"] if p["id"] == ref)
    return [f"{person['name']}（{person['title']}）任总指挥"]


# part → how to take it away → the phrases that must then be gone from every document. The phrases are the
# generated sentences, not the clerk's own words: a schedule's 「入户走访」 or a stated finding's 「Ⅰ级至Ⅳ级响应」
# is the case's text and stays.
PARTS: dict[str, tuple[str, Callable[[dict], None], Callable[[dict], list[str]]]] = {
    "survey": ("consultation.survey", _drop("consultation.survey"),
               lambda c: ["发放问卷", "有效问卷", "一题", "的合计", f"问卷调查{c['consultation']['survey']['issued']}份"]),
    "visits": ("consultation.visits", _drop("consultation.visits"),
               lambda c: _visits(c["consultation"]["visits"])),
    "first meeting": ("consultation.meetings.0", _drop("consultation.meetings.0"),
                      lambda c: [_meeting_title(c, 0)]),
    "second meeting": ("consultation.meetings.1", _drop("consultation.meetings.1"),
                       lambda c: [_meeting_title(c, 1)] + _roles(c["consultation"]["meetings"][1])),
    "all meetings": ("consultation.meetings", _drop("consultation.meetings"),
                     lambda c: ["会议\n共召开", "参会人员", "人次参加", "收集发言", "纪要"]),
    "publicity": ("consultation.publicity", _drop("consultation.publicity"),
                  lambda c: ["进行公示", "公示期", "公示项目情况", "公示1次"]),
    "publicity channels": ("consultation.publicity.0.channels", _drop("consultation.publicity.0.channels"),
                           lambda c: [f"通过{c['consultation']['publicity'][0]['channels'][0]}"]),
    "absent": ("consultation.meetings.1.absent", _drop("consultation.meetings.1.absent"), lambda c: ["请　　假"]),
    "observers": ("consultation.meetings.1.observers", _drop("consultation.meetings.1.observers"), lambda c: ["旁　　听"]),
    "opinions": ("opinions", _drop("opinions"),
                 lambda c: ["各方意见及采纳情况", "共梳理意见建议", "不予采纳的意见均已"]),
    "work team": ("work_team", _drop("work_team"), lambda c: ["评估工作班子，具体承担", "组成评估工作班子"]),
    "deputy leaders": ("leading_group.deputy_leaders", _drop("leading_group.deputy_leaders"),
                       lambda c: ["副组长："]),
    "groups": ("stability_plan.groups", _drop("stability_plan.groups"),
               lambda c: ["指挥部下设", "主要职责"]),
    "command": ("stability_plan.command", _drop("stability_plan.command"), _commander),
    "scope": ("stability_plan.scope", _drop("stability_plan.scope"), lambda c: ["适用范围"]),
    "termination": ("stability_plan.termination", _drop("stability_plan.termination"), lambda c: ["响应终止"]),
    "supplementary": ("stability_plan.supplementary", _drop("stability_plan.supplementary"), lambda c: ["附则"]),
    "response levels": ("stability_plan.response_levels", _drop("stability_plan.response_levels"),
                        lambda c: ["响应级别\n启动条件\n处置措施"]),
    "contacts": ("stability_plan.contacts", _drop("stability_plan.contacts"), lambda c: ["联系方式"]),
    "investment": ("matter.investment_wan_yuan", _drop("matter.investment_wan_yuan"), _investment),
    "funding": ("matter.funding", _drop("matter.funding"), lambda c: ["资金来源为"]),
    "planned start": ("matter.planned_start", _drop("matter.planned_start"), _start),
    "duration": ("matter.duration", _drop("matter.duration"), lambda c: [f"期{c['matter']['duration']}"]),
    "proponent": ("matter.proponent", _drop("matter.proponent"), lambda c: ["项目单位为"]),
    "necessity": ("matter.necessity", _drop("matter.necessity"), lambda c: [c["matter"]["necessity"][:20]]),
    "findings": ("report.findings", _drop("report.findings"),
                 lambda c: [text_[:30] for text_ in c["report"]["findings"].values()]),
    "causes": ("risks.0.cause", lambda c: [r.pop("cause", None) for r in c["risks"]], lambda c: ["成因："]),
    "triggers": ("risks.0.trigger", lambda c: [r.pop("trigger", None) for r in c["risks"]], lambda c: ["触发条件："]),
    "problems": ("summary.problems", _drop("summary.problems"), lambda c: ["存在的问题"]),
}

CASES = [(name, part) for name in NAMES for part, (path, _, _) in PARTS.items() if _has(EXAMPLES[name], path)]


@pytest.mark.parametrize(("name", "part"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_a_removed_part_leaves_no_sentence_about_it(packages, name, part):
    path, remove, phrases = PARTS[part]
    case = copy.deepcopy(EXAMPLES[name])
    gone = phrases(case)
    before = all_text(packages[name])
    assert all(phrase in before for phrase in gone), [phrase for phrase in gone if phrase not in before]
    remove(case)
    body = all_text(read_package(case))
    for phrase in gone:
        assert phrase not in body, phrase


def test_no_actor_or_channel_is_invented_for_a_missing_one():
    """Without channels a publicity is still reported, but through no made-up 「公示栏」."""
    case = copy.deepcopy(EXAMPLES["land-consolidation"])
    del case["consultation"]["publicity"][0]["channels"]
    docs = read_package(case)
    assert "2026年3月9日至18日，对项目基本情况进行公示，公示期10天" in text(docs["report"][0])
    assert "公示栏" not in all_text(docs)


def test_every_part_is_exercised_by_some_example():
    exercised = {part for _, part in CASES}
    assert exercised == set(PARTS)
