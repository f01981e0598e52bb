"""The structure check: a case against the JSON Schema, worded for clinicians.

Valid files are the common case and take the fast path: jsonschema-rs, a
compiled validator, answers yes or no in well under a millisecond. Only a
file that fails is checked again with the reference implementation
(python-jsonschema), whose errors carry everything needed to explain them,
and the alternative of a ``oneOf`` that the author evidently meant is the one
explained.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any, Iterable, Iterator

from caseforge.diagnostics import Diagnostic, make
from caseforge.suggest import closest
from caseforge.source import Document, escape_pointer_token

SCHEMA_ID = "https://caseforge.dev/schema/case/v1.json"


@cache
def case_schema() -> dict[str, Any]:
    """The case format's JSON Schema, as shipped inside the package."""
    text = files("caseforge").joinpath("data", "case.schema.json").read_text("utf-8")
    return json.loads(text)


def declared_properties(node: Any = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property the schema declares, anywhere in it, as (name, schema)."""
    node = case_schema() if node is None else node
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            yield name, prop
        for value in node.values():
            yield from declared_properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from declared_properties(value)


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(case_schema())


@cache
def _full_validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(case_schema())


def check(document: Document) -> Iterator[Diagnostic]:
    """Diagnostics for every way the document breaks the case format, lazily:
    the caller stops reading when it has enough."""
    if _fast_validator().is_valid(document.data):
        return
    seen: set[tuple[object, ...]] = set()
    for error in _full_validator().iter_errors(document.data):
        for item in _explain(error, document):
            key = (item.code, item.pointer, item.message)
            if key not in seen:
                seen.add(key)
                yield item
    if not seen:  # the two validators disagree: still never pass silently
        message = next(iter(_fast_validator().iter_errors(document.data))).message
        yield make("CF299", document.path, message, line=1, column=1)


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + escape_pointer_token(str(part)) for part in parts)


def where(parts: Iterable[Any]) -> str:
    """A path as an author reads it: `` `timeline[3].time` ``, or "the case"."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"`{text}`" if text else "the case"


def _explain(error: Any, document: Document) -> Iterator[Diagnostic]:
    parts = list(error.absolute_path)
    pointer = _pointer(parts)
    field = where(parts)
    keyword = error.validator

    def diag(code: str, message: str, hint: str | None = None, at: str | None = None) -> Diagnostic:
        line, column = document.position(pointer) if at is None else document.key_position(at)
        return make(code, document.path, message, hint=hint, pointer=pointer if at is None else at, line=line, column=column)

    if keyword in ("oneOf", "anyOf"):
        branch, claimed = _meant_branch(error)
        if branch is not None:
            for inner in branch:
                yield from _explain(inner, document)
            return
        kinds = _merged_type_error(error)
        if kinds is not None and not claimed:
            yield diag("CF203", *_wrong_type(field, kinds, _located(error)[0]))
        else:
            yield diag("CF299", f"{_capital(field)} mixes the forms this field can take; write exactly one of them.", _forms_hint(error))
    elif keyword == "required":
        yield from (
            diag("CF201", f"{_capital(field)} is missing `{name}`.", _about(error.schema, name), at=pointer)
            for name in error.validator_value
            if isinstance(error.instance, dict) and name not in error.instance
        )
    elif keyword == "additionalProperties":
        yield from (
            diag("CF202", f"`{name}` is not a field of {field}.", _unknown_hint(name, error.instance[name], error.schema), at=f"{pointer}/{escape_pointer_token(name)}")
            for name in error.instance
            if name not in error.schema.get("properties", {})
        )
    elif keyword == "dependentRequired":
        yield from (
            diag("CF208", f"{_capital(field)} has `{have}` but not `{need}`.", _about(error.schema, need))
            for have, needs in error.validator_value.items()
            if have in error.instance
            for need in needs
            if need not in error.instance
        )
    elif keyword in ("enum", "const"):
        yield diag("CF204", *_not_allowed(field, error))
    elif keyword == "type":
        yield diag("CF203", *_wrong_type(field, error, _located(error)[0]))
    elif keyword == "pattern" and error.validator_value == _VISIBLE:
        if error.instance:  # an empty text is reported by minLength already
            yield diag("CF206", f"{_capital(field)} holds only spaces.", "Write the text, or leave the field out if it is optional.")
    elif keyword == "pattern":
        yield diag("CF205", f"{_capital(field)}: {_show(error.instance)} is not {_noun(error.schema)}.", _pattern_hint(error))
    elif keyword in ("minLength", "minItems", "minProperties", "maxItems", "maxLength"):
        yield diag("CF206", *_wrong_size(field, error))
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        yield diag("CF207", *_out_of_range(field, error))
    else:
        yield diag("CF299", f"{_capital(field)}: {error.message}.")


# The schema's pattern for text that must have something visible in it.
_VISIBLE = "\\S"


def _forms_hint(error: Any) -> str | None:
    examples = _chain_get(_located(error)[0], "examples") or []
    shown = [f"`{_yaml_flow(example)}`" for example in examples]
    return ("Write one of: " + "; or ".join(shown) + ".") if shown else None


def _capital(field: str) -> str:
    return field[0].upper() + field[1:] if field == "the case" else field


def _meant_branch(error: Any) -> tuple[list[Any] | None, int]:
    """The errors of the one alternative of a oneOf the author evidently meant.

    An alternative is out when the value is not even of its kind (text where
    it takes a mapping). Of mappings, only an alternative that knows at least
    one of the keys written is meant. Returns that alternative's errors (None
    when that leaves no single one) and how many alternatives were in the running.
    """
    branches: dict[int, list[Any]] = {}
    for item in error.context:
        branches.setdefault(item.relative_schema_path[0], []).append(item)
    candidates = [
        index
        for index, errors in branches.items()
        if not any(item.validator == "type" and item.absolute_path == error.absolute_path for item in errors)
    ]
    if isinstance(error.instance, dict):
        candidates = [
            index for index in candidates if set(error.instance) & set(_chain_get(error.validator_value[index], "properties") or {})
        ]
    running = len(candidates)
    if len(candidates) > 1:
        # Several alternatives know the keys written: the one with the
        # fewest complaints is meant, if one has fewer than all others.
        fewest = min(len(branches[index]) for index in candidates)
        candidates = [index for index in candidates if len(branches[index]) == fewest]
    return (branches[candidates[0]] if len(candidates) == 1 else None), running


@cache
def _definitions_by_identity() -> dict[int, str]:
    return {id(schema): name for name, schema in case_schema()["$defs"].items()}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow one local ``$ref`` to its definition."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return case_schema()["$defs"][ref[len("#/$defs/") :]]
    return schema


def _chain(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema and the definitions its ``$ref``s lead to, outermost first."""
    chain = [schema]
    while "$ref" in chain[-1] and len(chain) < 8:
        chain.append(_resolve(chain[-1]))
    return chain


def _chain_get(schema: dict[str, Any], key: str) -> Any:
    """The outermost value of ``key`` along the schema's chain of references."""
    return next((node[key] for node in _chain(schema) if key in node), None)


def _located(error: Any) -> tuple[dict[str, Any], dict[str, Any] | None, str | None]:
    """The schema of the value at fault as its field declares it (with the
    field's own description and examples), its parent object's schema, and
    the field's name. jsonschema's paths skip ``$ref`` hops; they are
    followed here wherever a step is not found."""
    node: dict[str, Any] = case_schema()
    outer, parent, name = node, None, None
    steps = list(error.absolute_schema_path)[:-1]
    index = 0
    while index < len(steps):
        step = steps[index]
        while step not in node and "$ref" in node:
            node = _resolve(node)
        if step == "properties":
            parent, name = node, steps[index + 1]
            node = outer = node["properties"][name]
            index += 2
        elif step in ("oneOf", "anyOf", "allOf", "prefixItems"):
            node = node[step][steps[index + 1]]
            index += 2
        elif step == "items":
            node = outer = node["items"]
            parent, name = None, None
            index += 1
        else:
            return outer, parent, name
    return outer, parent, name


def _first_sentence(text: str) -> str:
    """The first sentence of a description, with its CARE item moved to the end."""
    care = re.match(r"(CARE \d+[a-d]?)\.\s*(.*)", text, re.S)
    if care:
        text = care.group(2)
    match = re.match(r"(.+?[.!?])(\s|$)", text, re.S)
    sentence = (match.group(1) if match else text).strip()
    return f"{sentence} ({care.group(1)})" if care and sentence else sentence


def _about(parent_schema: dict[str, Any], name: str) -> str | None:
    prop = _chain_get(parent_schema, "properties").get(name)
    if prop is None:
        return None
    text = _first_sentence(_chain_get(prop, "description") or "")
    example = _example(prop)
    if example is not None:
        text = f"{text} Example: `{name}: {example}`".strip()
    return text or None


def _example(schema: dict[str, Any]) -> str | None:
    examples = _chain_get(schema, "examples")
    return _yaml_flow(examples[0]) if examples else None


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
    text = error.instance
    rewrites = [
        ("Write it in lower case", text.lower().replace(" ", "-")),
        ("Leave out the address part", re.sub(r"^(https?://)?(dx\.)?doi\.org/|^doi:\s*", "", text, flags=re.I)),
    ]
    for advice, candidate in rewrites:
        if candidate != text and re.search(error.validator_value, candidate):
            return f"{advice}: `{candidate}`."
    return _example_hint(_located(error)[0])


def _definition_names(schema: dict[str, Any]) -> set[str]:
    names = _definitions_by_identity()
    return {names[id(node)] for node in _chain(schema) if id(node) in names}


_NOUNS = {
    "date": "an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)",
    "duration": "an ISO 8601 duration (P3D, P2W, P2M, P1Y)",
    "id": "a valid id (lower-case letters, digits, '-', '_' or '.')",
    "ref": "a valid id (lower-case letters, digits, '-', '_' or '.')",
    "doi": "a DOI (10.xxxx/...)",
    "pmid": "a PubMed id (digits only)",
}


def _noun(schema: dict[str, Any]) -> str:
    known = [_NOUNS[name] for name in _definition_names(schema) if name in _NOUNS]
    return known[0] if known else "in the required form"


def _unknown_hint(name: str, value: Any, schema: dict[str, Any]) -> str:
    known = sorted(schema.get("properties", {}))
    if name == "<<":
        return "YAML merge keys (`<<`) are not supported in case files: write the fields out."
    homes = _field_homes().get(name)
    if homes:
        return f"`{name}` belongs under {' or '.join(homes)}; move it there."
    close = closest(name, known)
    if close:
        return f"Did you mean `{close}`?"
    # `{text: fever, cough}` reads as two keys: a comma inside braces splits.
    if value is None:
        return "Inside `{...}` a comma separates entries: if the text before this one contains a comma, put that whole text in quotes."
    return "Allowed here: " + ", ".join(f"`{key}`" for key in known) + "."


@cache
def _field_homes() -> dict[str, list[str]]:
    """For each field of the format, where it is written (``follow_up``,
    ``the top level``), to tell an author where a misplaced key belongs."""
    homes: dict[str, list[str]] = {}

    def visit(schema: dict[str, Any], where: str, seen: frozenset[int]) -> None:
        for node in _chain(schema):
            if id(node) in seen:
                return
            seen = seen | {id(node)}
            for name, prop in node.get("properties", {}).items():
                place = f"`{where}`" if where else "the top level"
                if place not in homes.setdefault(name, []):
                    homes[name].append(place)
                visit(prop, f"{where}.{name}" if where else name, seen)
            for key in ("items",):
                if isinstance(node.get(key), dict):
                    visit(node[key], f"{where}[]", seen)
            for alternative in node.get("oneOf", []):
                visit(alternative, where, seen)

    visit(case_schema(), "", frozenset())
    # Only fields with one or two homes make a useful hint.
    return {name: places for name, places in homes.items() if len(places) <= 2}


def _not_allowed(field: str, error: Any) -> tuple[str, str | None]:
    allowed = [error.validator_value] if error.validator == "const" else list(error.validator_value)
    shown = ", ".join(_yaml_flow(value) for value in allowed)
    written = "empty" if error.instance is None else _show(error.instance)
    message = f"{_capital(field)} is {written}; allowed: {shown}."
    if isinstance(error.instance, str):
        close = closest(error.instance, [value for value in allowed if isinstance(value, str)])
        if close:
            return message, f"Did you mean `{close}`?"
    if error.validator == "const":
        return message, _first_sentence(_chain_get(_located(error)[0], "description") or "") or None
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


# "62 years", "35 mmHg", "35": a number, then perhaps a unit.
# A comma is never read as a decimal point: "1,000" may be a thousand.
_QUANTITY_TEXT = re.compile(r"^\s*([-+]?[0-9]+(?:\.[0-9]+)?)(?:\s*((?:[^\W\d_]|[%°µ\[/*]).*?))?\s*$")
_FLOAT_LITERAL = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+")
# Time units are the ones authors write as words in ages and durations.
_TIME_WORDS = {
    "a": ("year", "years", "yr", "yrs", "y", "yo", "year-old", "years-old"),
    "mo": ("month", "months", "mth", "mths", "mon"),
    "wk": ("week", "weeks", "wks", "w"),
    "d": ("day", "days"),
    "h": ("hour", "hours", "hr", "hrs"),
    "min": ("minute", "minutes", "mins"),
}
_UCUM_TIME = {word: code for code, words in _TIME_WORDS.items() for word in words}


def _wrong_type(field: str, error: Any, declared: dict[str, Any] | None = None) -> tuple[str, str | None]:
    expected = error.validator_value
    expected = expected if isinstance(expected, list) else [expected]
    wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in expected)
    message = f"{_capital(field)} must be {wanted}, not {_kind(error.instance)}."
    if error.instance is None:
        message = f"{_capital(field)} is empty; it must be {wanted}."
    quantity = _QUANTITY_TEXT.match(error.instance) if isinstance(error.instance, str) else None
    if quantity and _FLOAT_LITERAL.fullmatch(error.instance):
        return message, "This number is too large for any measure; write the value exactly as published."
    if quantity:
        number, unit = quantity.groups()
        if "object" in expected and "value" in (_chain_get(error.schema, "properties") or {}):
            code = _UCUM_TIME.get(re.sub(r"[\s-]*old$", "", (unit or "").lower()).rstrip("."))
            shown = code or (_yaml_flow(unit) if unit else "...")
            note = f" ({unit} in UCUM is `{code}`)" if code else " (the unit in UCUM)"
            return message, f"Give the number and its unit apart: `{{value: {number}, unit: {shown}}}`{note}."
        if {"number", "integer"} & set(expected):
            if unit:
                return message, f"Write the number alone (`{number}`) and put the unit in `unit`."
            return message, f"Write the number without quotes: `{number}`."
    return message, _example_hint(declared or error.schema)


def _merged_type_error(error: Any) -> Any:
    """One type error listing the kinds of value the oneOf's alternatives
    take, for a value that none of them knows (None if kind is not the issue)."""
    from jsonschema.exceptions import ValidationError

    kinds: list[str] = []
    for item in error.context:
        if item.validator == "type" and item.absolute_path == error.absolute_path:
            value = item.validator_value
            kinds.extend(kind for kind in (value if isinstance(value, list) else [value]) if kind not in kinds)
    if not kinds:
        return None
    return ValidationError("", validator="type", validator_value=kinds, instance=error.instance, schema=error.schema)


def _wrong_size(field: str, error: Any) -> tuple[str, str | None]:
    keyword, limit = error.validator, error.validator_value
    if keyword in ("minLength", "minProperties") or (keyword == "minItems" and limit == 1):
        declared, parent, name = _located(error)
        if parent is not None and name in (_chain_get(parent, "required") or []):
            return f"{_capital(field)} is empty.", "This field is required: write it."
        if _definition_names(declared) & {"element", "narrative"}:
            return f"{_capital(field)} is empty.", "Write it; or, if the report does not give it, write `status: not_reported` with a `reason`."
        return f"{_capital(field)} is empty.", "Write it, or leave the field out."
    noun = "entries" if keyword.endswith("Items") else "characters"
    bound = "at least" if keyword.startswith("min") else "at most"
    return f"{_capital(field)} must have {bound} {limit} {noun}.", None


def _out_of_range(field: str, error: Any) -> tuple[str, str | None]:
    if "date" in _definition_names(error.schema) and isinstance(error.instance, int):
        return (
            f"{_capital(field)} is {_show(error.instance)}: a number alone here is read as a year.",
            f"For a day counted from an event, write `{{day: {error.instance}, of: <event id>}}`; a year has four digits (2021).",
        )
    bound = "at least" if error.validator in ("minimum", "exclusiveMinimum") else "at most"
    return f"{_capital(field)} is {_show(error.instance)}, but must be {bound} {error.validator_value}.", None


def _show(value: Any) -> str:
    return f"`{_yaml_flow(value)}`"
