"""公文 elements drawn from each document's issuing data, and left out cleanly when the case gives none."""

from __future__ import annotations

import copy

import pytest

from service.generate import generate
from service.model.upgrade import upgrade

from .helpers import by_kind, paragraphs, text_of


@pytest.fixture(scope="module")
def issued(sample_data) -> bytes:
    case, _ = upgrade(copy.deepcopy(sample_data))
    case["plan"]["issuing"].update({"to": ["各村（社区）", "镇直各单位"], "cc": ["江城市维稳办"], "printed_by": "青石镇党政办公室"})
    case["report"]["issuing"] = {"number": "青稳评〔2026〕2号", "attachments": ["问卷调查统计表", "听证会纪要"], "contact": "P09"}
    case["summary"]["issuing"] = {"number": "青政报〔2026〕9号", "signer": "P03"}
    case["consultation"]["meetings"][1]["minutes_number"] = "第3期"
    return generate(case).data


@pytest.fixture(scope="module")
def plain(sample_data) -> bytes:
    case, _ = upgrade(copy.deepcopy(sample_data))
    del case["plan"]["issuing"]
    return generate(case).data


def lines(document) -> list[str]:
    return [p.text for p in paragraphs(document) if p.text.strip()]


def test_plan_has_its_header_addressees_and_record(issued):
    text = lines(by_kind(issued, "plan")[0])
    assert text[:2] == ["青石镇人民政府文件", "青政办〔2026〕15号"]
    assert "各村（社区）、镇直各单位：" in text
    assert "抄送：江城市维稳办。" in text
    assert any(t.startswith("青石镇党政办公室") and t.endswith("2026年3月2日印发") for t in text)
    assert not any(t == "（青政办〔2026〕15号）" for t in text)  # the number is in the header, not under the title


def test_upward_papers_name_their_signer_and_contact(issued):
    report = lines(by_kind(issued, "report")[0])
    assert report[1].startswith("青稳评〔2026〕2号") and report[1].endswith("签发人：王建国")  # the leader by default
    assert "江城市维稳办：" in report  # 主送: the filing office by default
    assert "附件：1. 问卷调查统计表" in report and "　　　2. 听证会纪要" in report
    assert "（联系人：黄小燕）" in report  # 黄小燕 has no telephone: none is printed
    summary = lines(by_kind(issued, "summary")[0])
    assert summary[1].endswith("签发人：刘志强")
    assert "（联系人：陈立新，联系电话：0771-5821234）" in summary


def test_minutes_mark_and_number_only_when_numbered(issued):
    first, second = by_kind(issued, "minutes")
    assert lines(second)[:2] == ["青石镇人民政府会议纪要", "第3期"]
    assert "会议纪要" not in lines(first)[0]


def test_without_a_number_no_header_and_no_record(plain):
    for kind in ("plan", "stability_plan"):
        text = text_of(by_kind(plain, kind)[0])
        assert "文件\n" not in text and "印发" not in text.replace("印发给", "") and "抄送" not in text
    report = lines(by_kind(plain, "report")[0])
    assert "签发人" not in " ".join(report) and "附件：" not in " ".join(report)
