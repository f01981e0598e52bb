"""Reporters: the same reports as text for people, JSON for programs, GitHub
Actions annotations and SARIF for CI."""

from __future__ import annotations

import json
import os
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


# GitHub Actions workflow commands (`--format github`): each diagnostic
# becomes an annotation on the file and line of a pull request. The escaping
# is that of GitHub's actions/toolkit (command.ts): in the message `%`, CR
# and LF; in a property also `:` and `,`, which separate properties.

_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


def _plain_line(value: str) -> str:
    """A line printed as it is, kept on one line so that nothing in it
    (a file name with a line break, say) can be read as a command."""
    return value.replace("\r", "\\r").replace("\n", "\\n")


def _repository_path(path: str) -> str | None:
    """``path`` relative to the folder caseforge runs in, with ``/``, or
    None when it lies outside it (as SARIF and GitHub want paths: relative
    to the root of the checkout, which is where CI runs caseforge)."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive, on Windows
        return None
    relative = relative.replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        return None
    return relative


def github_annotation(item: Diagnostic) -> str:
    """One workflow command: ``::error file=P,line=L,col=C,endLine=L,title=CODE name::message``."""
    from caseforge.codes import CODES

    entry = CODES.get(item.code)
    properties = {"file": _repository_path(item.file) or item.file}
    if item.line is not None:
        properties["line"] = str(item.line)
        properties["col"] = str(item.column or 1)
        properties["endLine"] = str(item.line)
    properties["title"] = f"{item.code} {entry.name}" if entry is not None else item.code
    message = item.message + (f"\nhint: {item.hint}" if item.hint else "")
    listed = ",".join(f"{key}={_github_property(value)}" for key, value in properties.items())
    return f"::{_GITHUB_COMMANDS[item.severity]} {listed}::{_github_data(message)}"


def github(reports: Sequence[FileReport]) -> str:
    """Annotations for GitHub Actions, then the CARE lines and the summary as plain log lines."""
    lines = [github_annotation(item) for report in reports for item in report.diagnostics]
    lines.extend(_plain_line(f"{report.path}: {report.care.line()}") for report in reports if report.care is not None)
    lines.append(_plain_line(summary(reports)))
    return "\n".join(lines) + "\n"


# SARIF 2.1.0 (`--format sarif`), the format code-scanning services read
# (GitHub code scanning, GitLab, Azure DevOps, editors' SARIF viewers).

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# The base the relative `uri` of each file is resolved against: the folder
# caseforge ran in, the root of the checkout in CI.
SARIF_SRCROOT = "%SRCROOT%"

_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _sarif_artifact(path: str) -> dict[str, str]:
    """An artifactLocation: a relative, percent-encoded POSIX URI against
    %SRCROOT%, or an absolute file: URI for a file outside the folder."""
    from pathlib import Path
    from urllib.parse import quote

    relative = _repository_path(path)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": SARIF_SRCROOT}


def _sarif_rule(code: str) -> dict[str, object]:
    """The reportingDescriptor of a code, from its entry in caseforge.codes."""
    from caseforge.codes import CODES

    entry = CODES.get(code)
    if entry is None:
        return {"id": code}
    help_text = f"{entry.fix_hint}\n\nExample:\n{entry.example}\n\nFixed:\n{entry.fixed}"
    help_markdown = f"{entry.fix_hint}\n\nExample:\n\n```\n{entry.example}\n```\n\nFixed:\n\n```\n{entry.fixed}\n```"
    return {
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.summary},
        "fullDescription": {"text": entry.explanation},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _SARIF_LEVELS[entry.severity]},
        "properties": {"category": entry.category.value, "tags": [entry.category.value]},
    }


def _sarif_result(item: Diagnostic, rule_index: int) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": _sarif_artifact(item.file)}
    if item.line is not None:
        physical["region"] = {"startLine": item.line, "startColumn": item.column or 1}
    properties: dict[str, object] = {"category": item.category.value}
    if item.pointer is not None:
        properties["pointer"] = item.pointer
    return {
        "ruleId": item.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[item.severity],
        "message": {"text": item.message + (f"\nhint: {item.hint}" if item.hint else "")},
        "locations": [{"physicalLocation": physical}],
        "properties": properties,
    }


def sarif_document(reports: Sequence[FileReport]) -> dict[str, object]:
    """The SARIF log as a dictionary: one run, a rule for each code that has
    a result (in code order), a result for each diagnostic."""
    every = [item for report in reports for item in report.diagnostics]
    codes = sorted({item.code for item in every})
    index = {code: position for position, code in enumerate(codes)}
    run: dict[str, object] = {
        "tool": {"driver": {"name": "caseforge", "version": __version__, "rules": [_sarif_rule(code) for code in codes]}},
        "invocations": [{"executionSuccessful": all(report.readable for report in reports)}],
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(item, index[item.code]) for item in every],
        "properties": {
            "care": {report.path: report.care.as_dict() for report in reports if report.care is not None},
            "summary": summary(reports),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def as_sarif(reports: Sequence[FileReport]) -> str:
    """The SARIF 2.1.0 log described in caseforge/data/docs/output-formats.md."""
    return json.dumps(sarif_document(reports), indent=2, ensure_ascii=False) + "\n"
