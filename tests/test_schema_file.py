"""The schema itself: a valid draft 2020-12 schema, authoring help on every field."""

from __future__ import annotations

import json
from typing import Any, Iterator

from jsonschema import Draft202012Validator

from caseforge.schema import SCHEMA_ID, case_schema, declared_properties
from helpers import REPO


def test_schema_is_a_valid_draft_2020_12_schema_with_a_stable_id() -> None:
    schema = case_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID


def test_every_field_has_a_description_for_editors() -> None:
    definitions = case_schema()["$defs"]
    undocumented = [
        name
        for name, prop in declared_properties()
        if "description" not in prop
        and "description" not in definitions.get(prop.get("$ref", "").removeprefix("#/$defs/"), {})
    ]
    assert undocumented == []


def test_unknown_keys_are_refused_everywhere() -> None:
    def visit(node: Any, path: str = "") -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") == "object" and node.get("additionalProperties") is not False:
                yield path
            for key, value in node.items():
                yield from visit(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from visit(value, f"{path}/{index}")

    assert list(visit(case_schema())) == []


def test_every_example_in_the_schema_is_valid_for_its_field() -> None:
    validator = Draft202012Validator(case_schema())
    for name, definition in case_schema()["$defs"].items():
        for example in definition.get("examples", []):
            errors = list(validator.evolve(schema={"$ref": f"#/$defs/{name}", "$defs": case_schema()["$defs"]}).iter_errors(example))
            assert errors == [], (name, example)


def test_repository_schema_is_the_packaged_schema() -> None:
    assert json.loads((REPO / "schema" / "case.schema.json").read_text()) == case_schema()
