"""Reporters: the same reports as text for people, JSON for programs."""

from __future__ import annotations

import json
from typing import Sequence

from caseforge import __version__
from caseforge.diagnostics import Diagnostic, Severity
from caseforge.validate import FileReport

JSON_FORMAT_VERSION = 1

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "34"}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_diagnostic(item: Diagnostic, colour: bool = False) -> str:
    """``path:line:col: severity CODE message``, and the hint on the next line."""
    place = item.file
    if item.line is not None:
        place += f":{item.line}:{item.column or 1}"
    head = (
        f"{_paint(place, '1', colour)}: "
        f"{_paint(item.severity.value, _COLOURS[item.severity], colour)} "
        f"{_paint(item.code, '1', colour)} {item.message}"
    )
    if item.hint:
        head += f"\n    {_paint('hint:', '2', colour)} {item.hint}"
    return head


def summary(reports: Sequence[FileReport]) -> str:
    """One closing line: how many files, how many findings."""
    errors = sum(report.count(Severity.ERROR) for report in reports)
    warnings = sum(report.count(Severity.WARNING) for report in reports)
    infos = sum(report.count(Severity.INFO) for report in reports)
    unreadable = sum(1 for report in reports if not report.readable)
    checked = f"Checked {_plural(len(reports) - unreadable, 'file')}"
    if unreadable:
        checked += f" ({_plural(unreadable, 'path')} could not be read)"
    if not (errors or warnings or infos):
        return f"{checked}: no problems found."
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(_plural(infos, "note"))
    failing = sum(1 for report in reports if report.has_errors and report.readable)
    where = f" in {_plural(failing, 'file')}" if failing else ""
    return f"{checked}: {', '.join(parts)}{where}."


def text(reports: Sequence[FileReport], colour: bool = False) -> str:
    lines = [format_diagnostic(item, colour) for report in reports for item in report.diagnostics]
    lines.extend(f"{report.path}: {report.care.line()}" for report in reports if report.care is not None)
    lines.append(summary(reports))
    return "\n".join(lines) + "\n"


def _counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    return {severity.value: sum(1 for item in diagnostics if item.severity is severity) for severity in Severity}


def as_json(reports: Sequence[FileReport]) -> str:
    """The stable JSON document described in caseforge/data/docs/output-formats.md."""
    every = [item for report in reports for item in report.diagnostics]
    document = {
        "tool": "caseforge",
        "version": __version__,
        "format": JSON_FORMAT_VERSION,
        "files": [
            {
                "path": report.path,
                "readable": report.readable,
                "valid": not report.has_errors,
                "counts": _counts(report.diagnostics),
                "care": report.care.as_dict() if report.care is not None else None,
                "diagnostics": [item.as_dict() for item in report.diagnostics],
            }
            for report in reports
        ],
        "counts": {
            "files": len(reports),
            "files_with_errors": sum(1 for report in reports if report.has_errors),
            **_counts(every),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
