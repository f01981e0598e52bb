"""Validation of files: find them, run each through the stages, collect reports.

Each file is independent (no state is shared between cases), so a large
batch is spread over worker processes; the order of the reports is always
the sorted order of the paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from caseforge.diagnostics import Diagnostic, Severity
from caseforge.source import Document, load

CASE_SUFFIXES = (".yaml", ".yml")
# Below this many files a process pool costs more to start than it saves.
_PARALLEL_FROM = 48


@dataclass
class FileReport:
    """What validation found in one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    readable: bool = True

    def count(self, severity: Severity) -> int:
        return sum(1 for item in self.diagnostics if item.severity is severity)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0


class NoCaseFiles(Exception):
    """A folder given to validate holds no case files."""


def find_case_files(paths: Iterable[str | Path]) -> list[str]:
    """Files to validate: files as given, folders searched for YAML files.

    A path that does not exist is kept, so that it is reported as unreadable
    rather than dropped.
    """
    found: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(
                str(item)
                for item in path.rglob("*")
                if item.suffix in CASE_SUFFIXES
                and item.is_file()
                and not any(part.startswith(".") for part in item.relative_to(path).parts)
            )
            if not inside:
                raise NoCaseFiles(str(path))
            found.extend(inside)
        else:
            found.append(str(path))
    return list(dict.fromkeys(found))


def validate_file(path: str) -> FileReport:
    """Every diagnostic for one case file, sorted by position."""
    document, problems = load(path)
    if document is None:
        readable = not any(item.code == "CF001" for item in problems)
        return FileReport(path, problems, readable)
    return FileReport(path, validate_document(document))


def validate_document(document: Document) -> list[Diagnostic]:
    """The stages after reading: structure, then the checks on a sound structure."""
    from caseforge import schema
    from caseforge.checks import run_all

    found = schema.check(document)
    if not found:
        found = run_all(document)
    return sorted(found, key=Diagnostic.sort_key)


def validate_files(paths: list[str], jobs: int | None = None) -> list[FileReport]:
    """Reports for many files, in the order given."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(paths) < _PARALLEL_FROM:
        return [validate_file(path) for path in paths]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(paths) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(validate_file, paths, chunksize=chunk))
