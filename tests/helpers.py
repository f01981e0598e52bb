"""Small helpers shared by the tests: run the real command, write case files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from caseforge import schema
from caseforge.diagnostics import Diagnostic
from caseforge.source import loads
from caseforge.validate import validate_document

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "cases"

# The minimal valid case, one top-level section per entry, seven lines:
#   1 title: ...
#   2 patient:
#   3   age: {value: 62, unit: a}
#   4   sex: female
#   5 consent:
#   6   status: obtained
#   7   given_by: patient
MINIMAL_SECTIONS = {
    "title": "title: A case report of cytokine release syndrome",
    "patient": "patient:\n  age: {value: 62, unit: a}\n  sex: female",
    "consent": "consent:\n  status: obtained\n  given_by: patient",
}
MINIMAL_CASE = "\n".join(MINIMAL_SECTIONS.values()) + "\n"

# A small invented case that meets every CARE 2016 element, with no diagnostic at all.
COMPLETE_CASE_FILE = REPO / "tests" / "data" / "complete-case.yaml"
COMPLETE_CASE = COMPLETE_CASE_FILE.read_text(encoding="utf-8")


def case_text(extra: str = "", **sections: str | None) -> str:
    """The minimal case, with sections replaced (``None`` drops one) and
    ``extra`` (dedented) appended, so that it starts on line 8."""
    merged = {**MINIMAL_SECTIONS, **sections}
    text = "\n".join(body for body in merged.values() if body is not None) + "\n"
    return text + textwrap.dedent(extra).lstrip("\n")


def diagnose(text: str) -> list[Diagnostic]:
    """Every diagnostic for a case given as YAML text."""
    document, problems = loads(text.encode("utf-8"), "case.yaml")
    assert document is not None, f"the YAML itself did not read: {problems}"
    return validate_document(document)


def show(found: list[Diagnostic]) -> str:
    return "\n".join(
        f"  {d.code} {d.line}:{d.column} {d.pointer} | {d.message} | hint: {d.hint}" for d in found
    ) or "  (nothing)"


def only(text: str) -> Diagnostic:
    """The single diagnostic a case produces (fails if there are more or none)."""
    found = diagnose(text)
    assert len(found) == 1, "expected exactly one diagnostic, got:\n" + show(found)
    return found[0]


def assert_at(found: Diagnostic, code: str, line: int, column: int, pointer: str) -> None:
    got = (found.code, found.line, found.column, found.pointer)
    assert got == (code, line, column, pointer), show([found])


def validators_agree(text: str) -> bool:
    """Whether the fast validator and python-jsonschema agree on a case."""
    document, problems = loads(text.encode("utf-8"), "case.yaml")
    assert document is not None, problems
    fast = schema._fast_validator().is_valid(document.data)
    return fast == (not list(schema._full_validator().iter_errors(document.data)))


def run_caseforge(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`caseforge ARGS` in a new process, as a user or a hook runs it."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "caseforge", *args],
        cwd=cwd or REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
