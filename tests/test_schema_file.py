"""The schema itself: a valid draft 2020-12 schema, authoring help on every field."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from jsonschema import Draft202012Validator

from caseforge.schema import SCHEMA_ID, case_schema, declared_properties
from caseforge.source import loads
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


# Authoring help in editors: Markdown descriptions, snippets, the VS Code settings.

# Keywords whose values are instances (examples, allowed values, snippets), not schemas.
_INSTANCES = ("examples", "enum", "const", "default", "defaultSnippets")


def _schemas(node: Any = None, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema within the case schema, with its JSON pointer."""
    node = case_schema() if node is None else node
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in _INSTANCES:
                yield from _schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schemas(value, f"{path}/{index}")


def _definition(reference: str) -> dict[str, Any]:
    return case_schema()["$defs"][reference.removeprefix("#/$defs/")]


def _shows_markdown(schema: dict[str, Any]) -> bool:
    """Whether an editor would show a `markdownDescription` for this schema,
    its own or, when it has no description of its own, that of what it refers to."""
    while "markdownDescription" not in schema and "description" not in schema and "$ref" in schema:
        schema = _definition(schema["$ref"])
    return "markdownDescription" in schema


def test_markdown_descriptions_only_repeat_a_description() -> None:
    for path, schema in _schemas():
        if "markdownDescription" in schema:
            assert schema["markdownDescription"] == schema.get("description"), path


def test_descriptions_with_code_have_a_markdown_description_and_are_not_hidden_by_one() -> None:
    """Editors show `markdownDescription` before `description`, and the YAML
    language server copies into a schema the keys it lacks from the
    definition it refers to. So a field with its own plain description that
    refers to a definition with a Markdown one (`abstract.case` and
    `element`) needs its own, or the editor shows the definition's."""
    for path, schema in _schemas():
        if "`" in schema.get("description", ""):
            assert "markdownDescription" in schema, path
        if "description" in schema and "$ref" in schema and _shows_markdown(_definition(schema["$ref"])):
            assert "markdownDescription" in schema, path


_TAB_STOP = re.compile(r"\$\{(\d+):([^}$]*)\}")


def _filled(value: Any, defaults: dict[str, str]) -> Any:
    """A snippet's body as the case reads once the author accepts each
    default: the editor writes every string unquoted (a leading `^` marks a
    number for editors that would quote it), so each is read back as YAML."""
    if isinstance(value, dict):
        return {key: _filled(item, defaults) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, defaults) for item in value]
    if not isinstance(value, str):
        return value
    for number, default in _TAB_STOP.findall(value):
        assert defaults.setdefault(number, default) == default, f"tab stop {number} has two defaults"
    text = _TAB_STOP.sub(lambda found: found.group(2), value.removeprefix("^"))
    assert "$" not in text, f"a tab stop without a default: {value}"
    document, problems = loads(f"value: {text}\n".encode("utf-8"), "snippet.yaml")
    assert document is not None, (value, problems)
    return document.data["value"]


def test_every_snippet_is_valid_for_where_it_is_offered() -> None:
    definitions = case_schema()["$defs"]
    seen = 0
    for path, schema in _schemas():
        for snippet in schema.get("defaultSnippets", []):
            assert set(snippet) == {"label", "description", "body"} and snippet["label"] and snippet["description"], (path, snippet)
            body = _filled(snippet["body"], {})
            errors = list(Draft202012Validator({**schema, "$defs": definitions}).iter_errors(body))
            assert errors == [], (path, snippet["label"], [error.message for error in errors])
            seen += 1
    assert seen >= 8


def test_snippets_cover_what_authors_add_most() -> None:
    offered = {name for name, definition in case_schema()["$defs"].items() if definition.get("defaultSnippets")}
    assert {"event", "test", "intervention", "quantity", "adverse_event", "reference", "not_documented"} <= offered
    labels = [snippet["label"] for snippet in _definition("intervention")["defaultSnippets"]]
    assert labels == ["drug", "operation"]
    drug = _definition("intervention")["defaultSnippets"][0]["body"]
    assert {"dose", "route", "frequency"} <= set(drug)  # CARE 9b
    laboratory = _definition("test")["defaultSnippets"][0]["body"]
    assert {"result", "reference_range", "time"} <= set(laboratory)  # CARE 8a


def test_vs_code_maps_the_cases_to_the_schema_and_recommends_the_yaml_extension() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text())
    ((schema, globs),) = settings["yaml.schemas"].items()
    assert (REPO / schema).resolve() == (REPO / "caseforge" / "data" / "case.schema.json").resolve()
    assert sorted(globs) == ["cases/**/*.yaml", "cases/**/*.yml"]
    assert settings["[yaml]"]["editor.tabSize"] == 2 and settings["[yaml]"]["editor.insertSpaces"] is True
    extensions = json.loads((REPO / ".vscode" / "extensions.json").read_text())
    assert extensions["recommendations"] == ["redhat.vscode-yaml"]
