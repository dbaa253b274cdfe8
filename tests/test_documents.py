"""The documents of the sample case: every key figure where docs/case.md §2 puts it, computed from the case."""

from __future__ import annotations

import copy

import pytest

from service.generate import generate

from .helpers import by_kind, manifest, text_of


@pytest.fixture(scope="module")
def package(sample_data):
    return generate(sample_data).data


def kind_text(package, kind, n=0) -> str:
    return text_of(by_kind(package, kind)[n])


def test_package_holds_every_document_in_filing_order(package):
    files = manifest(package)["files"]
    kinds = [f["kind"] for f in files]
    assert kinds == ["index", "filing_form", "plan", "minutes", "minutes", "report", "stability_plan", "summary", "case"]
    assert [f["file"][:3] for f in files[:-1]] == ["00_", "01_", "02_", "03_", "04_", "05_", "06_", "07_"]
    assert files[1]["file"] == "01_社会稳定风险评估事项报备表.docx"


def test_filing_form(package):
    text = kind_text(package, "filing_form")
    for expected in (
        "镇西北片土地整理项目", "青石镇人民政府", "王建国（镇党委书记）", "陈立新（镇综治办主任）", "0771-5821234",
        "青稳评备〔2026〕3号", "2026年4月16日", "落实措施前综合风险指数0.3740，中风险",
        "落实措施后综合风险指数0.1030，低风险", "建议可以实施，同时做好解释说明，妥善处理群众合理诉求",
        "镇党政联席会议于2026年4月14日集体研究，决定实施", "评估单位意见", "决策部门意见", "维稳办意见",
        "承包地重新划分引发矛盾纠纷（风险值0.49，较大）",
    ):
        assert expected in text, expected


def test_plan(package):
    text = kind_text(package, "plan")
    for expected in (
        "镇西北片土地整理项目\n社会稳定风险评估工作方案", "青政办〔2026〕15号", "王建国（镇党委书记）",
        "刘志强（镇党委副书记、镇长）、赵春梅（镇党委副书记、政法委员）", "2026年3月2日至6日",
        "2026年4月13日至12月31日", "合法性", "可控性", "公示、问卷调查、实地走访、座谈会、听证会",
        "评估工作分6个步骤进行",
    ):
        assert expected in text, expected


def test_minutes_one_per_meeting(package):
    forum, hearing = (text_of(d) for d in by_kind(package, "minutes"))
    assert "镇西北片土地整理项目群众代表座谈会纪要" in forum
    assert "2026年3月20日9:00—11:30" in forum and "石桥村村委会会议室" in forum
    assert "共5人（群众代表2人、利益相关方1人、村（社区）干部1人、部门代表1人）" in forum
    assert "郑大勇（利益相关方，新塘村种植大户）" in forum
    assert "每段保留不少于 3.5 米的临时便道" in forum
    assert "听证会纪要" in hearing and "韩冰（法律工作者，江城正衡律师事务所）" in hearing
    assert "专家：林志远（江城市农业科学研究所）" in hearing


def test_report_figures(package):
    text = kind_text(package, "report")
    for expected in (
        "发放问卷600份，回收584份，回收率97.33%", "有效问卷578份，有效率98.97%",
        "1.对“您是否支持实施镇西北片土地整理项目？”一题，选择“支持”的472人，占81.66%；选择“基本支持”的63人，占10.90%；"
        "选择“不支持”的28人，占4.84%；选择“不了解”的15人，占2.60%。其中选择“支持”“基本支持”的合计535人，支持率92.56%。",
        "2.对“您最担心项目带来的哪方面问题？”一题，选择“承包地重新划分”的231人，占39.97%；",
        "共梳理意见建议4类，采纳2类、部分采纳1类、不予采纳1类",
        "公示期10天，收到反馈意见23条", "共走访136户", "共召开座谈会1次、听证会1次，参会人员11人次",
        "共识别出4类4项风险因素", "0.49（较大）", "落实防范化解措施前综合风险指数为0.3740，初始风险等级为中风险",
        "综合风险指数由0.3740降为0.1030，风险等级为低风险", "社会稳定风险等级为低风险，建议可以实施",
        "制定防范化解措施6项",
    ):
        assert expected in text, expected


def test_stability_plan(package):
    text = kind_text(package, "stability_plan")
    for expected in (
        "王建国（镇党委书记）任总指挥", "下设4个工作组", "矛盾调处组", "同一事项 5 人以上联名信访",
        "30 人以上群体性事件或越级上访", "0771-5821110", "风险程度：落实措施前较大，落实措施后较小",
    ):
        assert expected in text, expected


def test_summary(package):
    text = kind_text(package, "summary")
    for expected in (
        "关于镇西北片土地整理项目\n社会稳定风险评估工作情况的汇报", "江城市维稳办：", "选择“支持”“基本支持”的占92.56%",
        "共梳理意见建议4类，采纳2类、部分采纳1类、不予采纳1类", "一是个别村组干部", "三是项目完工后开展稳评工作回头看",
        "综合风险指数0.3740，为中风险", "降为0.1030，为低风险", "特此汇报。", "2026年4月15日",
    ):
        assert expected in text, expected


def test_index_lists_every_document(package):
    text = kind_text(package, "index")
    for f in manifest(package)["files"][1:-1]:
        assert f["title"] in text and f["file"] in text


def test_manifest(package, sample_data):
    from .helpers import unzip
    import hashlib, json

    files = unzip(package)
    m = manifest(package)
    assert m["case_id"] == "QS-WP-2026-001" and m["generator"]["name"] == "wenping"
    assert m["risk"]["initial"] == {"index": 0.374, "level": "中风险"} and [w["path"] for w in m["warnings"]] == ["report.findings"]
    for entry in m["files"]:
        assert hashlib.sha256(files[entry["file"]]).hexdigest() == entry["sha256"]
    assert hashlib.sha256(files["case.json"]).hexdigest() == m["input_sha256"]
    assert json.loads(files["case.json"])["matter"] == sample_data["matter"]


def test_survey_is_reported_per_question_as_the_case_marks_it(sample_data):
    """A closure's terms answered 认可 / 基本认可 / 不认可: the question is quoted with all three counts; support is
    what the case marks as support, no opposition count is invented from an option's wording, and a question with
    no support options claims none."""
    case = copy.deepcopy(sample_data)
    case["consultation"]["survey"]["questions"] = [
        {"text": "您是否认可企业关停的补偿方案（可多选）", "multiple": True,
         "support_answers": ["认可", "基本认可"], "answers": {"认可": 300, "基本认可": 200, "不认可": 78}},
        {"text": "您的主要顾虑", "answers": {"安置": 400, "其他": 178}},
    ]
    text = text_of(by_kind(generate(case).data, "report")[0])
    assert ("1.对“您是否认可企业关停的补偿方案（可多选）”一题，选择“认可”的300人，占51.90%；选择“基本认可”的200人，"
            "占34.60%；选择“不认可”的78人，占13.49%。其中选择“认可”“基本认可”的合计500人，认可率86.51%。") in text
    assert "（多选）" not in text and "不支持的" not in text and "的0人" not in text
    assert "2.对“您的主要顾虑”一题，选择“安置”的400人，占69.20%；选择“其他”的178人，占30.80%。" in text
    summary = text_of(by_kind(generate(case).data, "summary")[0])
    assert "对“您是否认可企业关停的补偿方案（可多选）”选择“认可”“基本认可”的占86.51%" in summary
