"""The checks that run after the structure check, one module per family.

A check is a function from a document that passed the schema to the
diagnostics it finds, registered with :func:`check`. Adding a check is
adding a function (and its codes in :mod:`caseforge.codes`); nothing else
changes. Checks never raise on odd data: the schema has already vouched
for its shape.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from caseforge.diagnostics import Diagnostic, make
from caseforge.source import Document, escape_pointer_token

Check = Callable[[Document], Iterable[Diagnostic]]

REGISTRY: list[Check] = []


def check(function: Check) -> Check:
    """Register a check; it runs on every document that passed the schema."""
    REGISTRY.append(function)
    return function


def run_all(document: Document) -> Iterator[Diagnostic]:
    """Every registered check's diagnostics for one document, lazily."""
    from caseforge.checks import care, dates, references, timecourse, units  # noqa: F401  (registers their checks)

    for function in REGISTRY:
        yield from function(document)


_walked: tuple[Document | None, list[tuple[str, Any]], list[tuple[str, dict[str, Any]]]] = (None, [], [])


def values(document: Document) -> list[tuple[str, Any]]:
    """Every value in the document's data with its JSON pointer, in file order.

    Several checks need the whole walk; it is done once per document.
    """
    return _walk(document)[1]


def mappings(document: Document) -> list[tuple[str, dict[str, Any]]]:
    """Every mapping in the document with its JSON pointer, in file order."""
    return _walk(document)[2]


def _walk(document: Document) -> tuple[Document | None, list[tuple[str, Any]], list[tuple[str, dict[str, Any]]]]:
    global _walked
    if _walked[0] is not document:
        found: list[tuple[str, Any]] = []
        stack: list[tuple[str, Any]] = [("", document.data)]
        while stack:
            pointer, node = stack.pop()
            found.append((pointer, node))
            if isinstance(node, dict):
                stack.extend((f"{pointer}/{escape_pointer_token(key)}", value) for key, value in reversed(node.items()))
            elif isinstance(node, list):
                stack.extend((f"{pointer}/{index}", value) for index, value in reversed(list(enumerate(node))))
        _walked = (document, found, [(pointer, node) for pointer, node in found if isinstance(node, dict)])
    return _walked


def located(document: Document, code: str, pointer: str, message: str, hint: str | None) -> Diagnostic:
    """A diagnostic at the place in the file where ``pointer``'s value is written."""
    line, column = document.position(pointer)
    return make(code, document.path, message, hint=hint, pointer=pointer, line=line, column=column)
