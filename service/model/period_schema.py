"""The JSON Schema of PERIOD.json, generated from ``service.model.period`` (the model is the contract).

Gives ``period_schema()``; ``schemas/period.schema.json`` is its committed copy,
kept fresh by a test and by ``python -m service.model.period_schema > schemas/period.schema.json``.
The case schema is embedded (``$defs/Case``), so the file stands alone.
"""

from __future__ import annotations

from typing import Any

from service.model.schema import SCHEMA_DIALECT, case_schema, dumps
from service.model.period import CASE_DEF, CASE_PLACEHOLDER, PeriodReport

PERIOD_SCHEMA_ID = "https://wenping.local/schemas/period.schema.json"


class SchemaConflict(RuntimeError):
    """The period model and the case model define a same-named schema differently."""


def period_schema() -> dict[str, Any]:
    schema = PeriodReport.model_json_schema(mode="validation")
    case = {k: v for k, v in case_schema().items() if k not in ("$schema", "$id")}
    defs = dict(schema.get("$defs", {}))
    for name, definition in case.pop("$defs", {}).items():
        if name in defs and defs[name] != definition:
            raise SchemaConflict(f"$defs/{name} differs between the period and the case model")
        defs[name] = definition
    if CASE_DEF in defs:
        raise SchemaConflict(f"$defs/{CASE_DEF} is taken")
    defs[CASE_DEF] = case
    schema["$defs"] = dict(sorted(defs.items()))
    return {"$schema": SCHEMA_DIALECT, "$id": PERIOD_SCHEMA_ID, **_with_case_refs(schema)}


def _with_case_refs(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get(CASE_PLACEHOLDER) is True:
            return {"$ref": f"#/$defs/{CASE_DEF}"}
        return {k: _with_case_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_case_refs(v) for v in node]
    return node


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(dumps(period_schema()))
