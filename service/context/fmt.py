"""How numbers, dates and periods are written in the documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Optional


__all__ = ["cn_date", "period", "percent", "number", "index4", "joined", "counted", "CN_DIGITS", "cn_number"]

CN_DIGITS = "零一二三四五六七八九"


def cn_date(value) -> str:
    """2026-04-10 → 2026年4月10日 (Arabic numerals, no leading zeros)."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 101 → 一百零一, 110 → 一百一十 (for 第一次, 一是, ordinal headings).

    Beyond 999 (no list of the case is that long) the Arabic number itself.
    """
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if not rest:
            tail = ""
        elif rest < 10:
            tail = "零" + CN_DIGITS[rest]
        else:
            tail = ("一" if rest < 20 else "") + cn_number(rest)
        return CN_DIGITS[hundreds] + "百" + tail
    return str(n)


def period(start: date, end: date) -> str:
    """2026年3月9日至3月18日; a single day prints once."""
    if start == end:
        return cn_date(start)
    if start.year == end.year:
        tail = f"{end.month}月{end.day}日" if start.month != end.month else f"{end.day}日"
        return f"{cn_date(start)}至{tail}"
    return f"{cn_date(start)}至{cn_date(end)}"


def percent(part: int, whole: int) -> Optional[str]:
    """97.33% (two decimals); None when the whole is zero."""
    if not whole:
        return None
    return f"{part * 100 / whole:.2f}%"


def number(value) -> str:
    """2680 → 2680; 2680.5 → 2680.5 (no trailing .0); 1e-07 → 0.0000001 (never an exponent).

    A float prints as the shortest decimal that reads back as the same float (its repr),
    written out in full.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return f"{value}"


def index4(value: float) -> str:
    return f"{value:.4f}"


def joined(items: Iterable[str], sep: str = "、") -> str:
    """Items joined with ``sep``; no 顿号 between items that stand in 《》 or “” (GB/T 15834 §4.5.3.5):
    「《土地管理法》《农村土地承包法》」."""
    result = ""
    for item in items:
        if result and not (sep == "、" and _closes_quote(result) and _opens_quote(item)):
            result += sep
        result += item
    return result


def _closes_quote(text: str) -> bool:
    return text.endswith(("》", "”"))


def _opens_quote(text: str) -> bool:
    return text.startswith(("《", "“"))


def counted(counter: Mapping[str, int], order: Iterable[str], unit: str) -> Optional[str]:
    """「座谈会2次、听证会1次」: each key with its count, in ``order``, leaving out those with none."""
    return joined(f"{k}{counter[k]}{unit}" for k in order if counter[k]) or None
