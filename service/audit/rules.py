"""The GB/T 9704-2012 figures a 维稳办 reviewer checks, and the text rules shared by the .docx and .pdf readers.

Figures: A4 (210 × 297 mm); 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines × 28 characters; body 3号仿宋
(16 pt), title 2号小标宋 (22 pt); page numbers 4号 "— n —" 7 mm below the 版心, odd pages right and even pages
left, one character in. Tolerances are the standard's ±1 mm where it gives one, and what measuring printed
glyphs (not the layout boxes) needs elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

import rjieba

MM = 72 / 25.4  # points per millimetre

PAPER = (210.0, 297.0)
PAPER_TOLERANCE = 1.0
TOP, LEFT = 37.0, 28.0
AREA_WIDTH, AREA_HEIGHT = 156.0, 225.0
MARGIN_TOLERANCE = 1.5
LINES, CHARS = 22, 28
BODY_SIZE, TITLE_SIZE, PAGE_NUMBER_SIZE = 16.0, 22.0, 14.0
SIZE_TOLERANCE = 0.3

# Chinese size names, for messages.
SIZE_NAMES = {42.0: "初号", 26.0: "一号", 22.0: "二号", 16.0: "三号", 15.0: "小三", 14.0: "四号", 12.0: "小四",
              10.5: "五号", 9.0: "小五"}

# Face names (PDF PostScript names or Word family names) that are a 仿宋 / a 小标宋, installed or our substitutes.
FANGSONG = re.compile(r"fangsong|fandolfang|仿宋|fzfs|simfang|stfangsong", re.I)
XIAOBIAOSONG = re.compile(r"xiaobiaosong|小标宋|fzxbs|notoserifcjk\w*-(bold|black|heavy)|sourcehanserif\w*-(bold|heavy)"
                          r"|noto serif cjk sc( bold| black)?$|fandolsong-bold", re.I)

# Bullet glyphs, including the Symbol / Wingdings private-use code points Word's bullet lists print as.
BULLETS = "•●◆◇▪▫■□○◦‣⁃∙·►▶➢➤✓✔\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf06c\uf06e\uf0a8"
_BULLET_START = re.compile(rf"^\s*([{BULLETS}]|[-*+]\s)")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_HALF_WIDTH = re.compile(rf"(?<=[{_CJK}])[,;:?!()]|[,;:?!()](?=[{_CJK}])")
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
PAGE_NUMBER = re.compile(r"^\s*—\s*(\d+)\s*—\s*$")
PAGE_NUMBER_LIKE = re.compile(r"^\s*(?:[-–—－]+\s*\d+\s*[-–—－]+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$")
DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


RULE_NAMES = {
    "paper": "纸张", "type-area": "版心", "lines-per-page": "每页行数", "chars-per-line": "每行字数",
    "body-size": "正文字号", "body-face": "正文字体", "title-size": "标题字号", "title-face": "标题字体",
    "title-shape": "标题排列", "title-break": "标题断词", "page-number": "页码", "bullet": "项目符号",
    "signature-alone": "署名单独成页", "half-width-punctuation": "半角标点",
}


@dataclass(frozen=True)
class Finding:
    page: Optional[int]
    rule: str
    message: str

    def as_dict(self) -> dict:
        return {"page": self.page, "rule": self.rule, "message": self.message}


def size_name(points: float) -> str:
    for size, name in SIZE_NAMES.items():
        if abs(points - size) <= SIZE_TOLERANCE:
            return f"{name}（{points:g} 磅）"
    return f"{points:.1f} 磅"


def near(value: float, expected: float, tolerance: float) -> bool:
    return abs(value - expected) <= tolerance


def bullet_in(text: str) -> Optional[str]:
    """The bullet a line starts with, if it does."""
    match = _BULLET_START.match(text)
    return match.group(1).strip() if match else None


def half_width_marks(text: str) -> list[str]:
    """Each half-width mark beside a Chinese character, with a little context: 「村(社」."""
    found = []
    for match in _HALF_WIDTH.finditer(text):
        start, end = max(0, match.start() - 3), min(len(text), match.end() + 3)
        found.append(f"「{text[start:end]}」中的“{match.group()}”应为“{_FULL_WIDTH[match.group()]}”")
    return found


def broken_words(lines: Iterable[str]) -> list[str]:
    """Words a title splits between its lines, as 「方/案」, found with a Chinese word segmenter."""
    parts = [line.strip() for line in lines if line.strip()]
    if len(parts) < 2:
        return []
    joined = "".join(parts)
    word_edges, at = {0}, 0
    for word in rjieba.cut(joined):
        at += len(word)
        word_edges.add(at)
    broken, at = [], 0
    for part in parts[:-1]:
        at += len(part)
        if at not in word_edges:
            start = max(e for e in word_edges if e < at)
            end = min(e for e in word_edges if e > at)
            broken.append(f"{joined[start:at]}/{joined[at:end]}")
    return broken


def unbalanced(lines: list[str]) -> bool:
    """A title whose shortest line is under 40 % of its longest: neither a trapezoid nor a diamond."""
    lengths = [len(line.strip()) for line in lines if line.strip()]
    return len(lengths) > 1 and min(lengths) < 0.4 * max(lengths)


def signature_only(lines: list[str]) -> bool:
    """A page whose text is only a signature and its date (GB/T 9704 §7.3.5.5 asks to tighten instead)."""
    text = [line.strip() for line in lines if line.strip()]
    if not text or len(text) > 3 or not any(DATE.search(line) for line in text):
        return False
    if any("印发" in line or "抄送" in line for line in text):
        return False  # the 版记 page
    return all(len(line) <= 30 for line in text)
