"""Will the 报备表 fit its one page? The form's layout choices, and the warning when nothing fits.

A 报备表 is one page: the 维稳办 files it as a single sheet, sealed in four places (评估单位, 决策部门, 本级维稳办,
上级维稳办), each seal cell 42 mm high, a town seal's size. What is left of the 225 mm 版心 holds the case's text. This module
estimates, from the case alone, how many lines each cell takes and picks the first layout that fits:

1. the whole 事项概况 in 小四;
2. the 事项概况's first paragraph (its overview; the rest is in the plan and the report) in 小四;
3. the whole 事项概况, then its first paragraph, in 五号 in the text cells;
4. the first paragraph in 五号, the risks without their 风险值 and the measures without their owners (both are in the
   report and the 维稳方案 of the same package).

When even the last does not fit, ``validate`` warns, naming the fields to shorten. The figures below mirror
``doc_templates/default/filing_form.docx`` (twips: 1/20 pt); a template set with another form layout keeps its
own size and only the warning's estimate is off.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Optional

from service.model.case import Case

# The page: A4 less the GB/T 9704 margins (37 mm top, 35 mm bottom), in twips.
TEXT_HEIGHT = 16838 - 2098 - 1984
# Above and below the text cells: the title (one 2号 line), the two header lines, the two seal rows (42 mm
# each) and the rows' borders. The line count below is rough (it counts a short last line as whole, it misses
# a numbered item's hanging indent and the punctuation rules); CALIBRATION is set from LibreOffice's layout of
# the examples under every layout (tests/test_filing_form.py): with it every layout the estimate accepts printed
# on one page, the closest by 126 twips.
CALIBRATION = -100
FIXED_HEIGHT = (579 + 60) + 2 * 360 + 2 * 2381 + 11 * 15 + CALIBRATION
TEXT_CELL_WIDTH = 8845 - 1361 - 2 * 85  # the text column less its cell margins
NARROW_CELL_WIDTH = 4422 - 1361 - 2 * 85  # 责任主体 / 事项名称's value

# (character width, line height) of the form's two text sizes; characters are 0.25 pt closer (the style's spacing).
XIAOSI = (240 - 5, 300)
WUHAO = (210 - 5, 252)

# Short sentences the template prints around the case's words, in characters.
INVESTMENT_SENTENCE = 14  # 「总投资2680万元。」
AFFECTED_SENTENCE = 16  # 「涉及…3个村812户3146人。」 less the villages
RISK_SUFFIX = 14  # 「1.」 and 「（风险值0.49，较大）；」
BRIEF_RISK_SUFFIX = 6  # 「1.」 and 「（较大）；」
MEASURE_SUFFIX = 4  # 「1.」 and the owner's brackets
LEVELS_SENTENCE = 56
ADVICE_SENTENCE = 30
DECISION_SENTENCE = 26


@dataclass(frozen=True)
class FormLayout:
    """How the 报备表 lays out this case: the whole 事项概况 or its overview, and the text size of long cells."""

    whole_overview: bool
    compact: bool
    brief: bool
    fits: bool


# The layouts, in the order they are tried (the module's docstring): the whole 事项概况 or its first paragraph,
# 小四 or 五号, full or brief.
LAYOUTS = tuple(
    FormLayout(whole_overview=whole, compact=compact, brief=brief, fits=True)
    for whole, compact, brief in ((True, False, False), (False, False, False), (True, True, False), (False, True, False),
                                  (False, True, True))
)


def chars(n: int) -> str:
    """A stand-in for ``n`` characters of the template's own words."""
    return "字" * n


def width(text: str) -> float:
    """Characters a text takes on a line: a Chinese character 1, a Latin letter or digit half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def lines(texts: Iterable[str], size: tuple[int, int], cell: int = TEXT_CELL_WIDTH) -> int:
    per_line = cell // size[0]
    return sum(max(1, math.ceil(width(t) / per_line)) for t in texts)


def paragraphs(markdown: Optional[str]) -> list[str]:
    """The lines a Markdown text starts: its paragraphs and list items, markup removed."""
    if not markdown:
        return []
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", markdown.strip())
    return [re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+|[*_`#>]", "", b).strip() for b in blocks if b.strip()]


def overview(markdown: str) -> str:
    """The 事项概况's first paragraph: the overview a form has room for."""
    return re.split(r"\n\s*\n", markdown.strip(), maxsplit=1)[0]


def fixed_lines_height(case: Case) -> int:
    """The cells printed in 小四 whatever the layout."""
    rows = lines([case.matter.name, case.authority.name], XIAOSI, NARROW_CELL_WIDTH) + 1  # and the contact
    return rows * XIAOSI[1]


def room(case: Case) -> int:
    """The height (twips) the page leaves to the text cells that change with the layout."""
    return TEXT_HEIGHT - FIXED_HEIGHT - fixed_lines_height(case)


def text_cells_height(case: Case, layout: FormLayout) -> int:
    size = WUHAO if layout.compact else XIAOSI
    summary = case.matter.summary if layout.whole_overview else overview(case.matter.summary)
    texts = paragraphs(summary)
    affected = case.matter.affected
    if case.matter.investment_wan_yuan is not None or affected is not None:
        areas = "、".join(affected.areas) if affected else ""
        texts.append(chars(INVESTMENT_SENTENCE) + areas + (chars(AFFECTED_SENTENCE) if affected else ""))
    risks = case.risks or []
    texts.append("".join(r.name + chars(BRIEF_RISK_SUFFIX if layout.brief else RISK_SUFFIX) for r in risks))
    texts.append("".join(m.action + ("" if layout.brief else m.owner_unit) + chars(MEASURE_SUFFIX)
                         for r in risks for m in r.measures))
    texts.append(chars(LEVELS_SENTENCE))
    texts += paragraphs(case.report.conclusion if case.report else None)
    texts.append(chars(ADVICE_SENTENCE))
    decision = case.filing.decision if case.filing else None
    texts.append(chars(DECISION_SENTENCE) + ((decision.content or "") if decision else ""))
    return lines(texts, size) * size[1]


def filing_form_layout(case: Case) -> FormLayout:
    """The first of the form's layouts that fits one page (the last one, marked not fitting, when none does)."""
    left = room(case)
    for layout in LAYOUTS:
        if text_cells_height(case, layout) <= left:
            return layout
    return replace(LAYOUTS[-1], fits=False)


def filing_form_fits(case: Case) -> Iterator["tuple[str, str]"]:
    """A warning (path, message) when the 报备表 would run past its page even in its most compact layout."""
    if case.filing is None or filing_form_layout(case).fits:
        return
    yield (
        "matter.summary",
        "报备表预计超过一页：请精简事项概况的第一段（报备表只印这一段）、风险名称或措施（risks[].measures[].action），"
        "或评估结论（report.conclusion）",
    )
