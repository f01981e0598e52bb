"""References between entries: ids are unique, and every reference resolves.

Which fields hold references is read from the schema (every property whose
schema is ``#/$defs/ref`` or ``#/$defs/refs``), so a new reference field in
the format is checked without touching this module.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any, Iterator

from caseforge.checks import check
from caseforge.diagnostics import Diagnostic, make
from caseforge.schema import case_schema
from caseforge.source import Document, escape_pointer_token


@cache
def reference_fields() -> frozenset[str]:
    """Names of the properties that hold ids of other entries."""
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if isinstance(prop, dict) and prop.get("$ref") in ("#/$defs/ref", "#/$defs/refs"):
                    names.add(name)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(case_schema())
    return frozenset(names)


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the data with its pointer, in file order."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{escape_pointer_token(key)}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


@check
def ids_and_references(document: Document) -> list[Diagnostic]:
    ids: dict[str, str] = {}
    found: list[Diagnostic] = []
    mappings = list(_walk(document.data))
    for pointer, mapping in mappings:
        identifier = mapping.get("id")
        if not isinstance(identifier, str):
            continue
        where = f"{pointer}/id"
        if identifier in ids:
            first_line = document.position(ids[identifier])[0]
            found.append(_at(document, "CF701", where, f"The id `{identifier}` is already used on line {first_line}.", "Give this entry another id, and update the references that meant it."))
        else:
            ids[identifier] = where
    fields = reference_fields()
    for pointer, mapping in mappings:
        for name in fields.intersection(mapping):
            value = mapping[name]
            targets = [(f"{pointer}/{name}", value)] if isinstance(value, str) else [
                (f"{pointer}/{name}/{index}", item) for index, item in enumerate(value)
            ]
            for where, target in targets:
                if target not in ids:
                    found.append(_at(document, "CF702", where, f"`{name}` refers to `{target}`, but no entry has that id.", _closest(target, ids)))
    return found


def _closest(target: str, ids: dict[str, str]) -> str:
    close = difflib.get_close_matches(target, list(ids), n=1, cutoff=0.6)
    if close:
        return f"Did you mean `{close[0]}`?"
    return "Use the id of an existing entry, or give the entry meant an `id`."


def _at(document: Document, code: str, pointer: str, message: str, hint: str) -> Diagnostic:
    line, column = document.position(pointer)
    return make(code, document.path, message, hint=hint, pointer=pointer, line=line, column=column)
