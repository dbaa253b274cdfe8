"""The risk model's tables in docs/case.md §5, written from the default risk profile.

The numbers live in ``default_profile.toml`` alone: ``make schema`` (``python -m service.risk.docs docs/case.md``)
rewrites the tables between the ``<!-- risk:… -->`` markers, and a test fails when they are stale, so changing a
threshold is a change to the profile, never to the documentation as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

from service.risk.profile import DEFAULT_PROFILE, RiskProfile, load_profile

MARKERS = {
    "grades": ("<!-- risk:grades:start -->", "<!-- risk:grades:end -->"),
    "degrees": ("<!-- risk:degrees:start -->", "<!-- risk:degrees:end -->"),
    "levels": ("<!-- risk:levels:start -->", "<!-- risk:levels:end -->"),
    "advice": ("<!-- risk:advice:start -->", "<!-- risk:advice:end -->"),
}


def _number(value: float) -> str:
    return f"{value:g}"


def _row_table(head: str, labels: list[str], second: str, values: list[str]) -> str:
    return "\n".join([
        f"| {head} | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
        f"| {second} | " + " | ".join(values) + " |",
    ])


def tables(profile: RiskProfile) -> dict[str, str]:
    """Markdown for each marked block, from ``profile``."""
    grades = "\n\n".join([
        _row_table("发生概率 `probability`", list(profile.probability), "P", [_number(v) for v in profile.probability.values()]),
        _row_table("影响程度 `impact`", list(profile.impact), "I", [_number(v) for v in profile.impact.values()]),
    ])
    degrees = _row_table("R ≥", [_number(d.min) for d in profile.degree], "degree", [d.name for d in profile.degree])
    levels = _row_table("index ≥", [_number(lv.min) for lv in profile.level], "level", [lv.name for lv in profile.level])
    advice = "\n".join(
        ["| level | advice | in full |", "|---|---|---|"]
        + [f"| {lv.name} | {lv.advice} | {lv.advice_detail} |" for lv in reversed(profile.level)]
    )
    return {"grades": grades, "degrees": degrees, "levels": levels, "advice": advice}


def with_tables(text: str, profile: RiskProfile) -> str:
    """``text`` with every marked block replaced by the table generated from ``profile``."""
    for key, body in tables(profile).items():
        start, end = MARKERS[key]
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{body}\n{end}{tail}"
    return text


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.write_text(with_tables(target.read_text("utf-8"), load_profile(DEFAULT_PROFILE)), "utf-8")
