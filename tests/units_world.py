"""Two towns and a county on one register: their keys, their cases (helpers of the units tests)."""

from __future__ import annotations

import copy
import io
import json
import re

import docx
from sqlalchemy import text

TOWN_A, TOWN_B, COUNTY = "青石镇", "河桥镇", "江城县"
CASE_A, CASE_B = "QS-WP-2026-001", "HQ-WP-2026-001"
PROBLEM = "application/problem+json"


def town_b_case(sample: dict) -> dict:
    """The sample as another town's case: its own id, authority and matter."""
    case = copy.deepcopy(sample)
    case["case_id"] = CASE_B
    case["authority"]["name"] = "河桥镇人民政府"
    case["authority"]["party_committee"] = "中共河桥镇委员会"
    case["matter"]["name"] = "河桥镇集贸市场改造项目"
    return case


def body(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def reported_count(text_of_report: str) -> int:
    """The number of matters the period report states (「开展稳评的N个事项中」)."""
    return int(re.search(r"开展稳评的(\d+)个事项中", text_of_report).group(1))


FILED_IN_PERIOD = (
    "SELECT COUNT(DISTINCT c.id) FROM cases c"
    " JOIN case_versions v ON v.case_pk = c.id JOIN packages p ON p.version_pk = v.id"
    " WHERE p.filed_on BETWEEN :start AND :end"
)


def count_filed(engine, start: str, end: str, unit: str | None = None) -> int:
    """The register's count of cases filed in the period, by a direct SQL query (not the Register API)."""
    from datetime import date

    query = FILED_IN_PERIOD + (" AND c.unit = :unit" if unit else "")
    params = {"start": date.fromisoformat(start), "end": date.fromisoformat(end), **({"unit": unit} if unit else {})}
    with engine.connect() as connection:
        return connection.execute(text(query), params).scalar_one()
