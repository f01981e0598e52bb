"""The one record every stage reports through, and the helpers to make it.

A diagnostic's severity and category come from its code's entry in
:mod:`caseforge.codes`, so a code cannot be raised with the wrong ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Category(str, Enum):
    SYNTAX = "syntax"
    SCHEMA = "schema"
    UNITS = "units"
    DATES = "dates"
    CARE = "care"
    PRIVACY = "privacy"
    REFERENCES = "references"
    CONSISTENCY = "consistency"


@dataclass(frozen=True)
class Diagnostic:
    """One finding about one place in one file."""

    code: str
    severity: Severity
    category: Category
    file: str
    message: str
    hint: str | None = None
    pointer: str | None = None
    line: int | None = None
    column: int | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "code": self.code,
            "severity": self.severity.value,
            "category": self.category.value,
            "message": self.message,
            "hint": self.hint,
        }


def make(
    code: str,
    file: str,
    message: str,
    *,
    hint: str | None = None,
    pointer: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> Diagnostic:
    """A diagnostic for a registered code; its severity and category follow the code."""
    from caseforge.codes import CODES

    entry = CODES[code]
    return Diagnostic(
        code=code,
        severity=entry.severity,
        category=entry.category,
        file=file,
        message=message,
        hint=hint if hint is not None else entry.fix_hint,
        pointer=pointer,
        line=line,
        column=column,
    )
