"""The structure check: a case against the JSON Schema, worded for clinicians.

Valid files are the common case and take the fast path: jsonschema-rs, a
compiled validator, answers yes or no in well under a millisecond. Only a
file that fails is checked again with the reference implementation
(python-jsonschema), whose errors carry everything needed to explain them,
and whose ``best_match`` picks the most relevant failure of a ``oneOf``.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any, Iterable

from caseforge.diagnostics import Diagnostic, make
from caseforge.source import Document, escape_pointer_token

SCHEMA_ID = "https://caseforge.dev/schema/case/v1.json"


@cache
def case_schema() -> dict[str, Any]:
    """The case format's JSON Schema, as shipped inside the package."""
    text = files("caseforge").joinpath("data", "case.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(case_schema())


@cache
def _full_validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(case_schema())


def check(document: Document) -> list[Diagnostic]:
    """Diagnostics for every way the document breaks the case format."""
    if _fast_validator().is_valid(document.data):
        return []
    from jsonschema.exceptions import best_match

    found: list[Diagnostic] = []
    for error in _full_validator().iter_errors(document.data):
        if error.context:
            error = best_match([error])
        found.extend(_explain(error, document))
    if not found:  # the two validators disagree: still never pass silently
        message = next(iter(_fast_validator().iter_errors(document.data))).message
        found.append(make("CF299", document.path, message, line=1, column=1))
    return _unique(found)


def _unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: dict[tuple[object, ...], Diagnostic] = {}
    for item in diagnostics:
        seen.setdefault((item.code, item.pointer, item.message), item)
    return sorted(seen.values(), key=Diagnostic.sort_key)


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + escape_pointer_token(str(part)) for part in parts)


def where(parts: Iterable[Any]) -> str:
    """A path as an author reads it: ``timeline[3].time``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the case"


def _explain(error: Any, document: Document) -> list[Diagnostic]:
    parts = list(error.absolute_path)
    pointer = _pointer(parts)
    field = where(parts)
    keyword = error.validator
    line, column = document.position(pointer)

    def diag(code: str, message: str, hint: str | None = None, at: str | None = None) -> Diagnostic:
        target = pointer if at is None else at
        ln, col = (line, column) if at is None else document.key_position(at)
        return make(code, document.path, message, hint=hint, pointer=target, line=ln, column=col)

    if keyword == "required":
        return [
            diag("CF201", f"`{field}` is missing `{name}`.", _about(error.schema, name), at=pointer)
            for name in error.validator_value
            if isinstance(error.instance, dict) and name not in error.instance
        ]
    if keyword == "additionalProperties":
        return [
            diag("CF202", f"`{name}` is not a field of `{field}`.", _unknown_hint(name, error.instance[name], error.schema), at=f"{pointer}/{escape_pointer_token(name)}")
            for name in error.instance
            if name not in error.schema.get("properties", {})
        ]
    if keyword == "dependentRequired":
        return [
            diag("CF208", f"`{field}` has `{have}` but not `{need}`.", _about(error.schema, need))
            for have, needs in error.validator_value.items()
            if have in error.instance
            for need in needs
            if need not in error.instance
        ]
    if keyword in ("enum", "const"):
        return [diag("CF204", *_not_allowed(field, error))]
    if keyword == "type":
        return [diag("CF203", *_wrong_type(field, error))]
    if keyword in ("oneOf", "anyOf") and _only_type_errors(error):
        return [diag("CF203", *_wrong_type(field, _merged_type_error(error)))]
    if keyword == "pattern":
        return [diag("CF205", f"`{field}`: {_show(error.instance)} is not {_noun(error.schema)}.", _pattern_hint(error))]
    if keyword in ("minLength", "minItems", "minProperties", "maxItems", "maxLength"):
        return [diag("CF206", *_wrong_size(field, error))]
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        limit = error.validator_value
        bound = "at least" if keyword.startswith(("min", "exclusiveMin")) else "at most"
        return [diag("CF207", f"`{field}` is {_show(error.instance)}, but must be {bound} {limit}.")]
    return [diag("CF299", f"`{field}`: {error.message}.")]


@cache
def _definitions_by_identity() -> dict[int, str]:
    return {id(schema): name for name, schema in case_schema()["$defs"].items()}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` to its definition (one step is all ours use)."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return case_schema()["$defs"][ref[len("#/$defs/") :]]
    return schema


def _description(schema: dict[str, Any]) -> str:
    text = schema.get("description") or _resolve(schema).get("description", "")
    return text


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text, re.S)
    return (match.group(1) if match else text).strip()


def _about(parent_schema: dict[str, Any], name: str) -> str | None:
    prop = parent_schema.get("properties", {}).get(name)
    if prop is None:
        return None
    text = _first_sentence(_description(prop))
    example = _example(prop)
    if example is not None:
        text = f"{text} Example: `{name}: {example}`" if text else f"Example: `{name}: {example}`"
    return text or None


def _example(schema: dict[str, Any]) -> str | None:
    for candidate in (schema, _resolve(schema)):
        if candidate.get("examples"):
            return _yaml_flow(candidate["examples"][0])
    return None


def _yaml_flow(value: Any) -> str:
    """A value as a one-line YAML flow, as an author would type it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return value if _is_plain(value) else json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


_NOT_TEXT = re.compile(r"[-+]?(\.?[0-9][0-9_.eE+-]*|0x[0-9a-fA-F]+|0o[0-7]+)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~")


def _is_plain(text: str) -> bool:
    """Whether the text can be written without quotes and stay text."""
    return bool(
        re.fullmatch(r"[\w(][\w .()+/*%\[\]-]*", text)
        and not text.endswith(" ")
        and not _NOT_TEXT.fullmatch(text)
    ) or bool(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text))


def _example_hint(schema: dict[str, Any]) -> str | None:
    example = _example(schema)
    return f"Example: {example}" if example else None


def _pattern_hint(error: Any) -> str | None:
    lowered = error.instance.lower().replace(" ", "-")
    if lowered != error.instance and re.fullmatch(error.validator_value, lowered):
        return f"Write it in lower case: `{lowered}`."
    return _example_hint(error.schema)


def _noun(schema: dict[str, Any]) -> str:
    name = _definitions_by_identity().get(id(schema))
    nouns = {
        "date": "an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)",
        "duration": "an ISO 8601 duration (P3D, P2W, P2M, P1Y)",
        "id": "a valid id (lower-case letters, digits, '-', '_' or '.')",
        "ref": "a valid id (lower-case letters, digits, '-', '_' or '.')",
        "doi": "a DOI (10.xxxx/...)",
        "pmid": "a PubMed id (digits only)",
    }
    if name in nouns:
        return nouns[name]
    return "in the required form"


def _unknown_hint(name: str, value: Any, schema: dict[str, Any]) -> str:
    # `{text: fever, cough}` reads as two keys: a comma inside braces splits.
    if value is None and not re.fullmatch(r"[a-z_]+", name):
        return "Inside `{...}` a comma separates entries: if the text before this one contains a comma, put that whole text in quotes."
    return _did_you_mean(name, schema)


def _did_you_mean(name: str, schema: dict[str, Any]) -> str:
    known = sorted(schema.get("properties", {}))
    lowered = {key.lower(): key for key in known}
    close = [lowered[name.lower()]] if name.lower() in lowered else difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"Did you mean `{close[0]}`?"
    return "Allowed here: " + ", ".join(f"`{key}`" for key in known) + "."


def _not_allowed(field: str, error: Any) -> tuple[str, str | None]:
    allowed = [error.validator_value] if error.validator == "const" else list(error.validator_value)
    shown = ", ".join(_yaml_flow(value) for value in allowed)
    message = f"`{field}` is {_show(error.instance)}; allowed: {shown}."
    if isinstance(error.instance, str):
        texts = [value for value in allowed if isinstance(value, str)]
        lowered = {value.lower(): value for value in texts}
        typed = error.instance.strip().lower().replace(" ", "_")
        starting = [value for value in texts if typed and value.lower().startswith(typed)]
        close = lowered.get(typed) or (starting[0] if len(starting) == 1 else None) or next(
            iter(difflib.get_close_matches(error.instance, texts, n=1, cutoff=0.6)), None
        )
        if close:
            return message, f"Did you mean `{close}`?"
    return message, None


_TYPE_NAMES = {
    "object": "a mapping (indented `key: value` lines, or `{key: value}`)",
    "array": "a list (lines starting with `- `, or `[a, b]`)",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "empty",
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty"


_QUANTITY_TEXT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(\S.*?)\s*$")


def _wrong_type(field: str, error: Any) -> tuple[str, str | None]:
    expected = error.validator_value
    expected = expected if isinstance(expected, list) else [expected]
    wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in expected)
    message = f"`{field}` must be {wanted}, not {_kind(error.instance)}."
    if error.instance is None:
        message = f"`{field}` is empty; it must be {wanted}."
    quantity = _QUANTITY_TEXT.match(error.instance) if isinstance(error.instance, str) else None
    if "object" in expected and quantity and "value" in error.schema.get("properties", {}):
        number, unit = quantity.groups()
        return message, f"Give the number and its unit apart: `{{value: {number.replace(',', '.')}, unit: {_yaml_flow(unit)}}}` (the unit in UCUM)."
    if "number" in expected and isinstance(error.instance, str) and quantity:
        return message, f"Write the number alone (`{quantity.group(1)}`) and put the unit in `unit`."
    return message, _example_hint(error.schema)


def _only_type_errors(error: Any) -> bool:
    """Whether every branch of a oneOf failed on the kind of value alone."""
    return bool(error.context) and all(
        item.validator == "type" and item.absolute_path == error.absolute_path for item in error.context
    )


def _merged_type_error(error: Any) -> Any:
    """One type error that lists the kinds every branch would take."""
    from jsonschema.exceptions import ValidationError

    kinds: list[str] = []
    for item in error.context:
        for kind in item.validator_value if isinstance(item.validator_value, list) else [item.validator_value]:
            if kind not in kinds:
                kinds.append(kind)
    return ValidationError("", validator="type", validator_value=kinds, instance=error.instance, schema=error.schema)


def _wrong_size(field: str, error: Any) -> tuple[str, str | None]:
    keyword, limit = error.validator, error.validator_value
    if keyword in ("minLength", "minProperties") or (keyword == "minItems" and limit == 1):
        return f"`{field}` is empty.", "Fill it in, or remove it; for a CARE element the report lacks, write `status: not_reported` and a `reason`."
    noun = "entries" if keyword.endswith("Items") else "characters"
    bound = "at least" if keyword.startswith("min") else "at most"
    return f"`{field}` must have {bound} {limit} {noun}.", None


def _show(value: Any) -> str:
    return f"`{_yaml_flow(value)}`"
