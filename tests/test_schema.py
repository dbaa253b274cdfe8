"""The committed JSON Schema is generated from the models and accepts the example."""

from __future__ import annotations

import json

import jsonschema

from service.model.schema import case_schema, dumps

from .conftest import ROOT


def test_committed_schema_is_fresh():
    committed = (ROOT / "schemas" / "case.schema.json").read_text("utf-8")
    assert committed == dumps(case_schema()), "schemas/case.schema.json is stale: run `make schema`"


def case_examples() -> dict[str, dict]:
    """Every case example by file name (the period example has no case_id)."""
    found = {p.name: json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "schemas" / "examples").glob("*.json"))}
    return {name: data for name, data in found.items() if "case_id" in data}


def test_schema_accepts_examples():
    """The schema describes the current format: every 2.0 example passes it. The canonical sample stays 1.0
    (it is upgraded on input, tests/test_upgrade.py), so it is the one example the schema need not accept."""
    schema = case_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    examples = case_examples()
    current = {name: data for name, data in examples.items() if data["schema_version"] == "2.0"}
    assert set(examples) - set(current) == {"sample-case.json"}
    assert {"land-consolidation.json", "waste-transfer-station.json", "sewage-plant.json", "factory-closure.json"} <= set(current)
    for name, data in current.items():
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert not errors, (name, errors)
    # the canonical sample (1.0) is described by the frozen 1.0 schema, and upgraded on input
    frozen_1_0 = json.loads((ROOT / "schemas" / "case-1.0.schema.json").read_text("utf-8"))
    jsonschema.validate(examples["sample-case.json"], frozen_1_0)


def test_schema_rejects_unknown_field(sample_data):
    bad = dict(sample_data, unknown=1)
    assert list(jsonschema.Draft202012Validator(case_schema()).iter_errors(bad))


def test_schema_is_chinese():
    schema = case_schema()
    assert schema["title"] == "稳评案卷"
    assert schema["properties"]["matter"]["title"] == "评估事项"
