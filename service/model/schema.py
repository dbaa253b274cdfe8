"""JSON Schemas generated from the models (the models are the contract).

Gives ``case_schema()``; ``schemas/case.schema.json`` is its committed copy,
kept fresh by a test and by ``wenping schema > schemas/case.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from service.model.case import Case

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def case_schema() -> dict[str, Any]:
    schema = Case.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": "https://wenping.local/schemas/case.schema.json", **schema}


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
