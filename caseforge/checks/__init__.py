"""The checks that run after the structure check, one module per family.

A check is a function from a document that passed the schema to the
diagnostics it finds, registered with :func:`check`. Adding a check is
adding a function (and its codes in :mod:`caseforge.codes`); nothing else
changes. Checks never raise on odd data: the schema has already vouched
for its shape.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from caseforge.diagnostics import Diagnostic
from caseforge.source import Document

Check = Callable[[Document], Iterable[Diagnostic]]

REGISTRY: list[Check] = []


def check(function: Check) -> Check:
    """Register a check; it runs on every document that passed the schema."""
    REGISTRY.append(function)
    return function


def run_all(document: Document) -> Iterator[Diagnostic]:
    """Every registered check's diagnostics for one document, lazily."""
    from caseforge.checks import references, units  # noqa: F401  (registers their checks)

    for function in REGISTRY:
        yield from function(document)
