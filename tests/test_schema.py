"""The committed JSON Schema is generated from the models and accepts the example."""

from __future__ import annotations

import json

import jsonschema

from service.model.schema import case_schema, dumps

from .conftest import ROOT


def test_committed_schema_is_fresh():
    committed = (ROOT / "schemas" / "case.schema.json").read_text("utf-8")
    assert committed == dumps(case_schema()), "schemas/case.schema.json is stale: run `make schema`"


def test_schema_accepts_examples():
    schema = case_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    frozen_1_0 = json.loads((ROOT / "schemas" / "case-1.0.schema.json").read_text("utf-8"))
    examples = [p for p in (ROOT / "schemas" / "examples").glob("*.json") if not p.name.startswith("period")]
    assert examples
    for example in examples:
        data = json.loads(example.read_text("utf-8"))
        # 1.0 cases (the canonical sample) are described by the frozen 1.0 schema and upgraded on input
        jsonschema.validate(data, frozen_1_0 if data["schema_version"] == "1.0" else schema)


def test_schema_rejects_unknown_field(sample_data):
    bad = dict(sample_data, unknown=1)
    assert list(jsonschema.Draft202012Validator(case_schema()).iter_errors(bad))


def test_schema_is_chinese():
    schema = case_schema()
    assert schema["title"] == "稳评案卷"
    assert schema["properties"]["matter"]["title"] == "评估事项"
