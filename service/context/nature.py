"""The words a matter's nature calls for: a road is 开工, a factory closure is 实施关停, a reform is 实施."""

from __future__ import annotations

from dataclasses import dataclass

from service.model import case as m


@dataclass(frozen=True)
class NatureWords:
    nature: str
    start_verb: str
    scale_label: str
    duration_label: str
    investment_label: str  # a closure or reform has no 投资: it needs money for compensation and settlement
    planned_investment_label: str


WORDS = {
    "工程建设": NatureWords("工程建设", "开工", "建设规模", "建设期", "总投资", "计划总投资"),
    "关停搬迁": NatureWords("关停搬迁", "实施关停", "实施规模", "实施期", "所需资金", "所需资金"),
    "改革调整": NatureWords("改革调整", "实施", "实施规模", "实施期", "所需资金", "所需资金"),
    "其他": NatureWords("其他", "实施", "实施规模", "实施期", "总投资", "计划总投资"),
}

# When the case does not say, the nature is read from the category and the name, most specific first:
# 「化工厂关停搬迁工程」 is a closure, not a construction.
CLUES = (
    ("关停搬迁", ("关停", "关闭", "搬迁", "拆迁", "转产", "停产", "退出")),
    ("改革调整", ("改革", "改制", "政策", "调整", "标准")),
    ("工程建设", ("工程", "建设", "项目", "整理", "整治", "设施", "场", "厂", "站", "道路")),
)


def nature_of(matter: m.Matter) -> str:
    if matter.nature:
        return matter.nature
    text = f"{matter.category or ''}{matter.name}"
    return next((nature for nature, clues in CLUES if any(c in text for c in clues)), "其他")


def nature_words(matter: m.Matter) -> NatureWords:
    return WORDS[nature_of(matter)]
