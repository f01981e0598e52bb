"""References between entries: ids are unique, and every reference resolves.

Which fields hold references is read from the schema (every property whose
schema is ``#/$defs/ref`` or ``#/$defs/refs``), so a new reference field in
the format is checked without touching this module; a test makes sure no
such name is used elsewhere for anything else. Citations written in text as
``[@id]`` must name an entry of ``references``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Iterator

from caseforge.checks import check, located, mappings, values
from caseforge.diagnostics import Diagnostic
from caseforge.schema import declared_properties
from caseforge.source import Document
from caseforge.suggest import closest

REFERENCE_DEFINITIONS = ("#/$defs/ref", "#/$defs/refs")
# `[@smith2020]`, `[@smith2020; @jones2021, p. 4]`: the Pandoc citation form.
_CITATION_GROUP = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
_CITED_ID = re.compile(r"@([a-z0-9][a-z0-9._-]*)")


@cache
def reference_fields() -> frozenset[str]:
    """Names of the properties that hold ids of other entries."""
    return frozenset(name for name, prop in declared_properties() if prop.get("$ref") in REFERENCE_DEFINITIONS)


@check
def ids_and_references(document: Document) -> Iterator[Diagnostic]:
    entries = mappings(document)
    ids: dict[str, str] = {}
    for pointer, mapping in entries:
        identifier = mapping.get("id")
        if not isinstance(identifier, str):
            continue
        if identifier in ids:
            first_line = document.position(ids[identifier])[0]
            yield located(document, "CF701", f"{pointer}/id", f"The id `{identifier}` is already used on line {first_line}.", "Give this entry another id, and update the references that meant it.")
        else:
            ids[identifier] = f"{pointer}/id"
    yield from _references(document, entries, ids)
    yield from _citations(document, values(document))


def _references(document: Document, entries: list[tuple[str, dict[str, Any]]], ids: dict[str, str]) -> Iterator[Diagnostic]:
    fields = reference_fields()
    by_pointer = dict(entries)
    for pointer, mapping in entries:
        owner = _owner_id(pointer, mapping, by_pointer)
        for name in fields.intersection(mapping):
            value = mapping[name]
            targets = [(f"{pointer}/{name}", value)] if isinstance(value, str) else [
                (f"{pointer}/{name}/{index}", item) for index, item in enumerate(value)
            ]
            for where, target in targets:
                if target not in ids:
                    yield located(document, "CF702", where, f"`{name}` refers to `{target}`, but no entry has that id.", _closest_hint(target, ids))
                elif target == owner:
                    yield located(document, "CF703", where, f"`{name}` refers to `{target}`, the entry it is written in.", "Name the other entry this one is related to.")


def _owner_id(pointer: str, mapping: dict[str, Any], by_pointer: dict[str, dict[str, Any]]) -> str | None:
    """The id of the entry a mapping belongs to: its own, or that of the entry
    holding it (a time inside an event belongs to the event)."""
    owner = mapping.get("id")
    if owner is None:
        owner = by_pointer.get(pointer.rsplit("/", 1)[0], {}).get("id")
    return owner if isinstance(owner, str) else None


def _citations(document: Document, every: list[tuple[str, Any]]) -> Iterator[Diagnostic]:
    references = _reference_ids(document.data)
    for pointer, value in every:
        if not isinstance(value, str) or "@" not in value:
            continue
        for group in _CITATION_GROUP.findall(value):
            for cited in _CITED_ID.findall(group):
                if cited not in references:
                    yield located(document, "CF702", pointer, f"The text cites `[@{cited}]`, but `references` has no entry with that id.", _closest_hint(cited, references))


def _reference_ids(data: dict[str, Any]) -> dict[str, str]:
    """Ids of the entries of `references`, which text may cite."""
    entries = data.get("references", []) if isinstance(data, dict) else []
    return {entry["id"]: "" for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)}


def _closest_hint(target: str, ids: dict[str, str]) -> str:
    close = closest(target, ids)
    if close:
        return f"Did you mean `{close}`?"
    return "Use the id of an existing entry, or give the entry meant an `id`."
